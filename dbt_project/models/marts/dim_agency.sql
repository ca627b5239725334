-- One row per agency: the catalog's and the ones found in documents (is_catalogued false), with
-- division, prefecture and province; in_scope = coverage counts it
with a as (select * from {{ ref('int_agencies') }}),
d as (select * from {{ ref('dim_division') }}),
src as (
    select agency_id, count(*) as n_sources
    from {{ ref('stg_registry__sources') }}
    where agency_id is not null
    group by agency_id
)
select
    cast(a.agency_id as varchar)                                as agency_id,
    cast(a.agency_name as varchar)                              as agency_name,
    cast(a.short_name as varchar)                               as short_name,
    cast(a.sector as varchar)                                   as sector,
    cast(coalesce(a.admin_level, d.division_level) as varchar)  as admin_level,
    cast(a.division_code as varchar)                            as division_code,
    cast(d.division_name as varchar)                            as division_name,
    cast(case when d.division_level = 'province' then null
              else coalesce(d.prefecture_code, d.division_code) end as varchar) as prefecture_code,
    cast(case when d.division_level = 'province' then null
              when d.division_level = 'prefecture' then d.division_name
              else d.prefecture_name end as varchar)            as prefecture_name,
    cast(d.province_code as varchar)                            as province_code,
    cast(d.province_name as varchar)                            as province_name,
    cast(a.kind as varchar)                                     as kind,
    cast(a.aliases as varchar[])                                as aliases,
    cast(a.former_names as varchar[])                           as former_names,
    cast(a.former_names_json as varchar)                        as former_names_json,
    cast(a.org_code as varchar)                                 as org_code,
    cast(coalesce(s.n_sources, 0) as integer)                   as n_sources,
    cast(a.in_scope as boolean)                                 as in_scope,
    cast(a.is_catalogued as boolean)                            as is_catalogued,
    cast(a.is_resolved as boolean)                              as is_resolved,
    cast(a.agency_type as varchar)                              as agency_type,
    cast(a.agency_as_printed as varchar)                        as agency_as_printed,
    cast(a.agency_confidence as double)                         as agency_confidence,
    cast(a.found_on_sources as varchar[])                       as found_on_sources
from a
left join d on d.division_code = a.division_code
left join src s on s.agency_id = a.agency_id
