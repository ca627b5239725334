"""The archive: content-addressed blobs, idempotent index, nothing deleted."""
import os
import threading

from pipelines.archive import Archive, DocumentRecord, FetchRecord, LinkRecord, document_id, sha256_hex


def test_blobs_content_addressed_and_atomic(tmp_path):
    ar = Archive(tmp_path)
    sha = ar.put_blob(b"hello")
    assert sha == sha256_hex(b"hello")
    p = tmp_path / "blobs" / sha[:2] / sha
    assert p.read_bytes() == b"hello" and ar.get_blob(sha) == b"hello"
    mtime = os.stat(p).st_mtime_ns
    assert ar.put_blob(b"hello") == sha and os.stat(p).st_mtime_ns == mtime   # not rewritten
    assert not [f for f in p.parent.iterdir() if f.name.startswith(".tmp")]
    # concurrent writers of the same blob
    ts = [threading.Thread(target=ar.put_blob, args=(b"x" * 100000,)) for _ in range(8)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    assert ar.get_blob(sha256_hex(b"x" * 100000)) == b"x" * 100000


def test_documents_upsert_on_url_and_hash(tmp_path):
    ar = Archive(tmp_path)
    sha = ar.put_blob(b"report")
    d1 = DocumentRecord(url="http://a/1", content_sha256=sha, source_id="s", first_fetched_at="2024-01-01T00:00:00Z")
    assert ar.record_document(d1) is True
    d2 = DocumentRecord(url="http://a/1", content_sha256=sha, source_id="s", link_title="t",
                        first_fetched_at="2024-02-01T00:00:00Z")
    assert ar.record_document(d2) is False
    [row] = ar.documents()
    assert row["first_fetched_at"] == "2024-01-01T00:00:00Z" and row["last_fetched_at"] == "2024-02-01T00:00:00Z"
    assert row["link_title"] == "t" and row["document_id"] == document_id("http://a/1", sha) == d1.document_id
    assert len(row["document_id"]) == 16
    # same content at another URL and new content at the same URL: both kept
    ar.record_document(DocumentRecord(url="http://b/1", content_sha256=sha))
    ar.record_document(DocumentRecord(url="http://a/1", content_sha256=ar.put_blob(b"report v2")))
    assert len(ar.documents()) == 3


def test_links_upsert_and_fetches(tmp_path):
    ar = Archive(tmp_path)
    assert ar.record_link(LinkRecord("s", "http://a/1", link_title="x", discovered_at="2024-01-01")) is True
    assert ar.record_link(LinkRecord("s", "http://a/1", year_hint=2023, discovered_at="2025-01-01")) is False
    [l] = ar.links()
    assert (l["link_title"], l["year_hint"], l["discovered_at"]) == ("x", 2023, "2024-01-01")
    sha = ar.put_blob(b"page")
    ar.record_fetch(FetchRecord(url="http://a/1", stage="list", outcome="ok", content_sha256=sha, etag='"e1"',
                                last_modified="Mon, 01 Jan 2024 00:00:00 GMT", run_id="r1"))
    ar.record_fetch(FetchRecord(url="http://a/1", stage="list", outcome="error", reason="timeout", run_id="r2"))
    last = ar.last_fetch("http://a/1")
    assert (last["etag"], last["content_sha256"], last["run_id"]) == ('"e1"', sha, "r1")
    assert ar.last_fetch("http://nope") is None
    assert [f["run_id"] for f in ar.fetches()] == ["r1", "r2"] and len(ar.fetches(run_id="r2")) == 1
    ar.close()
    ar2 = Archive(tmp_path)                                 # reopen: everything still there
    assert len(ar2.fetches()) == 2 and len(ar2.links()) == 1
