-- parser output per document (raw.parsed_reports)
with src as (select * from {{ source('parse', 'parsed_reports') }})
select
    cast(document_id as varchar)                       as document_id,
    cast(content_sha256 as varchar)                    as content_sha256,
    cast(parser_version as varchar)                    as parser_version,
    coalesce(lower(nullif(trim(cast(parse_status as varchar)), '')), 'error') as parse_status,
    nullif(cast(error as varchar), '')                 as error,
    nullif(trim(cast(title as varchar)), '')           as title,
    nullif(trim(cast(agency_name as varchar)), '')     as agency_name,
    nullif(trim(cast(agency_as_printed as varchar)), '') as agency_as_printed,
    try_cast(report_year as integer)                   as report_year,
    lower(nullif(trim(cast(era as varchar)), ''))      as era,
    {{ to_date('published_on') }}                      as published_on,
    coalesce(try_cast(n_metrics as integer), 0)        as n_metrics,
    coalesce(try_cast(n_checks_failed as integer), 0)  as n_checks_failed,
    nullif(cast(warnings as varchar), '')              as warnings_json,
    {{ json_text_list('warnings') }}                   as warnings,
    {{ to_ts('parsed_at') }}                           as parsed_at,
    nullif(trim(cast(agency_division_code as varchar)), '') as agency_division_code,
    lower(nullif(trim(cast(agency_kind as varchar)), ''))   as agency_kind,
    lower(nullif(trim(cast(agency_admin_level as varchar)), '')) as agency_admin_level,
    nullif(trim(cast(agency_sector as varchar)), '')   as agency_sector,
    try_cast(agency_confidence as double)              as agency_confidence,
    nullif(cast(agency_evidence as varchar), '')       as agency_evidence_json,
    nullif(trim(cast(agency_division_hint as varchar)), '') as agency_division_hint,
    lower(nullif(trim(cast(read_by as varchar)), ''))  as read_by,
    try_cast(ocr_mean_confidence as double)            as ocr_mean_confidence
from src
