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


REPORTS_SQL = ("SELECT report_id, agency_id, report_year, published_on, days_late, source_url "
               "FROM marts.fct_report ORDER BY report_id")


def _as_text(v) -> str:
    return "" if v is None else str(v)


def test_query_csv_round_trips_with_a_bom_for_excel(demo_run, tmp_path, capsys):
    rows = demo_run.query(REPORTS_SQL)
    out = tmp_path / "reports.csv"
    assert main(["query", REPORTS_SQL, "--db", str(demo_run.duckdb), "--format", "csv", "--bom", "-o", str(out)]) == 0
    assert capsys.readouterr().err == ""                      # every row written: no truncation note
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    import csv
    with open(out, encoding="utf-8-sig", newline="") as f:
        got = list(csv.reader(f))
    assert got[0] == ["report_id", "agency_id", "report_year", "published_on", "days_late", "source_url"]
    assert got[1:] == [[_as_text(v) for v in row] for row in rows] and len(rows) > 100   # NULL: empty field


def test_query_json_keeps_numbers_and_dates(demo_run, capsys):
    sql = "SELECT agency_id, report_year, published_on, days_late FROM marts.fct_report ORDER BY report_id LIMIT 50"
    rows = demo_run.query(sql)
    assert main(["query", sql, "--db", str(demo_run.duckdb), "--format", "json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == [{"agency_id": a, "report_year": y, "published_on": p.isoformat() if p else None, "days_late": d}
                   for a, y, p, d in rows]


def test_query_parquet_keeps_the_types_and_a_limit_says_it_truncated(demo_run, tmp_path, capsys):
    (n,), = demo_run.query("SELECT count(*) FROM marts.fct_disclosure_metric")
    out = tmp_path / "m.parquet"
    sql = "SELECT report_id, metric_code, value FROM marts.fct_disclosure_metric"
    assert main(["query", sql, "--db", str(demo_run.duckdb), "--format", "parquet", "-o", str(out)]) == 0
    table = pq.read_table(out)
    assert table.num_rows == n and str(table.schema.field("value").type) == "double"
    assert main(["query", sql, "--db", str(demo_run.duckdb), "--format", "parquet", "-o", str(out), "--limit", "7"]) == 0
    assert pq.read_table(out).num_rows == 7
    assert "showing the first 7 rows; more matched" in capsys.readouterr().err


def test_query_table_stops_at_200_rows_and_says_so(demo_run, capsys):
    sql = "SELECT '<' || report_id || ':' || metric_code || '>' AS k FROM marts.fct_disclosure_metric ORDER BY 1"
    first = demo_run.query(sql + " LIMIT 250")
    assert main(["query", sql, "--db", str(demo_run.duckdb)]) == 0
    out, err = capsys.readouterr()
    assert first[199][0] in out and first[200][0] not in out
    assert "showing the first 200 rows" in err
    assert main(["query", sql + " LIMIT 250", "--db", str(demo_run.duckdb), "--limit", "0"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and all(r[0] in out for r in first)


def test_query_output_errors_are_one_line(demo_run, tmp_path):
    for args, says in ((["--format", "parquet"], "--format parquet needs --output FILE"),
                       (["--format", "csv", "-o", str(tmp_path / "no" / "such" / "x.csv")], "does not exist")):
        out = subprocess.run([GOVREPORTS, "query", "SELECT 1", "--db", str(demo_run.duckdb), *args],
                             capture_output=True, text=True, timeout=60)
        lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
        assert out.returncode == 2 and len(lines) == 1 and says in lines[0], out.stderr


def test_export_has_a_data_dictionary_and_csv_for_excel(demo_run, tmp_path):
    out = tmp_path / "csv"
    assert main(["export", "--format", "csv", "--bom", str(out), "--db", str(demo_run.duckdb)]) == 0
    doc = json.loads((out / "data_dictionary.json").read_text(encoding="utf-8"))
    with duckdb.connect(str(demo_run.duckdb), read_only=True) as con:
        want = {t: [(c, ty, cm) for c, ty, cm in con.execute(
                    "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name = 'marts' "
                    "AND table_name = ? ORDER BY column_index", [t]).fetchall()]
                for (t,) in con.execute("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = 'marts'").fetchall()}
        rows = {t: con.execute(f"SELECT count(*) FROM marts.{t}").fetchone()[0] for t in want}
    got = {t["name"]: [(c["name"], c["type"], c["description"]) for c in t["columns"]] for t in doc["tables"]}
    assert got == want and all(c[2] for cols in got.values() for c in cols)       # every column explained
    assert {t["name"]: t["rows"] for t in doc["tables"]} == rows
    assert all(t["description"] for t in doc["tables"])
    md = (out / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert all(f"## {t}" in md for t in want) and "| `report_id` | VARCHAR |" in md
    for t in want:
        raw = (out / f"{t}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and raw[3:].split(b"\n", 1)[0].decode().split(",")[0] == want[t][0][0]


def test_export_into_a_bad_path_is_one_line(demo_run, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    for args, says in (([str(blocker / "sub")], "cannot write the export to"),
                       (["--format", "parquet", "--bom", str(tmp_path / "ok")], "--bom applies to CSV files only")):
        out = subprocess.run([GOVREPORTS, "export", *args, "--db", str(demo_run.duckdb)],
                             capture_output=True, text=True, timeout=60)
        lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
        assert out.returncode == 2 and len(lines) == 1 and says in lines[0], out.stderr
