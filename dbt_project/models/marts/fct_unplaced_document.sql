-- Documents that hold (or may hold) a report but belong to no report of the warehouse, because no
-- report year could be established: kept visible here with the reason, never dropped silently.
select
    cast(document_id as varchar)        as document_id,
    cast(agency_id as varchar)          as agency_id,
    cast(source_id as varchar)          as source_id,
    cast(url as varchar)                as url,
    cast(title as varchar)              as title,
    cast(source_format as varchar)      as source_format,
    cast(parse_status as varchar)       as parse_status,
    cast(content_sha256 as varchar)     as content_sha256,
    cast(case when report_year is null then 'no_report_year' else 'other' end as varchar) as reason,
    cast(last_fetched_at as timestamp)  as last_fetched_at
from {{ ref('int_report_documents') }}
where is_latest_version and parse_status <> 'not_a_report' and report_id is null
