-- in-report validation checks computed by the parser (raw.parsed_checks)
with src as (select * from {{ source('parse', 'parsed_checks') }})
select
    cast(document_id as varchar)                       as document_id,
    cast(check_code as varchar)                        as check_code,
    lower(cast(status as varchar))                     as status,
    nullif(cast(detail as varchar), '')                as detail
from src
