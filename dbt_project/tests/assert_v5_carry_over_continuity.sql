{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_quality_issue'}}}) }}
-- V5 (cross-year) as recorded in fct_quality_issue: carried over (Y) <> carried to next (Y-1)
select report_id, check_code, detail
from {{ ref('fct_quality_issue') }}
where rule_id = 'V5'
