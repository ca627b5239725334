"""Write batches of the archive index: while one is open, the index writes of a stretch of work share
one SQLite transaction instead of one transaction per statement. A crawled page costs ~5 writes, and
each commit rewrites the touched b-tree pages to the WAL: committing per request was a fifth of the
crawler's CPU.

A batch commits every ``COMMIT_EVERY_WRITES`` writes, ``COMMIT_EVERY_S`` seconds after it began (the
caller's ``call_later`` schedules that) and when it ends. Crash safety keeps its rules: a blob is
written and fsynced before any row that names it (Archive.put_blob), so no commit makes a row
durable whose blob is not on disk; what was committed stays. A kill -9 loses the rows of the open
transaction only — at most a quarter of a second of fetches, whose blobs are on disk: the next
crawl does not find them in the index and fetches those URLs again (the same bytes land on the
same content address)."""
from __future__ import annotations

import sqlite3
import threading
from typing import Callable

COMMIT_EVERY_S = 0.25
COMMIT_EVERY_WRITES = 256


class WriteBatch:
    def __init__(self, db: sqlite3.Connection, lock: threading.RLock):
        self._db = db
        self._lock = lock
        self.active = False           # writes join a shared transaction
        self.open = False             # that transaction has begun and is not committed yet
        self.writes = 0               # writes in the open transaction
        self.call_later: Callable[[float, Callable[[], None]], object] | None = None

    def before_write(self) -> None:
        """Called under the archive lock before every index write (never inside one, so that a
        commit here never splits a write's statements)."""
        if not self.active:
            return
        if self.open and self.writes >= COMMIT_EVERY_WRITES:
            self._commit()
        if not self.open:
            # IMMEDIATE: the write lock is taken now, so a read-then-write (record_document) can
            # never fail to upgrade because another process wrote in between
            self._db.execute("BEGIN IMMEDIATE")
            self.open, self.writes = True, 0
            if self.call_later is not None:
                self.call_later(COMMIT_EVERY_S, self.flush)
        self.writes += 1

    def _commit(self) -> None:
        self._db.execute("COMMIT")
        self.open = False

    def flush(self) -> None:
        """Commit the open transaction, if any."""
        with self._lock:
            if self.open:
                self._commit()

    def start(self, call_later: Callable[[float, Callable[[], None]], object] | None) -> bool:
        """Begin batching; False when a batch is already active (the outer one owns it)."""
        with self._lock:
            if self.active:
                return False
            self.active, self.call_later = True, call_later
            return True

    def stop(self) -> None:
        with self._lock:
            self.active, self.call_later = False, None
            self.flush()
