"""`govreports status`: what the last run did — whether it failed and why (the run record of
pipelines/runlog.py, or the Dagster instance for runs started elsewhere), each source's crawl verdict,
and what the warehouse holds. Works before any warehouse or mart exists: it says what is missing."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipelines.runlog import WAREHOUSE_TAG, RunRecord, logs_dir, read_record
from pipelines.warehouse.db import connect, warehouse_path

# A missing robots.txt (404) means "allow all"; it is not a failure.
FAILED = "(outcome = 'error' AND NOT (stage = 'robots' AND reason LIKE 'http_4%'))"
LAST_RUN = "(SELECT run_id FROM raw.fetch_log ORDER BY fetched_at DESC LIMIT 1)"

# title -> (tables the query needs, SQL)
STATUS_QUERIES = {
    "Last crawl": (("raw.fetch_log",), f"""
        SELECT run_id, min(fetched_at) AS started, max(fetched_at) AS last_fetch, count(*) FILTER (WHERE outcome <> 'unchanged_skipped') AS requests,
               count(*) FILTER (WHERE outcome = 'ok') AS downloaded,
               count(*) FILTER (WHERE outcome IN ('not_modified', 'unchanged_skipped')) AS unchanged,
               count(*) FILTER (WHERE {FAILED}) AS failed
        FROM raw.fetch_log WHERE run_id = {LAST_RUN} GROUP BY run_id"""),
    "Sources in the last run": (("raw.fetch_log",), f"""
        SELECT source_id,
               CASE WHEN count(*) FILTER (WHERE outcome = 'error' AND reason = 'blocked') > 0 THEN 'blocked'
                    WHEN count(*) FILTER (WHERE outcome <> 'error') = 0 THEN 'failed'
                    ELSE 'ok' END AS status,
               count(*) AS requests, count(*) FILTER (WHERE {FAILED}) AS failures
        FROM raw.fetch_log WHERE run_id = {LAST_RUN} GROUP BY 1 ORDER BY 2, 1"""),
    "Failures of the last run by reason": (("raw.fetch_log",), f"""
        SELECT stage, reason, count(*) AS fetches, any_value(url) AS example_url
        FROM raw.fetch_log WHERE run_id = {LAST_RUN} AND {FAILED} GROUP BY ALL ORDER BY 3 DESC"""),
    "New documents in the last run": (("raw.fetch_log", "raw.documents"), f"""
        SELECT count(*) AS new_documents FROM raw.documents
        WHERE first_fetched_at >= (SELECT min(fetched_at) FROM raw.fetch_log WHERE run_id = {LAST_RUN})"""),
    "Quarantined metric rows": (("raw.parsed_rejects",), """
        SELECT reason, metric_code, count(*) AS metric_rows, count(DISTINCT document_id) AS documents
        FROM raw.parsed_rejects GROUP BY ALL ORDER BY 3 DESC, 2"""),
    "Quality issues": (("marts.fct_quality_issue",), """
        SELECT status, count(*) AS issues, count(DISTINCT report_id) AS reports
        FROM marts.fct_quality_issue GROUP BY 1 ORDER BY 1"""),
}


def print_status(db: str | Path | None = None, console: Console | None = None) -> int:
    """Print the status; returns the exit code (2 when there is no run record and no warehouse)."""
    console = console or Console()
    path = Path(db) if db else warehouse_path()
    record = latest_run(read_record(logs_dir(path)), path)
    if record is not None:
        _print_run(record, console, path)
    if not path.exists():
        console.print(f"No warehouse at {path} yet: run `govreports demo`, or `govreports run --sources FILE`.",
                      markup=False, highlight=False, soft_wrap=True)
        return 0 if record is not None else 2
    with connect(path, read_only=True) as con:
        have = {f"{s}.{t}" for s, t in con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables").fetchall()}
        crawl_run = con.execute(f"SELECT {LAST_RUN}").fetchone()[0] if "raw.fetch_log" in have else None
        for title, (needs, sql) in STATUS_QUERIES.items():
            missing = [t for t in needs if t not in have]
            if missing:
                if title in ("Last crawl", "Quality issues"):  # say it once per layer
                    console.print(f"{title}: not available, {', '.join(missing)} does not exist yet"
                                  + (" (the marts are built by the last step of a run)" if "marts" in missing[0] else ""),
                                  markup=False, highlight=False, soft_wrap=True)
                continue
            cur = con.execute(sql)
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
            if title == "Sources in the last run" and record is not None and record.run_id == crawl_run:
                names, rows = _with_crawl_status(names, rows, record.crawl_sources)
            table = Table(*names, title=title, title_justify="left")
            for row in rows:
                table.add_row(*["" if v is None else escape(str(v)) for v in row])
            console.print(table)
    return 0


def _with_crawl_status(names: list[str], rows: list[tuple], crawl: dict) -> tuple[list[str], list[tuple]]:
    """The crawl's own verdict (ok / partial / blocked / …) instead of the one guessed from fetch_log."""
    i = names.index("status")
    out = []
    for row in rows:
        row = list(row)
        verdict = (crawl.get(row[0]) or {}).get("status")
        if verdict:
            row[i] = verdict
        out.append(tuple(row) + ((crawl.get(row[0]) or {}).get("reason"),))
    return names + ["reason"], out


def _print_run(r: RunRecord, console: Console, warehouse: Path) -> None:
    def say(text: str) -> None:  # one unwrapped line each: paths and SQL are not markup
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    when = r.finished_at or r.started_at
    if r.status == "success":
        say(f"Last run {r.run_id} succeeded ({when}).")
    elif r.status == "running":
        say(_unfinished(r, warehouse))
    elif r.status == "interrupted":
        say(f"Last run {r.run_id} was interrupted ({when}).")
    else:
        say(f"Last run {r.run_id} FAILED ({when}): {'; '.join(r.what_failed())}.")
        for s in r.failed_steps:  # (a blocking check's own step only repeats that the check failed)
            if s.get("error") and not s["error"].startswith("DagsterAssetCheckFailedError"):
                say(f"  step {s['step']}: {s['error']}")
        for c in r.failed_checks:
            meta = ", ".join(f"{k}={v}" for k, v in (c.get("metadata") or {}).items() if not isinstance(v, (list, dict)))
            say(f"  blocking check {c['asset']}:{c['check']} did not pass" + (f" ({meta})" if meta else ""))
        if r.not_run:
            say(f"  not run because of it: {', '.join(r.not_run)}")
    for c in r.warned_checks:
        say(f"  warning: check {c['asset']}:{c['check']} did not pass")
    if r.log_path:
        say(f"  details: {r.log_path}")


def _unfinished(r: RunRecord, warehouse: Path) -> str:
    """A run without an end: the warehouse's run lock tells a live run from a killed one (the kernel
    releases it however the process ended)."""
    from pipelines import runlock

    holder = runlock.holder(warehouse)
    if holder:
        return f"Run {holder.get('run_id') or r.run_id} is running ({runlock.describe(holder)})."
    if r.pid is None:  # a run of the UI or the schedule: the Dagster instance said it has not finished
        return f"Last run {r.run_id} started {r.started_at} and has not finished (launched by `make dev`: see its UI)."
    return (f"Last run {r.run_id} started {r.started_at} and was killed (its process, pid {r.pid}, is gone): "
            f"the next run frees what it held and resumes.")


def latest_run(record: RunRecord | None, warehouse: Path) -> RunRecord | None:
    """The record of `govreports run`/`demo`, unless the Dagster instance knows a later run of the same
    warehouse (the schedule, `make dev`): then what the instance says about that one."""
    try:
        other = _dagster_latest(record, warehouse)
    except Exception:  # noqa: BLE001 - the instance is a second opinion; the record still stands
        other = None
    return other or record


def _dagster_latest(record: RunRecord | None, warehouse: Path) -> RunRecord | None:
    import os

    from pipelines.warehouse.db import PROJECT_ROOT

    home = Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT)
    if not (home / "dagster.yaml").exists() and not (home / "storage").exists():
        return None
    import dagster as dg

    from pipelines.runner import quiet_instance
    from pipelines.stale_runs import same_warehouse

    with quiet_instance(home) as instance:
        run = next((r for r in instance.get_runs(filters=dg.RunsFilter(job_name="nightly_refresh"), limit=20)
                    if same_warehouse(r.tags.get(WAREHOUSE_TAG), warehouse)), None)
        if run is None or (record is not None and run.run_id == record.run_id):
            return None
        stats = instance.get_run_stats(run.run_id)
        start = stats.start_time or 0
        if record is not None and start and _epoch(record.started_at) >= start:
            return None
        from pipelines.run_digest import digest_events

        events = [e.dagster_event for e in instance.all_logs(run.run_id) if e.is_dagster_event]
        status = {"SUCCESS": "success", "FAILURE": "failure", "CANCELED": "interrupted"}.get(
            run.status.value, "running")
        out = RunRecord(run_id=run.run_id, status=status, started_at=_iso(start),
                        finished_at=_iso(stats.end_time) if stats.end_time else None)
        return digest_events(events, out, {}, success=status == "success", status=status)


def _epoch(iso: str) -> float:
    from datetime import datetime, timezone

    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()


def _iso(seconds: float | None) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(seconds or 0, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
