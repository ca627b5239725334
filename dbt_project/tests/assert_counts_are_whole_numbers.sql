{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_disclosure_metric'}}}) }}
-- counts (tables 三 and 四, procurement projects) printed as non-whole numbers: the count marts
-- (fct_application, fct_review_litigation) show them as null
select report_id, agency_id, report_year, metric_code, value, value_raw
from {{ ref('fct_disclosure_metric') }}
where (metric_code like 't3\_%' escape '\' or metric_code like 't4\_%' escape '\'
       or metric_code = 't2_procurement_projects')
  and value is not null and value <> trunc(value)
