"""Bounded parsing (pipelines/parse_worker.py): every document is parsed in a killable worker under a
timeout and a memory limit; a hostile document ends with a recorded status and the batch goes on.

The hostile inputs are real files (bench/hostile.py: a rowspan/colspan bomb, 100,000 nested levels,
a 50 MB table), not mocks. The batch runs in a child process so that its peak RSS is its own."""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.archive import Archive
from pipelines.archive.records import document_id
from pipelines.assets.parsing import parse_one, parse_pending
from pipelines.parse_worker import Job, Limits, ParsePool

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import hostile  # noqa: E402

AGENCY = "嘉兴市经济和信息化局"


def report(year: int) -> bytes:
    """A pre-2019 report whose 主动公开政府信息数 is 100 + the year's last two digits."""
    rows = ["统计指标\t单位\t统计数", "一、主动公开情况\t——\t——",
            f"（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）\t条\t{100 + year % 100}",
            "其中：主动公开规范性文件数\t条\t2", "（一）收到申请数\t件\t4", "四、行政复议数量\t件\t1", "五、行政诉讼数量\t件\t0"]
    return (f"{AGENCY}{year}年政府信息公开工作年度报告\n\n本机关按照条例要求编制本报告。\n" + "\n".join(rows) + "\n").encode()


def _doc(archive: Archive, name: str, data: bytes) -> dict:
    sha = archive.put_blob(data)
    url = f"file:///docs/{name}"
    return {"document_id": document_id(url, sha), "content_sha256": sha, "url": url, "filename": name, "media_type": None}


BATCH = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, {root!r}); sys.path.insert(0, {bench!r})
    import duckdb, hostile
    from pipelines.archive import Archive
    from pipelines.assets.parsing import parse_pending
    from test_parse_worker import _doc, report
    def hwm_mb():   # this image's peak (VmHWM): getrusage's maxrss also counts the pre-exec copy of pytest
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    archive = Archive({tmp!r} + "/archive")
    docs = [_doc(archive, "r2015.txt", report(2015)), _doc(archive, "span_bomb.html", hostile.span_bomb()),
            _doc(archive, "deep_nesting.html", hostile.deep_nesting()), _doc(archive, "r2016.txt", report(2016)),
            _doc(archive, "big_table.html", hostile.big_table())]
    con = duckdb.connect({tmp!r} + "/warehouse.duckdb")
    t = time.monotonic()
    stats = parse_pending(con, docs, archive.get_blob, context_for=lambda d: (None, None, None), batch_size=100)
    elapsed = time.monotonic() - t
    rows = con.execute('''SELECT d.filename, p.parse_status, p.error FROM raw.parsed_reports p
                          JOIN (SELECT unnest(?::VARCHAR[]) AS document_id, unnest(?::VARCHAR[]) AS filename) d
                          USING (document_id)''', [[d["document_id"] for d in docs], [d["filename"] for d in docs]]).fetchall()
    values = con.execute("SELECT document_id, value FROM raw.parsed_metrics WHERE metric_code = 'pre_proactive_items'").fetchall()
    print(json.dumps({{"rows": rows, "values": dict(values), "ids": {{d["filename"]: d["document_id"] for d in docs}},
                      "elapsed": elapsed, "restarts": stats.worker_restarts,
                      "rss_mb": hwm_mb(),
                      "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
""")


@pytest.mark.slow
def test_hostile_documents_end_with_a_status_and_the_batch_is_parsed(tmp_path):
    code = BATCH.format(root=str(ROOT), bench=str(ROOT / "bench"), tmp=str(tmp_path))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    for key in ("GOVREPORTS_PARSE_TIMEOUT_S", "GOVREPORTS_PARSE_MAX_MB", "GOVREPORTS_PARSE_WORKERS"):
        env.pop(key, None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    status = {name: (s, e) for name, s, e in got["rows"]}
    assert set(status) == {"r2015.txt", "span_bomb.html", "deep_nesting.html", "r2016.txt", "big_table.html"}
    # the ordinary reports of the same batch are parsed, with their values
    assert status["r2015.txt"][0] == status["r2016.txt"][0] == "parsed"
    assert got["values"] == {got["ids"]["r2015.txt"]: 115.0, got["ids"]["r2016.txt"]: 116.0}
    # the span bomb: the reader's own limit (pipelines/parse/limits.py), reason recorded
    assert status["span_bomb.html"][0] == "too_large" and "cells" in status["span_bomb.html"][1]
    # the 50 MB table needs ~1.7 GB unbounded: stopped by a limit, never an error or a hang
    assert status["big_table.html"][0] == "too_large" and status["big_table.html"][1].startswith("too large:")
    # 100,000 levels: read (or refused) without a crash
    assert status["deep_nesting.html"][0] not in {"error", "timeout"}, status["deep_nesting.html"]
    assert got["elapsed"] < 60, got                       # each well within the 30 s timeout
    assert got["rss_mb"] <= 1024, got                     # the run's process
    assert got["worker_rss_mb"] <= 1024 * 1.05, got       # GOVREPORTS_PARSE_MAX_MB=1024


def test_a_document_past_the_timeout_is_stopped_recorded_and_retried_next_run(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVREPORTS_PARSE_TIMEOUT_S", "1.5")
    monkeypatch.setenv("GOVREPORTS_PARSE_MAX_MB", "4096")   # the 50 MB table then takes ~20 s, not a limit
    monkeypatch.setenv("GOVREPORTS_PARSE_WORKERS", "1")
    archive = Archive(tmp_path / "archive")
    docs = [_doc(archive, "big_table.html", hostile.big_table()), _doc(archive, "r2017.txt", report(2017))]
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    t = time.monotonic()
    stats = parse_pending(con, docs, archive.get_blob, context_for=lambda d: (None, None, None))
    assert time.monotonic() - t < 15
    assert stats.by_status == {"timeout": 1, "parsed": 1} and stats.worker_restarts == 1
    (error,) = con.execute("SELECT error FROM raw.parsed_reports WHERE parse_status = 'timeout'").fetchone()
    assert "1.5 s" in error and "GOVREPORTS_PARSE_TIMEOUT_S" in error
    # a timeout may be the machine's fault: the next run tries again (a parsed document is not)
    monkeypatch.setenv("GOVREPORTS_PARSE_MAX_MB", "1024")
    monkeypatch.setenv("GOVREPORTS_PARSE_TIMEOUT_S", "30")
    again = parse_pending(con, docs, archive.get_blob, context_for=lambda d: (None, None, None))
    assert again.parsed == 1 and again.skipped_already_parsed == 1 and again.by_status == {"too_large": 1}


def test_limits_come_from_the_environment(monkeypatch):
    assert Limits.from_env().timeout_s == 30 and Limits.from_env().max_mb == 1024
    monkeypatch.setenv("GOVREPORTS_PARSE_TIMEOUT_S", "7")
    monkeypatch.setenv("GOVREPORTS_PARSE_MAX_MB", "512")
    monkeypatch.setenv("GOVREPORTS_PARSE_WORKERS", "0")
    assert Limits.from_env() == Limits(timeout_s=7, max_mb=512, workers=0)


def test_a_worker_killed_from_outside_is_recorded_and_replaced():
    """What the kernel's OOM killer does to a worker: the document is recorded, the next is parsed."""
    with ParsePool(Limits(timeout_s=60, max_mb=4096, workers=1)) as pool:
        def kill_worker():     # the first worker, one second into the 50 MB table (~20 s)
            while not (workers := [c for c in multiprocessing.active_children() if c.name == "govreports-parse"]):
                time.sleep(0.05)
            time.sleep(1.0)
            os.kill(workers[0].pid, signal.SIGKILL)

        threading.Thread(target=kill_worker, daemon=True).start()
        killed, parsed = pool.map([Job(hostile.big_table(), {"filename": "big_table.html"}),
                                   Job(report(2018), {"filename": "r2018.txt"})])
    assert killed["status"] == "too_large" and "killed by the system" in killed["error"]
    assert parsed.get("result", {}).get("parse_status") == "parsed", parsed
    assert pool.restarts == 1


def test_the_pool_gives_what_parsing_in_process_gives(tmp_path):
    archive = Archive(tmp_path / "archive")
    docs = [_doc(archive, f"r{y}.txt", report(y)) for y in (2014, 2015, 2016)]
    docs.append(_doc(archive, "broken.pdf", b"%PDF-1.4 not really a pdf"))
    in_process = [parse_one(d, archive.get_blob(d["content_sha256"]), agency_name=None, year=None) for d in docs]
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    stats = parse_pending(con, docs, archive.get_blob, context_for=lambda d: (None, None, None))
    assert stats.by_status == {"parsed": 3, "error": 1}
    got = {r[0]: r[1:] for r in con.execute(
        "SELECT document_id, parse_status, error, n_metrics, title FROM raw.parsed_reports").fetchall()}
    assert got == {o["report"]["document_id"]: (o["report"]["parse_status"], o["report"]["error"],
                                                o["report"]["n_metrics"], o["report"].get("title"))
                   for o in in_process}
