{{ config(meta={'dagster': {'ref': {'name': 'int_report_documents'}}}) }}
-- every report with candidate documents has exactly one canonical document
select agency_id, report_year, count(*) filter (where is_canonical) as n_canonical
from {{ ref('int_report_documents') }}
where is_report_candidate
group by all
having count(*) filter (where is_canonical) <> 1
