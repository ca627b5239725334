"""The dbt project as Dagster assets: one translator, sources mapped to the raw assets through
`meta.dagster.asset_key` in dbt_project/models/staging/sources.yml, dbt tests as asset checks.

A nightly run builds only what changed (pipelines/assets/dbt_plan.py): the models downstream of the
raw tables that changed since the last successful build, or nothing. A run launched from the UI
on a selection of assets builds that selection, as Dagster asks."""

import contextlib
import functools
import json
import os
import shutil
import sys
import time
from importlib.metadata import version as package_version
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from packaging.version import Version

from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets


from .conventions import NIGHTLY_FRESHNESS, OWNERS, describe_dbt_test, layer_of
from .dbt_manifest import DBT_DIR, ensure_manifest, target_dir
from .dbt_plan import BuildPlan, dated_fingerprints, plan_build, project_fingerprint
from .settings import PipelineSettings

dbt_project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR, target_path=target_dir().relative_to(DBT_DIR))


class GovreportsDbtTranslator(DagsterDbtTranslator):
    """Models are keyed and grouped by their schema (`marts/fct_report` in group `marts`) so that names
    say which layer they are in; every model has the project's owners, the marts a freshness policy,
    every test a description (pipelines/assets/conventions.py)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in {"model", "seed", "snapshot"}:
            layer = dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props.get("schema")
            return dg.AssetKey([layer, dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return layer_of(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return OWNERS

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if spec.group_name == "marts":
            spec = spec.replace_attributes(freshness_policy=NIGHTLY_FRESHNESS)
        return spec

    def get_asset_check_spec(self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str,
                             project: DbtProject | None) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return spec._replace(description=describe_dbt_test(manifest["nodes"][unique_id]))


# dbt's own JSON artifacts of a build (~0.4 s to write) are read by nobody: its events stream to
# Dagster and its whole log goes to the run's log file.
BUILD_FLAGS = ["--no-write-json"]
KEEP_INVOCATION_DIRS = 5

MANIFEST_PATH = ensure_manifest()
TRANSLATOR = GovreportsDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=MANIFEST_PATH, project=dbt_project, dagster_dbt_translator=TRANSLATOR, pool="warehouse")
def govreports_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: PipelineSettings):
    with settings.run_lock(context.run.run_id):
        yield from _govreports_dbt_models(context, dbt, settings)


def _govreports_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: PipelineSettings):
    os.environ["GOVREPORTS_DUCKDB"] = str(settings.warehouse_path().resolve())
    subset = _is_subset(context)
    plan = None if subset else _plan(settings)
    if plan is not None:
        context.log.info(f"dbt: {plan.reason}")
        if plan.is_empty:
            _record(settings, plan, context.run.run_id)
            yield from _UnchangedMarts(context, set(), plan).rest()
            _publish_snapshot(context, settings, rebuilt=False)
            return
    # dbt holds the only write lock while it runs, so row counts are read once it has finished.
    events = _build(context, dbt, settings, plan)
    outputs = {tuple(context.asset_key_for_output(e.output_name).path) for e in events if isinstance(e, dg.Output)}
    counts = _row_counts(settings, outputs)
    unchanged = _UnchangedMarts(context, outputs, plan)
    for event in events:
        if isinstance(event, dg.Output):
            key = tuple(context.asset_key_for_output(event.output_name).path)
            yield from unchanged.upstream_of(key)      # Dagster wants every asset after its parents
            if key in counts:
                event = event.with_metadata({**event.metadata, "dagster/row_count": counts[key]})
        yield event
    yield from unchanged.rest()
    if plan is not None:
        _record(settings, plan, context.run.run_id)
    _publish_snapshot(context, settings, rebuilt=bool(outputs))


def _publish_snapshot(context: dg.AssetExecutionContext, settings: PipelineSettings, *, rebuilt: bool) -> None:
    """The dashboard's copy of the marts (pipelines/dashboard/snapshot.py), replaced atomically once
    the build has succeeded, so that the dashboard serves the last good data while dbt writes. A
    snapshot that cannot be written is a warning: the marts themselves are built."""
    from pipelines.dashboard.snapshot import publish_snapshot, snapshot_for

    warehouse = settings.warehouse_path()
    if not rebuilt and snapshot_for(warehouse) is not None:
        return                                   # nothing new, and the snapshot is there already
    try:
        path = publish_snapshot(warehouse, archive_dir=settings.archive_path())
        context.log.info(f"dashboard snapshot: {path}")
    except (OSError, RuntimeError, duckdb.Error) as exc:
        context.log.warning(f"dashboard snapshot not written ({type(exc).__name__}: {exc}); "
                            "the dashboard keeps the previous one")


class _UnchangedMarts:
    """The marts this night did not rebuild because nothing upstream of them changed: reported as
    current (rebuilt: false, and why), so that their freshness policy flags a night that did not run,
    not a night with nothing new. None when the UI chose a subset (dagster-dbt builds exactly that)."""

    def __init__(self, context: dg.AssetExecutionContext, built: set[tuple[str, ...]], plan: BuildPlan | None):
        self.context, self.plan = context, plan
        self.deps = context.assets_def.asset_deps
        self.pending = {k for k in context.selected_asset_keys
                        if k.path[0] == "marts" and tuple(k.path) not in built} if plan is not None else set()

    def upstream_of(self, key: tuple[str, ...]):
        for parent in sorted(self.deps.get(dg.AssetKey(list(key)), ()), key=lambda k: k.path):
            yield from self._emit(parent)

    def _emit(self, asset_key: dg.AssetKey):
        if asset_key not in self.pending:
            return
        self.pending.discard(asset_key)
        yield from self.upstream_of(tuple(asset_key.path))
        yield dg.Output(None, output_name=self.context.assets_def.get_output_name_for_asset_key(asset_key),
                        metadata={"rebuilt": False, "unchanged_because": self.plan.reason})

    def rest(self):
        for asset_key in sorted(self.pending, key=lambda k: k.path):
            yield from self._emit(asset_key)


def _is_subset(context: dg.AssetExecutionContext) -> bool:
    """A selection made in the UI (some models, some checks): dagster-dbt builds exactly that."""
    assets_def = context.assets_def
    return (set(context.selected_asset_keys) != set(assets_def.keys)
            or set(context.selected_asset_check_keys) != set(assets_def.check_keys))


def _manifest() -> dict:
    """The parsed manifest, read once per version of the file (the plan, the selection's events and
    the build record all need it)."""
    return _read_manifest(Path(MANIFEST_PATH).stat().st_mtime_ns)


@functools.lru_cache(maxsize=1)
def _read_manifest(mtime_ns: int) -> dict:
    return json.loads(Path(MANIFEST_PATH).read_text(encoding="utf-8"))


def _plan(settings: PipelineSettings) -> BuildPlan:
    from pipelines.warehouse.db import connect

    fingerprint = project_fingerprint(DBT_DIR)
    path = settings.warehouse_path()
    if not path.exists():
        return BuildPlan(None, "a new warehouse: building everything", fingerprint)
    with connect(path, read_only=True) as con:
        return plan_build(con, _manifest(), fingerprint, full=settings.full_build_requested())


def _record(settings: PipelineSettings, plan: BuildPlan, run_id: str) -> None:
    """After a successful build: what it was built from, so that tomorrow's plan can compare."""
    from pipelines.warehouse import changes
    from pipelines.warehouse.db import connect

    with connect(settings.warehouse_path()) as con:
        changes.record_build(con, run_id=run_id, selection=plan.selection, reason=plan.reason,
                             project_fingerprint=plan.project_fingerprint,
                             versions=plan.raw_versions, dated_models=dated_fingerprints(con, _manifest()))


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: PipelineSettings,
           plan: BuildPlan | None) -> list:
    """`dbt build`, after waiting (bounded, logged: GOVREPORTS_LOCK_WAIT_S) for readers to let go of
    the warehouse; dbt fails at once on a reader's lock, so a reader that opens the file between the
    wait and dbt's start costs one more wait and attempt, not the night."""
    from pipelines.warehouse.db import configured_lock_wait_s, wait_until_writable

    deadline = time.monotonic() + configured_lock_wait_s()
    while True:
        wait_until_writable(settings.warehouse_path(), max(0.0, deadline - time.monotonic()))
        with _this_warehouse_target():
            if plan is None or plan.is_full:
                invocation = dbt.cli(["build", *BUILD_FLAGS], context=context, raise_on_error=False)
                events = list(invocation.stream())
            else:
                events, invocation = _build_selection(context, dbt, plan.select)
        error = invocation.get_error()
        _prune_invocation_dirs(Path(MANIFEST_PATH).parent)
        if error is None:
            return events
        text = str(error).lower()
        if "could not set lock" not in text or time.monotonic() >= deadline:
            raise error
        context.log.warning("dbt build could not lock the warehouse (a reader opened it): waiting and trying again")


@contextlib.contextmanager
def _this_warehouse_target():
    """dagster-dbt takes the partial parse state from DBT_TARGET_PATH and puts each build's folder
    there: this warehouse's target folder (pipelines/assets/dbt_manifest.py), for this call only."""
    old = os.environ.get("DBT_TARGET_PATH")
    os.environ["DBT_TARGET_PATH"] = str(Path(MANIFEST_PATH).parent)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("DBT_TARGET_PATH", None)
        else:
            os.environ["DBT_TARGET_PATH"] = old


def _build_selection(context: dg.AssetExecutionContext, dbt: DbtCliResource, select: tuple[str, ...]):
    """`dbt build --select …` on our own selection. dagster-dbt would add the whole asset selection
    to it (the run selected every asset), so dbt runs without the context and its events are turned
    into this step's outputs and check results with the context afterwards."""
    manifest = _manifest()
    invocation = dbt.cli(["build", *BUILD_FLAGS, "--select", " ".join(select)], manifest=manifest,
                         dagster_dbt_translator=TRANSLATOR, raise_on_error=False)
    events = [event for raw in invocation.stream_raw_events()
              for event in raw.to_default_asset_events(manifest=manifest, dagster_dbt_translator=TRANSLATOR,
                                                       context=context, target_path=invocation.target_path,
                                                       project=dbt_project)]
    return events, invocation


def _prune_invocation_dirs(target: Path) -> None:
    """dagster-dbt gives every invocation its own folder under target/ (compiled SQL, dbt.log) and
    never removes one; keep the newest few, so that a year of nights does not fill the disk."""
    runs = sorted((d for d in target.iterdir() if d.is_dir() and (d / "dbt.log").exists()),
                  key=lambda d: d.stat().st_mtime, reverse=True)
    for old in runs[KEEP_INVOCATION_DIRS:]:
        shutil.rmtree(old, ignore_errors=True)


def _row_counts(settings: PipelineSettings, keys: set[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
    """Row counts of the relations this build wrote (not of every view: a view's count is a query)."""
    from pipelines.warehouse.db import connect

    with connect(settings.warehouse_path(), read_only=True) as con:
        tables = con.execute("""SELECT table_schema, table_name FROM information_schema.tables
                                WHERE table_schema IN ('staging', 'intermediate', 'marts')""").fetchall()
        return {(schema, name): con.execute(f'SELECT count(*) FROM {schema}."{name}"').fetchone()[0]
                for schema, name in tables if (schema, name) in keys}


class GovreportsDbtCli(DbtCliResource):
    """dagster-dbt's resource without two start-up costs of every invocation that we never use
    (~3 s of a 3-node build): `dbt --version` in a subprocess (the executable is this virtualenv's,
    so its version is the installed dbt-core package's), and an in-process dbt adapter (dagster-dbt
    uses it only to fetch column metadata and row counts; we count rows ourselves)."""

    @functools.cached_property
    def _cli_version(self) -> Version:
        return Version(package_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


# The dbt of this virtualenv, whether or not .venv/bin is on PATH (cron, `make`, IDEs), started
# through dbt_tied.sh: the kernel kills it when the run's process dies, so that a run killed with
# kill -9 leaves no dbt build holding the warehouse's write lock (the wrapper reads GOVREPORTS_DBT,
# which dagster-dbt passes on with the rest of the environment).
os.environ["GOVREPORTS_DBT"] = str(Path(sys.executable).with_name("dbt"))
dbt_resource = GovreportsDbtCli(project_dir=dbt_project, profiles_dir=str(DBT_DIR),
                              dbt_executable=str(Path(__file__).with_name("dbt_tied.sh")))
