-- report links discovered on list pages (raw.report_links)
with src as (select * from {{ source('crawl', 'report_links') }})
select
    cast(source_id as varchar)                         as source_id,
    nullif(trim(cast(agency_id as varchar)), '')       as agency_id,
    cast(list_url as varchar)                          as list_url,
    cast(url as varchar)                               as url,
    nullif(trim(cast(link_title as varchar)), '')      as link_title,
    {{ to_date('listed_on') }}                         as listed_on,
    try_cast(year_hint as integer)                     as year_hint,
    {{ to_ts('discovered_at') }}                       as discovered_at
from src
