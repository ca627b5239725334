"""Independent SQL on a warehouse file, read-only and closed at once: what the dashboard tests check
the pages and queries against."""
from __future__ import annotations

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
