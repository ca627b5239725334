-- depends_on: {{ ref('int_report_documents') }}
{{ config(materialized='incremental', unique_key='agency_id', post_hook="{{ delete_tombstones('issue_id') }}") }}
-- Quality issues of canonical reports. Values are never changed because of them.
--   source 'parser':    every fail / not_assessable check the parser recorded (V1-V4 ... in-report)
--   source 'warehouse': cross-report checks computed here:
--     V5 t3_carried_over_from_prev(Y) = t3_carried_to_next(Y-1), per applicant column (error)
--     V6 t2_*_in_force(Y) = in_force(Y-1) + issued(Y) - repealed(Y), y2021 reports (warning)
--     V7 t2_*_items_prev_year(Y) = items_prev_year(Y-1) + items_change(Y-1), y2019 reports (warning)
--
-- Incremental by agency (macros/incremental.sql): the cross-year checks compare a report with the
-- agency's previous year, so every report of an agency whose documents changed since the latest
-- batch is rechecked; a tombstone row per such agency (issue_id null, removed by the post-hook)
-- makes delete+insert clear agencies that have no issues any more.
{% if is_incremental() %}
with changed_agencies as ({{ changed_agency_ids(batch_watermark()) }}),
canon as (select * from {{ ref('int_reports__canonical') }} where agency_id in (select agency_id from changed_agencies)),
{% else %}
with canon as (select * from {{ ref('int_reports__canonical') }}),
{% endif %}
-- the metrics the cross-report checks compare, read once
mv as materialized (
    select report_id, agency_id, report_year, document_id, template_era, metric_code, value
    from {{ ref('int_cross_year_metrics') }}
    {% if is_incremental() %}where agency_id in (select agency_id from changed_agencies){% endif %}
),
parser_issues as (
    select
        c.report_id, c.agency_id, c.report_year, c.document_id,
        k.check_code, k.status, k.detail,
        'parser' as source,
        case when k.check_code like 't3\_identity%' escape '\' then 'V1'
             when k.check_code like 't3\_result\_total%' escape '\' then 'V2'
             when k.check_code like 't3\_col\_sum%' escape '\' then 'V3'
             when k.check_code like 't4\_sum%' escape '\' then 'V4' end as rule_id,
        case when k.status = 'fail' then 'error' else 'info' end as severity
    from {{ ref('stg_parse__checks') }} k
    join canon c using (document_id)
    where k.status in ('fail', 'not_assessable')
),
v5_wide as (
    select agency_id, report_year, report_id, document_id,
           regexp_extract(metric_code, '__([a-z_]+)$', 1) as applicant,
           max(value) filter (where metric_code like 't3\_carried\_over\_from\_prev\_\_%' escape '\') as carried_over,
           max(value) filter (where metric_code like 't3\_carried\_to\_next\_\_%' escape '\')        as carried_to_next
    from mv
    where metric_code like 't3\_carried\_%' escape '\'
    group by all
),
v5 as (
    select
        cur.report_id, cur.agency_id, cur.report_year, cur.document_id,
        'v5_carried_over__' || cur.applicant as check_code,
        'fail' as status,
        format('t3_carried_over_from_prev__{} ({}) = {} but t3_carried_to_next__{} ({}) = {}',
               cur.applicant, cur.report_year, cur.carried_over,
               cur.applicant, prev.report_year, prev.carried_to_next) as detail,
        'warehouse' as source, 'V5' as rule_id, 'error' as severity
    from v5_wide cur
    join v5_wide prev
      on prev.agency_id = cur.agency_id
     and prev.report_year = cur.report_year - 1
     and prev.applicant = cur.applicant
    where cur.carried_over is not null and prev.carried_to_next is not null
      and cur.carried_over <> prev.carried_to_next
),
v6_wide as (
    select agency_id, report_year, report_id, document_id, template_era,
           regexp_extract(metric_code, '^t2_(regulation|normative_doc)_(in_force|issued|repealed)$', 1) as item,
           max(value) filter (where metric_code like '%\_in\_force' escape '\') as in_force,
           max(value) filter (where metric_code like '%\_issued' escape '\')   as issued,
           max(value) filter (where metric_code like '%\_repealed' escape '\') as repealed
    from mv
    where template_era = 'y2021'
      -- = regexp '^t2_(regulation|normative_doc)_(in_force|issued|repealed)$' (an IN list is cheaper)
      and metric_code in ({% for i in ['regulation', 'normative_doc'] %}{% for k in ['in_force', 'issued', 'repealed'] %}'t2_{{ i }}_{{ k }}'{{ ', ' if not (loop.last and i == 'normative_doc') }}{% endfor %}{% endfor %})
    group by all
),
v6 as (
    select
        cur.report_id, cur.agency_id, cur.report_year, cur.document_id,
        'v6_in_force__' || cur.item as check_code,
        'fail' as status,
        format('in_force({}) = {} but in_force({}) + issued - repealed = {} + {} - {} = {}',
               cur.report_year, cur.in_force, prev.report_year, prev.in_force, cur.issued, cur.repealed,
               prev.in_force + cur.issued - cur.repealed) as detail,
        'warehouse' as source, 'V6' as rule_id, 'warning' as severity
    from v6_wide cur
    join v6_wide prev on prev.agency_id = cur.agency_id and prev.report_year = cur.report_year - 1 and prev.item = cur.item
    where cur.in_force is not null and prev.in_force is not null
      and cur.issued is not null and cur.repealed is not null
      and cur.in_force <> prev.in_force + cur.issued - cur.repealed
),
v7_wide as (
    select agency_id, report_year, report_id, document_id,
           regexp_extract(metric_code, '^t2_(.+)_items_(prev_year|change)$', 1) as item,
           max(value) filter (where metric_code like '%\_items\_prev\_year' escape '\') as prev_year_items,
           max(value) filter (where metric_code like '%\_items\_change' escape '\')    as items_change
    from mv
    where template_era = 'y2019'
      -- = regexp '^t2_(.+)_items_(prev_year|change)$' among the codes of int_cross_year_metrics
      and (metric_code like 't2\_%\_items\_prev\_year' escape '\' or metric_code like 't2\_%\_items\_change' escape '\')
    group by all
),
v7 as (
    select
        cur.report_id, cur.agency_id, cur.report_year, cur.document_id,
        'v7_items_prev_year__' || cur.item as check_code,
        'fail' as status,
        format('items_prev_year({}) = {} but items_prev_year({}) + items_change({}) = {} + {} = {}',
               cur.report_year, cur.prev_year_items, prev.report_year, prev.report_year,
               prev.prev_year_items, prev.items_change, prev.prev_year_items + prev.items_change) as detail,
        'warehouse' as source, 'V7' as rule_id, 'warning' as severity
    from v7_wide cur
    join v7_wide prev on prev.agency_id = cur.agency_id and prev.report_year = cur.report_year - 1 and prev.item = cur.item
    where cur.prev_year_items is not null and prev.prev_year_items is not null and prev.items_change is not null
      and cur.prev_year_items <> prev.prev_year_items + prev.items_change
),
-- the document level: who published it, and rows the parse step quarantined
agency_issues as (
    select
        c.report_id, c.agency_id, c.report_year, c.document_id,
        'agency_unresolved' as check_code, 'fail' as status,
        format('no agency established from the document{}; kept under {} (source {})',
               case when c.agency_as_printed is not null then format(' (printed: {})', c.agency_as_printed) else '' end,
               c.agency_id, coalesce(c.source_id, '?')) as detail,
        'warehouse' as source, cast(null as varchar) as rule_id, 'warning' as severity
    from canon c
    where c.agency_match = 'unresolved'
    union all
    select
        c.report_id, c.agency_id, c.report_year, c.document_id,
        'agency_evidence_conflict' as check_code, 'fail' as status, w.warning as detail,
        'parser' as source, cast(null as varchar) as rule_id, 'warning' as severity
    from canon c
    join (select document_id, unnest(warnings) as warning from {{ ref('stg_parse__reports') }}) w using (document_id)
    where w.warning like 'agency evidence conflicts:%'
    qualify row_number() over (partition by c.report_id order by w.warning) = 1
),
rejected_rows as (
    select
        c.report_id, c.agency_id, c.report_year, c.document_id,
        x.reason || '__' || x.metric_code as check_code, 'fail' as status,
        format('{}: {} = {} kept out of the facts', x.reason, x.metric_code, coalesce(x.value_raw, '')) as detail,
        'parser' as source, cast(null as varchar) as rule_id, 'warning' as severity
    from {{ ref('stg_parse__rejects') }} x
    join canon c using (document_id)
    qualify row_number() over (partition by c.report_id, x.reason, x.metric_code order by x.value_raw) = 1
),
allq as (
    select * from parser_issues
    union all by name select * from agency_issues
    union all by name select * from rejected_rows
    union all by name select * from v5
    union all by name select * from v6
    union all by name select * from v7
    {% if is_incremental() %}
    union all by name
    select null as report_id, agency_id, null as report_year, null as document_id, null as check_code, null as status,
           null as detail, null as source, null as rule_id, null as severity
    from changed_agencies
    {% endif %}
)
select
    cast(case when report_id is not null then substr(md5(report_id || '|' || source || '|' || check_code), 1, 16) end as varchar) as issue_id,
    cast(report_id as varchar)      as report_id,
    cast(check_code as varchar)     as check_code,
    cast(status as varchar)         as status,
    cast(detail as varchar)         as detail,
    cast(source as varchar)         as source,
    cast(severity as varchar)       as severity,
    cast(rule_id as varchar)        as rule_id,
    cast(agency_id as varchar)      as agency_id,
    cast(report_year as integer)    as report_year,
    cast(document_id as varchar)    as document_id,
    {{ run_ts() }}                  as loaded_at
from allq
