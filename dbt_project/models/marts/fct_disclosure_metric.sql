-- depends_on: {{ ref('int_reports__canonical') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='report_id',
    on_schema_change='append_new_columns',
    post_hook="{% if is_incremental() %}{{ delete_stale_reports() }}{% endif %}"
) }}
-- One row per canonical report x metric code, values as printed (blank -> null, never imputed).
-- Incremental by report: only reports whose canonical document or parse changed are reloaded.
select
    cast(v.report_id as varchar)        as report_id,
    cast(v.agency_id as varchar)        as agency_id,
    cast(v.report_year as integer)      as report_year,
    cast(v.metric_code as varchar)      as metric_code,
    cast(v.value as double)             as value,
    cast(v.value_raw as varchar)        as value_raw,
    cast(v.semantic as varchar)         as semantic,
    cast(v.template_era as varchar)     as template_era,
    cast(v.document_id as varchar)      as document_id,
    cast(v.parsed_at as timestamp)      as parsed_at,
    -- the dbt invocation that (re)loaded the report: tests of this fact check the latest batch
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as loaded_at
from {{ ref('int_metric_values') }} v
where true {{ changed_reports_filter('v.report_id') }}
