{{ config(
    materialized='incremental',
    unique_key='document_id',
    on_schema_change='sync_all_columns'
) }}
-- Every fetched document with its parse result, resolved agency and report year, its version
-- position at its URL and whether it is the canonical document of its report (agency, year).
--
-- Incremental (documents are never deleted from raw): a document is "changed" when it is new or
-- its input fingerprint (its raw.documents + raw.parsed_reports row, and the agency names and
-- sources it is resolved against) differs from the stored one. A build rewrites the changed
-- documents, every version at their URLs (version_no / is_latest_version move) and every document
-- of every report they belong to now or belonged to before (the canonical choice moves), with
-- loaded_at = this invocation; downstream incremental models take the reports of the rows loaded
-- after their own latest batch (report_id and prev_report_id / prev_agency_id).
with docs as (select * from {{ ref('stg_crawl__documents') }}),
parsed as (select * from {{ ref('stg_parse__reports') }}),
sources as (select * from {{ ref('stg_registry__sources') }}),
names as (select * from {{ ref('int_agency_names') }}),

-- everything a document's resolution depends on besides its own rows: a change re-resolves all
registry_fp as (
    select md5(
        coalesce((select string_agg(agency_id || '|' || name_norm || '|' || match_rank, ',' order by agency_id, name_norm, match_rank) from names), '')
        || '#' ||
        coalesce((select string_agg(source_id || '|' || coalesce(agency_id, '') || '|' || coalesce(family, ''), ',' order by source_id) from sources), '')
    ) as fp
),

-- the agency a page that links attachments names (its latest parse): an attachment that names no
-- agency with its place (市工信局) is the report of the page that links it
parent_pages as (
    select d.url as parent_url,
           p.agency_name as parent_agency_name, p.agency_division_code as parent_division_code,
           p.agency_kind as parent_agency_kind, p.agency_admin_level as parent_admin_level,
           p.agency_sector as parent_agency_sector
    from docs d
    join parsed p using (document_id)
    where p.agency_name is not null
    qualify row_number() over (partition by d.url order by d.last_fetched_at desc nulls last, d.document_id desc) = 1
),

base as (
    select
        d.*,
        s.family                                    as source_family,
        coalesce(d.source_agency_id, s.agency_id)   as own_agency_id,
        p.parse_status, p.parser_version, p.parsed_at, p.error as parse_error,
        p.title as parsed_title, p.agency_as_printed,
        p.report_year as parsed_report_year, p.era, p.published_on as parsed_published_on,
        p.n_metrics, p.n_checks_failed, p.read_by, p.ocr_mean_confidence,
        -- the agency the document itself establishes, else the one of the page that links it
        coalesce(p.agency_name, pp.parent_agency_name)   as parsed_agency_name,
        case when p.agency_name is not null then 'document'
             when pp.parent_agency_name is not null then 'parent_page' end as agency_name_source,
        case when p.agency_name is not null then p.agency_division_code else pp.parent_division_code end as doc_division_code,
        case when p.agency_name is not null then p.agency_kind else pp.parent_agency_kind end as doc_agency_kind,
        case when p.agency_name is not null then p.agency_admin_level else pp.parent_admin_level end as doc_admin_level,
        case when p.agency_name is not null then p.agency_sector else pp.parent_agency_sector end as doc_agency_sector,
        p.agency_confidence,
        -- DuckDB's 64-bit hash of both rows (much cheaper than md5 of their text); a different
        -- DuckDB version may hash differently, which only makes one build re-resolve everything
        cast(hash(d, p, pp, (select fp from registry_fp)) as varchar) as input_fingerprint
    from docs d
    left join parsed p using (document_id)
    left join sources s using (source_id)
    left join parent_pages pp on pp.parent_url = d.parent_url
),

{% if is_incremental() %}
prev as (
    select document_id, input_fingerprint, report_id, agency_id, agency_match, url,
           version_no, n_versions, is_latest_version
    from {{ this }}
),
changed as (
    select b.*
    from base b
    left join prev t using (document_id)
    where t.document_id is null or t.input_fingerprint is distinct from b.input_fingerprint
),
{% else %}
changed as (select * from base),
{% endif %}

-- candidate agencies by name: field 1 = parser's canonical name, field 2 = name as printed, used
-- only when the parser established none; a bare alias (市发改委: no place) is never proof on its own,
-- since every city has one: it only settles between the source's own agency and others
candidates as (
    select b.document_id, b.own_agency_id, n.agency_id, n.match_rank, 1 as field_rank, false as is_bare
    from changed b join names n on n.name_norm = {{ norm_name('b.parsed_agency_name') }}
    union all
    select b.document_id, b.own_agency_id, n.agency_id, n.match_rank, 2 as field_rank,
           regexp_matches(b.agency_as_printed, '^\s*[市县区省镇乡]') as is_bare
    from changed b join names n on n.name_norm = {{ norm_name('b.agency_as_printed') }}
    where b.parsed_agency_name is null
),
levels as (
    select
        document_id, field_rank, match_rank, is_bare,
        count(distinct agency_id)                   as n_agencies,
        min(agency_id)                              as only_agency,
        bool_or(agency_id = own_agency_id)          as includes_own,
        any_value(own_agency_id)                    as own_agency_id
    from candidates
    group by all
),
resolved as (
    select
        document_id,
        arg_min(
            case when includes_own and (is_bare or n_agencies > 1) then own_agency_id
                 when n_agencies = 1 then only_agency end,
            field_rank * 10 + match_rank
        ) filter (where (n_agencies = 1 and not is_bare) or includes_own) as agency_id,
        arg_min(
            case when includes_own and (is_bare or n_agencies > 1) then 'ambiguous_alias_own_source'
                 when n_agencies = 1 and match_rank = 1 then 'name'
                 when n_agencies = 1 and match_rank = 2 then 'former_name'
                 else 'alias' end,
            field_rank * 10 + match_rank
        ) filter (where (n_agencies = 1 and not is_bare) or includes_own) as agency_match
    from levels
    group by document_id
),

-- agency of the changed documents (resolved now); the others keep the stored resolution
-- catalog first; then the agency the document (or the page linking it) establishes, open world:
-- an id from its division and canonical name; then the source's own agency; else an unresolved
-- agency keyed by what was printed and where (a quality issue says so)
changed_resolved as (
    select
        c.document_id,
        case when r.agency_id is not null then r.agency_id
             when c.parsed_agency_name is not null then {{ document_agency_id('c.parsed_agency_name', 'c.doc_division_code') }}
             when c.own_agency_id is not null then c.own_agency_id
             else {{ unresolved_agency_id('c.agency_as_printed', 'c.source_id') }} end as agency_id,
        case when r.agency_id is not null then r.agency_match
             when c.parsed_agency_name is not null then c.agency_name_source
             when c.own_agency_id is not null then 'source_agency'
             else 'unresolved' end                  as agency_match,
        coalesce(c.parsed_report_year, c.year_hint) as report_year
    from changed c
    left join resolved r using (document_id)
),

{% if is_incremental() %}
-- URLs with a changed version; reports a changed document or a version at such a URL belongs to
-- now or belonged to before; the documents to rewrite = every document of those URLs and reports
affected_urls as (select distinct url from changed),
affected_reports as (
    select {{ report_id('agency_id', 'report_year') }} as report_id from changed_resolved
    union
    select t.report_id from prev t where t.url in (select url from affected_urls)
    union
    select t.report_id from prev t where t.document_id in (select document_id from changed)
),
-- version position at the URL: recomputed for the URLs with a new version, else as stored
url_versions as (
    {{ url_versions("(select * from base where url in (select url from affected_urls))") }}
),
scope as (
    select b.*,
           case when c.document_id is not null then c.agency_id else t.agency_id end as res_agency_id,
           case when c.document_id is not null then c.agency_match else t.agency_match end as res_agency_match,
           t.report_id as prev_report_id, t.agency_id as prev_agency_id,
           coalesce(v.version_no, t.version_no) as version_no,
           coalesce(v.n_versions, t.n_versions) as n_versions,
           coalesce(v.is_latest_version, t.is_latest_version) as is_latest_version
    from base b
    left join changed_resolved c using (document_id)
    left join prev t using (document_id)
    left join url_versions v using (document_id)
    where c.document_id is not null
       or b.url in (select url from affected_urls)
       or t.report_id in (select report_id from affected_reports where report_id is not null)
),
{% else %}
url_versions as ({{ url_versions('base') }}),
scope as (
    select b.*, c.agency_id as res_agency_id, c.agency_match as res_agency_match,
           cast(null as varchar) as prev_report_id, cast(null as varchar) as prev_agency_id,
           v.version_no, v.n_versions, v.is_latest_version
    from base b
    join changed_resolved c using (document_id)
    join url_versions v using (document_id)
),
{% endif %}

typed as (
    select
        b.* exclude (res_agency_id, res_agency_match),
        b.res_agency_id                             as agency_id,
        b.res_agency_match                          as agency_match,
        coalesce(b.parsed_report_year, b.year_hint) as report_year,
        case when b.parsed_report_year is not null then 'parsed'
             when b.year_hint is not null then 'year_hint' end as report_year_source,
        coalesce(b.parsed_title, b.link_title)      as title,
        coalesce(b.parsed_published_on, b.published_on_hint, b.listed_on) as published_on,
        case when b.parsed_published_on is not null then 'parsed'
             when b.published_on_hint is not null then 'page_meta'
             when b.listed_on is not null then 'listing' end as published_on_source,
        coalesce(b.parse_status, 'not_parsed')      as parse_status_filled,
        case b.source_format when 'html' then 1 when 'docx' then 2 when 'pdf' then 3
             when 'doc' then 4 when 'txt' then 5 when 'md' then 5 when 'xls' then 6 else 7 end as format_rank
    from scope b
),

candidates_ranked as (
    select
        t.*,
        (t.is_latest_version and t.agency_id is not null and t.report_year is not null
            and t.parse_status_filled <> 'not_a_report')                   as is_report_candidate
    from typed t
),

ranked as (
    select
        *,
        case when is_report_candidate then
            row_number() over (
                partition by is_report_candidate, agency_id, report_year
                -- the document that carries the tables: parsed, else one that holds the report but
                -- could not be read (image-only, legacy format) before a page without tables (a shell)
                order by case parse_status_filled when 'parsed' then 1 when 'image_only' then 2
                              when 'unsupported_format' then 2 when 'no_tables' then 3 else 4 end,
                         (own_agency_id is not distinct from agency_id) desc,
                         format_rank,
                         coalesce(n_metrics, 0) desc,
                         last_fetched_at desc nulls last,
                         document_id)
        end as canonical_rank
    from candidates_ranked
)

select
    document_id,
    {{ report_id('agency_id', 'report_year') }}         as report_id,
    agency_id,
    report_year,
    agency_match,
    report_year_source,
    source_id,
    source_family,
    own_agency_id                                       as source_agency_id,
    (own_agency_id is null or own_agency_id <> agency_id) as is_portal_copy,
    url,
    parent_url,
    content_sha256,
    source_format,
    format_rank,
    media_type,
    filename,
    n_bytes,
    title,
    link_title,
    parsed_agency_name,
    agency_as_printed,
    agency_name_source,
    doc_division_code,
    doc_agency_kind,
    doc_admin_level,
    doc_agency_sector,
    agency_confidence,
    (agency_match not in ('document', 'parent_page', 'unresolved'))   as is_catalogued_agency,
    year_hint,
    era,
    parse_status_filled                                 as parse_status,
    parse_status_filled = 'parsed'                      as is_parsed,
    parse_error,
    parser_version,
    parsed_at,
    coalesce(n_metrics, 0)                              as n_metrics,
    coalesce(n_checks_failed, 0)                        as n_checks_failed,
    read_by,
    ocr_mean_confidence,
    published_on,
    published_on_source,
    first_fetched_at,
    last_fetched_at,
    version_no,
    n_versions,
    is_latest_version,
    is_report_candidate,
    canonical_rank,
    coalesce(canonical_rank = 1, false)                 as is_canonical,
    input_fingerprint,
    coalesce(prev_report_id, {{ report_id('agency_id', 'report_year') }}) as prev_report_id,
    coalesce(prev_agency_id, agency_id)                 as prev_agency_id,
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as loaded_at
from ranked

