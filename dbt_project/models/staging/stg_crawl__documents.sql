-- fetched documents (raw.documents): one row per (url, content_sha256)
with src as (select * from {{ source('crawl', 'documents') }})
select
    cast(document_id as varchar)                       as document_id,
    cast(source_id as varchar)                         as source_id,
    nullif(trim(cast(agency_id as varchar)), '')       as source_agency_id,
    cast(url as varchar)                               as url,
    nullif(cast(parent_url as varchar), '')            as parent_url,
    cast(content_sha256 as varchar)                    as content_sha256,
    coalesce(lower(nullif(trim(cast(source_format as varchar)), '')), 'other') as source_format,
    nullif(cast(media_type as varchar), '')            as media_type,
    nullif(cast(filename as varchar), '')              as filename,
    nullif(cast(encoding as varchar), '')              as encoding,
    try_cast(n_bytes as bigint)                        as n_bytes,
    nullif(trim(cast(link_title as varchar)), '')      as link_title,
    try_cast(year_hint as integer)                     as year_hint,
    {{ to_date('listed_on') }}                         as listed_on,
    {{ to_date('published_on_hint') }}                 as published_on_hint,
    {{ to_ts('first_fetched_at') }}                    as first_fetched_at,
    {{ to_ts('last_fetched_at') }}                     as last_fetched_at
from src
