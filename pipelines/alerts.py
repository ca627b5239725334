"""Run-failure notices: one JSON line per failed run in `<logs>/run_failures.jsonl`, and a POST of the
same JSON to `GOVREPORTS_FAILURE_WEBHOOK` when the operator sets one (a chat or paging hook).

Both the CLI (`govreports run`, `demo`) and the Dagster run-failure sensor (runs launched by the UI or
the schedule) call `notify_run_failure`; a run is noted once, whoever sees it first. A webhook that
fails is recorded in the line and logged, never raised: the notice must not become a second failure."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from pipelines.runlog import logs_dir, now_iso

FAILURES_LOG = "run_failures.jsonl"
WEBHOOK_ENV = "GOVREPORTS_FAILURE_WEBHOOK"
WEBHOOK_TIMEOUT_S = 10.0
log = logging.getLogger("govreports.alerts")


def failures_log(warehouse: Path | None = None) -> Path:
    return logs_dir(warehouse) / FAILURES_LOG


def noted_runs(path: Path) -> set[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return set()
    runs = set()
    for line in lines:
        try:
            runs.add(json.loads(line)["run_id"])
        except (ValueError, KeyError, TypeError):
            continue          # a torn last line of a crash: the others still count
    return runs


def notify_run_failure(run_id: str, *, job: str, summary: str, failed_steps: list[str],
                       log_path: str | None, warehouse: Path | None = None, launched_by: str) -> dict | None:
    """Append the notice (and POST it when a webhook is set); None when this run was noted already."""
    path = failures_log(warehouse)
    if run_id in noted_runs(path):
        return None
    notice = {"run_id": run_id, "job": job, "failed_at": now_iso(), "summary": summary,
              "failed_steps": failed_steps, "log": log_path, "launched_by": launched_by,
              "warehouse": str(warehouse) if warehouse else None}
    url = os.environ.get(WEBHOOK_ENV)
    if url:
        notice["webhook"] = _post(url, notice)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(notice, ensure_ascii=False) + "\n")
    return notice


def _post(url: str, notice: dict) -> str:
    import httpx

    try:
        response = httpx.post(url, json=notice, timeout=WEBHOOK_TIMEOUT_S,
                              headers={"User-Agent": "govreports-alerts"})
        response.raise_for_status()
        return f"sent ({response.status_code})"
    except httpx.HTTPError as exc:
        log.warning("run-failure webhook %s failed: %s", url, exc)
        return f"failed: {type(exc).__name__}: {exc}"
