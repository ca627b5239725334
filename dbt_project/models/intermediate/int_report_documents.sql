-- Every fetched document with its parse result, resolved agency and report year, its version
-- position at its URL and whether it is the canonical document of its report (agency, year).
with docs as (select * from {{ ref('stg_crawl__documents') }}),
parsed as (select * from {{ ref('stg_parse__reports') }}),
sources as (select * from {{ ref('stg_registry__sources') }}),
names as (select * from {{ ref('int_agency_names') }}),

base as (
    select
        d.*,
        s.family                                    as source_family,
        coalesce(d.source_agency_id, s.agency_id)   as own_agency_id,
        p.parse_status, p.parser_version, p.parsed_at, p.error as parse_error,
        p.title as parsed_title, p.agency_name as parsed_agency_name, p.agency_as_printed,
        p.report_year as parsed_report_year, p.era, p.published_on as parsed_published_on,
        p.n_metrics, p.n_checks_failed
    from docs d
    left join parsed p using (document_id)
    left join sources s using (source_id)
),

-- candidate agencies by name: field 1 = parser's canonical name, field 2 = name as printed
candidates as (
    select b.document_id, b.own_agency_id, n.agency_id, n.match_rank, 1 as field_rank
    from base b join names n on n.name_norm = {{ norm_name('b.parsed_agency_name') }}
    union all
    select b.document_id, b.own_agency_id, n.agency_id, n.match_rank, 2 as field_rank
    from base b join names n on n.name_norm = {{ norm_name('b.agency_as_printed') }}
),
levels as (
    select
        document_id, field_rank, match_rank,
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
            case when n_agencies = 1 then only_agency when includes_own then own_agency_id end,
            field_rank * 10 + match_rank
        ) filter (where n_agencies = 1 or includes_own) as agency_id,
        arg_min(
            case when n_agencies = 1 and match_rank = 1 then 'name'
                 when n_agencies = 1 and match_rank = 2 then 'former_name'
                 when n_agencies = 1 then 'alias'
                 else 'ambiguous_alias_own_source' end,
            field_rank * 10 + match_rank
        ) filter (where n_agencies = 1 or includes_own) as agency_match
    from levels
    group by document_id
),

typed as (
    select
        b.*,
        coalesce(r.agency_id, b.own_agency_id)      as agency_id,
        case when r.agency_id is not null then r.agency_match
             when b.own_agency_id is not null then 'source_agency'
             else 'unresolved' end                  as agency_match,
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
             when 'doc' then 4 when 'txt' then 5 when 'xls' then 6 else 7 end as format_rank,
        -- versions of the same URL: the one fetched most recently is the current one
        row_number() over (partition by b.url order by b.first_fetched_at nulls first, b.last_fetched_at nulls first, b.document_id) as version_no,
        count(*) over (partition by b.url)          as n_versions,
        row_number() over (partition by b.url order by b.last_fetched_at desc nulls last, b.first_fetched_at desc nulls last, b.document_id desc) = 1 as is_latest_version
    from base b
    left join resolved r using (document_id)
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
                order by (parse_status_filled = 'parsed') desc,
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
    year_hint,
    era,
    parse_status_filled                                 as parse_status,
    parse_status_filled = 'parsed'                      as is_parsed,
    parse_error,
    parser_version,
    parsed_at,
    coalesce(n_metrics, 0)                              as n_metrics,
    coalesce(n_checks_failed, 0)                        as n_checks_failed,
    published_on,
    published_on_source,
    first_fetched_at,
    last_fetched_at,
    version_no,
    n_versions,
    is_latest_version,
    is_report_candidate,
    canonical_rank,
    coalesce(canonical_rank = 1, false)                 as is_canonical
from ranked
