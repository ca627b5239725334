{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_procurement'}}}) }}
-- procurement amounts that look like 万元 printed without a unit (average < 1000 yuan per project)
select agency_id, report_year, projects, amount_cny, amount_raw
from {{ ref('fct_procurement') }}
where is_plausible = false
