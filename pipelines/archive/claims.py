"""Which source a document is attributed to when several sources link the same bytes.

Every source that records a document leaves a claim (table document_claims). The document row
takes its attribution fields from the claims in a fixed rank, so the result depends on the set of
sources that linked it, never on which of them was crawled first (a crash or a reordering of the
registry must not move reports between sources):

1. a claim by the source whose own agency the document belongs to (``source_owns``), before
2. any other claim; ties broken by the smallest source id; a claim without a source comes last.

Each field is the first non-empty value in that order (the winner's value when it has one)."""
from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS document_claims (
  url TEXT NOT NULL, content_sha256 TEXT NOT NULL, source_id TEXT NOT NULL, owns INTEGER NOT NULL,
  agency_id TEXT, parent_url TEXT, media_type TEXT, filename TEXT, encoding TEXT, link_title TEXT,
  year_hint INTEGER, listed_on TEXT, published_on_hint TEXT,
  PRIMARY KEY (url, content_sha256, source_id)
);
CREATE INDEX IF NOT EXISTS document_claims_parent ON document_claims (parent_url);
"""

CLAIM_FIELDS = ["agency_id", "parent_url", "media_type", "filename", "encoding", "link_title",
                "year_hint", "listed_on", "published_on_hint"]
_RANK = "ORDER BY owns DESC, (source_id = '') ASC, source_id ASC"


def has_claim(db: sqlite3.Connection, url: str, sha: str, source_id: str) -> bool:
    return db.execute("SELECT 1 FROM document_claims WHERE url=? AND content_sha256=? AND source_id=?",
                      (url, sha, source_id)).fetchone() is not None


def add_claim(db: sqlite3.Connection, d: dict, owns: bool) -> None:
    """Upsert the claim of d's source; a source re-recording keeps its first non-empty values."""
    sid = d.get("source_id") or ""
    if not has_claim(db, d["url"], d["content_sha256"], sid):
        cols = ["url", "content_sha256", "source_id", "owns", *CLAIM_FIELDS]
        db.execute(f"INSERT INTO document_claims ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                   [d["url"], d["content_sha256"], sid, int(bool(owns)), *[d.get(c) for c in CLAIM_FIELDS]])
        return
    sets = ", ".join(f"{c}=COALESCE({c}, ?)" for c in CLAIM_FIELDS)
    db.execute(f"UPDATE document_claims SET owns=MAX(owns, ?), {sets} "
               f"WHERE url=? AND content_sha256=? AND source_id=?",
               [int(bool(owns)), *[d.get(c) for c in CLAIM_FIELDS], d["url"], d["content_sha256"], sid])


def seed_from_document(db: sqlite3.Connection, doc: sqlite3.Row) -> None:
    """An index written before claims existed: the current row becomes its source's claim."""
    n = db.execute("SELECT count(*) FROM document_claims WHERE url=? AND content_sha256=?",
                   (doc["url"], doc["content_sha256"])).fetchone()[0]
    if n == 0:
        add_claim(db, dict(doc), owns=False)


def attribution(db: sqlite3.Connection, url: str, sha: str) -> dict:
    """The document's attribution fields from its claims in rank order (module docstring)."""
    rows = db.execute(f"SELECT * FROM document_claims WHERE url=? AND content_sha256=? {_RANK}",
                      (url, sha)).fetchall()
    out: dict = {"source_id": next((r["source_id"] for r in rows if r["source_id"]), None)}
    for c in CLAIM_FIELDS:
        out[c] = next((r[c] for r in rows if r[c] is not None), None)
    return out
