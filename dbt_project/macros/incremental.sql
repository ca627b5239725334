{#- Incremental report-level models.

    intermediate.int_report_documents is incremental by document: a build rewrites every document of
    every report whose documents changed (new document, revision at a URL, new parse, re-resolved
    agency or year) with loaded_at = the invocation's start, and keeps in prev_report_id /
    prev_agency_id the report / agency the document belonged to before (a report can vanish).

    The report-level models downstream keep their own batch column loaded_at and, on an incremental
    build, reprocess the reports (or agencies) of the document rows loaded after their own latest
    earlier batch (the watermark). A watermark that is too old only reprocesses more, never less, so
    an interrupted build catches up on the next one. Every affected key gets a tombstone row, so
    delete+insert also clears keys that have no rows any more; a post-hook deletes the tombstones. -#}

{% macro run_ts() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}

{#- latest batch of this model loaded by an earlier invocation -#}
{% macro batch_watermark(relation=none) -%}
    (select coalesce(max(loaded_at), timestamp '1900-01-01') from {{ relation or this }} where loaded_at < {{ run_ts() }})
{%- endmacro %}

{#- reports whose documents changed after the watermark (their current and former report) -#}
{% macro changed_report_ids(watermark) -%}
    select report_id from {{ ref('int_report_documents') }} where loaded_at > {{ watermark }} and report_id is not null
    union
    select prev_report_id from {{ ref('int_report_documents') }} where loaded_at > {{ watermark }} and prev_report_id is not null
{%- endmacro %}

{#- opens the model's WITH: on an incremental build with the CTE `changed` (the reports to reload,
    changed after this model's watermark) -#}
{% macro with_changed_reports() -%}
{%- if is_incremental() -%}
with changed as ({{ changed_report_ids(batch_watermark()) }}),
{%- else -%}
with
{%- endif -%}
{%- endmacro %}

{#- agencies whose documents changed after the watermark (their current and former agency) -#}
{% macro changed_agency_ids(watermark) -%}
    select agency_id from {{ ref('int_report_documents') }} where loaded_at > {{ watermark }} and agency_id is not null
    union
    select prev_agency_id from {{ ref('int_report_documents') }} where loaded_at > {{ watermark }} and prev_agency_id is not null
{%- endmacro %}

{#- versions of the same URL: oldest first; the one fetched most recently is the current one -#}
{% macro url_versions(relation) %}
    select
        document_id,
        row_number() over (partition by url order by first_fetched_at nulls first, last_fetched_at nulls first, document_id) as version_no,
        count(*) over (partition by url)          as n_versions,
        row_number() over (partition by url order by last_fetched_at desc nulls last, first_fetched_at desc nulls last, document_id desc) = 1 as is_latest_version
    from {{ relation }}
{% endmacro %}

{#- the metric codes the cross-year checks V5-V7 (fct_quality_issue) compare -#}
{% macro cross_year_codes() -%}
{%- set applicants = ['natural_person', 'commercial_enterprise', 'research_institution', 'social_welfare_org',
                      'legal_service_org', 'other_org', 'total'] -%}
{%- set v7_items = ['license', 'other_service', 'penalty', 'coercion', 'fee'] -%}
{%- set codes = [] -%}
{%- for a in applicants -%}{%- do codes.extend(['t3_carried_over_from_prev__' ~ a, 't3_carried_to_next__' ~ a]) -%}{%- endfor -%}
{%- for i in ['regulation', 'normative_doc'] -%}{%- do codes.extend(['t2_' ~ i ~ '_in_force', 't2_' ~ i ~ '_issued', 't2_' ~ i ~ '_repealed']) -%}{%- endfor -%}
{%- for i in v7_items -%}{%- do codes.extend(['t2_' ~ i ~ '_items_prev_year', 't2_' ~ i ~ '_items_change']) -%}{%- endfor -%}
{{ return(codes) }}
{%- endmacro %}


{#- post-hook of the tombstone pattern: a reloaded key with no rows left gets one marker row so that
    delete+insert clears it; the marker rows are deleted again after the insert -#}
{% macro delete_tombstones(column, marker='null') -%}
{%- if is_incremental() -%}
delete from {{ this }} where {{ column }} {{ "is null" if marker == 'null' else "= ''" }}
{%- endif -%}
{%- endmacro %}
