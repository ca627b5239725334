{{ config(materialized='view') }}
-- One row per report (agency_id, report_year): its canonical document (rule in docs/architecture.md)
with docs as (select * from {{ ref('int_report_documents') }}),
copies as (
    select report_id,
           count(*) filter (where is_report_candidate)   as n_documents,
           count(distinct url)                           as n_urls,
           count(*)                                      as n_document_versions
    from docs
    where report_id is not null
    group by report_id
)
select d.*, c.n_documents, c.n_urls, c.n_document_versions
from docs d
join copies c using (report_id)
where d.is_canonical
