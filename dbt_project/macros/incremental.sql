{#- Incremental facts are keyed by report: a report is (re)loaded when its canonical document or
    that document's parse changed, i.e. when (report_id, document_id, parsed_at) is not yet in the
    target. Rows whose fingerprint is no longer canonical are deleted afterwards (post_hook), so the
    fact always mirrors int_reports__canonical. The target's fingerprints are read as one
    aggregate (one row per report) instead of probing every fact row. -#}
{% macro changed_reports_filter(report_col='report_id') -%}
    {%- if is_incremental() -%}
    and {{ report_col }} in (
        select c.report_id
        from {{ ref('int_reports__canonical') }} as c
        left join (select distinct report_id, document_id, parsed_at from {{ this }}) as t
          on t.report_id = c.report_id
         and t.document_id = c.document_id
         and t.parsed_at is not distinct from c.parsed_at
        where t.report_id is null
    )
    {%- endif -%}
{%- endmacro %}

{#- After delete+insert every report in the target has exactly one fingerprint, so a stale
    fingerprint means all rows of that report are stale: delete by report_id (a semi join on the
    small stale set, cheap on a large target). -#}
{% macro delete_stale_reports() -%}
    delete from {{ this }}
    where report_id in (
        select t.report_id
        from (select distinct report_id, document_id, parsed_at from {{ this }}) as t
        left join {{ ref('int_reports__canonical') }} as c
          on c.report_id = t.report_id
         and c.document_id = t.document_id
         and c.parsed_at is not distinct from t.parsed_at
        where c.report_id is null
    )
{%- endmacro %}
