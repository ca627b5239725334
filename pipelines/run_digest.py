"""A finished Dagster run reduced to what a person needs: what failed and why, what did not run, the
crawl's verdict per source; and the run's full log written out as a text file."""
from __future__ import annotations

import re
from pathlib import Path

import dagster as dg

from pipelines.runlog import RunRecord

# A step that fails inside Dagster wraps the user's exception: name the user's one.
_WRAPPERS = {"DagsterExecutionStepExecutionError", "DagsterUserCodeExecutionError"}


def root_error(err) -> object:
    while err is not None and err.cls_name in _WRAPPERS and err.cause is not None:
        err = err.cause
    return err


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# dbt's error text starts with the command; the line that names what broke comes after this marker
_DBT_ERRORS = "Errors parsed from dbt logs:"


def first_line(text: str | None, limit: int = 200) -> str:
    lines = [ln.strip() for ln in _ANSI.sub("", text or "").splitlines() if ln.strip()]
    if _DBT_ERRORS in lines:
        after = lines[lines.index(_DBT_ERRORS) + 1:]
        lines = [ln for ln in after if "ERROR" in ln or "Failure" in ln or "Error" in ln] or after or lines
    line = lines[0] if lines else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def step_assets(defs: dg.Definitions) -> dict[str, list[str]]:
    """op name → the asset keys (and checks) it materialises, for naming a failed step."""
    out: dict[str, list[str]] = {}
    for a in [*(defs.assets or []), *(defs.asset_checks or [])]:
        op = getattr(a, "op", None)
        if op is None:
            continue
        keys = sorted(k.to_user_string() for k in getattr(a, "keys", []))
        keys += [f"{c.asset_key.to_user_string()}:{c.name}" for c in getattr(a, "check_keys", [])]
        out[op.name] = keys
    return out


def digest(result: dg.ExecuteInProcessResult, record: RunRecord, assets_of: dict[str, list[str]],
           instance: dg.DagsterInstance) -> RunRecord:
    return digest_events(result.all_events, record, assets_of, success=result.success,
                         planned=_planned_steps(result, instance))


def digest_events(events, record: RunRecord, assets_of: dict[str, list[str]], *, success: bool,
                  status: str | None = None, planned: set[str] | None = None) -> RunRecord:
    """Fill `record` from a run's Dagster events (what failed, what did not run, the crawl's verdicts)."""
    started: set[str] = set()
    finished: set[str] = set()
    for event in events:
        kind = event.event_type_value
        data = event.event_specific_data
        if kind == "STEP_START":
            started.add(event.step_key)
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            finished.add(event.step_key)
        if kind == "STEP_FAILURE":
            err = root_error(data.error) if data is not None else None
            record.failed_steps.append({
                "step": event.step_key,
                "assets": _assets_for(event.step_key, assets_of),
                "error": f"{err.cls_name}: {_message(err)}" if err else "unknown error",
            })
        elif kind == "ASSET_CHECK_EVALUATION" and not data.passed:
            entry = {"check": data.asset_check_key.name, "asset": data.asset_key.to_user_string(),
                     "blocking": bool(data.blocking) and data.severity == dg.AssetCheckSeverity.ERROR,
                     "metadata": {k: _plain(v) for k, v in (data.metadata or {}).items()}}
            (record.failed_checks if entry["blocking"] else record.warned_checks).append(entry)
        elif kind == "ASSET_MATERIALIZATION":
            mat = data.materialization
            sources = mat.metadata.get("sources")
            if mat.asset_key.to_user_string() == "raw/fetch_log" and sources is not None:
                record.crawl_sources = {sid: {k: s.get(k) for k in ("status", "reason", "links", "documents_new", "errors")}
                                        for sid, s in (_plain(sources) or {}).items() if isinstance(s, dict)}
    record.not_run = sorted((planned or set()) - started)
    record.status = status or ("success" if success else "failure")
    return record


def _message(err) -> str:
    """The error's first telling line, without the `module.Class: ` prefix Dagster puts before it."""
    return re.sub(rf"^[\w.]*\b{re.escape(err.cls_name)}: ", "", first_line(err.message))


def _assets_for(step_key: str, assets_of: dict[str, list[str]]) -> list[str]:
    if step_key in assets_of:
        return assets_of[step_key]
    # a check step's key is `<asset path>_<check name>`
    return [k for keys in assets_of.values() for k in keys if ":" in k
            and step_key.endswith(k.split(":", 1)[1])][:1]


def _planned_steps(result: dg.ExecuteInProcessResult, instance: dg.DagsterInstance) -> set[str]:
    try:
        snap = instance.get_execution_plan_snapshot(result.dagster_run.execution_plan_snapshot_id)
        return set(snap.step_keys_to_execute)
    except Exception:  # noqa: BLE001 - the list of skipped steps is a nicety, never a failure
        return set()


def _plain(value):
    return getattr(value, "value", value)


def write_run_log(result: dg.ExecuteInProcessResult, record: RunRecord, path: Path,
                  instance: dg.DagsterInstance) -> None:
    """Append the Dagster event log (every line a step logged, with levels) and the full text of each
    error to the run's log file (which already holds the Python log lines of the run)."""
    import logging

    try:
        entries = instance.all_logs(result.run_id)
    except Exception:  # noqa: BLE001
        entries = []
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\n==== Dagster event log of run {result.run_id} ====\n")
        for e in entries:
            level = logging.getLevelName(e.level) if isinstance(e.level, int) else str(e.level)
            text = e.user_message or (e.dagster_event.message if e.dagster_event else "") or ""
            kind = e.dagster_event.event_type_value if e.dagster_event else ""
            f.write(f"{_ts(e.timestamp)} {level:<7} {e.step_key or '-'} {kind} {text}\n")
        failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        if failures or record.failed_checks:
            f.write("\n==== What failed ====\n")
        for e in failures:
            err = e.event_specific_data.error if e.event_specific_data else None
            f.write(f"\n-- step {e.step_key} --\n{err.to_string() if err else 'unknown error'}\n")
        for c in record.failed_checks:
            f.write(f"\n-- check {c['asset']}:{c['check']} (blocking) did not pass --\n{c['metadata']}\n")
        for c in record.warned_checks:
            f.write(f"\n-- check {c['asset']}:{c['check']} (warning) --\n{c['metadata']}\n")


def _ts(seconds: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
