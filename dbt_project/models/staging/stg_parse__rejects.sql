-- metric rows the parse step quarantined (raw.parsed_rejects): a code no catalog has, a repeated code
with src as (select * from {{ source('parse', 'parsed_rejects') }})
select
    cast(document_id as varchar)                       as document_id,
    cast(metric_code as varchar)                       as metric_code,
    try_cast(value as double)                          as value,
    cast(value_raw as varchar)                         as value_raw,
    lower(nullif(trim(cast(semantic as varchar)), '')) as semantic,
    coalesce(nullif(trim(cast(reason as varchar)), ''), 'rejected') as reason
from src
