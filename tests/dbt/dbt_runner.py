"""Running the real dbt against a DuckDB file, for the dbt tests and the benchmark."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from raw_fixture import DBT_DIR

PROJECT_ROOT = DBT_DIR.parent


def dbt_executable() -> str:
    exe = Path(sys.executable).parent / "dbt"
    if exe.exists():
        return str(exe)
    found = shutil.which("dbt")
    if not found:
        pytest.skip("dbt is not installed")
    return found


def run_dbt(db_path: Path, work: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run dbt from the project root against db_path; artifacts and logs go to work/."""
    env = dict(os.environ, GOVREPORTS_DUCKDB=str(db_path), DBT_SEND_ANONYMOUS_USAGE_STATS="false",
               DBT_PARTIAL_PARSE="false")
    cmd = [dbt_executable(), *args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
           "--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    proc = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}")
    return proc


def run_results(work: Path) -> dict[str, str]:
    data = json.loads((work / "target" / "run_results.json").read_text())
    return {r["unique_id"]: r["status"] for r in data["results"]}


