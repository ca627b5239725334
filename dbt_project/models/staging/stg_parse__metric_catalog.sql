-- the metric catalog as written by the Python side (raw.metric_catalog; same columns as metrics.csv).
-- Tolerates a raw layer written without it (empty result): the seed metric_catalog is authoritative.
{%- set src = source('parse', 'metric_catalog') -%}
{%- set rel = adapter.get_relation(database=src.database, schema=src.schema, identifier=src.identifier) if execute else none -%}
{% if rel is not none or not execute %}
with src as (select * from {{ src }})
select
    cast(metric_code as varchar)                       as metric_code,
    nullif(cast(eras as varchar), '')                  as eras,
    nullif(cast("table" as varchar), '')               as table_code,
    nullif(cast(sub_table as varchar), '')             as sub_table,
    nullif(cast(row_label as varchar), '')             as row_label,
    nullif(cast(column_label as varchar), '')          as column_label,
    nullif(cast(unit as varchar), '')                  as unit,
    nullif(cast(comparable_group as varchar), '')      as comparable_group,
    nullif(cast(note as varchar), '')                  as note
from src
{% else %}
select
    cast(null as varchar) as metric_code, cast(null as varchar) as eras, cast(null as varchar) as table_code,
    cast(null as varchar) as sub_table, cast(null as varchar) as row_label, cast(null as varchar) as column_label,
    cast(null as varchar) as unit, cast(null as varchar) as comparable_group, cast(null as varchar) as note
where false
{% endif %}
