{{ config(materialized='view') }}
-- Revision history of report documents: every content version of every URL that belongs to a
-- report. The marts use the latest version; older ones stay queryable here.
select
    cast(document_id as varchar)        as document_id,
    cast(report_id as varchar)          as report_id,
    cast(agency_id as varchar)          as agency_id,
    cast(report_year as integer)        as report_year,
    cast(url as varchar)                as url,
    cast(content_sha256 as varchar)     as content_sha256,
    cast(version_no as integer)         as version_no,
    cast(n_versions as integer)         as n_versions,
    cast(first_fetched_at as timestamp) as first_fetched_at,
    cast(last_fetched_at as timestamp)  as last_fetched_at,
    cast(superseded_at as timestamp)    as superseded_at,
    cast(is_latest_version as boolean)  as is_latest_version,
    cast(is_canonical as boolean)       as is_canonical,
    cast(parse_status as varchar)       as parse_status,
    cast(n_metrics as integer)          as n_metrics
from {{ ref('int_report_versions') }}
where report_id is not null
