{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_application'}}}) }}
-- V3: the 6 applicant columns sum to the total column, for every row of table 三
select report_id, outcome_code,
       sum(value) filter (where applicant_type <> 'total') as sum_columns,
       max(value) filter (where applicant_type = 'total')  as total
from {{ ref('fct_application') }}
-- the latest load batch: reports (re)loaded by this build (all of them on a full build)
where loaded_at = (select max(loaded_at) from {{ ref('fct_disclosure_metric') }})
group by all
having count(value) filter (where applicant_type <> 'total') = 6
   and total is not null and sum_columns <> total
