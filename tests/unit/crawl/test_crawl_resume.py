"""Resumable crawls: the stop condition rests on what is archived (a kill -9 midway loses nothing),
damaged or deleted blobs are fetched again, and attribution does not depend on crawl order."""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipelines.archive import Archive, BlobCorrupt, BlobMissing
from pipelines.archive.batch import COMMIT_EVERY_S
from pipelines.archive.verify import verify, verify_archive
from pipelines.crawl import crawl
from pipelines.sources import load_registry
from crawl_testserver import Resp, html

ROOT = Path(__file__).resolve().parents[3]
TITLES = {i: f"某某局20{14 + i}年政府信息公开工作年度报告" for i in range(1, 7)}
ART = "<html><head><meta charset='utf-8'></head><body><div id='zoom'>{t} 一、总体情况 收到申请{n}件</div></body></html>"


def _list(ids, nxt=None) -> str:
    lis = "".join(f"<li><a href='/a/{i}.html'>{TITLES[i]}</a></li>" for i in ids)
    more = f"<a class='next' href='{nxt}'>下一页</a>" if nxt else ""
    return f"<html><body><ul class='news'>{lis}</ul>{more}</body></html>"


def _paged_site(site, hold: threading.Event | None = None, held: threading.Event | None = None):
    """Two list pages (ETags, so a re-crawl gets 304), three reports on each. With ``hold``, the
    first request for /a/4.html sets ``held`` and waits (the test kills the crawler meanwhile)."""
    site.route("/l1.html", html(_list([1, 2, 3], "/l2.html"), etag='"l1"'))
    site.route("/l2.html", html(_list([4, 5, 6]), etag='"l2"'))
    for i in range(1, 7):
        site.route(f"/a/{i}.html", html(ART.format(t=TITLES[i], n=i), etag=f'"a{i}"'))
    if hold is not None:
        first = html(ART.format(t=TITLES[4], n=4), etag='"a4"')

        def article4(req):
            if not held.is_set():
                held.set()
                hold.wait(20)
            return first
        site.route("/a/4.html", article4)


def _registry(write_registry, site):
    return write_registry([{"id": "paged", "family": "generic", "entry_url": site.url("/l1.html"),
                            "options": {"next_selector": "a.next"}}])


def _article_paths(site, since=0):
    return sorted(r.path for r in site.log[since:] if r.path.startswith("/a/"))


def _crawl_killed_at_page_2(site, write_registry, tmp_path, *, after_s: float):
    """A crawl in a child process, killed -9 ``after_s`` after it asked for the first report of page 2
    (held unanswered); the registry and the archive it left."""
    hold, held = threading.Event(), threading.Event()
    _paged_site(site, hold, held)
    reg, ar_dir = _registry(write_registry, site), tmp_path / "ar"
    code = ("import sys; from pipelines.archive import Archive; from pipelines.crawl import crawl; "
            "from pipelines.sources import load_registry; crawl(load_registry(sys.argv[1]), Archive(sys.argv[2]))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(reg), str(ar_dir)], cwd=ROOT,
                            env={**os.environ, "GOVREPORTS_PURE_PYTHON": "1"})
    try:
        assert held.wait(30), "the crawler never asked for /a/4.html"
        time.sleep(after_s)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        hold.set()
        if proc.poll() is None:
            proc.kill()
    return reg, Archive(ar_dir)


def test_kill_during_crawl_then_rerun_fetches_every_report(make_site, write_registry, tmp_path):
    """kill -9 while the reports of page 2 are being fetched; page 1 answers 304 on the re-run and
    all its reports are archived, yet page 2 is read again and its 3 reports are fetched."""
    site = make_site()
    # the index rows of a crawl stalled on a request are committed by the time it is killed
    reg, ar = _crawl_killed_at_page_2(site, write_registry, tmp_path, after_s=2 * COMMIT_EVERY_S)
    # the state the kill left: page 1's reports archived, page 2 listed but none of its reports
    assert {d["url"] for d in ar.documents()} == {site.url(f"/a/{i}.html") for i in (1, 2, 3)}
    n = len(site.log)
    rep = crawl(load_registry(reg), ar)
    again = [r for r in site.log[n:] if r.path.startswith("/l")]
    assert [(r.path, r.headers.get("if-none-match")) for r in again] == [("/l1.html", '"l1"'), ("/l2.html", '"l2"')]
    assert _article_paths(site, n) == ["/a/4.html", "/a/5.html", "/a/6.html"]
    assert rep.documents_new == 3
    assert {d["url"] for d in ar.documents()} == {site.url(f"/a/{i}.html") for i in range(1, 7)}
    # a clean crawl since: the next one stops at page 1 again (incremental listing still works)
    n = len(site.log)
    crawl(load_registry(reg), ar)
    assert [r.path for r in site.log[n:]] == ["/l1.html"]


def test_kill_before_the_batch_commits_then_rerun_archives_every_report(make_site, write_registry, tmp_path):
    """kill -9 at once (the open batch's rows are lost, their blobs are on disk): the index holds
    no row without its blob, and the re-run fetches what it does not find and archives all six."""
    site = make_site()
    reg, ar = _crawl_killed_at_page_2(site, write_registry, tmp_path, after_s=0)
    left = {d["url"] for d in ar.documents()}
    assert verify(ar).healthy and left <= {site.url(f"/a/{i}.html") for i in (1, 2, 3)}
    rep = crawl(load_registry(reg), ar)
    assert rep.documents_new == 6 - len(left)
    assert {d["url"] for d in ar.documents()} == {site.url(f"/a/{i}.html") for i in range(1, 7)}
    assert verify(ar).healthy


def test_transient_failure_of_a_report_keeps_the_listing_open(make_site, write_registry, tmp_path):
    """/a/5.html fails (500 ×3) on the first crawl: the next crawl reads page 2 again and gets it."""
    site = make_site()
    _paged_site(site)
    site.route("/a/5.html", [Resp(500, b"busy")] * 3 + [html(ART.format(t=TITLES[5], n=5))])
    reg, ar = load_registry(_registry(write_registry, site)), Archive(tmp_path / "ar")
    first = crawl(reg, ar)
    assert first.documents_new == 5
    n = len(site.log)
    second = crawl(reg, ar)
    assert _article_paths(site, n) == ["/a/5.html"] and second.documents_new == 1
    assert "/l2.html" in [r.path for r in site.log[n:]]


@pytest.mark.parametrize("damage", ["edit", "delete"])
def test_damaged_blob_is_detected_and_fetched_again(make_site, write_registry, tmp_path, damage):
    site = make_site()
    _paged_site(site)
    reg, ar_dir = load_registry(_registry(write_registry, site)), tmp_path / "ar"
    ar = Archive(ar_dir)
    crawl(reg, ar)
    before = {d["document_id"]: d for d in ar.documents()}
    assert len(before) == 6
    [doc] = [d for d in ar.documents() if d["url"] == site.url("/a/5.html")]
    sha, path = doc["content_sha256"], ar.blob_path(doc["content_sha256"])
    good = path.read_bytes()
    if damage == "edit":                       # the value 5 becomes 95
        path.write_bytes(good.replace("收到申请5件".encode(), "收到申请95件".encode()))
    else:
        path.unlink()
    ar.close()

    rep = verify_archive(ar_dir)
    assert rep.blobs == 8 and rep.ok == 7              # 6 reports + 2 list pages
    assert (rep.corrupt, rep.missing) == (([sha], []) if damage == "edit" else ([], [sha]))
    assert rep.documents == [{"url": site.url("/a/5.html"), "content_sha256": sha,
                              "fault": "corrupt" if damage == "edit" else "missing"}]
    assert rep.summary().endswith("1 document(s) will be fetched again by the next crawl")

    ar = Archive(ar_dir)
    with pytest.raises(BlobCorrupt if damage == "edit" else BlobMissing) as e:
        ar.get_blob(sha)
    assert e.value.sha == sha
    assert [f["content_sha256"] for f in ar.faults()] == [sha]
    n = len(site.log)
    crawl(reg, ar)
    assert _article_paths(site, n) == ["/a/5.html"]   # page 2 is walked again for it, nothing else
    assert path.read_bytes() == good and ar.get_blob(sha) == good
    assert ar.faults() == []
    assert {d["document_id"]: d["content_sha256"] for d in ar.documents()} == \
        {k: v["content_sha256"] for k, v in before.items()}
    assert verify(ar).healthy
    if damage == "edit":                                # the damaged copy is kept as evidence
        [q] = (ar_dir / "quarantine").iterdir()
        assert q.name.startswith(sha) and "收到申请95件".encode() in q.read_bytes()


def test_damaged_list_page_copy_is_not_reused_on_304(make_site, write_registry, tmp_path):
    site = make_site()
    _paged_site(site)
    reg, ar = load_registry(_registry(write_registry, site)), Archive(tmp_path / "ar")
    crawl(reg, ar)
    l1 = ar.last_fetch(site.url("/l1.html"))["content_sha256"]
    ar.blob_path(l1).write_bytes(b"<html>tampered</html>")
    n = len(site.log)
    crawl(reg, ar)
    [req] = [r for r in site.log[n:] if r.path == "/l1.html"]
    assert req.headers.get("if-none-match") is None     # asked for the full page, not a 304
    assert ar.blob_ok(l1) and _article_paths(site, n) == []


def test_attribution_does_not_depend_on_crawl_order(make_site, write_registry, tmp_path):
    """One report linked by two sources: whichever is crawled first, the document's source is
    the same (no agency owns it: the smaller source id)."""
    site = make_site()
    site.route("/la.html", html(f"<a href='/a/1.html'>{TITLES[1]}</a>"))
    site.route("/lb.html", html(f"<a href='/a/1.html'>{TITLES[1]}</a>"))
    site.route("/a/1.html", html(ART.format(t=TITLES[1], n=1)))
    got = []
    for k, order in enumerate([("zeta", "alpha"), ("alpha", "zeta")]):
        srcs = [{"id": sid, "family": "generic", "entry_url": site.url("/la.html" if sid == "alpha" else "/lb.html")}
                for sid in order]
        ar = Archive(tmp_path / f"ar{k}")
        crawl(load_registry(write_registry(srcs)), ar)
        [d] = ar.documents()
        got.append((d["source_id"], d["link_title"]))
    assert got == [("alpha", TITLES[1])] * 2


@pytest.mark.parametrize("order", [("zeta", "alpha"), ("alpha", "zeta")])
def test_source_meeting_an_archived_report_still_claims_it(make_site, write_registry, tmp_path, order):
    """A run killed before the second source's claim was written: the re-run skips the archived
    report (no request) yet records that source's claim, so the attribution equals an
    uninterrupted run's whichever source reaches it first."""
    site = make_site()
    site.route("/la.html", html(f"<a href='/a/1.html'>{TITLES[1]}</a>"))
    site.route("/lb.html", html(f"<a href='/a/1.html'>{TITLES[1]}</a>"))
    site.route("/a/1.html", html(ART.format(t=TITLES[1], n=1), etag='"a1"'))
    entry = {"alpha": site.url("/la.html"), "zeta": site.url("/lb.html")}
    ar = Archive(tmp_path / "ar")
    crawl(load_registry(write_registry([{"id": "zeta", "family": "generic", "entry_url": entry["zeta"]}])), ar)
    assert [d["source_id"] for d in ar.documents()] == ["zeta"]
    seen = len(site.log)
    crawl(load_registry(write_registry([{"id": s, "family": "generic", "entry_url": entry[s]} for s in order])), ar)
    [d] = ar.documents()
    assert (d["source_id"], d["link_title"]) == ("alpha", TITLES[1])
    assert "/a/1.html" not in {r.path for r in site.log[seen:]}, "the archived report was fetched again"


def test_an_attachment_is_attributed_alike_whichever_source_reads_its_article(make_site, write_registry, tmp_path):
    """Two sources of one agency link the same article, whose report is a PDF attachment. The source
    that does not read the article (the other one took it) still claims the attachment, so the PDF's
    source is the same whichever source reaches the article first (a kill changes that order)."""
    site = make_site()
    article = ("<html><head><meta charset='utf-8'></head><body><div id='zoom'>"
               f"<a href='/f/1.pdf'>{TITLES[1]}.pdf</a></div></body></html>")
    site.route("/la.html", html(f"<a href='/a/1.html'>{TITLES[1]}</a>"))
    site.route("/lb.html", html(f"<a href='/a/1.html'>{TITLES[1]}</a>"))
    site.route("/a/1.html", html(article))
    site.route("/f/1.pdf", Resp(200, b"%PDF-1.4 report", {"Content-Type": "application/pdf"}))
    got = []
    for k, order in enumerate([("zeta", "alpha"), ("alpha", "zeta")]):
        srcs = [{"id": sid, "family": "generic", "agency": "nb_jxj",
                 "entry_url": site.url("/la.html" if sid == "alpha" else "/lb.html")} for sid in order]
        ar = Archive(tmp_path / f"ar{k}")
        crawl(load_registry(write_registry(srcs)), ar)
        got.append({d["url"].rsplit("/", 1)[1]: d["source_id"] for d in ar.documents()})
    assert got == [{"1.html": "alpha", "1.pdf": "alpha"}] * 2
