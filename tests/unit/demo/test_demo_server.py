"""The loopback demo web answers each family's endpoints as docs/site-families.md specifies."""
from __future__ import annotations

import gzip
import json
import re
import time
from email.utils import formatdate
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from pipelines.demo.plan import HOSTS, JPAAS_IGNORE_PAGE_COLUMN, PER_PAGE


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=10, follow_redirects=False) as c:
        yield c


def _hrefs(text: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', text)


def _records(xml: str) -> list[str]:
    return re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", xml, re.S)


def _titles(records: list[str]) -> list[str]:
    return [re.search(r'title="([^"]+)"', r).group(1) for r in records]


def test_hosts_bind_loopback_on_distinct_ports(demo_server):
    ports = set()
    for name, base in demo_server.base_urls.items():
        u = urlsplit(base)
        assert u.hostname == "127.0.0.1" and u.port
        ports.add(u.port)
    assert len(ports) == len(demo_server.base_urls) == len(HOSTS)


def test_jcms_column_and_dataproxy_paging(demo_server, client):
    base = demo_server.base_urls["jiaxing_portal"]
    col = 1229708661
    page = client.get(f"{base}/col/col{col}/index.html")
    assert page.status_code == 200
    text = page.text
    assert '<script type="text/xml"><datastore>' in text and "<recordset>" in text
    total = int(re.search(r'"totalRecord": (\d+)', text).group(1))
    assert total > PER_PAGE                     # at least two pages
    first = _records(text)
    assert len(first) == PER_PAGE
    nextgroup = re.search(r"<nextgroup><!\[CDATA\[<a href=\"([^\"]+)\"", text).group(1)
    assert "page=2" in nextgroup and f"columnid={col}" in nextgroup
    r2 = client.get(base + nextgroup)
    assert r2.status_code == 200 and r2.headers["content-type"].startswith("text/xml")
    assert f"<totalrecord>{total}</totalrecord>" in r2.text
    page2 = _records(r2.text)
    assert page2 and not set(_titles(page2)) & set(_titles(first)) or len(page2) > 0
    assert set(re.findall(r'href="([^"]+)"', "".join(page2))).isdisjoint(_hrefs("".join(first)))
    # POST with a record range returns the same records as GET page=2
    form = {"col": "1", "appid": "1", "webid": "3163", "path": "/", "columnid": str(col), "sourceContentType": "1",
            "unitid": "5853561", "webname": "嘉兴市人民政府", "permissiontype": "0"}
    r3 = client.post(f"{base}/module/jpage/dataproxy.jsp?startrecord={PER_PAGE + 1}&endrecord={2 * PER_PAGE}&perpage={PER_PAGE}",
                     data=form)
    assert _records(r3.text) == page2
    r4 = client.post(f"{base}/module/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15", data=form)
    assert len(_records(r4.text)) == min(45, total)
    # record variants: date tags, absolute / protocol-relative hrefs, truncated inner text
    allrec = "".join(_records(r4.text))
    assert "<i>" in allrec and "<b>" in allrec and "<span>" in allrec
    assert f'href="{base}/art/' in allrec and f'href="//{urlsplit(base).netloc}/art/' in allrec
    assert "…</a>" in allrec
    # a record that links a download directly, with &amp; entities in the href
    assert 'href="/module/download/downfile.jsp?classid=0&amp;filename=' in allrec


def test_jcms_web_dataproxy_variant(demo_server, client):
    base = demo_server.base_urls["zhoushan_xxgk"]
    col = next(iter(HOSTS["zhoushan_xxgk"].columns))
    page = client.get(f"{base}/col/col{col}/index.html").text
    assert "/module/web/jpage/dataproxy.jsp" in page or "totalRecord" in page
    r = client.get(f"{base}/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3600&path=/&columnid={col}&unitid=6601001&permissiontype=0")
    assert r.status_code == 200 and _records(r.text)


def test_jcms_article_markup(demo_server, client, demo_corpus):
    rep = next(r for r in demo_corpus.reports if r.host == "jxj_jiaxing" and r.primary.format == "html")
    r = client.get(rep.primary.urls[0])
    assert r.status_code == 200 and r.content == rep.primary.body
    t = r.text
    for needle in ('<meta name="ArticleTitle"', '<meta name="PubDate"', '<meta name="SiteIDCode"', '<div id="zoom">',
                   "<!--ZJEG_RSS.content.begin-->", '<meta name="ContentStart">', '<table class="xxgk_top"',
                   "<!--<$[信息来源]>begin-->"):
        assert needle in t
    assert re.search(r"/art/\d{4}/[1-9]\d?/[1-9]\d?/art_1229113429_\d+\.html$", rep.primary.path)


def test_downloads_content_disposition_and_redirect(demo_server, client, demo_corpus):
    for rep in demo_corpus.reports:
        d = rep.primary
        if "/module/download/downfile.jsp" in d.path and not d.oss_path:
            r = client.get(d.urls[0])
            assert r.status_code == 200 and r.content == d.body
            cd = r.headers["content-disposition"]
            assert cd.startswith("attachment; filename*=UTF-8''") and "%E" in cd
            break
    else:
        raise AssertionError("no downfile document")
    red = next(r for r in demo_corpus.reports if "landing_downfile_redirect" in r.flags).primary
    r = client.get(red.urls[0])
    assert r.status_code == 302 and r.headers["location"] == red.urls[1]
    assert urlsplit(red.urls[1]).netloc == urlsplit(demo_server.base_urls["oss"]).netloc
    assert client.get(red.urls[1]).content == red.body
    # a landing page links the OSS host directly; a viewer page carries var pdfurl
    oss_rep = next(r for r in demo_corpus.reports if "landing_oss" in r.flags)
    landing = client.get(oss_rep.urls[0]).text
    assert demo_server.base_urls["oss"] + "/jcms_files/jcms1/web" in landing
    viewer = next(r for r in demo_corpus.reports if "landing_pdfurl" in r.flags)
    assert 'var pdfurl = "/module/download/downfile.jsp?filename=' in client.get(viewer.urls[0]).text


def test_xxgk_annual_endpoint(demo_server, client, demo_corpus):
    catalog = {a["id"]: a for a in demo_corpus.agencies}
    for aid, host in (("ph_fgj", "pinghu_portal"), ("js_kjj", "jiashan_portal")):
        area = catalog[aid]["org_code"]
        for year in (2018, 2022):
            rep = demo_corpus.report(aid, year)
            r = client.get(f"{demo_server.base_urls[host]}/module/xxgk/xxgkAnnualReport.jsp?fbtime={year}&area={area}")
            assert r.status_code == 200
            assert f'<div class="title">{rep.title}</div>' in r.text
            assert f'<div class="fbsj">发布时间:{rep.published_on.isoformat()}</div>' in r.text
    # parameter order does not matter; a year without report renders 暂无年报
    area = catalog["js_jxj"]["org_code"]
    r = client.get(f"{demo_server.base_urls['jiashan_portal']}/module/xxgk/xxgkAnnualReport.jsp?area={area}&fbtime=2018")
    assert r.status_code == 200 and "暂无年报" in r.text and '<div id="zoom"></div>' in r.text
    assert ("js_jxj", 2018) in demo_corpus.missing
    r = client.get(f"{demo_server.base_urls['jiashan_portal']}/module/xxgk/xxgkAnnualReport.jsp?area={area}&fbtime=2019")
    assert demo_corpus.report("js_jxj", 2019).title in r.text


def test_jpaas_column_and_unit_api(demo_server, client):
    base = demo_server.base_urls["nb_jxj"]
    cols = list(HOSTS["nb_jxj"].columns)
    normal = next(c for c in cols if c != JPAAS_IGNORE_PAGE_COLUMN)
    page = client.get(f"{base}/col/col{normal}/index.html").text
    assert '<li class="wb-data-list">' in page and 'class="wb-data-date"' in page
    m = re.search(r'<div class="wb-page" count="(\d+)" rows="15" pageNo="1" queryData="([^"]+)"', page)
    count, qd = int(m.group(1)), m.group(2)
    assert count > PER_PAGE
    q = dict(re.findall(r"'(\w+)':'([^']*)'", qd))
    first = re.findall(r'href="([^"]+)"', page)

    def unit(col, page_no):
        r = client.get(f"{base}/api-gateway/jpaas-publish-server/front/page/build/unit",
                       params={"parseType": "bulidstatic", "webId": q["webId"], "pageId": str(col), "tagId": q["tagId"],
                               "tplSetId": q["tplSetId"], "pageType": "column", "rows": "15", "pageNo": str(page_no)})
        assert r.status_code == 200
        j = r.json()
        assert j["success"] is True
        return j["data"]["html"]

    p2 = unit(normal, 2)
    assert p2.startswith('<li class="wb-data-list">')
    hrefs2 = re.findall(r'href="([^"]+)"', p2)
    assert hrefs2 and not set(hrefs2) & set(first)
    assert len(first) + len(hrefs2) == count
    assert re.match(r"/col/col\d+/art/\d{4}/art_[0-9a-f]{32}\.html$", hrefs2[0])
    # the "ignore pageNo" column answers page 1 for every pageNo
    assert unit(JPAAS_IGNORE_PAGE_COLUMN, 2) == unit(JPAAS_IGNORE_PAGE_COLUMN, 1)
    art = client.get(base + hrefs2[0])
    assert art.status_code == 200 and 'class="article-content"' in art.text


def test_trs_static_pages(demo_server, client):
    base = demo_server.base_urls["cixi_trs"]
    p0 = client.get(f"{base}/zwgk/ndbg/index.html").text
    m = re.search(r'createPageHTML\((\d+), 0, "index", "html"\)', p0)
    assert m and int(m.group(1)) >= 2
    assert '<ul class="list">' in p0
    p1 = client.get(f"{base}/zwgk/ndbg/index_1.html")
    assert p1.status_code == 200 and 'createPageHTML(' in p1.text
    href = re.search(r'<li><a href="(\./\d{6}/t\d{8}_\d+\.html)"', p0).group(1)
    art = client.get(f"{base}/zwgk/ndbg/{href[2:]}")
    assert art.status_code == 200
    assert '<div class="TRS_Editor">' in art.text and '<meta name="publishdate"' in art.text


def test_every_truth_url_serves_its_document(demo_server, demo_corpus):
    index = demo_server.truth_index()
    by_url = {u: d for _r, d in demo_corpus.documents() for u in d.urls}
    assert len({(e.agency_id, e.report_year) for e in index.values()}) == len(demo_corpus.reports)
    with httpx.Client(timeout=10, follow_redirects=True) as c:
        for url, entry in index.items():
            r = c.get(url)
            assert r.status_code == 200, url
            if entry.role != "landing":
                assert r.content == by_url[url].body, url
                agency_id, year, fmt, layout = entry
                assert (fmt, layout) == (by_url[url].format, by_url[url].layout)
    roles = {e.role for e in index.values()}
    assert {"primary", "attachment", "repost", "landing"} <= roles
    # the same report on the agency host and on the city portal
    reposts = [e for e in index.values() if e.role == "repost"]
    assert reposts and all(e.host == "jiaxing_portal" and e.agency_id == "jx_jxj" for e in reposts)


def test_conditional_requests_gzip_and_head(demo_server, client, demo_corpus):
    url = next(d for _r, d in demo_corpus.documents() if d.format == "html").urls[0]
    r = client.get(url)
    etag, lm = r.headers["etag"], r.headers["last-modified"]
    assert client.get(url).headers["etag"] == etag            # stable
    r304 = client.get(url, headers={"If-None-Match": etag})
    assert r304.status_code == 304 and r304.content == b""
    assert client.get(url, headers={"If-Modified-Since": lm}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": formatdate(0, usegmt=True)}).status_code == 200
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    raw = httpx.get(url, headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip" and raw.content == r.content   # httpx decodes
    h = client.head(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in h.headers
    assert h.status_code == 200 and h.content == b"" and int(h.headers["content-length"]) == len(r.content)
    assert client.get(demo_server.base_urls["jiaxing_portal"] + "/nope.html").status_code == 404


def test_request_counter(demo_server, client):
    before = demo_server.stats()["cixi_trs"]
    client.get(demo_server.base_urls["cixi_trs"] + "/zwgk/ndbg/index.html")
    after = demo_server.stats()["cixi_trs"]
    assert after["requests"] == before["requests"] + 1 and after["bytes"] > before["bytes"]


def test_registries(demo_server, tmp_path):
    reg = yaml.safe_load(demo_server.registry_path.read_text(encoding="utf-8"))
    assert reg["defaults"]["rate_limit_per_s"] == 0
    families = {s["family"] for s in reg["sources"]}
    assert families == {"hanweb_jcms", "hanweb_xxgk_annual", "hanweb_jpaas", "trs_static"}
    haz = demo_server.base_urls["hazards"].split("//")[1]
    ids = set()
    for s in reg["sources"]:
        ids.add(s["id"])
        assert s["allow_private_addresses"] is True and s["rate_limit_per_s"] == 0
        assert all(re.fullmatch(r"127\.0\.0\.1:\d+", h) for h in s["allowed_hosts"])
        assert haz not in s["allowed_hosts"]
        assert urlsplit(s["entry_url"]).netloc in s["allowed_hosts"]
        if s["family"] == "hanweb_xxgk_annual":
            assert s["options"]["areas"] and s["options"]["years"] == [2016, 2024]
        else:
            assert httpx.get(s["entry_url"]).status_code == 200
    assert len(ids) == len(reg["sources"])
    agencies = {s["agency"] for s in reg["sources"]}
    assert None in agencies and "jx_jxj" in agencies
    p = demo_server.write_registry(tmp_path / "h.yaml", include_hazards=True)
    hz = yaml.safe_load(p.read_text(encoding="utf-8"))
    hs = [s for s in hz["sources"] if s["id"] == "hazards"]
    assert hs and hs[0]["allowed_hosts"] == [haz]
    try:
        from pipelines.sources import load_registry
    except ImportError:
        return
    loaded = load_registry(demo_server.registry_path)
    assert len(loaded.sources) == len(reg["sources"])


# ----------------------------------------------------------------------------- hazards

def test_hazard_retry_after_and_flaky(demo_server, client):
    base = demo_server.base_urls["hazards"]
    r1 = client.get(base + "/retry429?k=t1")
    assert r1.status_code == 429 and r1.headers["retry-after"] == "1"
    assert client.get(base + "/retry429?k=t1").status_code == 200
    assert client.get(base + "/flaky500?k=t1").status_code == 500
    assert client.get(base + "/flaky500?k=t1").status_code == 200


def test_hazard_slow_and_redirects(demo_server):
    base = demo_server.base_urls["hazards"]
    t = time.perf_counter()
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(base + "/slow?delay=2", timeout=0.5)
    assert time.perf_counter() - t < 2
    with pytest.raises(httpx.TooManyRedirects):
        httpx.get(base + "/loop", follow_redirects=True, timeout=5)
    r = httpx.get(base + "/redirect-offsite")
    assert r.status_code == 302 and r.headers["location"].startswith(demo_server.base_urls["offsite"])
    with httpx.Client() as c:                   # cookie-setting 302 to self: a cookie jar ends it
        assert c.get(base + "/cookie-loop", follow_redirects=True).status_code == 200


def test_hazard_big_body_and_gzip_bomb(demo_server):
    base = demo_server.base_urls["hazards"]
    h = httpx.head(base + "/big")
    assert int(h.headers["content-length"]) == 50 * 1024 * 1024
    with httpx.stream("GET", base + "/big") as r:
        got = 0
        for chunk in r.iter_raw():
            got += len(chunk)
            if got > 1_000_000:
                break
    assert got > 1_000_000
    with httpx.stream("GET", base + "/gzip-bomb") as r:
        assert r.headers["content-encoding"] == "gzip"
        compressed = int(r.headers["content-length"])
        assert compressed < 2_000_000
        head = next(r.iter_raw())
    d = gzip.GzipFile(fileobj=__import__("io").BytesIO(head))
    assert d.read(1024) == bytes(1024)          # inflates to zeros (512 MB in total)


def test_hazard_challenges_robots_and_encodings(demo_server, client):
    base = demo_server.base_urls["hazards"]
    r = client.get(base + "/ruishu")
    assert r.status_code == 412 and "$_ts" in r.text
    assert client.get(base + "/jsl").status_code == 521
    robots = client.get(base + "/robots.txt").text
    assert "Disallow: /private/" in robots
    g = client.get(base + "/enc/gb2312.html")
    assert g.headers["content-type"] == "text/html; charset=gb2312"
    assert "镕" in g.content.decode("gbk") and "喆" in g.content.decode("gbk")
    m = client.get(base + "/enc/gbk-meta.html")
    assert m.headers["content-type"] == "text/html" and '<meta charset="gbk">' in m.content.decode("gbk")
    b = client.get(base + "/enc/bom.html")
    assert b.content.startswith(b"\xef\xbb\xbf") and b.headers["content-type"] == "text/html"
    idx = client.get(base + "/index.html").text
    assert all(p in idx for p in ("/retry429", "/gzip-bomb", "/private/report.html"))


def test_cli_server_writes_port_file(tmp_path):
    import subprocess
    import sys

    pf = tmp_path / "ports.json"
    reg = tmp_path / "reg.yaml"
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.demo.server", "--port-file", str(pf),
                             "--scale", "30", "--registry", str(reg)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            if pf.exists() and pf.stat().st_size:
                break
            time.sleep(0.1)
        urls = json.loads(pf.read_text())
        assert httpx.get(urls["cixi_trs"] + "/zwgk/ndbg/index.html").status_code == 200
        assert reg.exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_port_base_gives_fixed_ports(demo_corpus):
    import socket

    with socket.socket() as s:                  # find a free block start (best effort)
        s.bind(("127.0.0.1", 0))
        base = s.getsockname()[1]
    small = __import__("pipelines.demo", fromlist=["generate_corpus"]).generate_corpus(0, scale=9)
    with DemoServer(small, port_base=base + 100) as srv:
        ports = [int(u.rsplit(":", 1)[1]) for u in srv.base_urls.values()]
        assert all(p > 0 for p in ports)
        assert sum(p == base + 100 + i for i, p in enumerate(ports)) >= len(ports) - 2


from pipelines.demo import DemoServer  # noqa: E402  (package-level export used by bench/ and demo_run)
