"""The crawler's hot path: index writes batched and committed within a quarter second, the httpx
transport driven without AsyncClient (same headers, same cookie jar), a pool of article workers."""
import sqlite3
import time

import httpx

from pipelines.archive import Archive
from pipelines.archive.batch import COMMIT_EVERY_S
from pipelines.crawl import crawl
from pipelines.crawl.session import Session
from pipelines.sources import load_registry
from crawl_testserver import Resp, html

TITLE = "某某局20{}年政府信息公开工作年度报告"


def _site(site, n: int, **article_kw):
    lis = "".join(f"<li><a href='/a/{i}.html'>{TITLE.format(10 + i)}</a></li>" for i in range(1, n + 1))
    site.route("/list.html", html(f"<ul>{lis}</ul>"))
    for i in range(1, n + 1):
        site.route(f"/a/{i}.html", html(f"<div id='zoom'>{TITLE.format(10 + i)} 收到申请{i}件</div>", **article_kw))


def test_what_was_recorded_is_committed_while_the_crawler_waits(make_site, write_registry, tmp_path):
    """Another connection (a process killed now would leave this) sees every document fetched
    before a request that takes longer than a batch's commit delay, and the whole crawl afterwards."""
    site, ar_dir = make_site(), tmp_path / "ar"
    _site(site, 5)
    seen = {}

    def article4(req):
        time.sleep(2 * COMMIT_EVERY_S)     # the crawler's loop commits its open batch meanwhile
        with sqlite3.connect(str(ar_dir / "index.sqlite")) as con:
            seen["docs"] = sorted(r[0] for r in con.execute("SELECT url FROM documents"))
            seen["fetches"] = con.execute("SELECT count(*) FROM fetches").fetchone()[0]
        return html(f"<div id='zoom'>{TITLE.format(14)}</div>")
    site.route("/a/4.html", article4)
    reg = write_registry([{"id": "s", "family": "generic", "entry_url": site.url("/list.html"),
                           "respect_robots": False}])
    rep = crawl(load_registry(reg), Archive(ar_dir))
    assert seen["docs"] == [site.url(f"/a/{i}.html") for i in (1, 2, 3)] and seen["fetches"] == 4
    assert rep.documents_new == 5 and rep.fetches == 6
    with sqlite3.connect(str(ar_dir / "index.sqlite")) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
        assert con.execute("SELECT count(*) FROM fetches").fetchone()[0] == 6
    assert [r.path for r in site.log] == ["/list.html"] + [f"/a/{i}.html" for i in range(1, 6)]


def test_session_builds_the_request_asyncclient_would():
    headers = {"User-Agent": "ua/1", "Accept": "text/html", "Accept-Language": "zh-CN", "Accept-Encoding": "gzip, deflate",
               "If-None-Match": '"e"'}
    timeout = httpx.Timeout(7, connect=3)
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    ours = Session(httpx.MockTransport(lambda r: httpx.Response(200)))
    for cookies in ({}, {"sid": "1", "b": "2"}):
        for name, value in cookies.items():
            client.cookies.set(name, value, domain="h.example")
            ours.cookies.set(name, value, domain="h.example")
        for method, data in (("GET", None), ("POST", {"col": 1, "webid": "3"})):
            want = client.build_request(method, "http://h.example/p?q=1", headers=headers, data=data, timeout=timeout)
            got = ours.build_request(method, "http://h.example/p?q=1", headers=headers, data=data,
                                     timeout=timeout.as_dict())
            assert (got.method, got.url, got.headers.raw, got.read(), got.extensions) == \
                   (want.method, want.url, want.headers.raw, want.read(), want.extensions)


def test_cookies_a_site_sets_are_sent_back(make_site, write_registry, tmp_path):
    site = make_site()
    _site(site, 2)
    lis = "".join(f"<li><a href='/a/{i}.html'>{TITLE.format(10 + i)}</a></li>" for i in (1, 2))
    site.route("/list.html", Resp(200, f"<ul>{lis}</ul>".encode(), {"Content-Type": "text/html; charset=utf-8",
                                                                    "Set-Cookie": "sid=abc; Path=/"}))
    reg = write_registry([{"id": "s", "family": "generic", "entry_url": site.url("/list.html"),
                           "respect_robots": False}])
    crawl(load_registry(reg), Archive(tmp_path / "ar"))
    assert [(r.path, r.headers.get("cookie")) for r in site.log] == \
        [("/list.html", None), ("/a/1.html", "sid=abc"), ("/a/2.html", "sid=abc")]


def test_many_links_are_fetched_once_each_in_order(make_site, write_registry, tmp_path):
    site = make_site()
    _site(site, 30)
    reg = write_registry([{"id": "s", "family": "generic", "entry_url": site.url("/list.html"),
                           "respect_robots": False}])
    rep = crawl(load_registry(reg), Archive(tmp_path / "ar"))
    assert rep.documents_new == 30 and rep.requests == 31
    assert [r.path for r in site.log[1:]] == [f"/a/{i}.html" for i in range(1, 31)]
