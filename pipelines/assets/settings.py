"""Run settings shared by every asset: which registry, where the archive and the warehouse live."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import dagster as dg

from pipelines import runlock
from pipelines.warehouse.db import PROJECT_ROOT, warehouse_path

DEFAULT_SOURCES = PROJECT_ROOT / "pipelines" / "sources" / "zhejiang.yaml"
DEFAULT_ARCHIVE = PROJECT_ROOT / "data" / "archive"


class PipelineSettings(dg.ConfigurableResource):
    """Environment variables set the defaults so that the CLI, `make dev` and the schedule agree.

    GOVREPORTS_SOURCES  registry YAML (default: the real Zhejiang registry)
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
        return Path(self.sources_file or os.environ.get("GOVREPORTS_SOURCES") or DEFAULT_SOURCES)

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
            raise dg.Failure(description=str(exc)) from None
        try:
            yield
        finally:
            runlock.release(warehouse)
