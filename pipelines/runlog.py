"""Where a run's details go and the small record `govreports status` reads afterwards.

Every run of `govreports run` / `demo` writes `<logs>/<run_id>.log` (the Dagster event log, the full
text of every error, Python log lines and warnings) and `<logs>/last_run.json` (status, failed steps
and checks, the crawl's verdict per source). `<logs>` is `logs/` beside the warehouse file (so
`data/logs/` by default, and a `GOVREPORTS_DUCKDB` elsewhere keeps its logs with it), or
`GOVREPORTS_LOGS` when set. The record is what a terminal needs; the Dagster instance at DAGSTER_HOME
keeps the run as well for `make dev`."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipelines.warehouse.db import warehouse_path

LAST_RUN = "last_run.json"
# Dagster run tag: which warehouse a run wrote (status matches the instance's runs to its warehouse)
WAREHOUSE_TAG = "govreports/warehouse"


def logs_dir(duckdb_path: Path | str | None = None) -> Path:
    if os.environ.get("GOVREPORTS_LOGS"):
        return Path(os.environ["GOVREPORTS_LOGS"])
    return Path(duckdb_path or warehouse_path()).resolve().parent / "logs"


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class RunRecord:
    run_id: str
    status: str                                        # running / success / failure
    started_at: str
    finished_at: str | None = None
    sources_file: str | None = None
    warehouse: str | None = None
    log_path: str | None = None
    failed_steps: list[dict] = field(default_factory=list)   # {step, assets, error}
    failed_checks: list[dict] = field(default_factory=list)  # {check, asset, blocking, metadata}
    warned_checks: list[dict] = field(default_factory=list)  # non-blocking checks that did not pass
    not_run: list[str] = field(default_factory=list)         # steps skipped because of a failure
    crawl_sources: dict = field(default_factory=dict)        # source_id -> {status, reason, ...}
    summary: str | None = None                               # the one line the terminal got
    pid: int | None = None                                   # the process that ran it (and its host):
    host: str | None = None                                  # "running" with that pid gone = killed
    recovered: list[dict] = field(default_factory=list)      # dead runs this one marked failed at start-up

    @property
    def failed(self) -> bool:
        return self.status == "failure"

    def what_failed(self) -> list[str]:
        """Short names of what failed: `step parsed_documents`, `check raw/documents:documents_are_archived`."""
        out = [f"check {c['asset']}:{c['check']}" for c in self.failed_checks if c.get("blocking")]
        checks = {c["check"] for c in self.failed_checks}
        for s in self.failed_steps:
            if s["step"] == "setup":
                out.append("setup (the pipeline could not be loaded)")
            elif not any(name in s["step"] for name in checks):  # the check's own step already named
                out.append(f"step {s['step']}" + (f" ({', '.join(s['assets'][:3])})" if s.get("assets") else ""))
        return out or ["the run"]


def write_record(record: RunRecord, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LAST_RUN
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(record), ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    tmp.replace(path)  # a reader never sees half a record
    return path


def read_record(directory: Path) -> RunRecord | None:
    """The last run's record, or None when there is none (or it cannot be read)."""
    try:
        data = json.loads((directory / LAST_RUN).read_text(encoding="utf-8"))
        known = RunRecord.__dataclass_fields__
        return RunRecord(**{k: v for k, v in data.items() if k in known})
    except (OSError, ValueError, TypeError):
        return None
