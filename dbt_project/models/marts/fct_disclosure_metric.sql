-- depends_on: {{ ref('int_report_documents') }}
{{ config(materialized='incremental', unique_key='report_id', post_hook="{{ delete_tombstones('metric_code', 'empty') }}") }}
-- One row per canonical report x metric code, values as printed (blank -> null, never imputed).
-- Incremental by report (macros/incremental.sql): the reports whose documents changed since the
-- latest batch are deleted and reloaded; a tombstone row (metric_code '', removed by the post-hook)
-- per such report makes delete+insert clear reports that have no metrics any more.
{{ with_changed_reports() }}
rows_ as (
    select
        v.report_id, v.agency_id, v.report_year, v.metric_code, v.value, v.value_raw, v.semantic,
        v.template_era, v.document_id, v.parsed_at
    from {{ ref('int_metric_values') }} v
    {% if is_incremental() %}
    where v.report_id in (select report_id from changed)
    union all
    select report_id, null, null, '', null, null, null, null, null, null
    from changed
    {% endif %}
)
select
    cast(report_id as varchar)          as report_id,
    cast(agency_id as varchar)          as agency_id,
    cast(report_year as integer)        as report_year,
    cast(metric_code as varchar)        as metric_code,
    cast(value as double)               as value,
    cast(value_raw as varchar)          as value_raw,
    cast(semantic as varchar)           as semantic,
    cast(template_era as varchar)       as template_era,
    cast(document_id as varchar)        as document_id,
    cast(parsed_at as timestamp)        as parsed_at,
    -- the dbt invocation that (re)loaded the report: tests of this fact check the latest batch
    {{ run_ts() }}                      as loaded_at
from rows_
