{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_application'}}}) }}
-- V2: res_total = granted + partially + Σdenied(8) + Σunable(3) + Σnot_processed(5) + other
-- (y2019: res_other; y2021: the three res_other_* rows)
select report_id, applicant_type,
       max(value) filter (where outcome_code = 'res_total') as res_total,
       sum(value) filter (where outcome_group in ('result', 'result_denied', 'result_unable', 'result_not_processed')
                             or (template_era = 'y2019' and outcome_group = 'result_other')
                             or (template_era = 'y2021' and outcome_group = 'result_other_detail')) as sum_leaves
from {{ ref('fct_application') }}
-- the latest load batch: reports (re)loaded by this build (all of them on a full build)
where loaded_at = (select max(loaded_at) from {{ ref('fct_disclosure_metric') }})
  and outcome_group like 'result%'
group by all
having res_total is not null and sum_leaves is not null and res_total <> sum_leaves
