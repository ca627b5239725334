"""One run per warehouse (pipelines/runlock.py) and what a killed run leaves behind
(pipelines/stale_runs.py), with real processes killed with SIGKILL and a real Dagster instance
whose pool `warehouse` has the project's limit of 1."""
from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines import runlock
from pipelines.runlock import RunActive
from pipelines.stale_runs import HOST_TAG, PID_TAG, is_dead_run, process_alive, reap, stop_leftovers

from runlock_helpers import ROOT, dagster_home as _home, holder_process as _holder_process


def test_a_second_run_is_refused_naming_the_first_and_a_kill_frees_the_lock(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    proc = _holder_process(warehouse, "run-one")
    try:
        with pytest.raises(RunActive) as refused:
            runlock.acquire(warehouse, "run-two")
        line = str(refused.value)
        assert line.startswith(f"another run is active (run run-one, pid {proc.pid}, started 20")
        assert "\n" not in line
        assert runlock.holder(warehouse)["run_id"] == "run-one"
    finally:
        os.kill(proc.pid, signal.SIGKILL)   # the kernel releases a flock of a killed process
        proc.wait()
    assert runlock.holder(warehouse) is None
    info = runlock.acquire(warehouse, "run-two")
    try:
        assert info["pid"] == os.getpid() and runlock.holder(warehouse)["run_id"] == "run-two"
    finally:
        runlock.release(warehouse)
    assert runlock.holder(warehouse) is None


def test_the_lock_is_reentrant_in_its_process_and_names_the_latest_run(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    runlock.acquire(warehouse)                    # `govreports demo`, before it writes its registry
    runlock.acquire(warehouse, "the-run")         # the run it starts
    assert runlock.holder(warehouse)["run_id"] == "the-run"
    runlock.release(warehouse)
    assert runlock.holder(warehouse) is not None  # the demo still holds it
    runlock.release(warehouse)
    assert runlock.holder(warehouse) is None


def _sleep_forever() -> None:
    time.sleep(600)


def test_a_forked_child_does_not_keep_the_lock_alive(tmp_path):
    """A parse worker forked while the run holds the lock must not hold it after the run is gone."""
    warehouse = tmp_path / "warehouse.duckdb"
    runlock.acquire(warehouse, "parent-run")
    child = multiprocessing.get_context("fork").Process(target=_sleep_forever, daemon=True)
    child.start()
    try:
        runlock.release(warehouse)
        other = _holder_process(warehouse, "next-run")    # would block if the child held it
        other.kill()
        other.wait()
    finally:
        child.kill()
        child.join()


# -- runs left behind by a killed process ----------------------------------------------------------
def _job_process(home: Path, warehouse: Path, seconds: float) -> subprocess.Popen:
    """A real run with one step in pool `warehouse`, tagged like the runner tags its runs."""
    code = textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        os.environ["GOVREPORTS_RUN_ID"] = "set-below"
        import dagster as dg
        from pipelines.runlog import WAREHOUSE_TAG
        from pipelines.stale_runs import own_tags

        @dg.asset(pool="warehouse")
        def holds_the_pool():
            print("in step", flush=True)
            time.sleep({seconds})

        result = dg.materialize([holds_the_pool], instance=dg.DagsterInstance.get(),
                                tags={{WAREHOUSE_TAG: {str(warehouse)!r}, **own_tags()}})
        print("done", result.success, flush=True)
        """)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env={**os.environ, "DAGSTER_HOME": str(home)})


def test_a_run_killed_in_a_pool_step_is_marked_failed_and_its_slot_freed(tmp_path):
    home, warehouse = _home(tmp_path), tmp_path / "warehouse.duckdb"
    killed = _job_process(home, warehouse, seconds=600)
    assert killed.stdout.readline().strip() == "in step"
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
        assert run.status == dg.DagsterRunStatus.STARTED and run.tags[PID_TAG] == str(killed.pid)
        assert instance.event_log_storage.get_concurrency_run_ids() == {run.run_id}
        assert is_dead_run(run, str(warehouse)) and not process_alive(killed.pid)

        # what issue 16 saw: the next run waits on the dead run's slot
        blocked = _job_process(home, warehouse, seconds=0)
        with pytest.raises(subprocess.TimeoutExpired):
            blocked.wait(timeout=10)
        blocked.kill()                                        # (a dead run too, waiting for the slot)
        assert "in step" not in blocked.communicate()[0]

        reaped = reap(instance, str(warehouse), "the-new-run")
        assert {r["pid"] for r in reaped} == {str(killed.pid), str(blocked.pid)}
        assert {r.run_id: r.status for r in instance.get_runs()} == {
            r["run_id"]: dg.DagsterRunStatus.FAILURE for r in reaped}
        assert instance.event_log_storage.get_concurrency_run_ids() == set()
        assert reap(instance, str(warehouse), "the-new-run") == []   # nothing left to do
    after = _job_process(home, warehouse, seconds=0)
    out, _ = after.communicate(timeout=120)
    assert "done True" in out


def test_a_live_run_and_another_hosts_run_are_left_alone(tmp_path):
    home, warehouse = _home(tmp_path), tmp_path / "warehouse.duckdb"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        live = dg.DagsterRun(job_name="nightly_refresh", run_id="live", status=dg.DagsterRunStatus.STARTED,
                             tags={PID_TAG: str(os.getpid()), HOST_TAG: os.uname().nodename})
        remote = dg.DagsterRun(job_name="nightly_refresh", run_id="remote", status=dg.DagsterRunStatus.STARTED,
                               tags={PID_TAG: "1", HOST_TAG: "another-host"})
        ui = dg.DagsterRun(job_name="nightly_refresh", run_id="ui", status=dg.DagsterRunStatus.STARTED, tags={})
        for r in (live, remote, ui):
            instance.add_run(r)
        assert reap(instance, str(warehouse), "new") == []
        assert {r.run_id: r.status for r in instance.get_runs()} == {
            "live": dg.DagsterRunStatus.STARTED, "remote": dg.DagsterRunStatus.STARTED, "ui": dg.DagsterRunStatus.STARTED}


def test_leftover_processes_of_a_dead_run_are_stopped_and_no_others(tmp_path):
    env = {**os.environ, "GOVREPORTS_RUN_ID": "dead-run-1"}
    left = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], env=env)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"],
                             env={**os.environ, "GOVREPORTS_RUN_ID": "dead-run-10"})
    try:
        time.sleep(0.2)
        assert stop_leftovers("dead-run-1") == [left.pid]
        assert left.wait(timeout=10) == -signal.SIGKILL
        assert other.poll() is None
    finally:
        for p in (left, other):
            p.kill()
            p.wait()
