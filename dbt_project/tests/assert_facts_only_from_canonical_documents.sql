{{ config(meta={'dagster': {'ref': {'name': 'fct_disclosure_metric'}}}) }}
-- facts and quality issues come from the canonical document of their report only
select 'fct_disclosure_metric' as fact, f.report_id, f.document_id
from (select distinct report_id, document_id from {{ ref('fct_disclosure_metric') }}) f
left join {{ ref('fct_report') }} r using (report_id)
where r.document_id is distinct from f.document_id
union all
select 'fct_quality_issue', q.report_id, q.document_id
from {{ ref('fct_quality_issue') }} q
left join {{ ref('fct_report') }} r using (report_id)
where r.document_id is distinct from q.document_id
