{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_review_litigation'}}}) }}
-- V4: table 四 maintained + corrected + other + pending = total, for each of the 3 blocks
select report_id, proceeding,
       sum(value) filter (where result <> 'total') as sum_results,
       max(value) filter (where result = 'total')  as total
from {{ ref('fct_review_litigation') }}
where loaded_at = (select max(loaded_at) from {{ ref('fct_disclosure_metric') }})
  and proceeding in ('review', 'lit_direct', 'lit_after_review')
group by all
having count(value) filter (where result <> 'total') = 4 and total is not null and sum_results <> total
