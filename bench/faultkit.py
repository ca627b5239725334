"""kill -9 harness of the fault tests (tests/integration/test_crash_safety.py) and the fault bench
(bench/bench_faults.py): real `govreports run` processes on an isolated installation (warehouse,
archive, logs, a Dagster home with the project's pool limits), killed at a chosen stage.

    with DemoServer(generate_corpus(0)) as server:
        box = Sandbox(tmp / "a", server.write_registry(tmp / "sources.yaml"))
        proc = box.start()
        box.wait_for_stage(proc, "parse")      # Dagster's STEP_START line in the run's log
        box.kill(proc)
        assert box.run().returncode == 0
        diff(reference.marts(), box.marts())   # per mart: rows missing, rows extra
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb
import yaml

ROOT = Path(__file__).resolve().parents[1]
GOVREPORTS = str(Path(sys.executable).with_name("govreports"))
STAGES = {"crawl": "crawled_documents", "parse": "parsed_documents", "dbt": "govreports_dbt_models"}
# Columns that say when a row was written, not what it says: a re-run after a kill writes them later.
VOLATILE = frozenset({"loaded_at", "parsed_at", "fetched_at", "first_fetched_at", "last_fetched_at", "superseded_at"})


class Sandbox:
    def __init__(self, root: Path, registry: Path, extra_env: dict | None = None):
        self.root = Path(root)
        self.registry = Path(registry)
        self.home = self.root / "dagster_home"
        self.home.mkdir(parents=True, exist_ok=True)
        self.warehouse = self.root / "warehouse.duckdb"
        self.logs = self.root / "logs"
        self._write_dagster_yaml()
        self.env = {**os.environ, "GOVREPORTS_DUCKDB": str(self.warehouse), "GOVREPORTS_ARCHIVE": str(self.root / "archive"),
                    "DAGSTER_HOME": str(self.home), "GOVREPORTS_LOG_LEVEL": "DEBUG", **(extra_env or {})}
        for key in ("GOVREPORTS_PROGRESS", "GOVREPORTS_LOGS", "GOVREPORTS_DEBUG"):
            self.env.pop(key, None)
        self._n = 0

    def _write_dagster_yaml(self) -> None:
        """The project's dagster.yaml (pool limit 1: what made killed runs block the next) with
        its storage moved into the sandbox."""
        config = yaml.safe_load((ROOT / "dagster.yaml").read_text(encoding="utf-8"))
        config["storage"] = {"sqlite": {"base_dir": str(self.home / "storage")}}
        for key in ("local_artifact_storage", "compute_logs"):
            if key in config:
                config[key]["config"]["base_dir"] = str(self.home / key)
        (self.home / "dagster.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")

    # -- processes ---------------------------------------------------------------------------------
    def command(self, *args: str) -> list[str]:
        return [GOVREPORTS, *(args or ("run", "--sources", str(self.registry)))]

    def start(self, *args: str) -> subprocess.Popen:
        self._n += 1
        out = open(self.root / f"cli-{self._n}.out", "w")
        err = open(self.root / f"cli-{self._n}.err", "w")
        proc = subprocess.Popen(self.command(*args), env=self.env, stdout=out, stderr=err, cwd=self.root)
        proc.started_at = time.time()            # type: ignore[attr-defined]
        proc.err_path = self.root / f"cli-{self._n}.err"  # type: ignore[attr-defined]
        return proc

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(*args), env=self.env, capture_output=True, text=True,
                              timeout=timeout, cwd=self.root)

    @staticmethod
    def kill(proc: subprocess.Popen) -> None:
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(30)

    def run_log(self, proc: subprocess.Popen) -> Path | None:
        """The log of the run `proc` started (its record names it once the run has begun)."""
        try:
            record = json.loads((self.logs / "last_run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if record.get("pid") != proc.pid or not record.get("log_path"):
            return None
        return Path(record["log_path"])

    def wait_for(self, proc: subprocess.Popen, pattern: str, timeout: float = 300) -> bool:
        """Wait until the run's log matches `pattern`; False when the process ended first."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log = self.run_log(proc)
            if log is not None and log.exists() and rx.search(log.read_text(encoding="utf-8", errors="replace")):
                return True
            if proc.poll() is not None:
                return False
            time.sleep(0.2)
        raise TimeoutError(f"{pattern!r} not in the log after {timeout} s")

    def wait_for_stage(self, proc: subprocess.Popen, stage: str, timeout: float = 300) -> bool:
        return self.wait_for(proc, rf"{STAGES[stage]} - STEP_START", timeout)

    def stage_of(self, proc: subprocess.Popen) -> str | None:
        """The last stage the run's log shows started (after a kill: where it was killed)."""
        log = self.run_log(proc)
        text = log.read_text(encoding="utf-8", errors="replace") if log and log.exists() else ""
        started = [(text.rfind(f"{step} - STEP_START"), stage) for stage, step in STAGES.items()]
        pos, stage = max(started)
        return stage if pos >= 0 else None

    # -- the warehouse -----------------------------------------------------------------------------
    def marts(self) -> dict[str, list[tuple]]:
        return snapshot(self.warehouse)


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every mart's rows (without the VOLATILE columns), sorted."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_schema = 'marts' ORDER BY 1").fetchall()]
        out = {}
        for t in tables:
            cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                              "table_schema = 'marts' AND table_name = ? ORDER BY ordinal_position",
                                              [t]).fetchall() if r[0] not in VOLATILE]
            sql = "SELECT " + ", ".join(f'"{c}"' for c in cols) + f' FROM marts."{t}"'
            out[t] = sorted((tuple(_frozen(v) for v in row) for row in con.execute(sql).fetchall()), key=repr)
        return out


def _frozen(value):
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


def examples(reference: dict[str, list[tuple]], got: dict[str, list[tuple]], limit: int = 3) -> dict[str, dict]:
    """Up to `limit` rows per differing mart that only the reference has, and that only `got` has."""
    out = {}
    for table in diff(reference, got):
        ref, new = Counter(reference.get(table, [])), Counter(got.get(table, []))
        out[table] = {"only_reference": list((ref - new).elements())[:limit], "only_got": list((new - ref).elements())[:limit]}
    return out


def diff(reference: dict[str, list[tuple]], got: dict[str, list[tuple]]) -> dict[str, dict[str, int]]:
    """Per mart that differs: rows of the reference missing from `got` (lost) and rows it has extra."""
    out = {}
    for table in sorted(set(reference) | set(got)):
        ref, new = Counter(reference.get(table, [])), Counter(got.get(table, []))
        lost, extra = sum((ref - new).values()), sum((new - ref).values())
        if lost or extra or (table in reference) != (table in got):
            out[table] = {"lost": lost, "extra": extra}
    return out
