"""One document never stops the night; a whole-run failure ends with one line, never a traceback.

Real runs of the whole graph (crawl → parse → checks → dbt) on a local folder of generated pre-2019
reports, a real archive and DuckDB file in tmp_path; the CLI in a subprocess."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from pipelines.archive import Archive
from pipelines.archive.records import DocumentRecord

GOVREPORTS = str(Path(sys.executable).with_name("govreports"))
AGENCY = "嘉兴市经济和信息化局"
# A row whose label the parser is taught below but whose code no catalog has: issue 11's situation.
ODD_LABEL, ODD_CODE = "试点事项公开数", "pre_pilot_items_published"


def _report(year: int, extra: tuple[str, ...] = ()) -> str:
    rows = ["统计指标\t单位\t统计数", "一、主动公开情况\t——\t——",
            f"（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）\t条\t{100 + year % 100}",
            "其中：主动公开规范性文件数\t条\t2", "（一）收到申请数\t件\t4", "四、行政复议数量\t件\t1",
            "五、行政诉讼数量\t件\t0", *extra]
    return f"{AGENCY}{year}年政府信息公开工作年度报告\n\n本机关按照条例要求编制本报告。\n" + "\n".join(rows) + "\n"


def _local_registry(root: Path, files: dict[str, str], missing: tuple[str, ...] = ()) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (docs / name).write_text(text, encoding="utf-8")
    listed = "\n".join(f"        {name}: {{year: {name[1:5]}}}" for name in [*files, *missing])
    registry = root / "sources.yaml"
    registry.write_text(textwrap.dedent(f"""\
        defaults:
          rate_limit_per_s: 0
        sources:
          - id: odd_local
            family: local_dir
            agency: jx_jxj
            entry_url: null
            verified: true
            options:
              path: {docs}
              files:
        """) + listed + "\n", encoding="utf-8")
    return registry


@pytest.fixture
def odd_label(monkeypatch):
    """Teach the pre-2019 reader one label mapped to a code that is in no catalog."""
    from pipelines.parse import pre2019
    from pipelines.parse.labels import core

    monkeypatch.setitem(pre2019.INDEX, core(ODD_LABEL), [ODD_CODE])
    yield
    for key in [k for k in pre2019._LABEL_CODES if k[0] == ODD_LABEL]:  # the memo must forget it too
        pre2019._LABEL_CODES.pop(key)


def test_an_unknown_metric_code_is_quarantined_and_the_marts_are_built(tmp_path, odd_label):
    from pipelines.runlog import read_record
    from pipelines.runner import run_pipeline

    files = {"r2015.txt": _report(2015), "r2016.txt": _report(2016, (f"六、{ODD_LABEL}\t件\t7",)),
             "r2017.txt": _report(2017)}
    registry = _local_registry(tmp_path, files)
    db = tmp_path / "warehouse.duckdb"
    result = run_pipeline(registry, archive_dir=tmp_path / "archive", duckdb_path=db, ephemeral=True)

    assert result.success
    check = next(e for e in result.get_asset_check_evaluations() if e.check_name == "metric_codes_are_known")
    assert not check.passed and check.severity.value == "WARN"
    assert check.metadata["quarantined_rows_by_reason"].value == {"unknown_metric_code": 1}
    with duckdb.connect(str(db), read_only=True) as con:
        rejects = con.execute("SELECT metric_code, value, reason FROM raw.parsed_rejects").fetchall()
        assert rejects == [(ODD_CODE, 7.0, "unknown_metric_code")]
        assert con.execute("SELECT count(*) FROM raw.parsed_metrics WHERE metric_code = ?", [ODD_CODE]).fetchone() == (0,)
        reports = con.execute("SELECT report_year, parse_status FROM marts.fct_report ORDER BY 1").fetchall()
        assert reports == [(2015, "parsed"), (2016, "parsed"), (2017, "parsed")]
        got = dict(con.execute("""SELECT report_year, value FROM marts.fct_disclosure_metric
                                  WHERE metric_code = 'pre_proactive_items'""").fetchall())
        assert got == {2015: 115, 2016: 116, 2017: 117}
        issues = con.execute("""SELECT r.report_year, q.check_code FROM marts.fct_quality_issue q
                                JOIN marts.fct_report r USING (report_id)
                                WHERE q.check_code LIKE 'unknown_metric_code%'""").fetchall()
        assert issues == [(2016, f"unknown_metric_code__{ODD_CODE}")]
        warnings = json.loads(con.execute("""SELECT warnings FROM raw.parsed_reports p JOIN raw.documents d
                                             USING (document_id) WHERE d.filename = 'r2016.txt'""").fetchone()[0])
        assert any(ODD_CODE in w for w in warnings)
    record = read_record(tmp_path / "logs")
    assert record.run_id == result.run_id and record.status == "success"
    assert [c["check"] for c in record.warned_checks] == ["metric_codes_are_known"]
    assert Path(record.log_path).is_file()


def _cli(args: list[str], tmp_path: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "GOVREPORTS_DUCKDB": str(tmp_path / "warehouse.duckdb"),
           "GOVREPORTS_ARCHIVE": str(tmp_path / "archive"), "DAGSTER_HOME": str(home)}
    for key in ("GOVREPORTS_PROGRESS", "GOVREPORTS_LOG_LEVEL", "GOVREPORTS_LOGS", "GOVREPORTS_DEBUG"):
        env.pop(key, None)
    return subprocess.run([GOVREPORTS, *args], capture_output=True, text=True, timeout=timeout, env=env)


def _says_archive_check_failed(text: str) -> None:
    line = next(ln for ln in text.splitlines() if "documents_are_archived did not pass (" in ln)
    assert {"documents=4", "missing_blobs=1", "damaged_blobs=1"} <= set(line.split("(", 1)[1].rstrip(")").split(", ")), line


def test_a_whole_run_failure_ends_with_one_line_and_status_names_it(tmp_path):
    # the archive's index lists a document whose bytes are gone: documents_are_archived must block
    archive = Archive(tmp_path / "archive")
    archive.record_document(DocumentRecord(url="file:///lost/r2014.txt", content_sha256=hashlib.sha256(b"lost").hexdigest(),
                                           source_id="odd_local", agency_id="jx_jxj", source_format="txt",
                                           filename="r2014.txt"))
    # and one whose stored bytes were altered after the fetch (the source is gone: not re-fetchable)
    sha = hashlib.sha256(b"as fetched").hexdigest()
    archive.record_document(DocumentRecord(url="file:///lost/r2013.txt", content_sha256=sha, source_id="odd_local",
                                           agency_id="jx_jxj", source_format="txt", filename="r2013.txt"))
    archive.blob_path(sha).parent.mkdir(parents=True, exist_ok=True)
    archive.blob_path(sha).write_bytes(b"altered")
    archive.close()
    # r2018.txt is listed but absent: the crawl of this source is partial
    registry = _local_registry(tmp_path, {"r2015.txt": _report(2015), "r2016.txt": _report(2016)},
                               missing=("r2018.txt",))

    out = _cli(["run", "--sources", str(registry)], tmp_path)
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert out.returncode == 1, out.stderr
    assert len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    line = lines[0]
    assert line.startswith("error: run ") and "documents_are_archived" in line and "missing_blobs=1, damaged_blobs=1" in line
    assert "marts not built" in line
    log = Path(line.rsplit("details in ", 1)[1])
    assert log.parent == tmp_path / "logs" and log.is_file()
    run_id = log.stem
    assert run_id in line
    text = log.read_text(encoding="utf-8")
    assert "DagsterAssetCheckFailedError" in text and "missing_blobs" in text

    status = _cli(["status"], tmp_path, timeout=60)
    assert status.returncode == 0, status.stderr
    assert "Traceback" not in status.stdout + status.stderr and status.stderr == ""
    assert f"Last run {run_id} FAILED" in status.stdout
    _says_archive_check_failed(status.stdout)
    assert str(log) in status.stdout
    assert "marts.fct_quality_issue does not exist yet" in status.stdout
    source_row = next(ln for ln in status.stdout.splitlines() if "odd_local" in ln)
    cells = source_row.replace("│", " ").replace("|", " ").split()
    assert cells[:2] == ["odd_local", "partial"], source_row       # the crawl's verdict, not fetch_log's 'ok'

    # without the run record, the Dagster instance at DAGSTER_HOME still tells the same story
    (tmp_path / "logs" / "last_run.json").unlink()
    status = _cli(["status"], tmp_path, timeout=60)
    assert status.returncode == 0 and status.stderr == "", status.stderr
    assert f"Last run {run_id} FAILED" in status.stdout
    _says_archive_check_failed(status.stdout)


def test_status_on_an_empty_warehouse_path_says_so_plainly(tmp_path):
    out = _cli(["status", "--db", str(tmp_path / "nowhere" / "warehouse.duckdb")], tmp_path, timeout=60)
    assert out.returncode == 2
    assert out.stderr == "" and "Traceback" not in out.stdout
    assert out.stdout.startswith(f"No warehouse at {tmp_path / 'nowhere' / 'warehouse.duckdb'} yet")


def test_a_failed_step_is_named_with_its_error(tmp_path):
    """A warehouse file that is not a database: the first step cannot open it, nothing after it runs."""
    registry = _local_registry(tmp_path, {"r2015.txt": _report(2015)})
    (tmp_path / "warehouse.duckdb").write_bytes(b"not a database, left here by mistake\n" * 200)
    out = _cli(["run", "--sources", str(registry)], tmp_path)
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert out.returncode == 1 and len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    line = lines[0]
    assert "failed at step registry_tables (raw/agencies, raw/sources): IOException: IO Error: " in line, line
    assert "not a valid DuckDB database file" in line and "(marts not built)" in line, line
    log = Path(line.rsplit("details in ", 1)[1])
    text = log.read_text(encoding="utf-8")                   # the full error, stack and all, is kept
    assert "-- step registry_tables --" in text and "Stack Trace:" in text
    notices = [json.loads(ln) for ln in (tmp_path / "logs" / "run_failures.jsonl").read_text().splitlines()]
    assert [(n["run_id"], n["launched_by"], n["failed_steps"]) for n in notices] == \
        [(log.stem, "cli", ["registry_tables"])]
    assert notices[0]["summary"] == line.removeprefix("error: ")


def _dagster_runs(tmp_path: Path) -> int:
    import dagster as dg

    home = tmp_path / "dagster_home"
    if not any(home.iterdir()):
        return 0
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return len(instance.get_run_records())


@pytest.mark.parametrize("broken", ["missing", "yaml_typo", "unknown_family", "warehouse_folder"])
def test_unusable_settings_are_refused_before_a_run_is_created(tmp_path, broken):
    """A registry typo or an unusable path: one line naming it, exit 2, no Dagster run, no run record."""
    registry = _local_registry(tmp_path, {"r2015.txt": _report(2015)})
    if broken == "missing":
        registry = tmp_path / "sourcse.yaml"
        expected = f"registry {registry} does not exist"
    elif broken == "yaml_typo":
        registry.write_text(registry.read_text(encoding="utf-8").replace("sources:", "sources:\n  - id: [", 1),
                            encoding="utf-8")
        expected = f"registry {registry}"
    elif broken == "unknown_family":
        registry.write_text(registry.read_text(encoding="utf-8").replace("family: local_dir", "family: local_dri"),
                            encoding="utf-8")
        expected = "local_dri"
    else:
        (tmp_path / "warehouse.duckdb").mkdir()
        expected = "is a folder"
    out = _cli(["run", "--sources", str(registry)], tmp_path, timeout=60)
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert out.returncode == 2 and len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    assert expected in lines[0], lines[0]
    assert _dagster_runs(tmp_path) == 0
    assert not (tmp_path / "logs" / "last_run.json").exists()
    assert not (tmp_path / "archive").exists() or not any((tmp_path / "archive").rglob("*.blob"))


def _last_build(warehouse: Path) -> tuple[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT selection, reason FROM pipeline.dbt_builds ORDER BY built_at DESC LIMIT 1").fetchone()


def test_a_second_night_builds_what_changed_and_full_build_rebuilds_all(tmp_path):
    """A local folder is read again every night (its documents' last_fetched_at moves): the second
    run builds what is downstream of raw.documents and raw.fetch_log only; --full-build builds all."""
    registry = _local_registry(tmp_path, {"r2015.txt": _report(2015)})
    warehouse = tmp_path / "warehouse.duckdb"
    first = _cli(["run", "--sources", str(registry)], tmp_path, timeout=300)
    assert first.returncode == 0, first.stderr
    assert _last_build(warehouse) == ("all", "no earlier dbt build of this warehouse is recorded: building everything")
    second = _cli(["run", "--sources", str(registry)], tmp_path, timeout=300)
    assert second.returncode == 0, second.stderr
    selection, reason = _last_build(warehouse)
    assert selection == "source:crawl.documents+ source:crawl.fetch_log+", reason
    assert f"dbt: {reason}" in " ".join(second.stdout.split())
    third = _cli(["run", "--sources", str(registry), "--full-build"], tmp_path, timeout=300)
    assert third.returncode == 0, third.stderr
    assert _last_build(warehouse) == ("all", "full build requested")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.fct_report").fetchone()[0] == 1


def _closed_port() -> int:
    import socket

    with socket.socket() as s:        # bound then closed: nothing listens there
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _with_dead_source(registry: Path, keep_local: bool = True) -> Path:
    dead = textwrap.indent(textwrap.dedent(f"""\
        - id: dead_site
          family: generic
          agency: jx_jxj
          entry_url: http://127.0.0.1:{_closed_port()}/
          verified: true
          max_retries: 0
          timeout_s: 2
        """), "  ")
    text = registry.read_text(encoding="utf-8")
    if not keep_local:
        text = text.split("  - id: odd_local", 1)[0]
    registry.write_text(text.rstrip("\n") + "\n" + dead, encoding="utf-8")
    return registry


def test_a_dead_source_is_named_and_a_night_with_no_source_reached_exits_1(tmp_path):
    registry = _with_dead_source(_local_registry(tmp_path, {"r2015.txt": _report(2015)}))
    out = _cli(["run", "--sources", str(registry)], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Sources not crawled cleanly (1 of 2)" in out.stdout
    row = next(ln for ln in out.stdout.splitlines() if "dead_site" in ln)
    assert "unreachable" in row, row
    assert "1 of 2 sources failed" in out.stdout
    status = _cli(["status"], tmp_path, timeout=60)
    assert "sources_were_crawled did not pass" in status.stdout, status.stdout
    dead_row = next(ln for ln in status.stdout.splitlines() if ln.lstrip("│ ").startswith("dead_site"))
    assert "unreachable" in dead_row, dead_row

    only_dead = _with_dead_source(tmp_path / "sources.yaml", keep_local=False)
    out = _cli(["run", "--sources", str(only_dead)], tmp_path)
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert out.returncode == 1 and len(lines) == 1, out.stderr
    assert "no source could be crawled (1 sources: unreachable)" in lines[0], lines[0]
    assert "Traceback" not in out.stdout + out.stderr
