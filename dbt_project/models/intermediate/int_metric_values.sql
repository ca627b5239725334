{{ config(materialized='view') }}
-- Metric values of canonical reports in long form (one row per report x metric code)
select
    c.report_id,
    c.agency_id,
    c.report_year,
    c.era                   as template_era,
    c.document_id,
    c.parsed_at,
    m.metric_code,
    m.value,
    m.value_raw,
    m.semantic
from {{ ref('stg_parse__metrics') }} m
join {{ ref('int_reports__canonical') }} c using (document_id)
