"""Combined reads of the archive index for the crawler's hot paths (one statement where the
single-row readers of store.py would take three)."""
from __future__ import annotations

import sqlite3
from typing import NamedTuple

# the columns of documents and fetches (store.DOCUMENT_COLUMNS / FETCH_COLUMNS; repeated here so
# that store.py can import this module)
_DOC = ["document_id", "source_id", "agency_id", "url", "parent_url", "content_sha256", "source_format",
        "media_type", "filename", "encoding", "n_bytes", "link_title", "year_hint", "listed_on",
        "published_on_hint", "first_fetched_at", "last_fetched_at"]
_FETCH = ["fetch_id", "run_id", "source_id", "url", "final_url", "stage", "fetched_at", "status_code",
          "outcome", "reason", "content_sha256", "n_bytes", "content_type", "etag", "last_modified",
          "elapsed_ms"]

# Archive.latest_document, Archive.last_fetch and claims.has_claim on the document found, as one
# statement: the same ORDER BYs, so the same rows.
_ARCHIVED_COPY = f"""
WITH d AS (SELECT * FROM documents WHERE url = :url
           ORDER BY last_fetched_at DESC, first_fetched_at DESC LIMIT 1),
     f AS (SELECT * FROM fetches WHERE url = :url AND outcome = 'ok' AND content_sha256 IS NOT NULL
           ORDER BY fetch_id DESC LIMIT 1)
SELECT {', '.join(f'd.{c}' for c in _DOC)}, {', '.join(f'f.{c}' for c in _FETCH)},
       EXISTS (SELECT 1 FROM document_claims c WHERE c.url = :url AND c.content_sha256 = d.content_sha256
               AND c.source_id = :source_id) AS claimed
FROM (SELECT 1) LEFT JOIN d LEFT JOIN f
"""


class ArchivedCopy(NamedTuple):
    document: dict | None     # latest version of the URL (as Archive.latest_document)
    fetch: dict | None        # latest ok fetch with a blob (as Archive.last_fetch)
    claimed: bool             # the source already claims ``document``


def archived_copy(db: sqlite3.Connection, url: str, source_id: str | None) -> ArchivedCopy:
    row = tuple(db.execute(_ARCHIVED_COPY, {"url": url, "source_id": source_id or ""}).fetchone())
    nd, nf = len(_DOC), len(_FETCH)
    doc = dict(zip(_DOC, row[:nd])) if row[0] is not None else None
    fetch = dict(zip(_FETCH, row[nd:nd + nf])) if row[nd] is not None else None
    return ArchivedCopy(doc, fetch, bool(doc is not None and row[-1]))
