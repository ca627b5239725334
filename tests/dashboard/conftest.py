"""Warehouses for the dashboard tests.

- `sample_warehouse`: the synthetic marts of `pipelines.dashboard.sample` (deterministic, always there).
- `pipeline_warehouse`: the warehouse the real pipeline built against the embedded demo site in the
  shared `demo_run` fixture (tests/conftest.py).
- `dashboard_warehouse`: what the browser test shows: the pipeline's warehouse;
  `GOVREPORTS_DASHBOARD_TEST_WAREHOUSE=sample` shows the synthetic one instead, and
  `GOVREPORTS_DASHBOARD_TEST_DUCKDB=<file>` uses a warehouse the pipeline built before.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.dashboard.sample import build_sample_warehouse

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "dashboard"

@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    return build_sample_warehouse(tmp_path_factory.mktemp("sample_wh") / "sample.duckdb")


@pytest.fixture(scope="session")
def pipeline_warehouse(request) -> Path:
    """The warehouse of the shared demo pipeline run (tests/conftest.py), or a prebuilt one."""
    prebuilt = os.environ.get("GOVREPORTS_DASHBOARD_TEST_DUCKDB")
    if prebuilt:   # a warehouse the pipeline built already (saves the build while iterating)
        return Path(prebuilt)
    return request.getfixturevalue("demo_run").duckdb


@pytest.fixture(scope="session", params=["sample", "pipeline"])
def warehouse(request) -> Path:
    """Both warehouses: the query tests run on each."""
    return request.getfixturevalue(f"{request.param}_warehouse")


@pytest.fixture(scope="session")
def dashboard_warehouse(request) -> Path:
    """What the browser test shows: the real pipeline's warehouse (or the sample one when
    GOVREPORTS_DASHBOARD_TEST_WAREHOUSE=sample)."""
    if os.environ.get("GOVREPORTS_DASHBOARD_TEST_WAREHOUSE") == "sample":
        return request.getfixturevalue("sample_warehouse")
    return request.getfixturevalue("pipeline_warehouse")


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
