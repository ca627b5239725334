-- depends_on: {{ ref('int_report_documents') }}
{{ config(materialized='incremental', unique_key='report_id', post_hook="{{ delete_tombstones('agency_id') }}") }}
-- 政府集中采购 (table 二 第二十条第（九）项, 2019 template): one row per report that prints it.
-- Amounts are yuan (the parser converts 万元). An average below procurement_min_avg_cny yuan per
-- project suggests the amount was printed in 万元 without a unit: is_plausible = false.
-- Incremental by report like mart_comparable_series (macros/incremental.sql): the changed reports
-- are read from the rows fct_disclosure_metric reloaded after our watermark; a tombstone row per
-- changed report (agency_id null, removed by the post-hook) clears reports that no longer print it.
{{ with_changed_reports() }}
grouped as (
    select report_id, agency_id, report_year, template_era,
        max(value)     filter (where metric_code = 't2_procurement_projects') as projects,
        max(value_raw) filter (where metric_code = 't2_procurement_projects') as projects_raw,
        max(value)     filter (where metric_code = 't2_procurement_amount')   as amount_cny,
        max(value_raw) filter (where metric_code = 't2_procurement_amount')   as amount_raw
    from {{ ref('fct_disclosure_metric') }}
    where metric_code in ('t2_procurement_projects', 't2_procurement_amount')
    {% if is_incremental() %}
      and loaded_at > {{ batch_watermark() }} and report_id in (select report_id from changed)
    {% endif %}
    group by all
),
v as (
    select * from grouped
    {% if is_incremental() %}
    union all by name
    select report_id from changed
    {% endif %}
)
select
    cast(agency_id as varchar)                          as agency_id,
    cast(report_year as integer)                        as report_year,
    cast(report_id as varchar)                          as report_id,
    cast(projects as double)                            as projects,
    cast(amount_cny as double)                          as amount_cny,
    cast(amount_raw as varchar)                         as amount_raw,
    cast(projects_raw as varchar)                       as projects_raw,
    cast(case when projects > 0 then round(amount_cny / projects, 2) end as double) as avg_per_project_cny,
    cast(case when projects is null or amount_cny is null then null
              when projects = 0 then amount_cny = 0
              else amount_cny / projects >= {{ var('procurement_min_avg_cny') }} end as boolean) as is_plausible,
    cast(case when projects is null or amount_cny is null then 'incomplete'
              when projects = 0 and amount_cny <> 0 then 'amount without projects'
              when projects > 0 and amount_cny / projects < {{ var('procurement_min_avg_cny') }}
                  then 'average below {{ var("procurement_min_avg_cny") }} yuan per project: amount probably in 万元'
         end as varchar)                                as plausibility_note,
    cast(template_era as varchar)                       as template_era,
    {{ run_ts() }}                                      as loaded_at
from v
