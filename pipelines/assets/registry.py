"""raw.agencies and raw.sources: the registry as tables, so marts can say who should publish."""

import json

import dagster as dg

from pipelines.preflight import SettingsInvalid, describe_registry, record_registry
from pipelines.sources.registry import Registry
from pipelines.warehouse.db import connect
from pipelines.warehouse.writer import replace_table

from .conventions import OWNERS
from .settings import PipelineSettings


def agency_rows(registry: Registry) -> list[dict]:
    """Every catalog agency (a portal may carry any of them); `in_scope` marks the ones this
    registry is expected to cover, which is what coverage counts as missing or found."""
    covered = configured_agency_ids(registry)
    return [{
        "agency_id": a.id, "agency_name": a.name, "short_name": a.short_name,
        "aliases": json.dumps(list(a.aliases), ensure_ascii=False),
        "former_names": json.dumps(list(a.former_names), ensure_ascii=False),
        "sector": a.sector, "kind": a.kind, "admin_level": a.admin_level,
        "division_code": a.division_code, "org_code": a.org_code, "in_scope": a.id in covered,
    } for a in registry.agencies.values()]


def configured_agency_ids(registry: Registry) -> set[str]:
    """Agencies a registry covers: a source's own agency, or those its options name."""
    ids: set[str] = set()
    for s in registry.sources:
        if s.agency:
            ids.add(s.agency)
        opts = s.options or {}
        ids.update((opts.get("areas") or {}).keys())
        ids.update(opts.get("agencies") or [])
        ids.update(m.get("agency") for m in (opts.get("files") or {}).values() if isinstance(m, dict) and m.get("agency"))
    return ids


def source_rows(registry: Registry) -> list[dict]:
    return [{
        "source_id": s.id, "family": s.family, "agency_id": s.agency, "entry_url": s.entry_url,
        "verified": bool(s.verified), "allowed_hosts": json.dumps(list(s.allowed_hosts)),
        "division_code": s.division_code,
        "first_year": s.years[0] if s.years else None, "last_year": s.years[1] if s.years else None,
    } for s in registry.sources]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", "agencies"], description="Agencies covered by the registry (catalog rows).", kinds={"duckdb"}, owners=OWNERS),
        dg.AssetSpec(["raw", "sources"], description="Crawl sources of the registry.", kinds={"duckdb"}, owners=OWNERS),
    ],
    group_name="raw",
    pool="warehouse",
)
def registry_tables(context: dg.AssetExecutionContext, settings: PipelineSettings):
    with settings.run_lock(context.run_id):
        yield from _registry_tables(context, settings)


def _registry_tables(context: dg.AssetExecutionContext, settings: PipelineSettings):
    try:
        registry = settings.check()
    except SettingsInvalid as exc:   # one line in the UI, not a stack trace
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    agencies = agency_rows(registry)
    with connect(settings.warehouse_path()) as con:
        n_agencies = replace_table(con, "agencies", agencies)
        n_sources = replace_table(con, "sources", source_rows(registry))
    # the next run of this warehouse without GOVREPORTS_SOURCES uses the same registry
    record_registry(settings.warehouse_path(), settings.sources_path())
    meta = {"registry": str(settings.sources_path()), "registry_hosts": describe_registry(registry)}
    yield dg.MaterializeResult(asset_key=["raw", "agencies"], metadata={**meta, "dagster/row_count": n_agencies})
    yield dg.MaterializeResult(asset_key=["raw", "sources"], metadata={**meta, "dagster/row_count": n_sources})
