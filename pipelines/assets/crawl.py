"""Discovery and fetch: the crawler archives raw bytes first; the raw tables are then rebuilt from
the archive index (links found, every fetch attempt with its outcome, every document version)."""

import logging
import time

import dagster as dg

from pipelines.archive import Archive
from pipelines.crawl import crawl
from pipelines.progress import stage_progress
from pipelines.sources.registry import load_registry
from pipelines.warehouse.db import connect
from pipelines.warehouse.writer import replace_table

from .settings import PipelineSettings

PROGRESS_EVERY_S = 15.0
log = logging.getLogger("govreports.crawl")

CRAWL_SPECS = [
    dg.AssetSpec(["raw", "report_links"], deps=[["raw", "sources"]], description="Report links discovered on list pages, per source.", kinds={"duckdb"}),
    dg.AssetSpec(["raw", "fetch_log"], deps=[["raw", "sources"]], description="Every fetch attempt: URL, stage, outcome and failure reason.", kinds={"duckdb"}),
    dg.AssetSpec(["raw", "documents"], deps=[["raw", "sources"]], description="Every archived document version (URL × content hash) with its provenance.", kinds={"duckdb"}),
]


@dg.multi_asset(specs=CRAWL_SPECS, group_name="crawl", pool="warehouse")
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
