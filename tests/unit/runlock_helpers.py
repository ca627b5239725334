"""Shared by the run-lock tests: a process holding a warehouse's run lock, a Dagster home whose pool
`warehouse` has the project's limit of 1."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def holder_process(warehouse: Path, run_id: str) -> subprocess.Popen:
    code = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from pipelines import runlock
        runlock.acquire({str(warehouse)!r}, {run_id!r})
        print("held", flush=True)
        time.sleep(600)
        """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def dagster_home(tmp_path: Path) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(textwrap.dedent(f"""\
        storage:
          sqlite:
            base_dir: {home / 'storage'}
        telemetry:
          enabled: false
        concurrency:
          pools:
            default_limit: 1
        """), encoding="utf-8")
    return home
