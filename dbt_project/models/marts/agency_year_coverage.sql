-- Every configured agency x every report year in scope: found / missing / unparseable
select
    cast(c.agency_id as varchar)                as agency_id,
    cast(c.report_year as integer)              as report_year,
    cast(c.status as varchar)                   as status,
    cast(c.report_id as varchar)                as report_id,
    cast(c.document_id as varchar)              as document_id,
    cast(c.parse_status as varchar)             as parse_status,
    cast(coalesce(c.n_documents, 0) as integer) as n_documents,
    cast(c.agency_kind as varchar)              as agency_kind,
    cast(case when c.agency_kind = 'government' then y.government_deadline else y.publication_deadline end as date) as deadline,
    cast(c.is_department_deadline_passed as boolean) as is_deadline_passed,
    cast(c.published_on as date)                as published_on,
    cast(c.is_catalogued as boolean)            as is_catalogued,
    cast(c.is_read_by_ocr as boolean)           as is_read_by_ocr
from {{ ref('int_agency_years') }} c
left join {{ ref('dim_year') }} y using (report_year)
