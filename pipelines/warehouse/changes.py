"""Which raw tables changed since the last successful dbt build (what a nightly build must redo).

Every write into `raw` goes through pipelines/warehouse/writer.py, which calls `note_write` in the
same transaction. A table's version goes up only when its content changed: crawl-side tables are
rewritten whole from the archive index every night, so their version follows a fingerprint of the
rows (count and an order-free sum of row hashes), not the fact that they were written. Parse-side
upserts always count as a change (they only happen for documents parsed anew).

The dbt step records, after each successful build, the versions it built from
(`pipeline.dbt_builds`); `changed_since` compares. Both tables live in schema `pipeline`, the
warehouse's own bookkeeping, beside the analyst's `raw` … `marts`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import duckdb

SCHEMA = "pipeline"


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    con.execute(f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.raw_table_versions (
        table_name VARCHAR PRIMARY KEY, version BIGINT NOT NULL, fingerprint VARCHAR, changed_at TIMESTAMP)""")
    con.execute(f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.dbt_builds (
        built_at TIMESTAMP, run_id VARCHAR, selection VARCHAR, reason VARCHAR, project_fingerprint VARCHAR,
        raw_versions VARCHAR, dated_models VARCHAR, raw_columns VARCHAR)""")


def fingerprint(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """Row count and the sum of row hashes: equal for equal multisets of rows, in any order."""
    n, total = con.execute(f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM {relation} t").fetchone()
    return f"{n}:{total}"


def note_write(con: duckdb.DuckDBPyConnection, table: str, *, compare: bool) -> bool:
    """Inside the writer's transaction: bump `table`'s version when its content changed (`compare`)
    or unconditionally (an upsert). Returns whether the version went up."""
    ensure_tables(con)
    new = fingerprint(con, f"raw.{table}") if compare else None
    row = con.execute(f"SELECT version, fingerprint FROM {SCHEMA}.raw_table_versions WHERE table_name = ?",
                      [table]).fetchone()
    if row is not None and compare and row[1] == new:
        return False
    con.execute(f"""INSERT INTO {SCHEMA}.raw_table_versions VALUES (?, ?, ?, now()::TIMESTAMP)
                    ON CONFLICT (table_name) DO UPDATE SET version = excluded.version,
                        fingerprint = excluded.fingerprint, changed_at = excluded.changed_at""",
                [table, (row[0] if row else 0) + 1, new])
    return True


def raw_columns(con: duckdb.DuckDBPyConnection) -> str:
    """The raw tables' columns and types: a view over them needs rebuilding only when these change."""
    rows = con.execute("""SELECT table_name, column_name, data_type FROM information_schema.columns
                          WHERE table_schema = 'raw' ORDER BY 1, ordinal_position""").fetchall()
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def raw_versions(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    if not _has(con, "raw_table_versions"):
        return {}
    return dict(con.execute(f"SELECT table_name, version FROM {SCHEMA}.raw_table_versions").fetchall())


@dataclass(frozen=True)
class LastBuild:
    built_at: str
    run_id: str
    project_fingerprint: str
    raw_versions: dict[str, int]
    dated_models: dict[str, str]
    raw_columns: str | None


def last_build(con: duckdb.DuckDBPyConnection) -> LastBuild | None:
    if not _has(con, "dbt_builds"):
        return None
    row = con.execute(f"""SELECT built_at::VARCHAR, run_id, project_fingerprint, raw_versions, dated_models,
                                 raw_columns FROM {SCHEMA}.dbt_builds ORDER BY built_at DESC LIMIT 1""").fetchone()
    if row is None:
        return None
    return LastBuild(row[0], row[1], row[2], json.loads(row[3] or "{}"), json.loads(row[4] or "{}"), row[5])


def record_build(con: duckdb.DuckDBPyConnection, *, run_id: str, selection: str, reason: str,
                 project_fingerprint: str, versions: dict[str, int], dated_models: dict[str, str]) -> None:
    """One row per successful dbt step, also when it had nothing to build (selection '')."""
    ensure_tables(con)
    con.execute(f"INSERT INTO {SCHEMA}.dbt_builds VALUES (now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?)",
                [run_id, selection, reason, project_fingerprint, json.dumps(versions, sort_keys=True),
                 json.dumps(dated_models, sort_keys=True), raw_columns(con)])
    # the history is for people reading it; the decision needs only the last row
    con.execute(f"""DELETE FROM {SCHEMA}.dbt_builds WHERE built_at < (
                    SELECT min(built_at) FROM (SELECT built_at FROM {SCHEMA}.dbt_builds
                                               ORDER BY built_at DESC LIMIT 100))""")


def build_of_run(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[str, str] | None:
    """(selection, reason) of the dbt step of that run, when it recorded one."""
    if not _has(con, "dbt_builds"):
        return None
    return con.execute(f"SELECT selection, reason FROM {SCHEMA}.dbt_builds WHERE run_id = ? "
                       "ORDER BY built_at DESC LIMIT 1", [run_id]).fetchone()


def changed_since(build: LastBuild, versions: dict[str, int]) -> list[str]:
    return sorted(t for t, v in versions.items() if build.raw_versions.get(t) != v)


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                       [SCHEMA, table]).fetchone()[0] > 0
