{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_application'}}}) }}
-- V1: new_received + carried_over_from_prev = res_total + carried_to_next, per applicant column
select report_id, applicant_type,
       sum(value) filter (where outcome_code in ('new_received', 'carried_over_from_prev')) as lhs,
       sum(value) filter (where outcome_code in ('res_total', 'carried_to_next'))           as rhs
from {{ ref('fct_application') }}
-- the latest load batch: reports (re)loaded by this build (all of them on a full build)
where loaded_at = (select max(loaded_at) from {{ ref('fct_disclosure_metric') }})
  and outcome_code in ('new_received', 'carried_over_from_prev', 'res_total', 'carried_to_next')
group by all
having count(value) = 4 and lhs <> rhs
