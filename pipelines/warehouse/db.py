"""Where the warehouse lives and how to open it (one writer at a time, readers read-only)."""
from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DUCKDB = PROJECT_ROOT / "data" / "warehouse.duckdb"


def warehouse_path() -> Path:
    """`GOVREPORTS_DUCKDB` overrides the default `data/warehouse.duckdb`."""
    return Path(os.environ.get("GOVREPORTS_DUCKDB") or DEFAULT_DUCKDB)


def connect(path: Path | str | None = None, *, read_only: bool = False,
            lock_wait_s: float = 60.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. A writer waits (up to `lock_wait_s`) for a reader in another process,
    e.g. the dashboard, to let go of the file instead of failing the night's step."""
    path = Path(path) if path else warehouse_path()
    if read_only and not path.exists():
        raise FileNotFoundError(f"{path}: no warehouse yet (run `make demo` or `govreports run`)")
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + (0 if read_only else lock_wait_s)
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(0.5)


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """Rows as plain dicts with None for NULL (pandas would turn NULL integers into NaN)."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]
