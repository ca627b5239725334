-- Every agency the warehouse knows: the catalog's (raw.agencies) and the ones found in documents
-- (open world: agency_match document / parent_page, keyed by division and canonical name, and
-- unresolved ones keyed by what was printed and where). The catalog enriches; it does not gate.
-- A found agency takes the attributes most of its report documents give; its coverage years are
-- those its sources declare (registry `years`), widened to the reports found, else first report
-- year onwards.
with catalog as (select * from {{ ref('stg_registry__agencies') }}),
sources as (select * from {{ ref('stg_registry__sources') }}),
docs as (
    select d.*, s.division_code as source_division_code, s.first_year as source_first_year,
           s.last_year as source_last_year
    from {{ ref('int_report_documents') }} d
    left join sources s using (source_id)
    where d.is_report_candidate and not d.is_catalogued_agency
),
found as (
    select
        agency_id,
        bool_or(agency_match = 'unresolved')                    as is_unresolved,
        mode(parsed_agency_name)                                as agency_name,
        mode(agency_as_printed)                                 as agency_as_printed,
        -- unresolved: where it was found is the only place we know
        coalesce(mode(doc_division_code), case when bool_or(agency_match = 'unresolved') then mode(source_division_code) end) as division_code,
        mode(doc_agency_kind)                                   as agency_type,
        mode(doc_admin_level)                                   as admin_level,
        mode(doc_agency_sector)                                 as sector,
        max(agency_confidence)                                  as agency_confidence,
        min(report_year)                                        as first_report_year,
        max(report_year)                                        as last_report_year,
        min(source_first_year)                                  as source_first_year,
        max(source_last_year)                                   as source_last_year,
        count(distinct source_id)                               as n_sources,
        list(distinct source_id order by source_id)             as source_ids
    from docs
    group by agency_id
)
select
    agency_id, agency_name, short_name, sector, admin_level, division_code, kind,
    kind                                          as agency_type,
    aliases, former_names, former_names_json, org_code, in_scope,
    true                                          as is_catalogued,
    true                                          as is_resolved,
    cast(null as varchar)                         as agency_as_printed,
    cast(null as double)                          as agency_confidence,
    cast(null as integer)                         as coverage_first_year,
    cast(null as integer)                         as coverage_last_year,
    cast(null as varchar[])                       as found_on_sources
from catalog
union all by name
select
    agency_id,
    agency_name,
    cast(null as varchar)                         as short_name,
    sector,
    admin_level,
    division_code,
    -- the deadline follows the kind: only a 人民政府 reports by 31 March; offices, departments and
    -- the 管委会 of special areas are 行政机关 with the 31 January deadline
    case when is_unresolved then null when agency_type = 'government' then 'government' else 'department' end as kind,
    agency_type,
    cast([] as varchar[])                         as aliases,
    cast([] as varchar[])                         as former_names,
    cast(null as varchar)                         as former_names_json,
    cast(null as varchar)                         as org_code,
    not is_unresolved                             as in_scope,
    false                                         as is_catalogued,
    not is_unresolved                             as is_resolved,
    agency_as_printed,
    agency_confidence,
    least(coalesce(source_first_year, first_report_year), first_report_year) as coverage_first_year,
    case when source_last_year is not null then greatest(source_last_year, last_report_year) end as coverage_last_year,
    source_ids                                    as found_on_sources
from found
