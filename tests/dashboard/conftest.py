"""Warehouses for the dashboard tests.

- `sample_warehouse`: the synthetic marts of `pipelines.dashboard.sample` (deterministic, always there).
- `pipeline_warehouse`: a real warehouse built by the real pipeline against the embedded demo site
  (`run_pipeline` on `DemoServer(generate_corpus())`, all on 127.0.0.1). Skips when the pipeline
  cannot be imported or run in this checkout, with the reason.
- `dashboard_warehouse`: what the browser test shows: the pipeline's warehouse when it builds, else
  the sample one (with a warning). `GOVREPORTS_DASHBOARD_TEST_WAREHOUSE=pipeline|sample` forces one;
  `GOVREPORTS_DASHBOARD_TEST_DUCKDB=<file>` uses a warehouse the pipeline built before instead of
  building one.
"""
from __future__ import annotations

import os
import traceback
import warnings
from pathlib import Path

import pytest

from pipelines.dashboard.sample import build_sample_warehouse

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "dashboard"

_pipeline_result: dict = {}


def _build_pipeline_warehouse(tmp: Path) -> Path:
    from pipelines.demo.generator import generate_corpus
    from pipelines.demo.server import DemoServer
    from pipelines.runner import run_pipeline

    tmp.mkdir(parents=True, exist_ok=True)
    with DemoServer(generate_corpus()) as server:
        server.write_registry(tmp / "sources.yaml")
        run_pipeline(tmp / "sources.yaml", archive_dir=tmp / "archive", duckdb_path=tmp / "wh.duckdb",
                     ephemeral=True)
    return tmp / "wh.duckdb"


def _pipeline_warehouse(tmp_path_factory) -> tuple[Path | None, str | None]:
    """Build once per session; remember a failure so that it is reported, not retried."""
    prebuilt = os.environ.get("GOVREPORTS_DASHBOARD_TEST_DUCKDB")
    if prebuilt:   # a warehouse the pipeline built already (saves the build while iterating)
        return Path(prebuilt), None
    if "path" not in _pipeline_result:
        try:
            _pipeline_result["path"] = _build_pipeline_warehouse(tmp_path_factory.mktemp("pipeline_wh"))
            _pipeline_result["error"] = None
        except Exception as exc:  # noqa: BLE001 - reported as the skip reason
            _pipeline_result["path"] = None
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            _pipeline_result["error"] = f"the real pipeline did not build a warehouse: {last}"
    return _pipeline_result["path"], _pipeline_result["error"]


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    return build_sample_warehouse(tmp_path_factory.mktemp("sample_wh") / "sample.duckdb")


@pytest.fixture(scope="session")
def pipeline_warehouse(tmp_path_factory) -> Path:
    path, error = _pipeline_warehouse(tmp_path_factory)
    if path is None:
        pytest.skip(error)
    return path


@pytest.fixture(scope="session", params=["sample", "pipeline"])
def warehouse(request) -> Path:
    """Both warehouses: the query tests run on each."""
    return request.getfixturevalue(f"{request.param}_warehouse")


@pytest.fixture(scope="session")
def dashboard_warehouse(request, tmp_path_factory) -> Path:
    choice = os.environ.get("GOVREPORTS_DASHBOARD_TEST_WAREHOUSE", "auto")
    if choice == "sample":
        return request.getfixturevalue("sample_warehouse")
    if choice == "pipeline":
        return request.getfixturevalue("pipeline_warehouse")
    path, error = _pipeline_warehouse(tmp_path_factory)
    if path is not None:
        return path
    warnings.warn(f"dashboard browser test uses the synthetic sample warehouse: {error}", stacklevel=1)
    return request.getfixturevalue("sample_warehouse")


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
