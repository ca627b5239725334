{#- Incremental facts are keyed by report: a report is (re)loaded when its canonical document or
    that document's parse changed, i.e. when (report_id, document_id, parsed_at) is not yet in the
    target. Rows of reports whose canonical fingerprint no longer matches are deleted afterwards
    (post_hook), so the fact always mirrors int_reports__canonical. -#}
{% macro changed_reports_filter(report_col='report_id') -%}
    {%- if is_incremental() -%}
    and {{ report_col }} in (
        select c.report_id
        from {{ ref('int_reports__canonical') }} as c
        where not exists (
            select 1 from {{ this }} as t
            where t.report_id = c.report_id
              and t.document_id = c.document_id
              and t.parsed_at is not distinct from c.parsed_at
        )
    )
    {%- endif -%}
{%- endmacro %}

{% macro delete_stale_reports() -%}
    delete from {{ this }} as t
    where not exists (
        select 1 from {{ ref('int_reports__canonical') }} as c
        where c.report_id = t.report_id
          and c.document_id = t.document_id
          and c.parsed_at is not distinct from t.parsed_at
    )
{%- endmacro %}
