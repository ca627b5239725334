"""Run settings shared by every asset: which registry, where the archive and the warehouse live."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import dagster as dg

from pipelines import runlock
from pipelines.preflight import RegistryChoice, check_settings, choose_registry
from pipelines.warehouse.db import PROJECT_ROOT, warehouse_path

DEFAULT_SOURCES = PROJECT_ROOT / "pipelines" / "sources" / "zhejiang.yaml"
DEFAULT_ARCHIVE = PROJECT_ROOT / "data" / "archive"


class PipelineSettings(dg.ConfigurableResource):
    """Environment variables set the defaults so that the CLI, `make dev` and the schedule agree.

    GOVREPORTS_SOURCES  registry YAML (default: the one this warehouse was last built with, so that
                        `make dev` after `make demo` refreshes the demo; the real Zhejiang registry
                        for a new warehouse; pipelines/preflight.py)
    GOVREPORTS_ARCHIVE  content-addressed archive of fetched bytes (default data/archive)
    GOVREPORTS_DUCKDB   the warehouse file (default data/warehouse.duckdb)
    GOVREPORTS_FULL_BUILD=1  build every dbt model, not only what changed (pipelines/assets/dbt_plan.py)
    """

    sources_file: str = ""
    archive_dir: str = ""
    duckdb_path: str = ""
    full_build: bool = False

    def full_build_requested(self) -> bool:
        return self.full_build or os.environ.get("GOVREPORTS_FULL_BUILD", "") not in {"", "0"}

    def sources_path(self) -> Path:
        return self.registry_choice().path

    def registry_choice(self) -> RegistryChoice:
        return choose_registry(self.sources_file or os.environ.get("GOVREPORTS_SOURCES"),
                               self.warehouse_path(), DEFAULT_SOURCES)

    def check(self):
        """The loaded registry, or SettingsInvalid (one line) when it or a path cannot be used."""
        return check_settings(self.sources_path(), self.archive_path(), self.warehouse_path())

    def archive_path(self) -> Path:
        return Path(self.archive_dir or os.environ.get("GOVREPORTS_ARCHIVE") or DEFAULT_ARCHIVE)

    def warehouse_path(self) -> Path:
        return Path(self.duckdb_path) if self.duckdb_path else warehouse_path()

    @contextlib.contextmanager
    def run_lock(self, run_id: str):
        """Hold the warehouse's run lock while a step writes. `govreports run` already holds it (the
        lock is re-entrant in its process); a run launched by the UI or the schedule takes it step by
        step, so a `govreports run` in another process is refused meanwhile, and a step of such a run
        started while a `govreports run` is active fails at once with one line naming it."""
        warehouse = self.warehouse_path()
        try:
            runlock.acquire(warehouse, run_id)
        except runlock.RunActive as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from None
        try:
            yield
        finally:
            runlock.release(warehouse)


def describe_settings(settings: PipelineSettings | None = None) -> str:
    """What the Dagster UI shows about a checkout: which registry (and its hosts), warehouse and archive
    a run would use, or why they cannot be used."""
    settings = settings or PipelineSettings()
    from pipelines.preflight import SettingsInvalid, describe_registry

    choice = settings.registry_choice()
    try:
        hosts = describe_registry(settings.check())
    except SettingsInvalid as exc:
        hosts = f"CANNOT RUN: {exc}"
    return (f"Registry: {choice.path} ({choice.why}; {hosts}). Warehouse: {settings.warehouse_path()}. "
            f"Archive: {settings.archive_path()}.")
