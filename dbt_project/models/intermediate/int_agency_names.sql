{{ config(materialized='view') }}
-- every name an agency can be printed as, normalised for matching, with a match rank:
-- 1 = canonical full name, 2 = former name, 3 = short name or alias (may be ambiguous: 市经信局)
with a as (select * from {{ ref('stg_registry__agencies') }}),
names as (
    select agency_id, agency_name as name, 1 as match_rank, 'name' as name_kind from a
    union all
    select agency_id, unnest(former_names), 2, 'former_name' from a
    union all
    select agency_id, short_name, 3, 'short_name' from a where short_name is not null
    union all
    select agency_id, unnest(aliases), 3, 'alias' from a
)
select
    agency_id,
    {{ norm_name('name') }} as name_norm,
    min(match_rank)         as match_rank,
    min(name_kind)          as name_kind
from names
where {{ norm_name('name') }} is not null
group by all
