"""publish_snapshot(): a copy of the marts in `<stem>.dashboard.duckdb`, replaced atomically, that
the dashboard reads while the warehouse is held by a writer."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.dashboard import queries as q
from pipelines.dashboard.snapshot import publish_snapshot, snapshot_for, snapshot_path
from warehouse_sql import hold_write_lock, release


def rows(path: Path, sql: str):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def marts(path: Path) -> list[str]:
    return [r[0] for r in rows(path, "SELECT table_name FROM information_schema.tables "
                                     "WHERE table_schema = 'marts' ORDER BY 1")]


@pytest.fixture()
def copy(warehouse, tmp_path) -> Path:
    dst = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, dst)
    return dst




def test_publish_copies_every_mart_with_its_rows(copy):
    assert snapshot_for(copy) is None
    out = publish_snapshot(copy)
    assert out == snapshot_path(copy) == copy.with_name("warehouse.dashboard.duckdb") and out.exists()
    assert snapshot_for(copy) == out
    assert marts(out) == sorted(marts(copy) + ["snapshot_meta"])
    for t in marts(copy):
        assert rows(out, f"SELECT count(*) FROM marts.{t}") == rows(copy, f"SELECT count(*) FROM marts.{t}"), t
    (built_at, source, n), = rows(out, "SELECT built_at, source_file, n_tables FROM marts.snapshot_meta")
    assert Path(source) == copy.resolve() and n == len(marts(copy))
    assert [p.name for p in copy.parent.iterdir() if ".tmp-" in p.name] == []   # no temporary file left
    info = q.data_as_of(out)
    assert info["is_snapshot"] and info["as_of"] == built_at and not info["stale"]
    assert not q.data_as_of(copy)["is_snapshot"]
    # the same figures from the snapshot as from the warehouse
    assert q.summarize_coverage(q.coverage(path=out)) == q.summarize_coverage(q.coverage(path=copy))


def test_the_snapshot_is_readable_while_a_writer_holds_the_warehouse(copy):
    snap = publish_snapshot(copy)
    expected = q.summarize_coverage(q.coverage(path=copy))
    holder = hold_write_lock(copy)
    try:
        with pytest.raises(q.WarehouseBusy):
            q.coverage(path=copy)
        assert q.summarize_coverage(q.coverage(path=snap)) == expected
        assert q.data_as_of(snap)["stale"]            # the warehouse changed after the snapshot
        with pytest.raises(duckdb.Error):            # publishing meanwhile fails and keeps the old one
            publish_snapshot(copy)
        assert q.summarize_coverage(q.coverage(path=snap)) == expected
    finally:
        release(holder)
    assert [p.name for p in copy.parent.iterdir() if ".tmp-" in p.name] == []


def test_republishing_replaces_the_file_while_a_reader_has_it_open(copy):
    snap = publish_snapshot(copy)
    reader = duckdb.connect(str(snap), read_only=True)
    try:
        before = reader.execute("SELECT count(*) FROM marts.dim_agency").fetchone()[0]
        con = duckdb.connect(str(copy))
        con.execute("DELETE FROM marts.dim_agency WHERE agency_id = (SELECT min(agency_id) FROM marts.dim_agency)")
        con.close()
        inode = os.stat(snap).st_ino
        publish_snapshot(copy)
        assert os.stat(snap).st_ino != inode                       # a new file renamed over the old one
        assert reader.execute("SELECT count(*) FROM marts.dim_agency").fetchone()[0] == before
    finally:
        reader.close()
    assert rows(snap, "SELECT count(*) FROM marts.dim_agency")[0][0] == before - 1


def test_nothing_to_snapshot(tmp_path):
    with pytest.raises(FileNotFoundError):
        publish_snapshot(tmp_path / "absent.duckdb")
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(RuntimeError, match="no marts"):
        publish_snapshot(empty)
    assert not snapshot_path(empty).exists()
