"""Politeness, address policy, conditional re-crawl and the unchanged-skip policy."""
import pytest

from pipelines.archive import Archive
from pipelines.crawl import check_sources, crawl
from pipelines.sources import load_registry
from crawl_testserver import Resp, html

ART = ("<html><head><meta charset='utf-8'><meta name='PubDate' content='2023-01-17 09:12'></head><body>"
       "<div id='zoom'>{t}<p><a href='/files/{n}.pdf'>{t}.pdf</a></p></div></body></html>")


def test_per_host_rate_limit_spacing(make_site, write_registry, tmp_path):
    """3 requests to one host at 5 req/s: request starts ≥ 0.2 s apart, measured by the server."""
    s = make_site()
    lis = "".join(f"<li><a href='/a{i}.html'>某局201{i}年政府信息公开工作年度报告</a></li>" for i in (1, 2))
    s.route("/list.html", html(f"<ul>{lis}</ul>"))
    for i in (1, 2):
        s.route(f"/a{i}.html", html(f"<div id='zoom'>报告{i}</div>"))
    reg = write_registry([{"id": "rl", "family": "generic", "entry_url": s.url("/list.html"),
                           "rate_limit_per_s": 5, "respect_robots": False}])
    rep = crawl(load_registry(reg), Archive(tmp_path / "ar"))
    assert rep.documents_new == 2
    t = [r.t for r in s.log]
    assert len(t) == 3
    gaps = [b - a for a, b in zip(t, t[1:])]
    assert all(g >= 0.19 for g in gaps), gaps
    assert max(gaps) < 1.0                   # and not absurdly slow


def test_private_address_refused_unless_allowed(make_site, write_registry, tmp_path):
    s = make_site()
    s.route("/list.html", html("<a href='/x'>2019年政府信息公开工作年度报告</a>"))
    reg = write_registry([{"id": "priv", "family": "generic", "entry_url": s.url("/list.html"),
                           "allow_private_addresses": False}])
    ar = Archive(tmp_path / "ar")
    rep = crawl(load_registry(reg), ar)
    assert s.log == []                                     # 127.0.0.1 never contacted
    f = ar.fetches()
    assert [(x["stage"], x["outcome"], x["reason"]) for x in f] == [("list", "error", "not_allowed")]
    assert rep.sources["priv"].status == "unreachable" and rep.sources["priv"].reason == "not_allowed"


def test_host_not_in_allowed_hosts_refused(make_site, write_registry, tmp_path):
    s, other = make_site(), make_site()
    s.route("/list.html", html(f"<a href='{other.url('/r.html')}'>2019年政府信息公开工作年度报告</a>"))
    other.route("/r.html", html("<div id='zoom'>x</div>"))
    reg = write_registry([{"id": "hosts", "family": "generic", "entry_url": s.url("/list.html")}])
    ar = Archive(tmp_path / "ar")
    crawl(load_registry(reg), ar)
    assert other.log == []
    assert [x["reason"] for x in ar.fetches() if x["url"] == other.url("/r.html")] == ["not_allowed"]


@pytest.fixture
def recrawl_site(make_site):
    s = make_site()
    lis = "".join(f"<li><a href='/art/{i}.html'>某局20{20 + i}年政府信息公开工作年度报告</a></li>" for i in (1, 2, 3))
    s.route("/list.html", html(f"<ul>{lis}</ul>", etag='"list-v1"'))
    for i in (1, 2, 3):
        s.route(f"/art/{i}.html", html(ART.format(t=f"报告{i}", n=i), etag=f'"a{i}"'))
        s.route(f"/files/{i}.pdf", Resp(200, b"%PDF-1.4 fake " + bytes([48 + i]) * 100,
                                        {"Content-Type": "application/octet-stream",
                                         "Content-Disposition": f"attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A{i}.pdf"}))
    return s


def test_conditional_recrawl_only_list_pages(recrawl_site, write_registry, tmp_path):
    s = recrawl_site
    reg = load_registry(write_registry([{"id": "rc", "family": "generic", "entry_url": s.url("/list.html")}]))
    ar = Archive(tmp_path / "ar")
    first = crawl(reg, ar)
    assert first.documents_new == 6                    # 3 articles + 3 PDF attachments
    pdfs = [d for d in ar.documents() if d["source_format"] == "pdf"]
    assert sorted(d["filename"] for d in pdfs) == ["报告1.pdf", "报告2.pdf", "报告3.pdf"]
    assert all(d["parent_url"].startswith(s.url("/art/")) for d in pdfs)
    n_first = len(s.log)
    second = crawl(reg, ar)
    new_reqs = s.log[n_first:]
    assert [r.path for r in new_reqs] == ["/list.html"]      # robots.txt (404) is reused for 24 h
    assert new_reqs[-1].headers.get("if-none-match") == '"list-v1"'
    assert second.documents_new == 0 and second.documents_unchanged == 6
    rows = ar.fetches(run_id=second.run_id)
    outcomes = sorted((r["stage"], r["outcome"]) for r in rows)
    assert outcomes == sorted([("list", "not_modified")]
                              + [("article", "unchanged_skipped")] * 3 + [("attachment", "unchanged_skipped")] * 3)
    assert len(ar.documents()) == 6
    assert second.requests == 1 and second.bytes == 0


def test_refetch_uses_conditional_requests(recrawl_site, write_registry, tmp_path):
    s = recrawl_site
    reg = load_registry(write_registry([{"id": "rc", "family": "generic", "entry_url": s.url("/list.html"),
                                         "refetch": True}]))
    ar = Archive(tmp_path / "ar")
    crawl(reg, ar)
    n = len(s.log)
    rep = crawl(reg, ar)
    art_reqs = [r for r in s.log[n:] if r.path.startswith("/art/")]
    assert len(art_reqs) == 3 and all(r.headers.get("if-none-match") for r in art_reqs)
    assert rep.documents_new == 0
    assert sum(1 for r in ar.fetches(run_id=rep.run_id) if r["outcome"] == "not_modified") == 4


def test_new_report_found_on_recrawl(recrawl_site, write_registry, tmp_path):
    s = recrawl_site
    reg = load_registry(write_registry([{"id": "rc", "family": "generic", "entry_url": s.url("/list.html")}]))
    ar = Archive(tmp_path / "ar")
    crawl(reg, ar)
    s.route("/list.html", html("<a href='/art/9.html'>某局2024年政府信息公开工作年度报告</a>"
                               "<a href='/art/1.html'>某局2021年政府信息公开工作年度报告</a>", etag='"list-v2"'))
    s.route("/art/9.html", html("<div id='zoom'>新报告</div>"))
    rep = crawl(reg, ar)
    assert rep.documents_new == 1 and rep.links_new == 1


def test_check_sources_statuses(make_site, write_registry, tmp_path):
    ok, blocked, robots, empty = make_site(), make_site(), make_site(), make_site()
    ok.route("/l.html", html("<a href='/r.html'>2019年政府信息公开工作年度报告</a>"))
    blocked.route("/l.html", Resp(412, b"<script>$_ts={}</script>", {"Content-Type": "text/html"}))
    robots.route("/robots.txt", Resp(200, b"User-agent: *\nDisallow: /\n"))
    robots.route("/l.html", html("x"))
    empty.route("/l.html", html("<a href='/n.html'>新闻</a>"))
    srcs = [{"id": n, "family": "generic", "entry_url": site.url("/l.html")}
            for n, site in [("ok", ok), ("blocked", blocked), ("robots", robots), ("empty", empty)]]
    srcs.append({"id": "down", "family": "generic", "entry_url": "http://127.0.0.1:9/l.html", "max_retries": 0})
    res = check_sources(load_registry(write_registry(srcs)))
    got = {sid: st for sid, st, _ in res}
    assert got == {"ok": "reachable", "blocked": "blocked", "robots": "robots_disallowed",
                   "empty": "no_reports_found", "down": "unreachable"}
    assert ok.requests("/r.html") == []                  # check does not download reports
