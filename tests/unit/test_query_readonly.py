"""Read-only means read-only: `govreports query` and the dashboard cannot write, touch files, load
extensions or change settings; a reader meeting a run says so in one line; a writer waits for
readers (bounded, logged) instead of failing. Real DuckDB files, real processes holding them."""
from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.warehouse.db import WarehouseBusy, connect

ROOT = Path(__file__).resolve().parents[2]
GOVREPORTS = str(Path(sys.executable).with_name("govreports"))


@pytest.fixture
def warehouse(tmp_path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.fct_report AS SELECT range AS report_year FROM range(2014, 2024)")
    (tmp_path / "other.duckdb").write_bytes(b"")
    return path


REFUSED = [
    "COPY (SELECT 1) TO 'x.csv'",
    "COPY marts.fct_report TO '{warehouse}'",                 # what overwrote the warehouse in issue 16
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "INSTALL httpfs",
    "LOAD httpfs",
    "ATTACH '{other}' AS other",
    "SET enable_external_access = true",
    "DELETE FROM marts.fct_report",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_query_refuses_with_one_line(sql, warehouse, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = warehouse.read_bytes()
    sql = sql.format(warehouse=warehouse, other=tmp_path / "other.duckdb")
    assert main(["query", sql, "--db", str(warehouse)]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert not (tmp_path / "x.csv").exists()
    assert warehouse.read_bytes() == before
    assert main(["query", "SELECT count(*) AS n FROM marts.fct_report", "--db", str(warehouse)]) == 0
    assert "10" in capsys.readouterr().out


def test_the_command_line_refuses_copy_and_file_readers(warehouse, tmp_path):
    for sql, word in (("COPY (select 1) TO 'x.csv'", "x.csv"), ("select * from read_csv('/etc/passwd')", "/etc/passwd")):
        out = subprocess.run([GOVREPORTS, "query", sql, "--db", str(warehouse)], capture_output=True, text=True,
                             timeout=60, cwd=tmp_path)
        assert out.returncode == 2 and out.stdout == ""
        assert out.stderr.startswith("error: refused: `govreports query` only reads the warehouse") and word in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert not (tmp_path / "x.csv").exists()


def test_the_dashboards_connection_is_sandboxed_too(warehouse, tmp_path):
    from pipelines.dashboard.queries import readonly

    with readonly(warehouse) as con:
        assert con.execute("SELECT count(*) FROM marts.fct_report").fetchone() == (10,)
        for sql in (f"COPY (SELECT 1) TO '{tmp_path / 'y.csv'}'", "SELECT * FROM read_csv('/etc/passwd')"):
            with pytest.raises(duckdb.PermissionException):
                con.execute(sql)
    assert not (tmp_path / "y.csv").exists()


def _hold(path: Path, *, read_only: bool, seconds: float, run_id: str | None = None) -> subprocess.Popen:
    """Another process holding the warehouse (a writer taking the run lock first, like a run)."""
    code = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        import duckdb
        from pipelines import runlock
        if {run_id!r}:
            runlock.acquire({str(path)!r}, {run_id!r})
        con = duckdb.connect({str(path)!r}, read_only={read_only})
        print("holding", flush=True)
        time.sleep({seconds})
        con.close()
        """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_a_query_while_a_run_writes_names_the_run(warehouse, capsys):
    writer = _hold(warehouse, read_only=False, seconds=30, run_id="4f1c-run")
    try:
        assert main(["query", "SELECT 1", "--db", str(warehouse)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"error: the warehouse is being written by run 4f1c-run, pid {writer.pid}, started ")
        assert err.endswith("; try again in a moment") and "\n" not in err
    finally:
        writer.kill()
        writer.wait()


def test_a_query_while_another_program_writes_names_its_pid(warehouse):
    writer = _hold(warehouse, read_only=False, seconds=30)
    try:
        with pytest.raises(WarehouseBusy, match=f"another process \\(pid {writer.pid}\\); try again in a moment"):
            connect(warehouse, read_only=True, sandbox=True)
    finally:
        writer.kill()
        writer.wait()


def test_a_writer_waits_for_a_reader_and_logs_it(warehouse, caplog, monkeypatch):
    monkeypatch.setenv("GOVREPORTS_LOCK_WAIT_S", "60")
    reader = _hold(warehouse, read_only=True, seconds=3)
    start = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="govreports.warehouse"):
        con = connect(warehouse)
    waited = time.monotonic() - start
    con.execute("INSERT INTO marts.fct_report VALUES (2024)")
    con.close()
    reader.wait(timeout=30)
    assert 1.5 <= waited < 30
    messages = [r.getMessage() for r in caplog.records]
    assert any(f"held by another process (pid {reader.pid})" in m and "waiting" in m for m in messages), messages
    assert any(m.startswith("got the warehouse") for m in messages), messages


def test_a_writer_gives_up_after_the_configured_wait(warehouse, monkeypatch):
    monkeypatch.setenv("GOVREPORTS_LOCK_WAIT_S", "1")
    reader = _hold(warehouse, read_only=True, seconds=20)
    try:
        start = time.monotonic()
        with pytest.raises(duckdb.IOException, match="lock"):
            connect(warehouse)
        assert 0.9 <= time.monotonic() - start < 5
    finally:
        reader.kill()
        reader.wait()
