{{ config(materialized='view') }}
-- Revision history: every version (content hash) of every document URL, oldest first.
-- A changed report keeps its old versions here; only the latest version of a URL can be canonical.
select
    url,
    version_no,
    n_versions,
    document_id,
    content_sha256,
    report_id,
    agency_id,
    report_year,
    parse_status,
    n_metrics,
    first_fetched_at,
    last_fetched_at,
    lead(first_fetched_at) over (partition by url order by version_no) as superseded_at,
    is_latest_version,
    is_canonical
from {{ ref('int_report_documents') }}
