"""The dbt project as Dagster assets: one translator, sources mapped to the raw assets through
`meta.dagster.asset_key` in dbt_project/models/staging/sources.yml, dbt tests as asset checks."""

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from pipelines.warehouse.db import PROJECT_ROOT, warehouse_path

from .settings import PipelineSettings

DBT_DIR = PROJECT_ROOT / "dbt_project"
dbt_project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)


def ensure_manifest(project: DbtProject = dbt_project) -> Path:
    """`dbt parse` when the manifest is missing, older than the project's files, or parsed for
    another warehouse (offline, ~5 s). dbt's partial parsing keys on the rendered profile, so the
    parse renders it exactly as the build will (the same absolute GOVREPORTS_DUCKDB): a no-change
    build then re-parses nothing."""
    manifest = Path(project.manifest_path)
    stamp = manifest.with_name(".parsed_for_warehouse")
    warehouse = str(warehouse_path().resolve())
    sources = [p for p in DBT_DIR.rglob("*") if p.suffix in {".sql", ".yml", ".yaml", ".csv"}
               and "target" not in p.parts and "logs" not in p.parts]
    newest = max((p.stat().st_mtime for p in sources), default=0)
    stamped = stamp.read_text(encoding="utf-8") if stamp.exists() else None
    if not manifest.exists() or manifest.stat().st_mtime < newest or stamped != warehouse:
        dbt = Path(sys.executable).with_name("dbt")
        subprocess.run([str(dbt), "parse", "--quiet", "--project-dir", str(DBT_DIR),
                        "--profiles-dir", str(DBT_DIR)], check=True, cwd=DBT_DIR,
                       env={**os.environ, "GOVREPORTS_DUCKDB": warehouse})
        stamp.write_text(warehouse, encoding="utf-8")
    return manifest


class GovreportsDbtTranslator(DagsterDbtTranslator):
    """Models are keyed by their schema (`marts/fct_report`) so that names say which layer they are in."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in {"model", "seed", "snapshot"}:
            layer = dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props.get("schema")
            return dg.AssetKey([layer, dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "warehouse"


@dbt_assets(
    manifest=ensure_manifest(),
    project=dbt_project,
    dagster_dbt_translator=GovreportsDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
    pool="warehouse",
)
def govreports_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: PipelineSettings):
    with settings.run_lock(context.run_id):
        yield from _govreports_dbt_models(context, dbt, settings)


def _govreports_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: PipelineSettings):
    os.environ["GOVREPORTS_DUCKDB"] = str(settings.warehouse_path().resolve())
    # dbt holds the only write lock while it runs, so row counts are read once it has finished.
    events = _build(context, dbt, settings)
    counts = _row_counts(settings)
    for event in events:
        if isinstance(event, dg.Output):
            key = context.asset_key_for_output(event.output_name)
            if tuple(key.path) in counts:
                event = event.with_metadata({**event.metadata, "dagster/row_count": counts[tuple(key.path)]})
        yield event


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: PipelineSettings) -> list:
    """`dbt build`, after waiting (bounded, logged: GOVREPORTS_LOCK_WAIT_S) for readers to let go of
    the warehouse; dbt fails at once on a reader's lock, so a reader that opens the file between the
    wait and dbt's start costs one more wait and attempt, not the night."""
    from pipelines.warehouse.db import configured_lock_wait_s, wait_until_writable

    deadline = time.monotonic() + configured_lock_wait_s()
    while True:
        wait_until_writable(settings.warehouse_path(), max(0.0, deadline - time.monotonic()))
        invocation = dbt.cli(["build"], context=context, raise_on_error=False)
        events = list(invocation.stream())
        error = invocation.get_error()
        if error is None:
            return events
        text = str(error).lower()
        if "could not set lock" not in text or time.monotonic() >= deadline:
            raise error
        context.log.warning("dbt build could not lock the warehouse (a reader opened it): waiting and trying again")


def _row_counts(settings: PipelineSettings) -> dict[tuple[str, str], int]:
    from pipelines.warehouse.db import connect

    with connect(settings.warehouse_path(), read_only=True) as con:
        tables = con.execute("""SELECT table_schema, table_name FROM information_schema.tables
                                WHERE table_schema IN ('staging', 'intermediate', 'marts')""").fetchall()
        return {(schema, name): con.execute(f'SELECT count(*) FROM {schema}."{name}"').fetchone()[0]
                for schema, name in tables}


# The dbt of this virtualenv, whether or not .venv/bin is on PATH (cron, `make`, IDEs).
dbt_resource = DbtCliResource(project_dir=dbt_project, profiles_dir=str(DBT_DIR),
                              dbt_executable=str(Path(sys.executable).with_name("dbt")))
