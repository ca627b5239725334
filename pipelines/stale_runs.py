"""What a killed run leaves behind, found and freed when the next run starts.

A run killed with -9 stays STARTED in the Dagster instance and keeps its slot of pool `warehouse`
(limit 1), so every later run would wait on it forever; its dbt child may still hold DuckDB's write
lock. Each run of `govreports run`/`demo` therefore carries its pid, host and the process's start
time as tags; at start-up, holding the warehouse's run lock (pipelines/runlock.py), the runner
marks the unfinished runs whose process is gone as failed, frees the pool slots of every finished
or vanished run, and stops the processes a dead run left behind (found by GOVREPORTS_RUN_ID in their
environment). Runs launched by `dagster dev` (the UI, the daemon) carry no such tags and are left
to Dagster's run monitoring (dagster.yaml).
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import time
from pathlib import Path

import dagster as dg

from pipelines.runlog import WAREHOUSE_TAG
from pipelines.warehouse.db import warehouse_path

PID_TAG = "govreports/pid"
HOST_TAG = "govreports/host"
PSTART_TAG = "govreports/pid_start"   # start time of the process (clock ticks): a reused pid is not it
RUN_ID_ENV = "GOVREPORTS_RUN_ID"      # in the environment of a run's children (dbt)

log = logging.getLogger("govreports.runs")

_UNFINISHED = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


def own_tags() -> dict[str, str]:
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname(), PSTART_TAG: _start_ticks(os.getpid()) or ""}


def _start_ticks(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def process_alive(pid: int, start_ticks: str | None = None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True            # someone else's process has that pid: not ours to judge, keep the run
    if start_ticks:
        now = _start_ticks(pid)
        return now is None or now == start_ticks
    return True


def is_dead_run(run: dg.DagsterRun, warehouse: str) -> bool:
    """Whether `run` (unfinished in the instance) was started by a runner process that is gone.
    Called while holding the run lock of `warehouse`, so no live runner of ours writes it."""
    tags = run.tags
    if tags.get("dagster/parent_run_id"):
        return False           # a re-execution from the UI: launched (and monitored) by dagster dev
    if tags.get(PID_TAG):
        if tags.get(HOST_TAG) != socket.gethostname():
            return False       # another machine's process: cannot be checked from here
        try:
            return not process_alive(int(tags[PID_TAG]), tags.get(PSTART_TAG))
        except ValueError:
            return False
    # a run of an older runner (no pid): ours if it names this warehouse, and the lock we hold says
    # no runner of this warehouse is alive
    return tags.get(WAREHOUSE_TAG) == warehouse


def same_warehouse(tag: str | None, warehouse: Path | str) -> bool:
    """Runs started by the schedule or the UI carry no warehouse tag: they write the default one."""
    target = Path(tag) if tag else warehouse_path()
    return target.resolve() == Path(warehouse).resolve()


def live_runs(instance: dg.DagsterInstance, warehouse: str, run_id: str | None = None) -> list[dg.DagsterRun]:
    """Unfinished runs of this warehouse whose process may be alive: runs launched by the UI or the
    schedule (their steps take the run lock one by one, so between two steps nobody holds it)."""
    return [run for run in instance.get_runs(filters=dg.RunsFilter(statuses=_UNFINISHED))
            if run.run_id != run_id and same_warehouse(run.tags.get(WAREHOUSE_TAG), warehouse)
            and not is_dead_run(run, warehouse)]


def as_holder(run: dg.DagsterRun, instance: dg.DagsterInstance) -> dict:
    """What RunActive says of a live Dagster run (runlock.describe)."""
    start = instance.get_run_stats(run.run_id).start_time
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start)) if start else run.status.value.lower()
    who = {"pid": run.tags[PID_TAG]} if run.tags.get(PID_TAG) else {"launched_by": "the Dagster UI or schedule"}
    return {"run_id": run.run_id, **who, "started_at": started}


def reap(instance: dg.DagsterInstance, warehouse: str, run_id: str) -> list[dict]:
    """Free what dead runs hold; returns one entry per run marked failed ({run_id, pid, killed})."""
    reaped: list[dict] = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=_UNFINISHED)):
        if run.run_id == run_id or not is_dead_run(run, warehouse):
            continue
        pid = run.tags.get(PID_TAG)
        killed = stop_leftovers(run.run_id)
        instance.report_run_failed(run, message=(
            f"The process of this run (pid {pid or 'unknown'} on {run.tags.get(HOST_TAG) or 'this host'}) is gone: "
            f"marked failed by run {run_id} at its start-up"))
        log.warning("run %s was left %s by a process that is gone (pid %s): marked failed, its pool slots "
                    "freed%s", run.run_id, run.status.value, pid or "unknown",
                    f", {len(killed)} leftover process(es) stopped" if killed else "")
        reaped.append({"run_id": run.run_id, "pid": pid, "killed": killed})
    _free_slots(instance)
    return reaped


def _free_slots(instance: dg.DagsterInstance) -> None:
    """Slots of runs that are finished or no longer exist (the ones just marked failed included)."""
    storage = instance.event_log_storage
    if not getattr(storage, "supports_global_concurrency_limits", False):
        return
    for held_by in storage.get_concurrency_run_ids():
        run = instance.get_run_by_id(held_by)
        if run is None or run.is_finished:
            storage.free_concurrency_slots_for_run(held_by)
            log.info("freed the pool slots held by run %s (%s)", held_by, run.status.value if run else "deleted")


def stop_leftovers(run_id: str, wait_s: float = 10.0) -> list[int]:
    """SIGKILL the processes of this user whose environment names `run_id` (a dbt the dead run
    started still holds DuckDB's write lock), and wait for them to be gone."""
    needle = f"{RUN_ID_ENV}={run_id}".encode()
    pids = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    pids.append(int(entry))
        except OSError:
            continue           # gone, or not ours
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    deadline = time.monotonic() + wait_s
    while pids and time.monotonic() < deadline and any(process_alive(p) and not _zombie(p) for p in pids):
        time.sleep(0.1)
    return pids


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True
