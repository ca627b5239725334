-- depends_on: {{ ref('int_report_documents') }}
{{ config(materialized='incremental', unique_key='report_id', post_hook="{{ delete_tombstones('metric_code', 'empty') }}") }}
-- The values the cross-year checks V5-V7 compare (a narrow copy of fct_disclosure_metric, ~9 % of
-- its rows), so that fct_quality_issue can recheck whole agencies without scanning the big fact.
-- Incremental by report like fct_disclosure_metric (macros/incremental.sql). The changed reports
-- were reloaded into fct_disclosure_metric by this or a later build than our watermark, so the
-- filter on its loaded_at is exact and lets DuckDB skip the older row groups.
{{ with_changed_reports() }}
rows_ as (
    select report_id, agency_id, report_year, document_id, template_era, metric_code, value
    from {{ ref('fct_disclosure_metric') }}
    where metric_code in ('{{ cross_year_codes() | join("', '") }}')
    {% if is_incremental() %}
      and loaded_at > {{ batch_watermark() }}
      and report_id in (select report_id from changed)
    union all
    select report_id, null, null, null, null, '', null
    from changed
    {% endif %}
)
select
    cast(report_id as varchar)      as report_id,
    cast(agency_id as varchar)      as agency_id,
    cast(report_year as integer)    as report_year,
    cast(document_id as varchar)    as document_id,
    cast(template_era as varchar)   as template_era,
    cast(metric_code as varchar)    as metric_code,
    cast(value as double)           as value,
    {{ run_ts() }}                  as loaded_at
from rows_
