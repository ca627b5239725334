"""The dashboard's snapshot: a copy of the warehouse's `marts` schema in its own DuckDB file, so the
dashboard keeps serving the last good data while a run (a dbt build) holds the warehouse.

    from pipelines.dashboard.snapshot import publish_snapshot
    publish_snapshot(Path("data/warehouse.duckdb"))   # -> data/warehouse.dashboard.duckdb

Call it after a successful dbt build, once the build's connection is closed (it opens the
warehouse read-only). It writes every table and view of `marts` as a table into a temporary file
beside the target, adds `marts.snapshot_meta` (built_at, source file and its mtime), and then
renames the temporary file over the target with os.replace(): a reader sees the old snapshot or
the new one, never half of one. The dashboard reads the snapshot when it exists
(`snapshot_for()`), else the warehouse itself.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb

SUFFIX = ".dashboard.duckdb"
META_TABLE = "snapshot_meta"


def snapshot_path(warehouse: Path | str) -> Path:
    """`<dir>/<stem>.dashboard.duckdb` for the warehouse `<dir>/<stem>.duckdb`."""
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.stem + SUFFIX)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def publish_snapshot(warehouse: Path, *, archive_dir: Path | str | None = None) -> Path:
    """Copy `marts` of `warehouse` into its snapshot file atomically; returns the snapshot's path.

    `archive_dir` (optional) is recorded in snapshot_meta so the dashboard can offer the archived
    copies of the reports without being told where the archive is. Raises duckdb errors as they
    come (e.g. the warehouse is locked by a writer): the previous snapshot then stays in place."""
    warehouse = Path(warehouse).resolve()
    if not warehouse.exists():
        raise FileNotFoundError(f"{warehouse}: no warehouse to snapshot")
    target = snapshot_path(warehouse)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    source_mtime = dt.datetime.fromtimestamp(warehouse.stat().st_mtime, dt.timezone.utc).replace(tzinfo=None)
    con = duckdb.connect(str(tmp))
    try:
        con.execute(f"ATTACH {_sql_str(str(warehouse))} AS src (READ_ONLY)")
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'src' "
            "AND table_schema = 'marts' ORDER BY table_name").fetchall()]
        if not tables:
            raise RuntimeError(f"{warehouse} has no marts schema yet: nothing to snapshot")
        con.execute("CREATE SCHEMA marts")
        con.execute("BEGIN")
        for t in tables:
            con.execute(f"CREATE TABLE marts.{_quote(t)} AS SELECT * FROM src.marts.{_quote(t)}")
        con.execute(f"""CREATE TABLE marts.{META_TABLE} (built_at TIMESTAMP, source_file VARCHAR,
                        source_mtime TIMESTAMP, n_tables INTEGER, archive_dir VARCHAR)""")
        con.execute(f"INSERT INTO marts.{META_TABLE} VALUES (?, ?, ?, ?, ?)",
                    [dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), str(warehouse), source_mtime,
                     len(tables), str(Path(archive_dir).resolve()) if archive_dir else None])
        con.execute("COMMIT")
        con.execute("DETACH src")
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
        raise
    con.close()
    tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)   # checkpointed: nothing left in it
    os.replace(tmp, target)
    return target


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def snapshot_for(warehouse: Path | str) -> Path | None:
    """The snapshot of `warehouse` when one has been published, else None."""
    p = snapshot_path(warehouse)
    return p if p.exists() else None


if __name__ == "__main__":   # python -m pipelines.dashboard.snapshot [warehouse.duckdb]
    import sys

    from pipelines.warehouse.db import warehouse_path

    print(publish_snapshot(Path(sys.argv[1]) if len(sys.argv) > 1 else warehouse_path()))
