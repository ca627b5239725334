"""Asset checks on the raw tables: cheap SQL over the warehouse, run after each materialisation.

Blocking checks are kept for what breaks the whole run (bytes missing from the archive, documents the
parse step never recorded); what one document gets wrong is quarantined by the parse step and
reported here as a warning, so that the marts are still built."""

import dagster as dg

from pipelines.archive import Archive
from pipelines.warehouse.db import connect

from .quarantine import known_metric_codes
from .settings import PipelineSettings

# A site without robots.txt answers 404: that means "allow all", not a failed fetch.
ROBOTS_ABSENT = "(stage = 'robots' AND reason LIKE 'http_4%')"


def _scalar(settings: PipelineSettings, sql: str):
    with connect(settings.warehouse_path(), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


@dg.asset_check(asset=["raw", "documents"], blocking=True, pool="warehouse",
                description="Every document row points at intact bytes in the archive (present, and their "
                            "SHA-256 is the one recorded). The crawl before it fetched again what it could.")
def documents_are_archived(settings: PipelineSettings) -> dg.AssetCheckResult:
    archive = Archive(settings.archive_path())
    with connect(settings.warehouse_path(), read_only=True) as con:
        hashes = [r[0] for r in con.execute("SELECT DISTINCT content_sha256 FROM raw.documents").fetchall()]
    states = [archive.blob_state(h) for h in hashes]   # a damaged one is recorded as an archive fault
    missing, damaged = states.count("missing"), states.count("corrupt")
    return dg.AssetCheckResult(passed=not (missing or damaged),
                               metadata={"documents": len(hashes), "missing_blobs": missing, "damaged_blobs": damaged})


@dg.asset_check(asset=["raw", "fetch_log"], pool="warehouse",
                description="Share of failed fetches in the latest run (warns above 50%: a site may be blocking us).")
def fetch_failures_are_few(settings: PipelineSettings) -> dg.AssetCheckResult:
    with connect(settings.warehouse_path(), read_only=True) as con:
        total, failed = con.execute(f"""
            SELECT count(*), count(*) FILTER (WHERE outcome = 'error' AND NOT {ROBOTS_ABSENT}) FROM raw.fetch_log
            WHERE run_id = (SELECT run_id FROM raw.fetch_log ORDER BY fetched_at DESC LIMIT 1)
        """).fetchone()
        reasons = dict(con.execute(f"""
            SELECT reason, count(*) FROM raw.fetch_log WHERE outcome = 'error' AND NOT {ROBOTS_ABSENT}
            GROUP BY 1 ORDER BY 2 DESC
        """).fetchall())
    share = failed / total if total else 0.0
    return dg.AssetCheckResult(passed=share <= 0.5, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"fetches": total, "failed": failed, "share": round(share, 3),
                                         "reasons_all_runs": dg.MetadataValue.json(reasons)})


@dg.asset_check(asset=["raw", "fetch_log"], blocking=True, pool="warehouse",
                description="fetch_id is present and unique (the archive's key). Checked here, beside the crawl, "
                            "so that a night whose only change is the fetch log needs no dbt run.")
def fetch_ids_are_unique(settings: PipelineSettings) -> dg.AssetCheckResult:
    with connect(settings.warehouse_path(), read_only=True) as con:
        rows, missing, distinct = con.execute(
            "SELECT count(*), count(*) - count(fetch_id), count(DISTINCT fetch_id) FROM raw.fetch_log").fetchone()
    duplicated = rows - missing - distinct
    return dg.AssetCheckResult(passed=missing == 0 and duplicated == 0,
                               metadata={"fetches": rows, "missing_fetch_id": missing, "duplicated_fetch_id": duplicated})


@dg.asset_check(asset=["raw", "parsed_reports"], blocking=True, pool="warehouse",
                description="Every archived document has a parse row (parsed, or the reason it could not be).")
def every_document_has_a_parse(settings: PipelineSettings) -> dg.AssetCheckResult:
    n = _scalar(settings, """SELECT count(*) FROM raw.documents d
                             LEFT JOIN raw.parsed_reports p USING (document_id) WHERE p.document_id IS NULL""")
    return dg.AssetCheckResult(passed=n == 0, metadata={"documents_without_parse": n})


@dg.asset_check(asset=["raw", "parsed_metrics"], pool="warehouse",
                description="Metric codes are those of the catalog and no (document, metric) pair repeats; "
                            "rows that break this are quarantined in raw.parsed_rejects (warns, never blocks).")
def metric_codes_are_known(settings: PipelineSettings) -> dg.AssetCheckResult:
    with connect(settings.warehouse_path(), read_only=True) as con:
        codes = {r[0] for r in con.execute("SELECT DISTINCT metric_code FROM raw.parsed_metrics").fetchall()}
        dupes = con.execute("""SELECT count(*) FROM (SELECT document_id, metric_code FROM raw.parsed_metrics
                               GROUP BY 1, 2 HAVING count(*) > 1)""").fetchone()[0]
        rejects = con.execute("""SELECT reason, metric_code, count(*) AS n_rows, count(DISTINCT document_id)
                                 FROM raw.parsed_rejects GROUP BY 1, 2 ORDER BY 1, 2""").fetchall()
        examples = [r[0] for r in con.execute(
            "SELECT DISTINCT document_id FROM raw.parsed_rejects ORDER BY 1 LIMIT 20").fetchall()]
    unknown = sorted(codes - known_metric_codes())
    by_reason: dict[str, int] = {}
    for reason, _code, n, _docs in rejects:
        by_reason[reason] = by_reason.get(reason, 0) + n
    quarantined = [{"reason": r, "metric_code": c, "rows": n, "documents": d} for r, c, n, d in rejects]
    return dg.AssetCheckResult(
        passed=not unknown and dupes == 0 and not rejects, severity=dg.AssetCheckSeverity.WARN,
        description=(f"{sum(by_reason.values())} metric row(s) quarantined in raw.parsed_rejects"
                     if rejects else None),
        metadata={"unknown_codes_in_parsed_metrics": dg.MetadataValue.json(unknown[:50]),
                  "duplicate_pairs_in_parsed_metrics": dupes,
                  "quarantined_rows_by_reason": dg.MetadataValue.json(by_reason),
                  "quarantined": dg.MetadataValue.json(quarantined[:50]),
                  "example_documents": dg.MetadataValue.json(examples)})


RAW_CHECKS = [documents_are_archived, fetch_failures_are_few, fetch_ids_are_unique, every_document_has_a_parse, metric_codes_are_known]
