"""Where the warehouse lives and how to open it (one writer at a time, readers read-only)."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DUCKDB = PROJECT_ROOT / "data" / "warehouse.duckdb"


def warehouse_path() -> Path:
    """`GOVREPORTS_DUCKDB` overrides the default `data/warehouse.duckdb`."""
    return Path(os.environ.get("GOVREPORTS_DUCKDB") or DEFAULT_DUCKDB)


def connect(path: Path | str | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = Path(path) if path else warehouse_path()
    if read_only and not path.exists():
        raise FileNotFoundError(f"{path}: no warehouse yet (run `make demo` or `govreports run`)")
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """Rows as plain dicts with None for NULL (pandas would turn NULL integers into NaN)."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]
