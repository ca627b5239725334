"""Idempotent writes into the raw schema.

Crawl-side tables are rebuilt from the archive index on every run (the archive is the record;
replacing is what makes re-runs idempotent). Parse-side tables are upserted per document so a
night only parses what is new or what a newer parser version has not seen yet.

Each write also notes, in its transaction, whether the table changed (pipelines/warehouse/changes.py):
that is what lets a night with nothing new build nothing in dbt.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb
import pandas as pd

from . import changes
from .raw_schema import RAW_TABLES, create_sql


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw tables, and add the columns a newer version declares to an older warehouse."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    have: dict[str, set[str]] = {}
    for table, column in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                     "WHERE table_schema = 'raw'").fetchall():
        have.setdefault(table, set()).add(column)
    for table, columns in RAW_TABLES.items():
        if table not in have:
            con.execute(create_sql(table))
            continue
        for column, typ in columns.items():
            if column not in have[table]:
                con.execute(f'ALTER TABLE raw.{table} ADD COLUMN "{column}" {typ}')
                changes.note_write(con, table, compare=False)   # a new column is new content


def _frame(table: str, rows: Iterable[Mapping]) -> pd.DataFrame:
    cols = list(RAW_TABLES[table])
    frame = pd.DataFrame([{c: row.get(c) for c in cols} for row in rows], columns=cols)
    return frame.astype(object).where(frame.notna(), None)


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    casts = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in RAW_TABLES[table].items())
    con.register("_incoming", frame)
    try:
        con.execute(f"INSERT INTO raw.{table} SELECT {casts} FROM _incoming")
    finally:
        con.unregister("_incoming")


def replace_table(con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[Mapping]) -> int:
    """Replace the whole table in one transaction; returns the row count."""
    frame = _frame(table, rows)
    ensure_raw_schema(con)
    con.execute("BEGIN")
    try:
        con.execute(f"DELETE FROM raw.{table}")
        _insert(con, table, frame)
        changes.note_write(con, table, compare=True)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(frame)


def upsert_by_document(con: duckdb.DuckDBPyConnection, tables: Mapping[str, Iterable[Mapping]],
                       document_ids: Iterable[str]) -> None:
    """Replace every row of the given documents in the given tables, atomically."""
    ids = sorted(set(document_ids))
    if not ids:
        return
    ensure_raw_schema(con)
    frames = {t: _frame(t, rows) for t, rows in tables.items()}
    con.execute("BEGIN")
    try:
        con.register("_ids", pd.DataFrame({"document_id": ids}))
        for table in frames:
            con.execute(f"DELETE FROM raw.{table} WHERE document_id IN (SELECT document_id FROM _ids)")
        con.unregister("_ids")
        for table, frame in frames.items():
            _insert(con, table, frame)
            changes.note_write(con, table, compare=False)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def table_counts(con: duckdb.DuckDBPyConnection, schema: str = "raw") -> dict[str, int]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1", [schema]
    ).fetchall()
    return {name: con.execute(f'SELECT count(*) FROM {schema}."{name}"').fetchone()[0] for (name,) in rows}
