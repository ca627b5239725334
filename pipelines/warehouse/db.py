"""Where the warehouse lives and how to open it (one writer at a time, readers read-only).

DuckDB lets one process write a file, or any number of processes read it, never both. A writer
(a run's step) that finds the file held by a reader (the dashboard, `govreports query`) waits for it
with a bounded, logged retry (GOVREPORTS_LOCK_WAIT_S, default 300 s). A reader that finds a run
writing is told so at once (`WarehouseBusy`, naming the run from its run lock) instead of waiting.

`sandbox=True` is for connections that run SQL an analyst typed (`govreports query`, the dashboard):
no file access from SQL (no COPY TO, read_csv, ATTACH of another file), no extensions installed or
loaded, and the configuration locked so a query cannot switch any of it back on."""
from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DUCKDB = PROJECT_ROOT / "data" / "warehouse.duckdb"
LOCK_WAIT_S = 300.0          # default of GOVREPORTS_LOCK_WAIT_S
_LOG_EVERY_S = 15.0

SANDBOX_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "lock_configuration": True,
}

log = logging.getLogger("govreports.warehouse")


class WarehouseBusy(duckdb.IOException):
    """A reader met a writer. `str(exc)` is one line that names the run writing, when known."""


def warehouse_path() -> Path:
    """`GOVREPORTS_DUCKDB` overrides the default `data/warehouse.duckdb`."""
    return Path(os.environ.get("GOVREPORTS_DUCKDB") or DEFAULT_DUCKDB)


def configured_lock_wait_s() -> float:
    try:
        return max(0.0, float(os.environ.get("GOVREPORTS_LOCK_WAIT_S", LOCK_WAIT_S)))
    except ValueError:
        return LOCK_WAIT_S


def connect(path: Path | str | None = None, *, read_only: bool = False, sandbox: bool = False,
            lock_wait_s: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. A writer waits up to `lock_wait_s` (GOVREPORTS_LOCK_WAIT_S) for readers
    in other processes to let go of the file, logging each wait; a reader raises WarehouseBusy when
    a writer holds it. `sandbox`: see the module's docstring (read-only connections only)."""
    path = Path(path) if path else warehouse_path()
    if read_only and not path.exists():
        raise FileNotFoundError(f"{path}: no warehouse yet (run `make demo` or `govreports run`)")
    if sandbox and not read_only:
        raise ValueError("a sandboxed connection is read-only")
    path.parent.mkdir(parents=True, exist_ok=True)
    config = dict(SANDBOX_CONFIG) if sandbox else {}
    if read_only:
        try:
            return duckdb.connect(str(path), read_only=True, config=config)
        except duckdb.IOException as exc:
            if _is_lock_conflict(exc):
                raise busy_error(path, exc) from None
            raise
    return _connect_writer(path, configured_lock_wait_s() if lock_wait_s is None else lock_wait_s)


def _connect_writer(path: Path, wait_s: float) -> duckdb.DuckDBPyConnection:
    start = time.monotonic()
    next_log = start
    while True:
        try:
            con = duckdb.connect(str(path))
        except duckdb.IOException as exc:
            waited = time.monotonic() - start
            if not _is_lock_conflict(exc) or waited >= wait_s:
                if _is_lock_conflict(exc):
                    log.error("gave up after %.0f s waiting for %s (%s)", waited, path.name, _holder_text(exc))
                raise
            if time.monotonic() >= next_log:
                log.warning("the warehouse %s is held by another process (%s): waiting (%.0f s of at most %.0f s)",
                            path, _holder_text(exc), waited, wait_s)
                next_log = time.monotonic() + _LOG_EVERY_S
            time.sleep(0.5)
            continue
        waited = time.monotonic() - start
        if waited >= 0.5:
            log.warning("got the warehouse %s after waiting %.0f s", path, waited)
        return con


def wait_until_writable(path: Path | str | None = None, wait_s: float | None = None) -> None:
    """Wait (bounded, logged) until this process could open the file for writing, then let go: for
    a writer that is another program (dbt), which would fail at once on a reader's lock."""
    connect(path, lock_wait_s=wait_s).close()


def _is_lock_conflict(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def _holder_text(exc: Exception) -> str:
    m = re.search(r"\(PID (\d+)\)", str(exc))
    return f"pid {m.group(1)}" if m else "a reader"


def busy_error(path: Path, exc: Exception | None = None) -> WarehouseBusy:
    """The one line for a reader that met a writer: the run writing (its run lock), else DuckDB's pid."""
    from pipelines.runlock import describe, holder

    who = holder(path)
    if who:
        return WarehouseBusy(f"the warehouse is being written by {describe(who)}; try again in a moment")
    return WarehouseBusy(f"the warehouse is being written by another process ({_holder_text(exc) if exc else 'unknown'}); "
                         "try again in a moment")


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """Rows as plain dicts with None for NULL (pandas would turn NULL integers into NaN)."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]
