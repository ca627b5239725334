"""Run settings shared by every asset: which registry, where the archive and the warehouse live."""
from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from pipelines.warehouse.db import PROJECT_ROOT, warehouse_path

DEFAULT_SOURCES = PROJECT_ROOT / "pipelines" / "sources" / "zhejiang.yaml"
DEFAULT_ARCHIVE = PROJECT_ROOT / "data" / "archive"


class PipelineSettings(dg.ConfigurableResource):
    """Environment variables set the defaults so that the CLI, `make dev` and the schedule agree.

    GOVREPORTS_SOURCES  registry YAML (default: the real Zhejiang registry)
    GOVREPORTS_ARCHIVE  content-addressed archive of fetched bytes (default data/archive)
    GOVREPORTS_DUCKDB   the warehouse file (default data/warehouse.duckdb)
    """

    sources_file: str = ""
    archive_dir: str = ""
    duckdb_path: str = ""

    def sources_path(self) -> Path:
        return Path(self.sources_file or os.environ.get("GOVREPORTS_SOURCES") or DEFAULT_SOURCES)

    def archive_path(self) -> Path:
        return Path(self.archive_dir or os.environ.get("GOVREPORTS_ARCHIVE") or DEFAULT_ARCHIVE)

    def warehouse_path(self) -> Path:
        return Path(self.duckdb_path) if self.duckdb_path else warehouse_path()
