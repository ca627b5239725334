{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'dim_metric'}}}) }}
-- parsed metric codes that are in no catalog (dim_metric keeps them, flagged)
select metric_code from {{ ref('dim_metric') }} where not is_catalogued
