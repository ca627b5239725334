{{ config(materialized='view') }}
-- Every in-scope agency x every report year in coverage scope, with the report found (if any);
-- an agency found in documents is covered for its own years (int_agencies.coverage_*_year)
with agencies as (select * from {{ ref('int_agencies') }} where in_scope),
years as (select * from {{ ref('int_year_spine') }} where in_coverage_scope),
reports as (select * from {{ ref('int_reports__canonical') }})
select
    a.agency_id,
    y.report_year,
    a.kind                                          as agency_kind,
    a.is_catalogued,
    y.is_department_deadline_passed,
    r.report_id,
    r.document_id,
    r.parse_status,
    r.n_documents,
    r.published_on,
    coalesce(r.read_by = 'ocr', false)              as is_read_by_ocr,
    case when r.report_id is null then 'missing'
         when r.parse_status = 'parsed' then 'found'
         else 'unparseable' end                     as status
from agencies a
join years y
  on (a.coverage_first_year is null or y.report_year >= a.coverage_first_year)
 and (a.coverage_last_year is null or y.report_year <= a.coverage_last_year)
left join reports r on r.agency_id = a.agency_id and r.report_year = y.report_year
