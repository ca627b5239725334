-- Every metric code: the spec catalog (seed metric_catalog = shared/spec/metrics.csv + project rows),
-- codes only in raw.metric_catalog, and codes observed in parsed data but in no catalog (flagged).
with seed as (
    select
        cast(metric_code as varchar) as metric_code, cast(eras as varchar) as eras,
        cast("table" as varchar) as table_code, cast(sub_table as varchar) as sub_table,
        cast(row_label as varchar) as row_label, cast(column_label as varchar) as column_label,
        cast(unit as varchar) as unit, cast(comparable_group as varchar) as comparable_group,
        cast(note as varchar) as note,
        case when "table" = 'narrative' then 'project' else 'spec' end as catalog_origin
    from {{ ref('metric_catalog') }}
),
raw_extra as (
    select metric_code, eras, table_code, sub_table, row_label, column_label, unit,
           comparable_group, note, 'raw_catalog' as catalog_origin
    from {{ ref('stg_parse__metric_catalog') }}
    where metric_code not in (select metric_code from seed)
),
observed as (
    select distinct metric_code
    from {{ ref('stg_parse__metrics') }}
    where metric_code not in (select metric_code from seed)
      and metric_code not in (select metric_code from raw_extra)
),
allm as (
    select * from seed
    union all
    select * from raw_extra
    union all
    select metric_code, null, split_part(metric_code, '_', 1), null, null, null, null, null,
           'observed in parsed data, not in any catalog', 'observed'
    from observed
)
select
    cast(metric_code as varchar)                                            as metric_code,
    cast(table_code as varchar)                                             as table_code,
    cast(sub_table as varchar)                                              as sub_table,
    cast(row_label as varchar)                                              as row_label,
    cast(column_label as varchar)                                           as column_label,
    cast(unit as varchar)                                                   as unit,
    cast(eras as varchar)                                                   as eras,
    cast(coalesce(list_transform(string_split(eras, ','), lambda e: trim(e)), []) as varchar[]) as era_list,
    cast(comparable_group as varchar)                                       as comparable_group,
    cast(case when table_code = 't3' then regexp_extract(metric_code, '__([a-z_]+)$', 1) end as varchar) as applicant_type,
    cast(case when table_code = 't3' then regexp_extract(metric_code, '^t3_(.+)__[a-z_]+$', 1) end as varchar) as outcome_code,
    cast(note as varchar)                                                   as note,
    cast(catalog_origin as varchar)                                         as catalog_origin,
    cast(catalog_origin <> 'observed' as boolean)                           as is_catalogued
from allm
