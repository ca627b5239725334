"""Parse documents in worker processes that can be killed without taking the run with them.

The readers bound what they can foresee (pipelines/parse/limits.py: DocumentTooLarge); this is the
second line, for what they cannot: every document is parsed in a long-lived worker process (a
pool, forked from the run when parsing starts, reused across documents, replaced only after a
kill) under a wall-clock timeout and a memory limit.

  GOVREPORTS_PARSE_TIMEOUT_S  seconds one document may take (default 30): then the worker is
                              killed and the document gets parse_status `timeout`
  GOVREPORTS_PARSE_MAX_MB     memory a worker may reach, in MB (default 1024, RLIMIT_AS): above it
                              the document gets `too_large`
  GOVREPORTS_PARSE_WORKERS    worker processes (default: CPUs, at most 4); 0 parses in-process,
                              without these limits (debugging, profiling)

Workers are forked (not spawned) so that they start in milliseconds with the parser already
imported, exactly as the run has it. Each dies with its parent (PR_SET_PDEATHSIG), ignores Ctrl-C
(the parent stops it) and never holds the run lock (pipelines/runlock.py closes it in children).
"""
from __future__ import annotations

import collections
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

TIMEOUT_S = 30.0
MAX_MB = 1024
MAX_WORKERS = 4
_MB = 1 << 20
_MIN_HEADROOM_MB = 256    # a worker forked from a large parent still gets this much to parse in

# statuses an in-parser limit may give (DocumentTooLarge.status); anything else unreadable is "error"
LIMIT_STATUSES = frozenset({"too_large", "timeout"})


@dataclass(frozen=True)
class Limits:
    timeout_s: float = TIMEOUT_S
    max_mb: int = MAX_MB
    workers: int = 1

    @classmethod
    def from_env(cls) -> "Limits":
        def num(name: str, default, cast):
            try:
                return cast(os.environ.get(name, default))
            except ValueError:
                return default

        default_workers = max(1, min(MAX_WORKERS, os.cpu_count() or 1))
        return cls(timeout_s=max(0.1, num("GOVREPORTS_PARSE_TIMEOUT_S", TIMEOUT_S, float)),
                   max_mb=max(64, num("GOVREPORTS_PARSE_MAX_MB", MAX_MB, int)),
                   workers=max(0, num("GOVREPORTS_PARSE_WORKERS", default_workers, int)))


@dataclass
class Job:
    """One document: its bytes (or a function that reads them, called when a worker is free, so
    that only the documents in flight are in memory) and parse_document's keyword arguments."""
    data: bytes | Callable[[], bytes]
    kwargs: dict = field(default_factory=dict)


def parse_safely(data: bytes, **kwargs: Any) -> dict:
    """parse_document that never raises: {"result": …} or {"status": …, "error": "<one line>"}."""
    from pipelines.parse import UnreadableDocument, parse_document

    try:
        return {"result": parse_document(data, **kwargs)}
    except UnreadableDocument as exc:   # DocumentTooLarge (pipelines/parse/limits.py) says "too_large"
        status = getattr(exc, "status", "error")
        return {"status": status if status in LIMIT_STATUSES else "error", "error": str(exc)}
    except MemoryError:
        return {"status": "too_large", "memory": True,
                "error": f"too large: parsing it needs more memory than the worker's limit "
                         f"(GOVREPORTS_PARSE_MAX_MB={Limits.from_env().max_mb})"}
    except RecursionError:
        return {"status": "too_large", "error": "too large: nested too deeply to parse (recursion limit)"}
    except Exception as exc:  # noqa: BLE001 - a parser bug is recorded on the document, not raised
        return {"status": "error", "error": f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"}


# -- the worker process ----------------------------------------------------------------------------
def _serve(conn: multiprocessing.connection.Connection, max_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    _limit_memory(max_mb)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if msg is None:
            os._exit(0)
        data, kwargs = msg
        del msg
        out = parse_safely(data, **kwargs)
        del data
        if _AS_LIMIT and "result" in out and _vm_peak() >= _AS_LIMIT - _NEAR_LIMIT:
            # An allocation failed somewhere and a reader went on with what it had (libxml2 returns
            # the part of the tree it could build): the result cannot be trusted.
            out = {"status": "too_large", "memory": True,
                   "error": f"too large: parsing it reached the worker's memory limit "
                            f"(GOVREPORTS_PARSE_MAX_MB={max_mb})"}
        try:
            conn.send(out)
        except MemoryError:
            conn.send({"status": "too_large", "error": "too large: its parse result does not fit the worker's memory"})
        except (BrokenPipeError, OSError):
            os._exit(0)
        if out.get("memory"):
            os._exit(0)        # after a MemoryError, start the next document in a fresh worker


def _die_with_parent() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)      # PR_SET_PDEATHSIG: a kill -9 of the run ends its workers
    except (OSError, AttributeError):
        pass                               # not Linux: the pipe's EOF still ends an idle worker
    if os.getppid() == 1:
        os._exit(0)                        # the parent died before prctl took effect


_AS_LIMIT = 0                 # the worker's RLIMIT_AS, once set
_NEAR_LIMIT = 32 * _MB


def _vm_peak() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            line = next(ln for ln in f if ln.startswith("VmPeak:"))
        return int(line.split()[1]) * 1024
    except (OSError, StopIteration, ValueError):
        return 0


def _limit_memory(max_mb: int) -> None:
    """RLIMIT_AS such that the worker's resident memory, which starts as the parent's (the pages of
    the fork, some of them faulted in only later), cannot grow past `max_mb` in all; never less than
    _MIN_HEADROOM_MB above its start."""
    import resource

    global _AS_LIMIT
    page = os.sysconf("SC_PAGE_SIZE")
    try:
        size, resident = (int(x) * page for x in _statm("self")[:2])
        resident = max(resident, int(_statm(str(os.getppid()))[1]) * page)
    except (OSError, ValueError, IndexError):
        return
    headroom = max(max_mb * _MB - resident, _MIN_HEADROOM_MB * _MB)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (size + headroom, size + headroom))
        _AS_LIMIT = size + headroom
    except (ValueError, OSError):
        pass


def _statm(pid: str) -> list[str]:
    with open(f"/proc/{pid}/statm", encoding="ascii") as f:
        return f.read().split()


# -- the pool, in the run's process ----------------------------------------------------------------
class _Worker:
    def __init__(self, ctx, max_mb: int):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, max_mb), daemon=True, name="govreports-parse")
        self.proc.start()
        child.close()
        self.index: int | None = None
        self.deadline = 0.0
        self.killed = False

    def kill(self) -> None:
        self.killed = True
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(2)
        self.conn.close()


class ParsePool:
    """`with ParsePool() as pool: outcomes = pool.map(jobs)` — one parse_safely outcome per job, in
    order; a document that outlives the timeout or the memory limit gets `timeout` / `too_large`."""

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits.from_env()
        self._ctx = multiprocessing.get_context("fork")
        self._idle: list[_Worker] = []
        self.restarts = 0                  # workers replaced after a kill or a crash

    def __enter__(self) -> "ParsePool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for w in self._idle:
            w.stop()
        self._idle.clear()

    def map(self, jobs: Sequence[Job]) -> list[dict]:
        if self.limits.workers == 0:
            outcomes = [parse_safely(_data(j), **j.kwargs) for j in jobs]
            for o in outcomes:
                o.pop("memory", None)
            return outcomes
        out: list[dict | None] = [None] * len(jobs)
        queue = collections.deque(range(len(jobs)))
        busy: list[_Worker] = []
        try:
            while queue or busy:
                while queue and len(busy) < self.limits.workers:
                    busy.append(self._dispatch(queue.popleft(), jobs))
                for w, outcome in self._collect(busy):
                    busy.remove(w)
                    if outcome.pop("memory", False):
                        w.stop()          # it exits after a MemoryError: never send it another document
                    if w.killed or not w.proc.is_alive():
                        self.restarts += 1
                    else:
                        self._idle.append(w)
                    out[w.index] = outcome
        except BaseException:
            for w in busy:
                w.kill()
            raise
        return out  # type: ignore[return-value]

    def _dispatch(self, index: int, jobs: Sequence[Job]) -> _Worker:
        data = _data(jobs[index])        # read in the parent (archive errors are the step's)
        for attempt in (1, 2):
            w = self._idle.pop() if self._idle else _Worker(self._ctx, self.limits.max_mb)
            try:
                w.conn.send((data, jobs[index].kwargs))
            except (BrokenPipeError, ConnectionResetError, OSError):
                w.kill()                 # died while idle: a fresh one takes the document
                if attempt == 2:
                    raise
                continue
            w.index, w.deadline, w.killed = index, time.monotonic() + self.limits.timeout_s, False
            return w
        raise AssertionError("unreachable")

    def _collect(self, busy: list[_Worker]) -> list[tuple[_Worker, dict]]:
        """Wait for the first worker to answer, die or run out of time; what each of those did."""
        timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
        ready = set(multiprocessing.connection.wait([w.conn for w in busy] + [w.proc.sentinel for w in busy],
                                                    timeout=timeout))
        done = []
        for w in busy:
            if w.conn in ready:
                try:
                    done.append((w, w.conn.recv()))
                    continue
                except (EOFError, OSError):
                    pass                  # died: said below
            if w.conn in ready or w.proc.sentinel in ready:
                w.kill()
                done.append((w, _died(w.proc.exitcode, self.limits)))
            elif time.monotonic() >= w.deadline:
                w.kill()
                done.append((w, {"status": "timeout",
                                 "error": f"timeout: still parsing after {self.limits.timeout_s:g} s "
                                          f"(GOVREPORTS_PARSE_TIMEOUT_S); the parse was stopped"}))
        return done


def _data(job: Job) -> bytes:
    return job.data() if callable(job.data) else job.data


def _died(exitcode: int | None, limits: Limits) -> dict:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if -exitcode == signal.SIGKILL:   # not ours: the kernel's OOM killer, most likely
            return {"status": "too_large", "error": f"too large: the parse was killed by the system ({name}), "
                                                    f"most likely out of memory"}
        return {"status": "error", "error": f"the parser crashed ({name}); the run went on"}
    return {"status": "error", "error": f"the parser process ended unexpectedly (exit code {exitcode})"}
