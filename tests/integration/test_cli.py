"""The `govreports` command line on a real warehouse and real documents."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from pipelines.cli import main

GOVREPORTS = str(Path(sys.executable).with_name("govreports"))


def test_parse_folder_prints_one_json_object_per_document(shared_dir):
    out = subprocess.run([GOVREPORTS, "parse", str(shared_dir / "seeds"), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    objects = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(objects) == 5
    assert {o["report_year"] for o in objects} == {2018, 2019, 2020, 2021}
    assert all(o["source"].endswith(".txt") for o in objects)


def test_parse_unreadable_file_exits_non_zero_with_one_line_naming_it(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a pdf")
    missing = tmp_path / "missing.html"
    for path in (broken, missing):
        out = subprocess.run([GOVREPORTS, "parse", str(path), "--json"], capture_output=True, text=True, timeout=60)
        assert out.returncode != 0
        lines = [line for line in out.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and str(path) in lines[0], out.stderr


def test_export_writes_every_mart_as_parquet_and_csv(demo_run, tmp_path):
    with duckdb.connect(str(demo_run.duckdb), read_only=True) as con:
        marts = {t: con.execute(f"SELECT count(*) FROM marts.{t}").fetchone()[0] for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'").fetchall()}
    assert main(["export", "--format", "parquet", str(tmp_path / "pq"), "--db", str(demo_run.duckdb)]) == 0
    assert main(["export", "--format", "csv", str(tmp_path / "csv"), "--db", str(demo_run.duckdb)]) == 0
    for table, n in marts.items():
        assert pq.read_table(tmp_path / "pq" / f"{table}.parquet").num_rows == n
        with open(tmp_path / "csv" / f"{table}.csv", encoding="utf-8") as f:
            assert sum(1 for _ in f) == n + 1  # header


def test_query_and_status_read_the_warehouse(demo_run, capsys):
    (n_reports,), = demo_run.query("SELECT count(*) FROM marts.fct_report")
    assert main(["query", "SELECT count(*) AS reports FROM marts.fct_report", "--db", str(demo_run.duckdb)]) == 0
    assert str(n_reports) in capsys.readouterr().out
    assert main(["status", "--db", str(demo_run.duckdb)]) == 0
    out = capsys.readouterr().out
    assert "Last run" in out and "jiaxing_portal_reports" in out


def test_query_refuses_to_write(demo_run):
    assert main(["query", "DELETE FROM marts.fct_report", "--db", str(demo_run.duckdb)]) != 0


def test_sources_check_reports_each_demo_source_reachable(tmp_path, capsys):
    from pipelines.demo.generator import generate_corpus
    from pipelines.demo.server import DemoServer

    with DemoServer(generate_corpus(0)) as server:
        registry = server.write_registry(tmp_path / "sources.yaml")
        assert main(["sources", "check", "--sources", str(registry)]) == 0
    out = capsys.readouterr().out
    for source_id in ("jiaxing_portal_reports", "pinghu_portal_annual", "nb_jxj_reports", "cixi_reports"):
        line = next(line for line in out.splitlines() if source_id in line)
        assert "reachable" in line, line
