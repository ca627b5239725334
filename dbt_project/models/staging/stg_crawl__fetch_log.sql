-- every HTTP fetch attempt of the crawler (raw.fetch_log)
with src as (select * from {{ source('crawl', 'fetch_log') }})
select
    cast(fetch_id as varchar)                          as fetch_id,
    cast(run_id as varchar)                            as run_id,
    cast(source_id as varchar)                         as source_id,
    cast(url as varchar)                               as url,
    cast(final_url as varchar)                         as final_url,
    lower(cast(stage as varchar))                      as stage,
    {{ to_ts('fetched_at') }}                          as fetched_at,
    try_cast(status_code as integer)                   as status_code,
    lower(cast(outcome as varchar))                    as outcome,
    nullif(cast(reason as varchar), '')                as reason,
    nullif(cast(content_sha256 as varchar), '')        as content_sha256,
    try_cast(n_bytes as bigint)                        as n_bytes,
    nullif(cast(content_type as varchar), '')          as content_type,
    nullif(cast(etag as varchar), '')                  as etag,
    nullif(cast(last_modified as varchar), '')         as last_modified,
    try_cast(elapsed_ms as double)                     as elapsed_ms
from src
