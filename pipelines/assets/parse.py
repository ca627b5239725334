"""Parse assets: read only the archive, write raw.parsed_reports / parsed_metrics / parsed_checks."""

import csv

import dagster as dg

from pipelines.archive import Archive
from pipelines.parse.catalog import CATALOG_PATH
from pipelines.sources.registry import load_registry
from pipelines.progress import stage_progress
from pipelines.warehouse.db import connect, fetch_dicts
from pipelines.warehouse.writer import replace_table

from .parsing import parse_pending
from .conventions import OWNERS
from .settings import PipelineSettings

PARSE_SPECS = [
    dg.AssetSpec(["raw", "parsed_reports"], deps=[["raw", "documents"]], description="One row per parsed document: status, title, agency, year, era.", kinds={"duckdb"}, owners=OWNERS),
    dg.AssetSpec(["raw", "parsed_metrics"], deps=[["raw", "documents"]], description="Metric values per document (value, value_raw, semantic).", kinds={"duckdb"}, owners=OWNERS),
    dg.AssetSpec(["raw", "parsed_rejects"], deps=[["raw", "documents"]], description="Metric rows kept out of parsed_metrics (unknown code, repeated code) with the reason; shown as quality issues.", kinds={"duckdb"}, owners=OWNERS),
    dg.AssetSpec(["raw", "parsed_checks"], deps=[["raw", "documents"]], description="In-report validation checks (V1–V4) per document.", kinds={"duckdb"}, owners=OWNERS),
    dg.AssetSpec(["raw", "metric_catalog"], description="The metric catalog the parser maps labels with (the spec's metrics.csv).", kinds={"duckdb"}, owners=OWNERS),
]


@dg.multi_asset(specs=PARSE_SPECS, group_name="raw", pool="warehouse")
def parsed_documents(context: dg.AssetExecutionContext, settings: PipelineSettings):
    with settings.run_lock(context.run_id):
        yield from _parsed_documents(context, settings)


def _parsed_documents(context: dg.AssetExecutionContext, settings: PipelineSettings):
    registry = load_registry(settings.sources_path())
    archive = Archive(settings.archive_path())
    families = {s.id: s.family for s in registry.sources}
    divisions = {s.id: s.division_code for s in registry.sources}

    def context_for(doc):
        agency = registry.agency(doc.get("agency_id"))
        # A local folder's registry entry states the year; elsewhere the document says it.
        year = doc.get("year_hint") if families.get(doc.get("source_id")) == "local_dir" else None
        division = (agency.division_code if agency else None) or divisions.get(doc.get("source_id"))
        return (agency.name if agency else None), year, division

    with connect(settings.warehouse_path()) as con:
        documents = fetch_dicts(con, "SELECT * FROM raw.documents ORDER BY document_id")
        with stage_progress("parse") as bar:
            def on_progress(done: int, total: int) -> None:
                context.log.info(f"parsed {done}/{total}")
                bar.update(done, total)

            stats = parse_pending(con, documents, archive.get_blob, context_for=context_for,
                                  on_progress=on_progress, batch_size=100)
        counts = {t: con.execute(f"SELECT count(*) FROM raw.{t}").fetchone()[0]
                  for t in ("parsed_reports", "parsed_metrics", "parsed_rejects", "parsed_checks")}
        with open(CATALOG_PATH, encoding="utf-8", newline="") as f:
            counts["metric_catalog"] = replace_table(con, "metric_catalog", list(csv.DictReader(f)))
    meta = {"parsed_this_run": stats.parsed, "already_parsed": stats.skipped_already_parsed,
            "by_status": dg.MetadataValue.json(stats.by_status)}
    for table, n in counts.items():
        yield dg.MaterializeResult(asset_key=["raw", table], metadata={"dagster/row_count": n, **meta})
