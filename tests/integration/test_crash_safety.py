"""kill -9 safety with real processes on the demo site: `govreports run` killed during the crawl,
the parse and the dbt build, each kill followed by a run that starts without any manual cleanup;
the last one's marts equal those of an uninterrupted run of the same site (run alongside). On the
way: a second run, a `govreports demo` and a query while a run is active are refused with one line
naming it, and the last run waits for a reader holding the warehouse instead of failing.

The harness (bench/faultkit.py) is the fault bench's: an isolated warehouse, archive and Dagster
home with the project's pool limits (the limit of 1 that made killed runs block every later one)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines.demo.generator import generate_corpus
from pipelines.demo.server import DemoServer

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from faultkit import Sandbox, diff, examples  # noqa: E402

pytestmark = pytest.mark.slow


def _one_line(out: subprocess.CompletedProcess) -> str:
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in out.stderr + out.stdout, out.stderr
    return lines[0]


def _reader(path: Path) -> subprocess.Popen:
    """A process holding a read-only connection (an analyst's notebook) until its stdin closes."""
    code = textwrap.dedent(f"""
        import sys, duckdb
        con = duckdb.connect({str(path)!r}, read_only=True)
        print("reading", flush=True)
        sys.stdin.read()
        """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "reading"
    return proc


def test_kill_9_in_crawl_parse_and_dbt_then_a_plain_rerun_builds_the_reference_marts(tmp_path):
    with DemoServer(generate_corpus(0)) as server:
        registry = server.write_registry(tmp_path / "sources.yaml")
        reference = Sandbox(tmp_path / "reference", registry)
        box = Sandbox(tmp_path / "faults", registry)
        uninterrupted = reference.start()

        # 1. killed while crawling (the archive and the crawl's tables half written)
        run = box.start()
        assert box.wait_for_stage(run, "crawl")
        assert box.wait_for(run, r"crawl progress \{'kind': 'document'")    # the first document archived
        box.kill(run)
        assert box.stage_of(run) == "crawl"

        # 2. killed while parsing, after its first batch was written; meanwhile a query is told who writes
        run = box.start()
        assert box.wait_for(run, r"parsed_documents - parsed \d+/")
        run_id = box.run_log(run).stem
        busy = _one_line(box.run("query", "SELECT count(*) FROM raw.parsed_reports", timeout=60))
        assert busy.startswith(f"error: the warehouse is being written by run {run_id}, pid {run.pid}, started ")
        assert busy.endswith("try again in a moment")
        box.kill(run)
        assert box.stage_of(run) == "parse"

        # 3. killed during dbt build; meanwhile a second run and a demo are refused, naming it
        run = box.start()
        assert box.wait_for_stage(run, "dbt")
        run_id = box.run_log(run).stem
        for args in (("run", "--sources", str(registry)), ("demo",)):
            out = box.run(*args, timeout=60)
            assert out.returncode == 2
            assert _one_line(out).startswith(f"error: another run is active (run {run_id}, pid {run.pid}, started ")
        time.sleep(2)
        box.kill(run)
        assert box.stage_of(run) == "dbt"

        # 4. a plain re-run, while an analyst holds the warehouse open: it waits for the reader
        reader = _reader(box.warehouse)
        final = box.start()
        try:
            assert box.wait_for(final, r"is held by another process \(pid \d+\): waiting")
        finally:
            reader.stdin.close()
            reader.wait(30)
        assert final.wait(timeout=400) == 0, final.err_path.read_text()
        assert uninterrupted.wait(timeout=400) == 0, uninterrupted.err_path.read_text()

    log = box.run_log(final).read_text(encoding="utf-8")
    assert "got the warehouse" in log
    assert log.count("marked failed, its pool slots freed") >= 1
    with dg.DagsterInstance.from_config(str(box.home)) as instance:
        statuses = [r.status for r in instance.get_runs()]
        assert statuses.count(dg.DagsterRunStatus.FAILURE) == 3 and statuses.count(dg.DagsterRunStatus.SUCCESS) == 1
        assert instance.event_log_storage.get_concurrency_run_ids() == set()
    ref_marts, got_marts = reference.marts(), box.marts()
    assert diff(ref_marts, got_marts) == {}, examples(ref_marts, got_marts)
    assert len(box.marts()["fct_report"]) > 100
