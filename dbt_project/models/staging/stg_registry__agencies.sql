-- every catalog agency (raw.agencies, from pipelines/sources/agencies.yaml), typed; JSON text -> lists.
-- in_scope: the registry's sources are expected to cover it (coverage counts only these).
with src as (select * from {{ source('registry', 'agencies') }})
select
    cast(agency_id as varchar)                         as agency_id,
    trim(cast(agency_name as varchar))                 as agency_name,
    nullif(trim(cast(short_name as varchar)), '')      as short_name,
    {{ json_text_list('aliases') }}                    as aliases,
    case when json_valid(cast(former_names as varchar)) and json_type(cast(former_names as varchar)) = 'ARRAY'
         then list_filter(
                list_transform(cast(json_extract(cast(former_names as varchar), '$[*]') as json[]),
                    lambda x: coalesce(json_extract_string(x, '$.name'),
                                       case when json_type(x) = 'VARCHAR' then json_extract_string(x, '$') end)),
                lambda x: x is not null)
         else cast([] as varchar[]) end                as former_names,
    nullif(cast(former_names as varchar), '')          as former_names_json,
    nullif(trim(cast(sector as varchar)), '')          as sector,
    lower(nullif(trim(cast(kind as varchar)), ''))     as kind,
    lower(nullif(trim(cast(admin_level as varchar)), '')) as admin_level,
    nullif(trim(cast(division_code as varchar)), '')   as division_code,
    nullif(trim(cast(org_code as varchar)), '')        as org_code,
    coalesce(cast(in_scope as boolean), true)          as in_scope
from src
