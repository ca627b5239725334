"""Content-addressed blob store + SQLite index. Nothing is ever deleted; writes are idempotent."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import threading
from pathlib import Path

from .records import DocumentRecord, FetchRecord, LinkRecord

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fetches (
  fetch_id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT, source_id TEXT, url TEXT NOT NULL, final_url TEXT, stage TEXT NOT NULL,
  fetched_at TEXT NOT NULL, status_code INTEGER, outcome TEXT NOT NULL, reason TEXT,
  content_sha256 TEXT, n_bytes INTEGER, content_type TEXT, etag TEXT, last_modified TEXT,
  elapsed_ms INTEGER
);
CREATE INDEX IF NOT EXISTS fetches_url ON fetches(url, outcome);
CREATE INDEX IF NOT EXISTS fetches_run ON fetches(run_id);
CREATE TABLE IF NOT EXISTS documents (
  document_id TEXT PRIMARY KEY,
  source_id TEXT, agency_id TEXT, url TEXT NOT NULL, parent_url TEXT,
  content_sha256 TEXT NOT NULL, source_format TEXT, media_type TEXT, filename TEXT, encoding TEXT,
  n_bytes INTEGER, link_title TEXT, year_hint INTEGER, listed_on TEXT, published_on_hint TEXT,
  first_fetched_at TEXT NOT NULL, last_fetched_at TEXT NOT NULL,
  UNIQUE (url, content_sha256)
);
CREATE INDEX IF NOT EXISTS documents_sha ON documents(content_sha256);
CREATE TABLE IF NOT EXISTS links (
  source_id TEXT NOT NULL, agency_id TEXT, list_url TEXT, url TEXT NOT NULL, link_title TEXT,
  listed_on TEXT, year_hint INTEGER, discovered_at TEXT NOT NULL,
  PRIMARY KEY (source_id, url)
);
"""

FETCH_COLUMNS = ["fetch_id", "run_id", "source_id", "url", "final_url", "stage", "fetched_at",
                 "status_code", "outcome", "reason", "content_sha256", "n_bytes", "content_type",
                 "etag", "last_modified", "elapsed_ms"]
DOCUMENT_COLUMNS = ["document_id", "source_id", "agency_id", "url", "parent_url", "content_sha256",
                    "source_format", "media_type", "filename", "encoding", "n_bytes", "link_title",
                    "year_hint", "listed_on", "published_on_hint", "first_fetched_at",
                    "last_fetched_at"]
LINK_COLUMNS = ["source_id", "agency_id", "list_url", "url", "link_title", "listed_on", "year_hint",
                "discovered_at"]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Archive:
    """``Archive(root)``: ``root/blobs/<sha[:2]>/<sha256>`` and ``root/index.sqlite``."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.blob_dir = self.root / "blobs"
        self.blob_dir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.root / "index.sqlite"
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(self.db_path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    # -- blobs ---------------------------------------------------------------------------------
    def blob_path(self, sha: str) -> Path:
        return self.blob_dir / sha[:2] / sha

    def put_blob(self, data: bytes) -> str:
        sha = sha256_hex(data)
        p = self.blob_path(sha)
        if p.exists():
            return sha
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, p)          # atomic on POSIX; identical content if raced
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        return sha

    def has_blob(self, sha: str) -> bool:
        return self.blob_path(sha).exists()

    def get_blob(self, sha: str) -> bytes:
        return self.blob_path(sha).read_bytes()

    # -- index ---------------------------------------------------------------------------------
    def record_fetch(self, rec: FetchRecord) -> int:
        d = rec.to_dict()
        d.pop("fetch_id", None)
        cols = [c for c in FETCH_COLUMNS if c != "fetch_id"]
        with self._lock:
            cur = self._db.execute(
                f"INSERT INTO fetches ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [d.get(c) for c in cols])
            rec.fetch_id = cur.lastrowid
        return rec.fetch_id

    def record_document(self, rec: DocumentRecord) -> bool:
        """Insert, or on an existing (url, content_sha256) update last_fetched_at (and fill empty
        fields). Returns True when the document is new."""
        d = rec.to_dict()
        d["last_fetched_at"] = d.get("last_fetched_at") or d["first_fetched_at"]
        with self._lock:
            row = self._db.execute("SELECT document_id FROM documents WHERE url=? AND content_sha256=?",
                                   (rec.url, rec.content_sha256)).fetchone()
            if row is None:
                self._db.execute(
                    f"INSERT INTO documents ({', '.join(DOCUMENT_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(DOCUMENT_COLUMNS))})",
                    [d.get(c) for c in DOCUMENT_COLUMNS])
                return True
            fill = ["source_id", "agency_id", "parent_url", "media_type", "filename", "encoding",
                    "link_title", "year_hint", "listed_on", "published_on_hint"]
            sets = ", ".join(f"{c}=COALESCE({c}, ?)" for c in fill)
            self._db.execute(
                f"UPDATE documents SET last_fetched_at=MAX(last_fetched_at, ?), {sets} "
                f"WHERE document_id=?",
                [d["last_fetched_at"], *[d.get(c) for c in fill], row["document_id"]])
            return False

    def record_link(self, rec: LinkRecord) -> bool:
        """Upsert on (source_id, url); keeps the first discovered_at. Returns True when new."""
        d = rec.to_dict()
        with self._lock:
            row = self._db.execute("SELECT 1 FROM links WHERE source_id=? AND url=?",
                                   (rec.source_id, rec.url)).fetchone()
            if row is None:
                self._db.execute(
                    f"INSERT INTO links ({', '.join(LINK_COLUMNS)}) VALUES ({', '.join('?' * len(LINK_COLUMNS))})",
                    [d.get(c) for c in LINK_COLUMNS])
                return True
            self._db.execute(
                "UPDATE links SET agency_id=COALESCE(?, agency_id), list_url=COALESCE(?, list_url), "
                "link_title=COALESCE(?, link_title), listed_on=COALESCE(?, listed_on), "
                "year_hint=COALESCE(?, year_hint) WHERE source_id=? AND url=?",
                (rec.agency_id, rec.list_url, rec.link_title, rec.listed_on, rec.year_hint,
                 rec.source_id, rec.url))
            return False

    def last_fetch(self, url: str) -> dict | None:
        """Latest fetch of ``url`` with outcome ok (etag, last_modified, content_sha256 …), or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM fetches WHERE url=? AND outcome='ok' AND content_sha256 IS NOT NULL "
                "ORDER BY fetch_id DESC LIMIT 1", (url,)).fetchone()
        return dict(row) if row else None

    def latest_fetch(self, url: str, *, stage: str | None = None) -> dict | None:
        """Latest fetch row of ``url`` whatever its outcome (optionally of one stage)."""
        q, a = "SELECT * FROM fetches WHERE url=?", [url]
        if stage:
            q, a = q + " AND stage=?", a + [stage]
        with self._lock:
            row = self._db.execute(q + " ORDER BY fetch_id DESC LIMIT 1", a).fetchone()
        return dict(row) if row else None

    def has_document(self, url: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM documents WHERE url=? LIMIT 1", (url,)).fetchone() is not None

    def document(self, url: str, content_sha256: str) -> dict | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM documents WHERE url=? AND content_sha256=?",
                                   (url, content_sha256)).fetchone()
        return dict(row) if row else None

    def fetches(self, run_id: str | None = None) -> list[dict]:
        q, a = "SELECT * FROM fetches", ()
        if run_id is not None:
            q, a = q + " WHERE run_id=?", (run_id,)
        with self._lock:
            return [dict(r) for r in self._db.execute(q + " ORDER BY fetch_id", a)]

    def documents(self) -> list[dict]:
        with self._lock:
            return [dict(r) for r in self._db.execute("SELECT * FROM documents ORDER BY first_fetched_at, document_id")]

    def links(self) -> list[dict]:
        with self._lock:
            return [dict(r) for r in self._db.execute("SELECT * FROM links ORDER BY source_id, url")]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
