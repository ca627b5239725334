-- Nothing drops silently: every latest-version document that is not not_a_report reaches the marts,
-- in its report (fct_report) or, when no report year could be established, in fct_unplaced_document.
select d.document_id, d.url, d.agency_id, d.report_year, d.parse_status
from {{ ref('int_report_documents') }} d
where d.is_latest_version and d.parse_status <> 'not_a_report'
  and not exists (select 1 from {{ ref('fct_report') }} r where r.report_id = d.report_id)
  and not exists (select 1 from {{ ref('fct_unplaced_document') }} u where u.document_id = d.document_id)
