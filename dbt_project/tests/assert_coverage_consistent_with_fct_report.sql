{{ config(meta={'dagster': {'ref': {'name': 'agency_year_coverage'}}}) }}
-- found / unparseable coverage rows have their report in fct_report with the matching status
select c.agency_id, c.report_year, c.status, r.parse_status
from {{ ref('agency_year_coverage') }} c
left join {{ ref('fct_report') }} r on r.agency_id = c.agency_id and r.report_year = c.report_year
where (c.status = 'found' and r.parse_status is distinct from 'parsed')
   or (c.status = 'unparseable' and (r.report_id is null or r.parse_status = 'parsed'))
   or (c.status = 'missing' and r.report_id is not null)
