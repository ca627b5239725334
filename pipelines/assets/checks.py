"""Asset checks on the raw tables: cheap SQL over the warehouse, run after each materialisation."""

import csv

import dagster as dg

from pipelines.archive import Archive
from pipelines.warehouse.db import connect

from .dbt import DBT_DIR
from .settings import PipelineSettings


def known_metric_codes() -> set[str]:
    """The catalog dbt seeds into dim_metric (the spec's metrics.csv plus narrative codes)."""
    with open(DBT_DIR / "seeds" / "metric_catalog.csv", encoding="utf-8", newline="") as f:
        return {row["metric_code"] for row in csv.DictReader(f)}


# A site without robots.txt answers 404: that means "allow all", not a failed fetch.
ROBOTS_ABSENT = "(stage = 'robots' AND reason LIKE 'http_4%')"


def _scalar(settings: PipelineSettings, sql: str):
    with connect(settings.warehouse_path(), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


@dg.asset_check(asset=["raw", "documents"], blocking=True, pool="warehouse",
                description="Every document row points at bytes that are in the archive.")
def documents_are_archived(settings: PipelineSettings) -> dg.AssetCheckResult:
    archive = Archive(settings.archive_path())
    with connect(settings.warehouse_path(), read_only=True) as con:
        hashes = [r[0] for r in con.execute("SELECT DISTINCT content_sha256 FROM raw.documents").fetchall()]
    missing = [h for h in hashes if not archive.has_blob(h)]
    return dg.AssetCheckResult(passed=not missing, metadata={"documents": len(hashes), "missing_blobs": len(missing)})


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


@dg.asset_check(asset=["raw", "parsed_reports"], blocking=True, pool="warehouse",
                description="Every archived document has a parse row (parsed, or the reason it could not be).")
def every_document_has_a_parse(settings: PipelineSettings) -> dg.AssetCheckResult:
    n = _scalar(settings, """SELECT count(*) FROM raw.documents d
                             LEFT JOIN raw.parsed_reports p USING (document_id) WHERE p.document_id IS NULL""")
    return dg.AssetCheckResult(passed=n == 0, metadata={"documents_without_parse": n})


@dg.asset_check(asset=["raw", "parsed_metrics"], blocking=True, pool="warehouse",
                description="Metric codes are those of the catalog and no (document, metric) pair repeats.")
def metric_codes_are_known(settings: PipelineSettings) -> dg.AssetCheckResult:
    with connect(settings.warehouse_path(), read_only=True) as con:
        codes = {r[0] for r in con.execute("SELECT DISTINCT metric_code FROM raw.parsed_metrics").fetchall()}
        dupes = con.execute("""SELECT count(*) FROM (SELECT document_id, metric_code FROM raw.parsed_metrics
                               GROUP BY 1, 2 HAVING count(*) > 1)""").fetchone()[0]
    unknown = sorted(codes - known_metric_codes())
    return dg.AssetCheckResult(passed=not unknown and dupes == 0,
                               metadata={"unknown_codes": dg.MetadataValue.json(unknown[:50]), "duplicate_pairs": dupes})


RAW_CHECKS = [documents_are_archived, fetch_failures_are_few, every_document_has_a_parse, metric_codes_are_known]
