"""Run the whole Dagster graph in this process (what `govreports run` and `govreports demo` do),
recording the run in the local Dagster instance so that `make dev` shows it afterwards."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import dagster as dg

from pipelines.warehouse.db import PROJECT_ROOT


@contextlib.contextmanager
def _env(**values: str | None):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update({k: v for k, v in values.items() if v is not None})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def _cwd(path: Path):
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run_pipeline(sources_file: Path, *, archive_dir: Path | None = None, duckdb_path: Path | None = None,
                 ephemeral: bool = False) -> dg.ExecuteInProcessResult:
    """Materialise every asset for one registry; raises when a step fails."""
    env = {
        "GOVREPORTS_SOURCES": str(Path(sources_file).resolve()),
        "GOVREPORTS_ARCHIVE": str(Path(archive_dir).resolve()) if archive_dir else None,
        "GOVREPORTS_DUCKDB": str(Path(duckdb_path).resolve()) if duckdb_path else None,
        "DAGSTER_HOME": os.environ.get("DAGSTER_HOME") or str(PROJECT_ROOT),
    }
    # dagster.yaml keeps its storage under data/dagster relative to the project root.
    with _env(**env), _cwd(PROJECT_ROOT):
        from pipelines.definitions import defs

        instance = dg.DagsterInstance.ephemeral() if ephemeral else dg.DagsterInstance.get()
        job = defs.resolve_job_def("nightly_refresh")
        # Dagster's per-event DEBUG lines drown a terminal; GOVREPORTS_LOG_LEVEL=DEBUG brings them back.
        level = os.environ.get("GOVREPORTS_LOG_LEVEL", "INFO").upper()
        run_config = {"loggers": {"console": {"config": {"log_level": level}}}}
        return job.execute_in_process(instance=instance, raise_on_error=True, run_config=run_config)
