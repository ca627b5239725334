"""A damaged archive blob is a recorded fault on its document, never a crash of the parse step and
never a silently different value; the next run parses it again once the crawl has restored it."""
from __future__ import annotations

import duckdb

from pipelines.archive import Archive
from pipelines.assets.parsing import documents_to_parse, parse_pending


def _doc(archive: Archive, text: str, n: int) -> dict:
    data = text.encode()
    sha = archive.put_blob(data)
    return {"document_id": f"doc{n}", "content_sha256": sha, "filename": f"r{n}.txt", "media_type": "text/plain",
            "url": f"http://127.0.0.1/r{n}.txt"}


def test_damaged_blob_is_an_error_row_and_is_parsed_again_later(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVREPORTS_PARSE_WORKERS", "0")
    archive = Archive(tmp_path / "archive")
    good = _doc(archive, "某某县人民政府2020年政府信息公开工作年度报告\n本机关依法公开。\n", 1)
    bad = _doc(archive, "某某县人民政府2021年政府信息公开工作年度报告\n本机关依法公开。\n", 2)
    archive.blob_path(bad["content_sha256"]).write_bytes(b"tampered")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    stats = parse_pending(con, [good, bad], archive.get_blob, context_for=lambda d: (None, None, None))
    assert stats.parsed == 2
    rows = dict(con.execute("SELECT document_id, parse_status || '|' || coalesce(error, '') FROM raw.parsed_reports").fetchall())
    assert rows["doc1"].split("|")[0] != "error"
    assert rows["doc2"].startswith("error|archive:"), rows["doc2"]
    # the blob restored (as a re-crawl does): the document is pending again and parses
    assert [d["document_id"] for d in documents_to_parse(con, [good, bad])] == ["doc2"]
    archive.put_blob("某某县人民政府2021年政府信息公开工作年度报告\n本机关依法公开。\n".encode())
    parse_pending(con, [good, bad], archive.get_blob, context_for=lambda d: (None, None, None))
    status = con.execute("SELECT parse_status FROM raw.parsed_reports WHERE document_id = 'doc2'").fetchone()[0]
    assert status != "error"
