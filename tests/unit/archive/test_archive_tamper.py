"""A tamper-evident archive (hash checked on read, damaged files replaced, verify) and a
deterministic attribution rule."""
import itertools
import sqlite3

import pytest

from pipelines.archive import Archive, BlobCorrupt, BlobError, BlobMissing, DocumentRecord, FetchRecord, sha256_hex
from pipelines.archive.verify import verify, verify_archive


def test_get_blob_checks_the_hash(tmp_path):
    ar = Archive(tmp_path)
    sha = ar.put_blob(b"value 2")
    ar.blob_path(sha).write_bytes(b"value 92")
    with pytest.raises(BlobCorrupt) as e:
        ar.get_blob(sha)
    assert (e.value.sha, e.value.actual) == (sha, sha256_hex(b"value 92"))
    assert isinstance(e.value, FileNotFoundError)        # callers of a missing file stay safe
    assert [(f["content_sha256"], f["kind"]) for f in ar.faults()] == [(sha, "corrupt")]
    ar.blob_path(sha).unlink()
    with pytest.raises(BlobMissing) as e:
        ar.get_blob(sha)
    assert e.value.sha == sha and sha in str(e.value)
    assert [f["kind"] for f in ar.faults()] == ["missing"]


def test_put_blob_replaces_a_damaged_file(tmp_path):
    ar = Archive(tmp_path)
    sha = ar.put_blob(b"report bytes")
    p = ar.blob_path(sha)
    p.write_bytes(b"report bytez")
    assert not ar.blob_ok(sha)
    assert ar.put_blob(b"report bytes") == sha
    assert p.read_bytes() == b"report bytes" and ar.get_blob(sha) == b"report bytes"
    assert ar.faults() == [] and ar.faults(open_only=False)[0]["repaired_at"]
    [q] = (tmp_path / "quarantine").iterdir()
    assert q.read_bytes() == b"report bytez"
    p.unlink()                                           # missing: written again
    assert ar.put_blob(b"report bytes") == sha and p.read_bytes() == b"report bytes"
    assert not [f for f in p.parent.iterdir() if f.name.startswith(".tmp")]


def test_a_file_changed_after_it_was_checked_is_caught(tmp_path):
    ar = Archive(tmp_path)
    sha = ar.put_blob(b"a" * 5000)
    assert ar.blob_ok(sha)                               # hashed once, remembered
    ar.blob_path(sha).write_bytes(b"b" * 5001)
    assert not ar.blob_ok(sha)
    with pytest.raises(BlobError):
        ar.get_blob(sha)


def test_verify_counts_and_marks(tmp_path):
    ar = Archive(tmp_path)
    shas = [ar.put_blob(f"doc {i}".encode()) for i in range(4)]
    for i, sha in enumerate(shas):
        ar.record_document(DocumentRecord(url=f"http://a/{i}", content_sha256=sha, source_id="s"))
    page = ar.put_blob(b"list page")
    ar.record_fetch(FetchRecord(url="http://a/list", stage="list", outcome="ok", content_sha256=page))
    ar.blob_path(shas[1]).write_bytes(b"doc one")
    ar.blob_path(page).unlink()
    rep = verify(ar)
    assert (rep.blobs, rep.ok, rep.corrupt, rep.missing) == (5, 3, [shas[1]], [page])
    assert rep.documents == [{"url": "http://a/1", "content_sha256": shas[1], "fault": "corrupt"}]
    assert not rep.healthy and not ar.document_intact("http://a/1") and ar.document_intact("http://a/0")
    assert sorted(f["content_sha256"] for f in ar.faults()) == sorted([shas[1], page])
    assert rep.summary() == (f"archive {tmp_path}: 5 blob(s) checked, 3 ok, 1 missing, 1 corrupt; "
                             "1 document(s) will be fetched again by the next crawl")
    ar.close()
    again = verify_archive(tmp_path)
    assert (again.ok, again.corrupt, again.missing) == (3, [shas[1]], [page])
    with pytest.raises(FileNotFoundError):
        verify_archive(tmp_path / "nothing")


CLAIMS = [
    dict(source_id="zeta", agency_id="city", link_title="标题Z", parent_url="http://z/list"),
    dict(source_id="alpha", agency_id=None, link_title="标题A", year_hint=2021),
    dict(source_id="mid", agency_id="bureau", link_title=None, listed_on="2022-01-05", source_owns=True),
]


@pytest.mark.parametrize("n", [2, 3])
def test_attribution_is_the_same_in_every_order(tmp_path, n):
    results = set()
    for k, order in enumerate(itertools.permutations(CLAIMS[:n])):
        ar = Archive(tmp_path / str(k))
        sha = ar.put_blob(b"the report")
        for c in order:
            ar.record_document(DocumentRecord(url="http://x/r.pdf", content_sha256=sha, **c))
        [d] = ar.documents()
        results.add(tuple(d[c] for c in ("source_id", "agency_id", "link_title", "parent_url", "year_hint",
                                          "listed_on")))
    assert len(results) == 1
    got = results.pop()
    if n == 2:       # no owner: the smaller source id, its fields first, gaps filled in rank order
        assert got == ("alpha", "city", "标题A", "http://z/list", 2021, None)
    else:            # the source of the document's own agency wins
        assert got == ("mid", "bureau", "标题A", "http://z/list", 2021, "2022-01-05")


def test_index_written_before_claims_keeps_its_row_as_a_claim(tmp_path):
    ar = Archive(tmp_path)
    sha = ar.put_blob(b"old")
    ar.record_document(DocumentRecord(url="http://x/1", content_sha256=sha, source_id="zeta", link_title="旧"))
    ar.close()
    con = sqlite3.connect(tmp_path / "index.sqlite")
    con.execute("DELETE FROM document_claims")           # an archive from before this table existed
    con.commit()
    con.close()
    ar = Archive(tmp_path)
    ar.record_document(DocumentRecord(url="http://x/1", content_sha256=sha, source_id="beta"))
    [d] = ar.documents()
    assert (d["source_id"], d["link_title"]) == ("beta", "旧")


def test_cli_archive_verify_names_the_damage_and_exits_1(tmp_path):
    import subprocess
    import sys

    from pipelines.archive import Archive

    archive = Archive(tmp_path / "archive")
    sha = archive.put_blob(b"<html>report</html>")
    archive.record_fetch(FetchRecord(url="http://a/list", stage="list", outcome="ok", content_sha256=sha))
    archive.close()
    cli = [sys.executable, "-m", "pipelines.cli", "archive", "verify", "--archive", str(tmp_path / "archive")]
    ok = subprocess.run(cli, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    Archive(tmp_path / "archive").blob_path(sha).write_bytes(b"edited")
    bad = subprocess.run(cli, capture_output=True, text=True)
    assert bad.returncode == 1 and "corrupt" in bad.stdout and "Traceback" not in bad.stderr, (bad.stdout, bad.stderr)
