"""Fixtures for the dbt warehouse tests: a real DuckDB file with the raw layer of
raw_fixture.build_dev_dataset(), built with the real `dbt build` in a subprocess."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from raw_fixture import DBT_DIR, write_dev_raw  # noqa: E402

from dbt_runner import PROJECT_ROOT, run_dbt, run_results  # noqa: E402,F401


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory):
    """(db_path, truth, work_dir) after a full `dbt build` on the development dataset."""
    work = tmp_path_factory.mktemp("dbt_wh")
    db_path = work / "warehouse.duckdb"
    truth = write_dev_raw(db_path)
    proc = run_dbt(db_path, work, "build")
    truth["build_stdout"] = proc.stdout
    truth["run_results"] = run_results(work)
    return db_path, truth, work


@pytest.fixture(scope="session")
def wh(built_warehouse):
    db_path, _, _ = built_warehouse
    con = duckdb.connect(str(db_path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def truth(built_warehouse):
    return built_warehouse[1]
