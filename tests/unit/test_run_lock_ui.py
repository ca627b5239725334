"""Runs launched by the Dagster UI or the schedule and `govreports run` keep out of each other's way:
each writing step holds the warehouse's run lock, a CLI run is refused while the instance has a live
UI run, and `status` tells a killed run from a running one by the lock (real processes, a real
Dagster instance, real materialisations of the registry step)."""
from __future__ import annotations

import io
import os
import signal
import socket

import dagster as dg
import pytest
from rich.console import Console

from pipelines import runlock
from pipelines.assets.registry import registry_tables
from pipelines.assets.settings import PipelineSettings
from pipelines.runlock import RunActive
from pipelines.runlog import WAREHOUSE_TAG, RunRecord, logs_dir, write_record
from pipelines.runner import refuse_if_dagster_run_active
from pipelines.stale_runs import HOST_TAG, PID_TAG
from pipelines.status import print_status

from runlock_helpers import ROOT, dagster_home, holder_process

REGISTRY = ROOT / "pipelines" / "sources" / "zhejiang.yaml"


def _materialize_registry(warehouse):
    settings = PipelineSettings(sources_file=str(REGISTRY), duckdb_path=str(warehouse))
    return dg.materialize([registry_tables], resources={"settings": settings}, raise_on_error=False)


def test_a_ui_step_takes_the_run_lock_and_fails_in_one_line_while_a_cli_run_holds_it(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    cli = holder_process(warehouse, "cli-run")
    try:
        result = _materialize_registry(warehouse)
        assert not result.success
        (failure,) = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
        text = failure.step_failure_data.error.message
        assert f"another run is active (run cli-run, pid {cli.pid}, started 20" in text
        assert not warehouse.exists(), "the refused step wrote the warehouse"
    finally:
        os.kill(cli.pid, signal.SIGKILL)
        cli.wait()
    result = _materialize_registry(warehouse)       # the lock is free again: the step runs
    assert result.success and warehouse.exists()
    assert runlock.holder(warehouse) is None        # and let go of it when it ended


def _instance_with(home, *runs):
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for run in runs:
            instance.add_run(run)


def test_a_cli_run_is_refused_while_a_ui_run_of_its_warehouse_is_live(tmp_path, monkeypatch):
    home, warehouse = dagster_home(tmp_path), tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("GOVREPORTS_DUCKDB", str(warehouse))   # what a UI run without a tag writes
    other = tmp_path / "other.duckdb"
    _instance_with(home, dg.DagsterRun(job_name="nightly_refresh", run_id="of-another-warehouse",
                                       status=dg.DagsterRunStatus.STARTED, tags={WAREHOUSE_TAG: str(other)}),
                   dg.DagsterRun(job_name="nightly_refresh", run_id="killed-cli-run", status=dg.DagsterRunStatus.STARTED,
                                 tags={WAREHOUSE_TAG: str(warehouse), PID_TAG: "999999999",
                                       HOST_TAG: socket.gethostname()}))
    refuse_if_dagster_run_active(warehouse)        # neither counts: other warehouse, dead process
    _instance_with(home, dg.DagsterRun(job_name="nightly_refresh", run_id="from-the-ui",
                                       status=dg.DagsterRunStatus.STARTED, tags={}))
    with pytest.raises(RunActive) as refused:
        refuse_if_dagster_run_active(warehouse)
    line = str(refused.value)
    assert line.startswith("another run is active (run from-the-ui, launched by the Dagster UI or schedule, ")
    assert "\n" not in line
    refuse_if_dagster_run_active(other, "of-another-warehouse")   # a run never refuses itself


def _status_text(warehouse) -> str:
    out = io.StringIO()
    print_status(warehouse, Console(file=out, width=200))
    return out.getvalue()


def test_status_tells_a_killed_run_from_a_running_one(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home(tmp_path)))
    warehouse = tmp_path / "warehouse.duckdb"
    run = holder_process(warehouse, "run-7")
    write_record(RunRecord(run_id="run-7", status="running", started_at="2026-12-03T01:00:00Z", pid=run.pid,
                           host=socket.gethostname()), logs_dir(warehouse))
    try:
        assert f"Run run-7 is running (run run-7, pid {run.pid}, started 20" in _status_text(warehouse)
    finally:
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
    text = _status_text(warehouse)
    assert (f"Last run run-7 started 2026-12-03T01:00:00Z and was killed (its process, pid {run.pid}, is gone)"
            in text), text
