"""One run per warehouse at a time: an OS lock on `<warehouse>.runlock`, next to the DuckDB file.

`fcntl.flock` is released by the kernel when the process that holds it ends, however it ends (kill -9
included), so a dead run never blocks the next one. The file also says who holds it (run id, pid,
host, start time) so that a refused run, or `govreports query` meeting DuckDB's lock, can name the
active run in one line. Holding is re-entrant inside one process: `govreports demo` takes the lock
before it writes the demo registry, and the run it then starts takes it again.
"""
from __future__ import annotations

import fcntl
import json
import os
import socket
import threading
import time
from pathlib import Path

from pipelines.runlog import now_iso

SUFFIX = ".runlock"

_held: dict[str, "_Held"] = {}     # lock path -> what this process holds
_guard = threading.Lock()


class RunActive(Exception):
    """Another process holds the run lock of this warehouse; `str(exc)` is the line for the terminal."""

    def __init__(self, holder: dict):
        self.holder = holder
        super().__init__(f"another run is active ({describe(holder)}); wait for it to finish "
                         f"(`govreports status` says how it went) or stop that process")


class _Held:
    def __init__(self, fd: int, info: dict):
        self.fd, self.info, self.depth = fd, info, 1


def lock_path(warehouse: Path | str) -> Path:
    w = Path(warehouse).resolve()
    return w.with_name(w.name + SUFFIX)


def describe(holder: dict) -> str:
    who = f"launched by {holder['launched_by']}" if holder.get("launched_by") else f"pid {holder.get('pid', '?')}"
    parts = [f"run {holder.get('run_id') or '(starting)'}", who]
    if holder.get("host") and holder["host"] != socket.gethostname():
        parts.append(f"host {holder['host']}")
    parts.append(f"started {holder.get('started_at', '?')}")
    return ", ".join(parts)


def acquire(warehouse: Path | str, run_id: str | None = None) -> dict:
    """Take the run lock (or take it again, in the process that holds it); RunActive when another
    process holds it. Returns what the lock file says now. Release with `release(warehouse)`."""
    path = lock_path(warehouse)
    key = str(path)
    with _guard:
        held = _held.get(key)
        if held is not None:
            held.depth += 1
            if run_id and held.info.get("run_id") != run_id:
                held.info["run_id"] = run_id
                _write(held.fd, held.info)
            return dict(held.info)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        if not _try_exclusive(fd):
            holder = _read_fd(fd)
            os.close(fd)
            raise RunActive(holder)
        info = {"run_id": run_id, "pid": os.getpid(), "host": socket.gethostname(), "started_at": now_iso()}
        _write(fd, info)
        _held[key] = _Held(fd, info)
        return dict(info)


def release(warehouse: Path | str) -> None:
    key = str(lock_path(warehouse))
    with _guard:
        held = _held.get(key)
        if held is None:
            return
        held.depth -= 1
        if held.depth > 0:
            return
        del _held[key]
        try:
            os.ftruncate(held.fd, 0)   # nobody holds it: say nothing stale
        finally:
            os.close(held.fd)          # closing the descriptor releases the lock


def holder(warehouse: Path | str) -> dict | None:
    """Who holds the run lock of this warehouse now (this process included), or None."""
    path = lock_path(warehouse)
    with _guard:
        if str(path) in _held:
            return dict(_held[str(path)].info)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_fd(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)  # we could take it: nobody runs
        return None
    finally:
        os.close(fd)


def _try_exclusive(fd: int) -> bool:
    # A reader's probe (holder()) holds a shared lock for microseconds, and a new holder writes who
    # it is just after locking: only a lock that names its holder for a second means a live run.
    deadline = time.monotonic() + 1.0
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if _read_fd(fd).get("pid") or time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def _write(fd: int, info: dict) -> None:
    data = json.dumps(info).encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


def _read_fd(fd: int) -> dict:
    try:
        data = os.pread(fd, 4096, 0)
        return json.loads(data) if data.strip() else {}
    except (OSError, ValueError):
        return {}


def _close_in_child() -> None:
    """A forked child (a parse worker) must not keep the lock alive after its parent is gone."""
    for held in _held.values():
        try:
            os.close(held.fd)
        except OSError:
            pass
    _held.clear()


os.register_at_fork(after_in_child=_close_in_child)
