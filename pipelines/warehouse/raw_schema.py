"""DDL of the raw schema: the columns docs/architecture.md promises to the dbt sources."""
from __future__ import annotations

RAW_TABLES: dict[str, dict[str, str]] = {
    "agencies": {
        "agency_id": "VARCHAR", "agency_name": "VARCHAR", "short_name": "VARCHAR",
        "aliases": "VARCHAR", "former_names": "VARCHAR", "sector": "VARCHAR", "kind": "VARCHAR",
        "admin_level": "VARCHAR", "division_code": "VARCHAR", "org_code": "VARCHAR",
        "in_scope": "BOOLEAN",
    },
    "sources": {
        "source_id": "VARCHAR", "family": "VARCHAR", "agency_id": "VARCHAR", "entry_url": "VARCHAR",
        "verified": "BOOLEAN", "allowed_hosts": "VARCHAR", "division_code": "VARCHAR",
        "first_year": "INTEGER", "last_year": "INTEGER",
    },
    "report_links": {
        "source_id": "VARCHAR", "agency_id": "VARCHAR", "list_url": "VARCHAR", "url": "VARCHAR",
        "link_title": "VARCHAR", "listed_on": "DATE", "year_hint": "INTEGER",
        "discovered_at": "TIMESTAMP",
    },
    "fetch_log": {
        "fetch_id": "VARCHAR", "run_id": "VARCHAR", "source_id": "VARCHAR", "url": "VARCHAR",
        "final_url": "VARCHAR", "stage": "VARCHAR", "fetched_at": "TIMESTAMP",
        "status_code": "INTEGER", "outcome": "VARCHAR", "reason": "VARCHAR",
        "content_sha256": "VARCHAR", "n_bytes": "BIGINT", "content_type": "VARCHAR",
        "etag": "VARCHAR", "last_modified": "VARCHAR", "elapsed_ms": "DOUBLE",
    },
    "documents": {
        "document_id": "VARCHAR", "source_id": "VARCHAR", "agency_id": "VARCHAR", "url": "VARCHAR",
        "parent_url": "VARCHAR", "content_sha256": "VARCHAR", "source_format": "VARCHAR",
        "media_type": "VARCHAR", "filename": "VARCHAR", "encoding": "VARCHAR", "n_bytes": "BIGINT",
        "link_title": "VARCHAR", "year_hint": "INTEGER", "listed_on": "DATE",
        "published_on_hint": "DATE", "first_fetched_at": "TIMESTAMP",
        "last_fetched_at": "TIMESTAMP",
    },
    "parsed_reports": {
        "document_id": "VARCHAR", "content_sha256": "VARCHAR", "parser_version": "VARCHAR",
        "parse_status": "VARCHAR", "error": "VARCHAR", "title": "VARCHAR",
        "agency_name": "VARCHAR", "agency_as_printed": "VARCHAR", "report_year": "INTEGER",
        "era": "VARCHAR", "published_on": "DATE", "n_metrics": "INTEGER",
        "n_checks_failed": "INTEGER", "warnings": "VARCHAR", "parsed_at": "TIMESTAMP",
        # who published it, from the document's own evidence (pipelines/parse/agencies.py)
        "agency_division_code": "VARCHAR", "agency_kind": "VARCHAR", "agency_admin_level": "VARCHAR",
        "agency_sector": "VARCHAR", "agency_confidence": "DOUBLE", "agency_evidence": "VARCHAR",
        "agency_division_hint": "VARCHAR",
        # how the values were read when not from the document's own text: 'ocr' (a scan), else null
        "read_by": "VARCHAR", "ocr_mean_confidence": "DOUBLE",
    },
    "parsed_metrics": {
        "document_id": "VARCHAR", "metric_code": "VARCHAR", "value": "DOUBLE",
        "value_raw": "VARCHAR", "semantic": "VARCHAR",
    },
    # Rows the parse step kept out of parsed_metrics (a code no catalog has, a repeated code): quarantined
    # with a reason, shown as quality issues; the rest of the document and the night go on.
    "parsed_rejects": {
        "document_id": "VARCHAR", "metric_code": "VARCHAR", "value": "DOUBLE", "value_raw": "VARCHAR",
        "semantic": "VARCHAR", "reason": "VARCHAR",
    },
    "parsed_checks": {
        "document_id": "VARCHAR", "check_code": "VARCHAR", "status": "VARCHAR", "detail": "VARCHAR",
    },
    # The catalog the parser maps labels with (pipelines/parse/metrics.csv = the spec's metrics.csv).
    "metric_catalog": {
        "metric_code": "VARCHAR", "eras": "VARCHAR", "table": "VARCHAR", "sub_table": "VARCHAR",
        "row_label": "VARCHAR", "column_label": "VARCHAR", "unit": "VARCHAR",
        "comparable_group": "VARCHAR", "note": "VARCHAR",
    },
}


def create_sql(table: str, schema: str = "raw") -> str:
    cols = ", ".join(f'"{c}" {t}' for c, t in RAW_TABLES[table].items())
    return f"CREATE TABLE IF NOT EXISTS {schema}.{table} ({cols})"
