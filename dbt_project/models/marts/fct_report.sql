{{ config(
    materialized='incremental',
    unique_key='report_id',
    post_hook="{% if is_incremental() %}delete from {{ this }} where report_id not in (select report_id from {{ ref('int_reports__canonical') }}){% endif %}"
) }}
-- One row per canonical report (agency x year), parsed or not, with publication timeliness.
-- Incremental by comparison: the new rows are computed for every report (cheap: one row per report
-- from intermediate tables) and only the reports whose row differs from the stored one are
-- rewritten; reports that are no longer canonical are deleted by the post-hook.
with r as (select * from {{ ref('int_reports__canonical') }}),
a as (select agency_id, kind from {{ ref('int_agencies') }}),
y as (select * from {{ ref('dim_year') }}),
x as (
    select
        r.*,
        case when a.kind = 'government' then y.government_deadline else y.publication_deadline end as deadline
    from r
    left join a using (agency_id)
    left join y using (report_year)
),
new_rows as (
select
    cast(report_id as varchar)                      as report_id,
    cast(agency_id as varchar)                      as agency_id,
    cast(report_year as integer)                    as report_year,
    cast(title as varchar)                          as title,
    cast(url as varchar)                            as source_url,
    cast(published_on as date)                      as published_on,
    cast(era as varchar)                            as template_era,
    cast(source_format as varchar)                  as source_format,
    cast(parse_status as varchar)                   as parse_status,
    cast(n_metrics as integer)                      as n_metrics,
    cast(n_checks_failed as integer)                as n_checks_failed,
    cast(content_sha256 as varchar)                 as content_sha256,
    cast(document_id as varchar)                    as document_id,
    cast(source_id as varchar)                      as source_id,
    cast(is_portal_copy as boolean)                 as is_portal_copy,
    cast(first_fetched_at as timestamp)             as fetched_at,
    cast(last_fetched_at as timestamp)              as last_fetched_at,
    cast(parser_version as varchar)                 as parser_version,
    cast(parsed_at as timestamp)                    as parsed_at,
    cast(published_on_source as varchar)            as published_on_source,
    cast(deadline as date)                          as deadline,
    cast(date_diff('day', deadline, published_on) as integer) as days_late,
    cast(date_diff('day', deadline, published_on) > 0 as boolean) as is_late,
    cast(agency_match as varchar)                   as agency_match,
    cast(report_year_source as varchar)             as report_year_source,
    cast(n_documents as integer)                    as n_documents,
    cast(n_versions as integer)                     as n_versions,
    cast(coalesce(read_by = 'ocr', false) as boolean) as is_read_by_ocr,
    cast(ocr_mean_confidence as double)             as ocr_mean_confidence
from x
)
select * from new_rows
{% if is_incremental() %}
where report_id in (select report_id from (select * from new_rows except select * from {{ this }}))
{% endif %}
