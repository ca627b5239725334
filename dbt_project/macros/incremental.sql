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

{#- agencies whose documents changed after the watermark (their current and former agency) -#}
{% macro changed_agency_ids(watermark) -%}
    select agency_id from {{ ref('int_report_documents') }} where loaded_at > {{ watermark }} and agency_id is not null
    union
    select prev_agency_id from {{ ref('int_report_documents') }} where loaded_at > {{ watermark }} and prev_agency_id is not null
{%- endmacro %}
