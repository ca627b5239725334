"""The hazard server: every hazard ends as the expected fetch row and the crawl still completes."""
import zlib

import pytest

from pipelines.archive import Archive
from pipelines.crawl import crawl
from pipelines.sources import load_registry
from crawl_testserver import Resp, Site, html, write_registry_file as write_registry

REPORT = "<html><head><meta charset='utf-8'><meta name='ArticleTitle' content='{t}'><meta name='PubDate' content='2023-01-17 09:12'></head><body><div id='zoom'>{t} 一、总体情况 正文</div></body></html>"


def article(title: str) -> Resp:
    return html(REPORT.format(t=title))


def gzip_bomb(decompressed_mb: int = 100) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    out = [c.compress(block) for _ in range(decompressed_mb)]
    out.append(c.flush())
    return b"".join(out)


def big_body(mb: int):
    chunk = b"x" * (1 << 20)
    for _ in range(mb):
        yield chunk


@pytest.fixture(scope="module")
def hazard_crawl(tmp_path_factory):
    sites = [Site().start() for _ in range(3)]
    try:
        yield _hazard_crawl(*sites, tmp_path_factory.mktemp("hazards"))
    finally:
        for s in sites:
            s.stop()


def _hazard_crawl(a, b, c, tmp_path):
    """a: the agency host, b: a host not allowed, c: a city portal host."""
    items = {
        "/h/429": "甲局2019年政府信息公开工作年度报告",
        "/h/500": "乙局2019年政府信息公开工作年度报告",
        "/h/slow": "丙局2019年政府信息公开工作年度报告",
        "/h/loop1": "丁局2019年政府信息公开工作年度报告",
        "/h/offsite": "戊局2019年政府信息公开工作年度报告",
        "/h/big": "己局2019年政府信息公开工作年度报告",
        "/h/bomb": "庚局2019年政府信息公开工作年度报告",
        "/h/ruishu": "辛局2019年政府信息公开工作年度报告",
        "/h/521": "壬局2019年政府信息公开工作年度报告",
        "/h/tiny": "癸局2019年政府信息公开工作年度报告",
        "/h/gbk": "朱镕基局2019年政府信息公开工作年度报告",
        "/h/metagbk": "张喆局2019年政府信息公开工作年度报告",
        "/h/bom": "某BOM局2019年政府信息公开工作年度报告",
        "/private/secret": "秘局2019年政府信息公开工作年度报告",
        "/h/dup": "同一局2019年政府信息公开工作年度报告",
        "/h/ok": "好局2019年政府信息公开工作年度报告",
        "/h/cookie": "饼局2019年政府信息公开工作年度报告",
    }
    lis = "".join(f'<li><a href="{p}" title="{t}">{t}</a><span>2020-01-20</span></li>' for p, t in items.items())
    lis += f'<li><a href="{c.url("/portal/dup.html")}">同一局2019年政府信息公开工作年度报告（门户转载）</a></li>'
    lis += '<li><a href="/h/news">关于做好2019年政府信息公开工作年度报告编制工作的通知</a></li>'
    a.route("/list.html", html(f"<html><body><ul>{lis}</ul></body></html>"))
    a.route("/robots.txt", Resp(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}))
    a.route("/h/429", [Resp(429, b"slow down", {"Retry-After": "1"}), article(items["/h/429"])])
    a.route("/h/500", [Resp(500, b"oops"), article(items["/h/500"])])
    a.route("/h/slow", Resp(200, REPORT.format(t="slow").encode(), {"Content-Type": "text/html"}, delay=1.5))
    a.route("/h/loop1", Resp(302, b"", {"Location": "/h/loop2"}))
    a.route("/h/loop2", Resp(302, b"", {"Location": "/h/loop1"}))
    a.route("/h/offsite", Resp(302, b"", {"Location": b.url("/evil.html")}))
    b.route("/evil.html", article("不该抓取"))
    a.route("/h/big", Resp(200, big_body(50), {"Content-Type": "application/pdf"}, content_length=False))
    a.route("/h/bomb", Resp(200, gzip_bomb(100), {"Content-Type": "text/html", "Content-Encoding": "gzip"}))
    ruishu = b"<html><head><meta http-equiv='Content-Type' content='text/html'><script>var $_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;</script><script src='/abc.js'></script></head><body></body></html>"
    a.route("/h/ruishu", Resp(412, ruishu, {"Content-Type": "text/html"}))
    a.route("/h/521", Resp(521, b"<html><script>document.cookie='__jsl_clearance=1';location.reload()</script></html>",
                           {"Content-Type": "text/html"}))
    a.route("/h/tiny", Resp(200, b"<html><script>window.location.href='/h/tiny?x=1'</script></html>",
                            {"Content-Type": "text/html"}))
    gbk = REPORT.format(t=items["/h/gbk"]).replace("charset='utf-8'", "").encode("gbk")
    a.route("/h/gbk", Resp(200, gbk, {"Content-Type": "text/html; charset=gb2312"}))
    meta_gbk = REPORT.format(t=items["/h/metagbk"]).replace("charset='utf-8'", "charset='gbk'").encode("gbk")
    a.route("/h/metagbk", Resp(200, meta_gbk, {"Content-Type": "text/html"}))
    bom = b"\xef\xbb\xbf" + REPORT.format(t=items["/h/bom"]).replace("<meta charset='utf-8'>", "").encode("utf-8")
    a.route("/h/bom", Resp(200, bom, {"Content-Type": "text/html"}))
    a.route("/private/secret", article(items["/private/secret"]))
    same = REPORT.format(t="同一局2019年政府信息公开工作年度报告").encode("utf-8")
    a.route("/h/dup", Resp(200, same, {"Content-Type": "text/html; charset=utf-8"}))
    c.route("/portal/dup.html", Resp(200, same, {"Content-Type": "text/html; charset=utf-8"}))
    a.route("/h/ok", article(items["/h/ok"]))
    a.route("/h/cookie", lambda req: article(items["/h/cookie"]) if "waf=1" in req.headers.get("cookie", "")
            else Resp(302, b"", {"Location": "/h/cookie", "Set-Cookie": "waf=1; Path=/"}))

    reg = write_registry(tmp_path, [{
        "id": "hazards", "family": "generic", "agency": None, "entry_url": a.url("/list.html"),
        "allowed_hosts": [a.netloc, c.netloc], "max_bytes": 5_000_000, "timeout_s": 0.5,
    }])
    archive = Archive(tmp_path / "archive")
    report = crawl(load_registry(reg), archive)
    by_url = {}
    for f in archive.fetches():
        by_url.setdefault(f["url"], []).append(f)
    return dict(a=a, b=b, c=c, archive=archive, report=report, rows=by_url, items=items)


def row(h, path, site="a"):
    rows = h["rows"][h[site].url(path)]
    assert len(rows) == 1, rows
    return rows[0]


def test_retry_after_then_ok(hazard_crawl):
    h = hazard_crawl
    r = row(h, "/h/429")
    assert (r["outcome"], r["status_code"]) == ("ok", 200)
    reqs = h["a"].requests("/h/429")
    assert len(reqs) == 2 and reqs[1].t - reqs[0].t >= 0.95       # waited the Retry-After second


def test_500_then_ok(hazard_crawl):
    r = row(hazard_crawl, "/h/500")
    assert (r["outcome"], r["status_code"]) == ("ok", 200)
    assert len(hazard_crawl["a"].requests("/h/500")) == 2


def test_slow_response_times_out(hazard_crawl):
    r = row(hazard_crawl, "/h/slow")
    assert (r["outcome"], r["reason"]) == ("error", "timeout")


def test_redirect_loop(hazard_crawl):
    r = row(hazard_crawl, "/h/loop1")
    assert (r["outcome"], r["reason"]) == ("error", "redirect_loop")


def test_redirect_to_disallowed_host_is_refused(hazard_crawl):
    h = hazard_crawl
    r = row(h, "/h/offsite")
    assert (r["outcome"], r["reason"]) == ("error", "not_allowed")
    assert h["b"].requests() == []            # the other host was never contacted


def test_50mb_body_is_cut(hazard_crawl):
    r = row(hazard_crawl, "/h/big")
    assert (r["outcome"], r["reason"]) == ("error", "too_large")
    assert hazard_crawl["report"].bytes < 20_000_000


def test_gzip_bomb_is_cut(hazard_crawl):
    r = row(hazard_crawl, "/h/bomb")
    assert (r["outcome"], r["reason"]) == ("error", "too_large")


@pytest.mark.parametrize("path", ["/h/ruishu", "/h/521", "/h/tiny"])
def test_challenge_pages_are_blocked_and_not_archived(hazard_crawl, path):
    h = hazard_crawl
    r = row(h, path)
    assert (r["outcome"], r["reason"]) == ("error", "blocked")
    assert r["content_sha256"] is None
    assert not any(d["url"] == h["a"].url(path) for d in h["archive"].documents())


def test_robots_disallowed_path_not_requested(hazard_crawl):
    h = hazard_crawl
    r = row(h, "/private/secret")
    assert (r["outcome"], r["reason"]) == ("error", "robots")
    assert h["a"].requests("/private/") == []
    assert len(h["a"].requests("/robots.txt")) == 1       # fetched once per host
    ua = h["a"].requests("/list.html")[0].headers["user-agent"]
    assert ua.startswith("govreports-test/0.1")


def _doc(h, path, site="a"):
    docs = [d for d in h["archive"].documents() if d["url"] == h[site].url(path)]
    assert len(docs) == 1
    return docs[0], h["archive"].get_blob(docs[0]["content_sha256"])


def test_gbk_declared_gb2312_decodes_rong(hazard_crawl):
    from pipelines.encoding import decode_bytes
    d, blob = _doc(hazard_crawl, "/h/gbk")
    text, enc = decode_bytes(blob, "text/html; charset=gb2312")
    assert "朱镕基局" in text and enc == "gb18030" and d["encoding"] == "gb18030"
    assert d["link_title"] == hazard_crawl["items"]["/h/gbk"]


def test_meta_gbk_and_bom_without_header_charset(hazard_crawl):
    from pipelines.encoding import decode_bytes
    d, blob = _doc(hazard_crawl, "/h/metagbk")
    assert "张喆局" in decode_bytes(blob, "text/html")[0] and d["encoding"] == "gb18030"
    d, blob = _doc(hazard_crawl, "/h/bom")
    assert blob.startswith(b"\xef\xbb\xbf")                   # raw bytes kept
    text, enc = decode_bytes(blob, "text/html")
    assert "某BOM局" in text and enc.startswith("utf-8") and not text.startswith("\ufeff")


def test_same_report_two_urls_two_documents(hazard_crawl):
    h = hazard_crawl
    d1, _ = _doc(h, "/h/dup")
    d2, _ = _doc(h, "/portal/dup.html", site="c")
    assert d1["content_sha256"] == d2["content_sha256"] and d1["document_id"] != d2["document_id"]


def test_cookie_setting_redirect_to_self_is_not_a_loop(hazard_crawl):
    r = row(hazard_crawl, "/h/cookie")
    assert (r["outcome"], r["status_code"]) == ("ok", 200)
    assert len(hazard_crawl["a"].requests("/h/cookie")) == 2


def test_rest_of_crawl_completes(hazard_crawl):
    h = hazard_crawl
    rep = h["report"]
    docs = {d["url"] for d in h["archive"].documents()}
    for p in ["/h/429", "/h/500", "/h/gbk", "/h/metagbk", "/h/bom", "/h/dup", "/h/ok", "/h/cookie"]:
        assert h["a"].url(p) in docs
    assert rep.documents_new == 9
    assert rep.errors == {"timeout": 1, "redirect_loop": 1, "not_allowed": 1, "too_large": 2,
                          "blocked": 3, "robots": 1}
    assert rep.sources["hazards"].status == "partial"
    assert h["a"].requests("/h/news") == []                  # a notice about reports is not a report
    links = {l["url"] for l in h["archive"].links()}
    assert len(links) == 18
