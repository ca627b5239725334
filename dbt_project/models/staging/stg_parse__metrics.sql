-- metric values per document (raw.parsed_metrics); value null = blank cell, never imputed here
with src as (select * from {{ source('parse', 'parsed_metrics') }})
select
    cast(document_id as varchar)                       as document_id,
    cast(metric_code as varchar)                       as metric_code,
    try_cast(value as double)                          as value,
    cast(value_raw as varchar)                         as value_raw,
    lower(cast(semantic as varchar))                   as semantic
from src
