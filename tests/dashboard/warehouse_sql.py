"""Independent SQL on a warehouse file, read-only and closed at once (what the dashboard tests check
the pages and queries against), and a process that holds its write lock as a build does."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb


def sql(path: Path, query: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def one(path: Path, query: str, params: list | None = None):
    return sql(path, query, params)[0][0]


def hold_write_lock(path: Path) -> subprocess.Popen:
    """A process that opens the warehouse read-write (as a dbt build does), writes to it, and holds it."""
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys
        con = duckdb.connect({str(path)!r})
        con.execute("CREATE OR REPLACE TABLE main.build_in_progress AS SELECT 1 AS x")
        con.execute("CHECKPOINT")
        print("locked", flush=True)
        sys.stdin.read()
        con.close()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def release(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.stdin.close()
        proc.wait(timeout=30)
