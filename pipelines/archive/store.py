"""Content-addressed blob store + SQLite index. Nothing is ever deleted; writes are idempotent.

Blobs are tamper-evident: every read re-hashes the bytes (get_blob), a damaged or missing blob is
an exception (errors.BlobCorrupt / BlobMissing) and a row of blob_faults, and put_blob replaces a
damaged file (the damaged copy is kept under quarantine/ as evidence)."""
from __future__ import annotations

import hashlib
import logging
import itertools
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from . import claims, lookups
from .batch import WriteBatch
from .runs import CrawlRuns
from .errors import BlobCorrupt, BlobMissing
from .records import DocumentRecord, FetchRecord, LinkRecord, utcnow

log = logging.getLogger(__name__)

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
CREATE TABLE IF NOT EXISTS blob_faults (
  content_sha256 TEXT PRIMARY KEY, kind TEXT NOT NULL, actual_sha256 TEXT, detected_at TEXT NOT NULL,
  repaired_at TEXT
);
CREATE TABLE IF NOT EXISTS source_crawls (
  run_id TEXT NOT NULL, source_id TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
  clean INTEGER, PRIMARY KEY (run_id, source_id)
);
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
_FETCH_WRITTEN = [c for c in FETCH_COLUMNS if c != "fetch_id"]
_INSERT_FETCH = f"INSERT INTO fetches ({', '.join(_FETCH_WRITTEN)}) VALUES ({', '.join('?' * len(_FETCH_WRITTEN))})"
_INSERT_LINK = f"INSERT INTO links ({', '.join(LINK_COLUMNS)}) VALUES ({', '.join('?' * len(LINK_COLUMNS))})"
_INSERT_DOCUMENT = (f"INSERT INTO documents ({', '.join(DOCUMENT_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(DOCUMENT_COLUMNS))})")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_file(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


_VERIFIED: dict[str, dict[str, tuple[int, int]]] = {}
_TMP_SEQ = itertools.count()


class Archive(CrawlRuns):
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
        self._db.executescript(_SCHEMA + claims.SCHEMA)
        self._batch = WriteBatch(self._db, self._lock)
        # sha -> (size, mtime_ns) hashed OK, shared by the Archive objects of one root in a process:
        # the crawl hashes what it meets, and the archive check after it does not hash it again
        self._verified = _VERIFIED.setdefault(str(self.blob_dir.resolve()), {})

    # -- blobs ---------------------------------------------------------------------------------
    def blob_path(self, sha: str) -> Path:
        return self.blob_dir / sha[:2] / sha

    def put_blob(self, data: bytes) -> str:
        sha = sha256_hex(data)
        p = self.blob_path(sha)
        state = self.blob_state(sha)
        if state == "ok":
            return sha
        p.parent.mkdir(parents=True, exist_ok=True)
        if state == "corrupt":
            self._quarantine(p, sha)
        # a name unique to this process and write (tempfile.mkstemp draws random names: a sixth of
        # a blob write); one that exists is a leftover of a dead process that had our pid
        tmp = str(p.parent / f".tmp-{os.getpid()}-{next(_TMP_SEQ)}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            os.unlink(tmp)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
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
        self._remember_ok(sha, p)
        if state != "ok":
            self._repaired(sha)
        return sha

    def has_blob(self, sha: str) -> bool:
        """The file exists (cheap; blob_ok also checks its bytes)."""
        return self.blob_path(sha).exists()

    def blob_state(self, sha: str) -> str:
        """ok / missing / corrupt. A file already hashed in this process and unchanged since
        (same size and mtime) is not hashed again."""
        p = self.blob_path(sha)
        try:
            st = p.stat()
        except FileNotFoundError:
            return "missing"
        if self._verified.get(sha) == (st.st_size, st.st_mtime_ns):
            return "ok"
        actual = _hash_file(p)
        if actual != sha:
            self._verified.pop(sha, None)
            self.record_fault(sha, "corrupt", actual)
            return "corrupt"
        self._verified[sha] = (st.st_size, st.st_mtime_ns)
        return "ok"

    def blob_ok(self, sha: str | None) -> bool:
        if not sha:
            return False
        state = self.blob_state(sha)
        if state == "missing":
            self.record_fault(sha, "missing")
        return state == "ok"

    def get_blob(self, sha: str) -> bytes:
        """The bytes of ``sha``, re-hashed on every read: BlobMissing / BlobCorrupt otherwise."""
        p = self.blob_path(sha)
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            self.record_fault(sha, "missing")
            raise BlobMissing(sha, p) from None
        actual = sha256_hex(data)
        if actual != sha:
            self.record_fault(sha, "corrupt", actual)
            raise BlobCorrupt(sha, p, actual)
        self._remember_ok(sha, p)
        return data

    def _remember_ok(self, sha: str, p: Path) -> None:
        try:
            st = p.stat()
        except FileNotFoundError:
            return
        self._verified[sha] = (st.st_size, st.st_mtime_ns)

    def _quarantine(self, p: Path, sha: str) -> None:
        """Keep the damaged bytes beside the archive (evidence), out of the blob tree."""
        q = self.root / "quarantine"
        q.mkdir(exist_ok=True)
        dest = q / f"{sha}.{utcnow().replace(':', '')}"
        try:
            os.link(p, dest)
        except FileNotFoundError:
            pass
        except OSError:             # a file system without hard links
            try:
                dest.write_bytes(p.read_bytes())
            except OSError:
                pass

    # -- faults --------------------------------------------------------------------------------
    def record_fault(self, sha: str, kind: str, actual: str | None = None) -> None:
        """Note a damaged/missing blob (best effort: a read-only or busy index must not hide the
        fault itself, which the caller raises)."""
        try:
            self._record_fault(sha, kind, actual)
        except sqlite3.Error:
            log.warning("could not record the %s blob %s in the archive index", kind, sha)

    def _record_fault(self, sha: str, kind: str, actual: str | None) -> None:
        with self._lock:
            self._batch.before_write()
            self._db.execute(
                "INSERT INTO blob_faults (content_sha256, kind, actual_sha256, detected_at, repaired_at) "
                "VALUES (?, ?, ?, ?, NULL) ON CONFLICT(content_sha256) DO UPDATE SET kind=excluded.kind, "
                "actual_sha256=excluded.actual_sha256, detected_at=CASE WHEN repaired_at IS NULL "
                "AND kind=excluded.kind THEN detected_at ELSE excluded.detected_at END, repaired_at=NULL",
                (sha, kind, actual, utcnow()))

    def _repaired(self, sha: str) -> None:
        with self._lock:
            self._batch.before_write()
            self._db.execute("UPDATE blob_faults SET repaired_at=? WHERE content_sha256=? AND repaired_at IS NULL",
                             (utcnow(), sha))

    def faults(self, *, open_only: bool = True) -> list[dict]:
        q = "SELECT * FROM blob_faults" + (" WHERE repaired_at IS NULL" if open_only else "")
        with self._lock:
            return [dict(r) for r in self._db.execute(q + " ORDER BY content_sha256")]

    # -- write batches (batch.py) -------------------------------------------------------------
    @contextmanager
    def write_batch(self, call_later=None):
        """Index writes inside share transactions (batch.py), committed every few hundred writes,
        ``call_later(delay, fn)`` (an event loop's) after one begins, by flush() and at the end."""
        mine = self._batch.start(call_later)
        try:
            yield self
        finally:
            if mine:
                self._batch.stop()

    def flush(self) -> None:
        """Commit the writes of the open write batch (no-op outside one)."""
        self._batch.flush()

    # -- index ---------------------------------------------------------------------------------
    def record_fetch(self, rec: FetchRecord) -> int:
        with self._lock:
            self._batch.before_write()
            cur = self._db.execute(_INSERT_FETCH, [getattr(rec, c) for c in _FETCH_WRITTEN])
            rec.fetch_id = cur.lastrowid
        return rec.fetch_id

    def record_document(self, rec: DocumentRecord) -> bool:
        """Insert, or on an existing (url, content_sha256) update last_fetched_at. The attribution
        fields (source_id, agency_id, titles …) follow claims.py's rule, not the order in which
        sources recorded the document. Returns True when the document is new."""
        d = rec.to_dict()
        d["last_fetched_at"] = d.get("last_fetched_at") or d["first_fetched_at"]
        with self._lock:
            self._batch.before_write()
            row = self._db.execute("SELECT * FROM documents WHERE url=? AND content_sha256=?",
                                   (rec.url, rec.content_sha256)).fetchone()
            if row is not None:
                claims.seed_from_document(self._db, row)
            claims.add_claim(self._db, d, rec.source_owns)
            if row is None:
                self._db.execute(_INSERT_DOCUMENT, [d.get(c) for c in DOCUMENT_COLUMNS])
                return True
            att = claims.attribution(self._db, rec.url, rec.content_sha256)
            cols = ["source_id", *claims.CLAIM_FIELDS]
            self._db.execute(
                f"UPDATE documents SET last_fetched_at=MAX(last_fetched_at, ?), "
                f"{', '.join(f'{c}=?' for c in cols)} WHERE document_id=?",
                [d["last_fetched_at"], *[att[c] for c in cols], row["document_id"]])
            return False

    def record_claim(self, rec: DocumentRecord) -> bool:
        """A source met an archived document without fetching it: record its claim once (its
        first claim's values stand), so attribution does not depend on which run or source
        fetched the bytes. Returns True when the claim is new."""
        with self._lock:
            if claims.has_claim(self._db, rec.url, rec.content_sha256, rec.source_id or ""):
                return False
            self.record_document(rec)
        return True

    def record_link(self, rec: LinkRecord) -> bool:
        """Upsert on (source_id, url); keeps the first discovered_at. Returns True when new."""
        with self._lock:
            self._batch.before_write()
            row = self._db.execute("SELECT 1 FROM links WHERE source_id=? AND url=?",
                                   (rec.source_id, rec.url)).fetchone()
            if row is None:
                self._db.execute(_INSERT_LINK, [getattr(rec, c) for c in LINK_COLUMNS])
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

    def latest_document(self, url: str) -> dict | None:
        """The most recently fetched version of ``url`` in the index."""
        with self._lock:
            row = self._db.execute("SELECT * FROM documents WHERE url=? ORDER BY last_fetched_at DESC, "
                                   "first_fetched_at DESC LIMIT 1", (url,)).fetchone()
        return dict(row) if row else None

    def attachments_of(self, article_url: str) -> list[dict]:
        """The documents some source recorded as attachments of ``article_url``."""
        with self._lock:
            rows = self._db.execute(
                "SELECT d.* FROM documents d WHERE EXISTS (SELECT 1 FROM document_claims c WHERE "
                "c.parent_url = ? AND c.url = d.url AND c.content_sha256 = d.content_sha256) "
                "ORDER BY d.url, d.content_sha256", (article_url,)).fetchall()
        return [dict(r) for r in rows]

    def document_intact(self, url: str) -> bool:
        """``url`` is archived and the bytes of its latest version are intact (a damaged or
        missing blob makes it not archived: the crawler fetches it again)."""
        doc = self.latest_document(url)
        return doc is not None and self.blob_ok(doc["content_sha256"])

    def documents_with_blob(self, sha: str) -> list[dict]:
        with self._lock:
            return [dict(r) for r in self._db.execute(
                "SELECT * FROM documents WHERE content_sha256=? ORDER BY url", (sha,))]

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

    def count_fetches(self, run_id: str) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM fetches WHERE run_id=?", (run_id,)).fetchone()[0]

    def archived_copy(self, url: str, source_id: str | None) -> lookups.ArchivedCopy:
        """In one query: the latest document of ``url``, its latest ok fetch, and whether
        ``source_id`` has claimed that document (what the crawler's skip path needs)."""
        with self._lock:
            return lookups.archived_copy(self._db, url, source_id)

    def documents(self) -> list[dict]:
        with self._lock:
            return [dict(r) for r in self._db.execute("SELECT * FROM documents ORDER BY first_fetched_at, document_id")]

    def links(self) -> list[dict]:
        with self._lock:
            return [dict(r) for r in self._db.execute("SELECT * FROM links ORDER BY source_id, url")]

    def close(self) -> None:
        with self._lock:
            self._batch.stop()
            self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
