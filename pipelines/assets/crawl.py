"""Discovery and fetch: the crawler archives raw bytes first; the raw tables are then rebuilt from
the archive index (links found, every fetch attempt with its outcome, every document version)."""

import logging
import time

import dagster as dg

from pipelines.archive import Archive
from pipelines.crawl import crawl
from pipelines.crawl.report import FAILED_STATUSES, sources_not_ok
from pipelines.progress import stage_progress
from pipelines.sources.registry import load_registry
from pipelines.warehouse.db import connect
from pipelines.warehouse.writer import replace_table

from .conventions import OWNERS
from .settings import PipelineSettings

PROGRESS_EVERY_S = 15.0
# A crawl step that fails (a full disk, the archive index locked, the network down at 02:00) is tried
# again 1 and then ~2 minutes later: the crawl resumes from the archive, so a retry re-fetches little.
# Refusals that a retry cannot change (another run holds the warehouse) are raised with
# allow_retries=False.
CRAWL_RETRY = dg.RetryPolicy(max_retries=2, delay=60, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)
log = logging.getLogger("govreports.crawl")

CRAWL_SPECS = [
    dg.AssetSpec(["raw", "report_links"], deps=[["raw", "sources"]], description="Report links discovered on list pages, per source.", kinds={"duckdb"}, owners=OWNERS),
    dg.AssetSpec(["raw", "fetch_log"], deps=[["raw", "sources"]], description="Every fetch attempt: URL, stage, outcome and failure reason.", kinds={"duckdb"}, owners=OWNERS),
    dg.AssetSpec(["raw", "documents"], deps=[["raw", "sources"]], description="Every archived document version (URL × content hash) with its provenance.", kinds={"duckdb"}, owners=OWNERS),
]


SOURCES_CHECK = dg.AssetCheckSpec(
    "sources_were_crawled", asset=["raw", "fetch_log"],
    description="Every source of the registry was reached this night (warns and names each source that was "
                "blocked, disallowed by robots.txt, unreachable or failed, and each partial one).")


@dg.multi_asset(specs=CRAWL_SPECS, check_specs=[SOURCES_CHECK], group_name="raw", pool="warehouse",
                retry_policy=CRAWL_RETRY)
def crawled_documents(context: dg.AssetExecutionContext, settings: PipelineSettings):
    with settings.run_lock(context.run_id):
        yield from _crawled_documents(context, settings)


def _crawled_documents(context: dg.AssetExecutionContext, settings: PipelineSettings):
    registry = load_registry(settings.sources_path())
    archive = Archive(settings.archive_path())

    last_said = [time.monotonic()]
    with stage_progress("crawl") as bar:
        def progress(event: dict) -> None:
            # One event per page goes to the Python log (the run's log file), and one every
            # PROGRESS_EVERY_S to Dagster's event log: each event there is a SQLite commit (~3 ms).
            log.info("crawl progress %s", event)
            if time.monotonic() - last_said[0] >= PROGRESS_EVERY_S:
                last_said[0] = time.monotonic()
                context.log.info(f"crawl progress: {event}")
            if event.get("total"):
                bar.update(event.get("completed", 0), event["total"])

        report = crawl(registry, archive, run_id=context.run_id, progress=progress)
    summary = report.as_dict() if hasattr(report, "as_dict") else dict(vars(report))
    context.log.info(f"crawl: {summary}")
    with connect(settings.warehouse_path()) as con:
        counts = {
            "report_links": replace_table(con, "report_links", archive.links()),
            "fetch_log": replace_table(con, "fetch_log", archive.fetches()),
            "documents": replace_table(con, "documents", archive.documents()),
        }
    run_meta = {k: dg.MetadataValue.json(v) if isinstance(v, (dict, list)) else v
                for k, v in summary.items() if isinstance(v, (int, float, str, dict, list))}
    for table, n in counts.items():
        yield dg.MaterializeResult(asset_key=["raw", table], metadata={"dagster/row_count": n, **run_meta})
    yield _sources_check(context, summary.get("sources") or {})


def _sources_check(context: dg.AssetExecutionContext, sources: dict) -> dg.AssetCheckResult:
    not_ok = sources_not_ok(sources)
    failed = {sid: s for sid, s in not_ok.items() if s["status"] in FAILED_STATUSES}
    for sid, s in not_ok.items():
        context.log.warning(f"source {sid}: {s['status']}" + (f" ({s['reason']})" if s["reason"] else ""))
    return dg.AssetCheckResult(
        check_name=SOURCES_CHECK.name, asset_key=SOURCES_CHECK.asset_key, passed=not not_ok,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"sources": len(sources), "failed": len(failed), "not_clean": len(not_ok),
                  "by_source": dg.MetadataValue.json(not_ok)})
