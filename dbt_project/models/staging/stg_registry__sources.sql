-- crawl sources of the registry YAML (raw.sources); a source without agency is a portal
with src as (select * from {{ source('registry', 'sources') }})
select
    cast(source_id as varchar)                         as source_id,
    nullif(trim(cast(family as varchar)), '')          as family,
    nullif(trim(cast(agency_id as varchar)), '')       as agency_id,
    cast(entry_url as varchar)                         as entry_url,
    coalesce({{ to_bool('verified') }}, false)         as verified,
    {{ json_text_list('allowed_hosts') }}              as allowed_hosts,
    nullif(trim(cast(division_code as varchar)), '')   as division_code,
    try_cast(first_year as integer)                    as first_year,
    try_cast(last_year as integer)                     as last_year,
    nullif(trim(cast(agency_id as varchar)), '') is null as is_portal
from src
