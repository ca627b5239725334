"""Write batches (one transaction for a stretch of index writes) and the crawler's one-query
lookup of an archived copy."""
import sqlite3

from pipelines.archive import DOCUMENT_COLUMNS, FETCH_COLUMNS, Archive, DocumentRecord, FetchRecord
from pipelines.archive import batch, lookups
from pipelines.archive.claims import has_claim


def _other_reader(ar: Archive) -> sqlite3.Connection:
    return sqlite3.connect(str(ar.db_path))


def _count(con, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_batched_writes_are_seen_by_others_after_flush_and_after_the_batch(tmp_path):
    ar, scheduled = Archive(tmp_path), []
    other = _other_reader(ar)
    with ar.write_batch(call_later=lambda delay, fn: scheduled.append((delay, fn))):
        ar.record_fetch(FetchRecord(url="http://a/1", stage="article", outcome="ok", content_sha256="s1"))
        ar.record_document(DocumentRecord(url="http://a/1", content_sha256="s1", source_id="x"))
        assert _count(other, "fetches") == 0 and len(ar.fetches()) == 1   # own connection sees it
        assert [d for d, _ in scheduled] == [batch.COMMIT_EVERY_S]        # one transaction, one commit due
        scheduled[0][1]()                                                 # the loop runs the due commit
        assert _count(other, "fetches") == 1 and _count(other, "documents") == 1
        ar.record_fetch(FetchRecord(url="http://a/2", stage="article", outcome="ok", content_sha256="s2"))
        assert len(scheduled) == 2 and _count(other, "fetches") == 1
    assert _count(other, "fetches") == 2                                  # committed when the batch ends
    ar.record_fetch(FetchRecord(url="http://a/3", stage="article", outcome="ok"))
    assert _count(other, "fetches") == 3 and len(scheduled) == 2          # autocommit again


def test_a_batch_commits_every_n_writes_without_a_scheduler(tmp_path):
    ar = Archive(tmp_path)
    other = _other_reader(ar)
    n = batch.COMMIT_EVERY_WRITES
    with ar.write_batch():
        for i in range(n + 1):
            ar.record_fetch(FetchRecord(url=f"http://a/{i}", stage="article", outcome="ok"))
        assert _count(other, "fetches") == n          # the (n+1)th write committed the first n
        ar.flush()
        assert _count(other, "fetches") == n + 1


def test_archived_copy_is_what_the_single_row_readers_return(tmp_path):
    ar = Archive(tmp_path)
    assert lookups.archived_copy(ar._db, "http://a/none", "x") == (None, None, False)
    ar.record_fetch(FetchRecord(url="http://a/1", stage="article", outcome="ok", content_sha256="v1", etag='"1"'))
    ar.record_document(DocumentRecord(url="http://a/1", content_sha256="v1", source_id="x",
                                      first_fetched_at="2024-01-01T00:00:00Z"))
    ar.record_fetch(FetchRecord(url="http://a/1", stage="article", outcome="ok", content_sha256="v2", etag='"2"'))
    ar.record_fetch(FetchRecord(url="http://a/1", stage="article", outcome="error", reason="timeout"))
    ar.record_document(DocumentRecord(url="http://a/1", content_sha256="v2", source_id="y",
                                      first_fetched_at="2024-02-01T00:00:00Z"))
    ar.record_document(DocumentRecord(url="http://a/2", content_sha256="w", source_id="y"))   # never fetched
    for url in ("http://a/1", "http://a/2"):
        for source in ("x", "y", "z", None):
            copy = ar.archived_copy(url, source)
            doc = ar.latest_document(url)
            assert copy.document == doc and copy.fetch == ar.last_fetch(url)
            assert copy.claimed == has_claim(ar._db, url, doc["content_sha256"], source or "")
    assert ar.archived_copy("http://a/1", "y").claimed and not ar.archived_copy("http://a/1", "x").claimed


def test_lookup_columns_are_the_tables_columns(tmp_path):
    ar = Archive(tmp_path)
    assert lookups._DOC == DOCUMENT_COLUMNS == [r[1] for r in ar._db.execute("PRAGMA table_info(documents)")]
    assert lookups._FETCH == FETCH_COLUMNS == [r[1] for r in ar._db.execute("PRAGMA table_info(fetches)")]
