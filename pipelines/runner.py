"""Run the whole Dagster graph in this process (what `govreports run` and `govreports demo` do),
recording the run in the local Dagster instance so that `make dev` shows it afterwards.

The terminal gets no Dagster chatter and no traceback: the run's log (Dagster's event log, dbt's
output, Python log lines and warnings, the full text of every error) goes to `<logs>/<run_id>.log`
and a short record to `<logs>/last_run.json` (pipelines/runlog.py). A failed run raises RunFailed,
whose one-line message names what failed and where the details are.

One run per warehouse: the run lock (pipelines/runlock.py) is taken first, and a second run raises
RunActive naming the first. Holding it, the runner frees what killed runs left behind
(pipelines/stale_runs.py) before it starts its own."""
from __future__ import annotations

import contextlib
import io
import logging
import os
import socket
import sys
import traceback
import uuid
import warnings
from pathlib import Path

import dagster as dg

from pipelines import runlock
from pipelines.runlock import RunActive  # noqa: F401 - raised by run_pipeline, caught by the CLI
from pipelines.runlog import WAREHOUSE_TAG, RunRecord, logs_dir, now_iso, write_record
from pipelines.stale_runs import RUN_ID_ENV, as_holder, live_runs, own_tags, reap
from pipelines.warehouse.db import PROJECT_ROOT, warehouse_path


class RunFailed(Exception):
    """A run that did not complete. `str(exc)` is the one line for the terminal."""

    def __init__(self, record: RunRecord, result: dg.ExecuteInProcessResult | None = None):
        self.record = record
        self.result = result
        self.run_id = record.run_id
        self.failed_steps = [s["step"] for s in record.failed_steps]
        self.failed_checks = [f"{c['asset']}:{c['check']}" for c in record.failed_checks]
        self.log_path = Path(record.log_path) if record.log_path else None
        super().__init__(record.summary or f"run {record.run_id} failed")


@contextlib.contextmanager
def _env(**values: str | None):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update({k: v for k, v in values.items() if v is not None})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def _cwd(path: Path):
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


@contextlib.contextmanager
def _into_log(log_path: Path):
    """Python log records, warnings, stray 'Exception ignored' reports, stdout (dbt's streamed lines)
    and stderr (Dagster's notices) of the run go to the log file; stderr stays the terminal's only
    while progress bars are drawn on it (GOVREPORTS_PROGRESS=1, set by the CLI on a terminal)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    f = open(log_path, "a", encoding="utf-8", buffering=1)
    handler = logging.StreamHandler(f)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s %(message)s"))
    root = logging.getLogger()
    old_hook, old_level = sys.unraisablehook, root.level
    root.addHandler(handler)
    root.setLevel(min(old_level or logging.WARNING, logging.INFO))
    logging.captureWarnings(True)

    def unraisable(u) -> None:
        f.write(f"unraisable exception in {u.object!r}:\n"
                + "".join(traceback.format_exception(u.exc_type, u.exc_value, u.exc_traceback)))

    sys.unraisablehook = unraisable
    try:
        bars = os.environ.get("GOVREPORTS_PROGRESS") == "1"
        with warnings.catch_warnings(), contextlib.redirect_stdout(f), \
                (contextlib.nullcontext() if bars else contextlib.redirect_stderr(f)):
            warnings.simplefilter("default")
            yield f
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        root.setLevel(old_level)
        sys.unraisablehook = old_hook
        f.close()


@contextlib.contextmanager
def _fds_into(f):
    """Also file descriptors 1 and 2 (subprocesses: the `dbt parse` the definitions may run)."""
    f.flush()
    saved = [os.dup(1), os.dup(2)]
    try:
        os.dup2(f.fileno(), 1)
        os.dup2(f.fileno(), 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)


def _summary(record: RunRecord) -> str:
    what = "; ".join(record.what_failed())
    checks = [c for c in record.failed_checks if c.get("blocking")]
    # a blocking check's step fails with a generic error: its metadata says more (missing_blobs=1)
    reasons = [", ".join(f"{k}={v}" for k, v in (c.get("metadata") or {}).items() if isinstance(v, (int, float, str)))
               for c in checks]
    reasons += [s["error"] for s in record.failed_steps
                if s.get("error") and not s["error"].startswith("DagsterAssetCheckFailedError")]
    why = f": {reasons[0]}" if reasons and reasons[0] else ""
    skipped = " (marts not built)" if any("dbt" in s for s in record.not_run) else ""
    return (f"run {record.run_id} failed at {what}{why}{skipped}; "
            f"details in {record.log_path}").replace("\n", " ")


def run_pipeline(sources_file: Path, *, archive_dir: Path | None = None, duckdb_path: Path | None = None,
                 ephemeral: bool = False, dagster_checked: bool = False) -> dg.ExecuteInProcessResult:
    """Materialise every asset for one registry; raises RunFailed when a step or a blocking check
    fails, SettingsInvalid (pipelines/preflight.py) when the registry or a path cannot be used and
    RunActive when another run of this warehouse is active (both before anything is written).
    `dagster_checked`: the caller holds the run lock and has already refused a live Dagster run
    (`govreports demo`: opening the instance once more costs ~0.4 s)."""
    from pipelines.assets.settings import DEFAULT_ARCHIVE
    from pipelines.preflight import check_settings

    run_id = str(uuid.uuid4())
    warehouse = Path(duckdb_path).resolve() if duckdb_path else warehouse_path().resolve()
    archive = Path(archive_dir or os.environ.get("GOVREPORTS_ARCHIVE") or DEFAULT_ARCHIVE)
    check_settings(Path(sources_file), archive, warehouse)   # SettingsInvalid: nothing written, no run
    runlock.acquire(warehouse, run_id)
    try:
        if not ephemeral and not dagster_checked:
            refuse_if_dagster_run_active(warehouse, run_id)
        return _run_locked(run_id, warehouse, sources_file, archive_dir, duckdb_path, ephemeral)
    finally:
        runlock.release(warehouse)


def _run_locked(run_id: str, warehouse: Path, sources_file: Path, archive_dir: Path | None,
                duckdb_path: Path | None, ephemeral: bool) -> dg.ExecuteInProcessResult:
    env = {
        "GOVREPORTS_SOURCES": str(Path(sources_file).resolve()),
        "GOVREPORTS_ARCHIVE": str(Path(archive_dir).resolve()) if archive_dir else None,
        "GOVREPORTS_DUCKDB": str(Path(duckdb_path).resolve()) if duckdb_path else None,
        "DAGSTER_HOME": os.environ.get("DAGSTER_HOME") or str(PROJECT_ROOT),
        RUN_ID_ENV: run_id,   # inherited by dbt: a later run finds (and stops) what a killed one left
    }
    directory = logs_dir(warehouse)
    log_path = directory / f"{run_id}.log"
    record = RunRecord(run_id=run_id, status="running", started_at=now_iso(), sources_file=env["GOVREPORTS_SOURCES"],
                       warehouse=str(warehouse), log_path=str(log_path), pid=os.getpid(), host=socket.gethostname())
    write_record(record, directory)
    result = None
    # dagster.yaml keeps its storage under data/dagster relative to the project root.
    with _env(**env), _cwd(PROJECT_ROOT), _into_log(log_path) as log:
        try:
            with _fds_into(log):
                from pipelines.definitions import defs
            from pipelines.run_digest import digest, step_assets, write_run_log

            with contextlib.redirect_stderr(log):
                instance = dg.DagsterInstance.ephemeral() if ephemeral else dg.DagsterInstance.get()
                if getattr(instance, "telemetry_enabled", False):
                    _telemetry_notice_into_log()
            record.recovered = _recover(instance, warehouse, run_id)
            job = defs.resolve_job_def("nightly_refresh")
            # Dagster's console lines stay off the terminal (they are in the log file);
            # GOVREPORTS_LOG_LEVEL=INFO or DEBUG brings them back.
            level = os.environ.get("GOVREPORTS_LOG_LEVEL", "CRITICAL").upper()
            run_config = {"loggers": {"console": {"config": {"log_level": level}}}}
            result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=run_config,
                                            run_id=run_id, tags={WAREHOUSE_TAG: str(warehouse), **own_tags()})
            record = digest(result, record, step_assets(defs), instance)
            log.flush()
            write_run_log(result, record, log_path, instance)
        except KeyboardInterrupt:
            record.status, record.finished_at = "interrupted", now_iso()
            write_record(record, directory)
            raise
        except Exception as exc:  # noqa: BLE001 - the run could not start (or be read): same one line
            log.write("\n==== The run could not be started or read ====\n" + traceback.format_exc())
            if result is None or not result.success:
                record.status = "failure"
                record.failed_steps.append({"step": "setup" if result is None else "report", "assets": [],
                                            "error": f"{type(exc).__name__}: {_first(str(exc))}"})
            else:  # the run itself went through; only its digest is incomplete
                record.status = "success"
    record.finished_at = now_iso()
    if record.failed:
        record.summary = _summary(record)
    write_record(record, directory)
    if record.failed:
        _notify(record, warehouse)
        raise RunFailed(record, result)
    return result


def _notify(record: RunRecord, warehouse: Path) -> None:
    """The failure notice (pipelines/alerts.py); a notice that cannot be written is logged, not raised."""
    from pipelines.alerts import notify_run_failure

    try:
        notify_run_failure(record.run_id, job="nightly_refresh", summary=record.summary,
                           failed_steps=[s["step"] for s in record.failed_steps], log_path=record.log_path,
                           warehouse=warehouse, launched_by="cli")
    except OSError:
        logging.getLogger("govreports.alerts").exception("could not write the run-failure notice")


@contextlib.contextmanager
def quiet_instance(home: Path | None = None):
    """The project's Dagster instance, opened the way `make dev` opens it, without Dagster's notices
    (no dagster.yaml here, telemetry) on the terminal."""
    home = home or Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT)
    with _env(DAGSTER_HOME=str(home)), _cwd(PROJECT_ROOT), warnings.catch_warnings(), \
            contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        with dg.DagsterInstance.get() as instance:
            yield instance


def refuse_if_dagster_run_active(warehouse: Path, run_id: str | None = None) -> None:
    """RunActive when the Dagster instance has a live run of this warehouse (launched by the UI or
    the schedule: it holds the run lock only while one of its steps runs)."""
    with quiet_instance() as instance:
        live = live_runs(instance, str(warehouse), run_id)
        if live:
            raise RunActive(as_holder(live[0], instance))


def _recover(instance: dg.DagsterInstance, warehouse: Path, run_id: str) -> list[dict]:
    """Mark failed the runs a killed process left unfinished and free their pool slots, so that this
    run does not wait on them forever; a failure here is logged and the run goes on."""
    try:
        return reap(instance, str(warehouse), run_id)
    except Exception:  # noqa: BLE001 - recovery is best effort: the run itself may still go through
        logging.getLogger("govreports.runs").exception("could not check for runs left by a killed process")
        return []


def _telemetry_notice_into_log() -> None:
    """With telemetry on (a DAGSTER_HOME without the project's dagster.yaml), Dagster prints a welcome
    text on stderr the first time; have it printed now, into the log, not over the progress bars."""
    try:
        from dagster_shared.telemetry import get_or_set_instance_id

        get_or_set_instance_id()
    except Exception:  # noqa: BLE001 - private API of Dagster: the notice is cosmetic
        pass


def _first(text: str) -> str:
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "")[:200]
