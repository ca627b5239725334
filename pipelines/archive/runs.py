"""The archive's record of crawl runs per source: what a resumed crawl may trust (crawl/resume.py).
A part of Archive (store.py), on its index connection."""
from __future__ import annotations

from .records import utcnow


class CrawlRuns:
    """Mixed into Archive: needs ``_db``, ``_lock`` and ``_batch``."""

    def crawl_started(self, source_id: str, run_id: str) -> None:
        with self._lock:
            self._batch.before_write()
            self._db.execute("INSERT OR REPLACE INTO source_crawls (run_id, source_id, started_at) VALUES (?, ?, ?)",
                             (run_id, source_id, utcnow()))

    def crawl_finished(self, source_id: str, run_id: str, *, clean: bool) -> None:
        with self._lock:
            self._batch.before_write()
            self._db.execute("UPDATE source_crawls SET finished_at=?, clean=? WHERE run_id=? AND source_id=?",
                             (utcnow(), int(clean), run_id, source_id))

    def last_crawl(self, source_id: str, *, before_run: str | None = None) -> dict | None:
        """The latest crawl of the source (other than ``before_run``): finished_at is None when it
        was killed, clean 0 when it ended with transient errors."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM source_crawls WHERE source_id=? AND run_id IS NOT ? "
                "ORDER BY started_at DESC, rowid DESC LIMIT 1", (source_id, before_run)).fetchone()
        return dict(row) if row else None

    def fetched_in_clean_crawl(self, source_id: str, url: str) -> bool:
        """``url`` was read (ok or 304) by a crawl of the source that ran to its end without
        transient errors — so everything that crawl found behind it was archived."""
        with self._lock:
            return self._db.execute(
                "SELECT 1 FROM fetches f JOIN source_crawls c ON c.run_id=f.run_id AND c.source_id=? "
                "WHERE f.url=? AND f.outcome IN ('ok', 'not_modified') AND c.clean=1 LIMIT 1",
                (source_id, url)).fetchone() is not None

    def fetch_errors(self, run_id: str, source_id: str) -> list[tuple[str, str | None]]:
        """(stage, reason) of each failed fetch of one source in one run."""
        with self._lock:
            return [(r[0], r[1]) for r in self._db.execute(
                "SELECT stage, reason FROM fetches WHERE run_id=? AND source_id=? AND outcome='error'",
                (run_id, source_id))]

    def source_link_urls(self, source_id: str) -> list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT url FROM links WHERE source_id=?", (source_id,))]
