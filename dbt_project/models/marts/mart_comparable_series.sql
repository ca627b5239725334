-- depends_on: {{ ref('int_report_documents') }}
{{ config(materialized='incremental', unique_key='report_id', post_hook="{{ delete_tombstones('comparable_group') }}") }}
-- Cross-era series of comparable measures (dim_metric.comparable_group), one row per report x
-- group x measure. caveat says when the eras' definitions differ or the cell was not a number.
-- Incremental by report like fct_disclosure_metric (macros/incremental.sql; tombstone rows have
-- comparable_group null and are removed by the post-hook).
{{ with_changed_reports() }}
m as (select * from {{ ref('dim_metric') }} where comparable_group is not null),
f as (
    select f.*, m.comparable_group, m.unit, m.note
    from {{ ref('fct_disclosure_metric') }} f
    join m using (metric_code)
    {% if is_incremental() %}
    -- the changed reports were reloaded into the fact after our watermark (int_cross_year_metrics)
    where f.loaded_at > {{ batch_watermark() }} and f.report_id in (select report_id from changed)
    union all by name
    select report_id from changed
    {% endif %}
)
select
    cast(report_id as varchar)                   as report_id,
    cast(agency_id as varchar)                   as agency_id,
    cast(report_year as integer)                 as report_year,
    cast(comparable_group as varchar)            as comparable_group,
    cast(case when metric_code like '%\_amount' escape '\' then 'amount'
              when metric_code like '%\_projects' escape '\' then 'projects'
              else 'count' end as varchar)       as measure,
    cast(metric_code as varchar)                 as metric_code,
    cast(value as double)                        as value,
    cast(unit as varchar)                        as unit,
    cast(template_era as varchar)                as era,
    cast(nullif(concat_ws('; ',
        case when comparable_group in ('regulation_issued', 'normative_doc_issued')
             then 'y2019 本年新制作数量 vs y2021 本年制发件数: compare with caution' end,
        case when comparable_group = 'procurement' then 'printed only in the 2019 template (2019-2020 reports)' end,
        case when semantic is distinct from 'numeric' and semantic is distinct from 'zero'
             then 'cell ' || coalesce(semantic, 'missing') || ': value not a printed number' end
    ), '') as varchar)                           as caveat,
    {{ run_ts() }}                               as loaded_at
from f
