"""Parse assets: read only the archive, write raw.parsed_reports / parsed_metrics / parsed_checks."""

import dagster as dg

from pipelines.archive import Archive
from pipelines.sources.registry import load_registry
from pipelines.warehouse.db import connect, fetch_dicts

from .parsing import parse_pending
from .settings import PipelineSettings

PARSE_SPECS = [
    dg.AssetSpec(["raw", "parsed_reports"], deps=[["raw", "documents"]], description="One row per parsed document: status, title, agency, year, era.", kinds={"duckdb"}),
    dg.AssetSpec(["raw", "parsed_metrics"], deps=[["raw", "documents"]], description="Metric values per document (value, value_raw, semantic).", kinds={"duckdb"}),
    dg.AssetSpec(["raw", "parsed_checks"], deps=[["raw", "documents"]], description="In-report validation checks (V1–V4) per document.", kinds={"duckdb"}),
]


@dg.multi_asset(specs=PARSE_SPECS, group_name="parse", pool="warehouse")
def parsed_documents(context: dg.AssetExecutionContext, settings: PipelineSettings):
    registry = load_registry(settings.sources_path())
    archive = Archive(settings.archive_path())
    families = {s.id: s.family for s in registry.sources}

    def context_for(doc):
        agency = registry.agency(doc.get("agency_id"))
        # A local folder's registry entry states the year; elsewhere the document says it.
        year = doc.get("year_hint") if families.get(doc.get("source_id")) == "local_dir" else None
        return (agency.name if agency else None), year

    with connect(settings.warehouse_path()) as con:
        documents = fetch_dicts(con, "SELECT * FROM raw.documents ORDER BY document_id")
        stats = parse_pending(con, documents, archive.get_blob, context_for=context_for,
                              on_progress=lambda done, total: context.log.info(f"parsed {done}/{total}"))
        counts = {t: con.execute(f"SELECT count(*) FROM raw.{t}").fetchone()[0]
                  for t in ("parsed_reports", "parsed_metrics", "parsed_checks")}
    meta = {"parsed_this_run": stats.parsed, "already_parsed": stats.skipped_already_parsed,
            "by_status": dg.MetadataValue.json(stats.by_status)}
    for table, n in counts.items():
        yield dg.MaterializeResult(asset_key=["raw", table], metadata={"dagster/row_count": n, **meta})
