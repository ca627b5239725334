"""Each site family's adapter on synthetic pages imitating docs/site-families.md, served locally."""
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pipelines.archive import Archive
from pipelines.crawl import crawl
from pipelines.sources import load_registry
from crawl_testserver import Resp, html

FIX = Path(__file__).parent / "fixtures"


def fixture(name, **subs) -> str:
    t = (FIX / name).read_text(encoding="utf-8")
    for k, v in subs.items():
        t = t.replace("{{" + k + "}}", v)
    return t


def xml(text: str) -> Resp:
    return Resp(200, text.encode("utf-8"), {"Content-Type": "text/xml;charset=UTF-8"})


def art(title: str, body: str = "") -> Resp:
    return html(f"<html><head><meta charset='utf-8'><meta name='ArticleTitle' content='{title}'>"
                f"<meta name='PubDate' content='2023-01-17 09:12'></head><body><div id='zoom'>{title}{body}</div></body></html>")


def links_by_url(archive):
    return {l["url"]: l for l in archive.links()}


def test_hanweb_jcms_get_paging_subcolumns_and_attachments(make_site, write_registry, tmp_path):
    s, oss = make_site(), make_site()
    sub = dict(BASE=s.base, HOST=s.netloc, OSS=oss.base)
    s.route("/col/col1229000001/index.html", html(fixture("jcms_column.html", **sub)))
    s.route("/col/col1229000002/index.html", html(fixture("jcms_subcolumn.html", **sub)))

    def dataproxy(req):
        page = parse_qs(urlsplit(req.path).query).get("page", ["1"])[0]
        return xml(fixture(f"jcms_page{page}.xml", **sub)) if page in ("2", "3") else xml("<datastore></datastore>")
    s.route("/module/jpage/dataproxy.jsp", dataproxy)
    s.route("/art/2023/1/17/art_1229000001_5000001.html", html(fixture("jcms_article.html", **sub)))
    pdf = b"%PDF-1.4 synthetic report"
    s.route("/module/download/downfile.jsp", lambda req: (
        Resp(302, b"", {"Location": oss.url("/jcms_files/jcms1/web3096/site/attach/0/moved.pdf")})
        if "moved.pdf" in req.path else
        Resp(200, pdf + req.path.encode(), {"Content-Type": "application/octet-stream",
                                            "Content-Disposition": "attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf"})))
    oss.route("/jcms_files/jcms1/web3096/site/attach/0/fedcba9876543210fedcba9876543210.docx",
              Resp(200, b"PK\x03\x04 not really a docx", {"Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}))
    oss.route("/jcms_files/jcms1/web3096/site/attach/0/moved.pdf", Resp(200, b"%PDF-1.4 moved", {"Content-Type": "application/pdf"}))
    for p in ["/art/2023/1/18/art_1229000001_5000002.html", "/art/2022/1/20/art_1229000001_4000001.html",
              "/art/2022/1/21/art_1229000001_4000002.html", "/art/2020/2/25/art_1229000001_3000001.html",
              "/art/2019/3/29/art_1229000001_2000001.html", "/art/2022/1/25/art_1229000002_4100001.html"]:
        s.route(p, art("报告"))
    reg = write_registry([{"id": "portal", "family": "hanweb_jcms", "entry_url": s.url("/col/col1229000001/index.html"),
                           "allowed_hosts": [s.netloc, oss.netloc]}])
    ar = Archive(tmp_path / "ar")
    rep = crawl(load_registry(reg), ar)
    links = links_by_url(ar)
    assert sorted(urlsplit(u).path for u in links) == sorted([
        "/art/2023/1/17/art_1229000001_5000001.html", "/art/2023/1/18/art_1229000001_5000002.html",
        "/art/2022/1/20/art_1229000001_4000001.html", "/art/2022/1/21/art_1229000001_4000002.html",
        "/art/2020/2/25/art_1229000001_3000001.html", "/art/2019/3/29/art_1229000001_2000001.html",
        "/art/2022/1/25/art_1229000002_4100001.html"])
    first = links[s.url("/art/2023/1/17/art_1229000001_5000001.html")]
    assert first["link_title"] == "示例市经济和信息化局2022年度政府信息公开工作年度报告"   # title attr, not truncated text
    assert (first["listed_on"], first["year_hint"], first["agency_id"]) == ("2023-01-17", 2022, None)
    amp = links[s.url("/art/2022/1/21/art_1229000001_4000002.html?a=1&b=2")]           # &amp; decoded
    assert (amp["year_hint"], amp["listed_on"]) == (2021, "2022-01-21")
    assert links[s.url("/art/2022/1/20/art_1229000001_4000001.html")]["listed_on"] == "2022-01-20"  # <b> date, //host href
    assert links[s.url("/art/2019/3/29/art_1229000001_2000001.html")]["year_hint"] == 2018           # 二〇一八
    pages = [r.path for r in s.requests("/module/jpage/dataproxy.jsp")]
    assert len(pages) == 2 and "page=2" in pages[0] and "page=3" in pages[1]
    docs = {d["url"]: d for d in ar.documents()}
    art_url = s.url("/art/2023/1/17/art_1229000001_5000001.html")
    assert docs[art_url]["published_on_hint"] == "2023-01-17" and docs[art_url]["source_format"] == "html"
    atts = [d for d in docs.values() if d["parent_url"] == art_url]
    assert len(atts) == 4          # downfile+showname, OSS docx, downfile→302→OSS, var pdfurl
    fmts = sorted(d["source_format"] for d in atts)
    assert fmts == ["docx", "pdf", "pdf", "pdf"]
    assert "年报.pdf" in {d["filename"] for d in atts}
    assert any(d["url"].endswith("moved.pdf") for d in atts)
    assert rep.sources["portal"].status == "ok", rep.sources["portal"]
    # re-crawl: page 1 lists only archived reports and page 2 was walked before → stop paging
    n = len(s.log)
    rep2 = crawl(load_registry(reg), ar)
    assert sorted(r.path for r in s.log[n:]) == ["/col/col1229000001/index.html", "/col/col1229000002/index.html"]
    assert rep2.documents_new == 0 and rep2.requests == 2
    # with stop_at_known off the whole listing is walked again (conditionally)
    reg_full = write_registry([{"id": "portal", "family": "hanweb_jcms", "entry_url": s.url("/col/col1229000001/index.html"),
                                "allowed_hosts": [s.netloc, oss.netloc], "options": {"stop_at_known": False}}])
    n = len(s.log)
    crawl(load_registry(reg_full), ar)
    assert len([r for r in s.log[n:] if "dataproxy" in r.path]) == 2


def test_hanweb_jcms_post_paging_web_jpage(make_site, write_registry, tmp_path):
    s = make_site()
    s.route("/col/col1229100001/index.html", html(fixture("jcms_column_post.html")))
    seen = []

    def proxy(req):
        seen.append(req)
        return xml(fixture("jcms_post_response.xml")) if req.method == "POST" else Resp(405, b"")
    s.route("/module/web/jpage/dataproxy.jsp", proxy)
    for i in range(1, 6):
        s.route(f"/art/{2025 - i}/1/{i}/art_1229100001_{i}.html", art(f"r{i}"))
    reg = write_registry([{"id": "county", "family": "hanweb_jcms", "agency": "js_jxj",
                           "entry_url": s.url("/col/col1229100001/index.html"), "options": {"paging": "post"}}])
    ar = Archive(tmp_path / "ar")
    crawl(load_registry(reg), ar)
    assert len(ar.links()) == 5 and all(l["agency_id"] == "js_jxj" for l in ar.links())
    assert len(seen) == 1
    q = parse_qs(urlsplit(seen[0].path).query)
    assert (q["startrecord"], q["endrecord"], q["perpage"]) == (["1"], ["6"], ["2"])
    form = parse_qs(seen[0].body.decode())
    assert form["columnid"] == ["1229100001"] and form["unitid"] == ["8000001"] and form["webid"] == ["3163"]
    assert form["col"] == ["1"] and form["permissiontype"] == ["0"]
    assert sorted(l["year_hint"] for l in ar.links()) == [2019, 2020, 2021, 2022, 2023]


def test_hanweb_xxgk_annual(make_site, write_registry, tmp_path):
    s = make_site()

    def annual(req):
        q = parse_qs(urlsplit(req.path).query)
        if q.get("fbtime") == ["2022"] and q.get("area") == ["741033213"]:
            return html(fixture("xxgk_report.html"))
        return html(fixture("xxgk_empty.html"))
    s.route("/module/xxgk/xxgkAnnualReport.jsp", annual)
    s.route("/module/download/downfile.jsp", Resp(200, b"%PDF-1.4 x", {"Content-Type": "application/pdf"}))
    reg = write_registry([{"id": "ph", "family": "hanweb_xxgk_annual", "entry_url": s.url("/"),
                           "options": {"agencies": ["ph_fgj"], "areas": {"js_kjj": "11330421002554277K"},
                                       "years": [2020, 2022]}}])
    ar = Archive(tmp_path / "ar")
    rep = crawl(load_registry(reg), ar)
    links = ar.links()
    assert len(links) == 1
    l = links[0]
    assert (l["agency_id"], l["year_hint"], l["listed_on"]) == ("ph_fgj", 2022, "2023-01-20")
    assert l["link_title"] == "示例县发展和改革局2022年度政府信息公开工作年度报告"
    assert len(s.requests("/module/xxgk/")) == 6           # 2 agencies × 3 years, probed once each
    assert rep.errors == {} and rep.documents_new == 2      # report page + its PDF
    doc = next(d for d in ar.documents() if d["parent_url"] is None)
    assert (doc["agency_id"], doc["published_on_hint"]) == ("ph_fgj", "2023-01-20")
    # second crawl: the found report is not re-downloaded; empty years are re-probed conditionally
    n = len(s.log)
    rep2 = crawl(load_registry(reg), ar)
    again = [r.path for r in s.log[n:] if "xxgk" in r.path]
    assert len(again) == 5 and not any("fbtime=2022&area=741033213" in p for p in again)
    assert rep2.documents_new == 0


def test_hanweb_jpaas_paging_and_repeat_stop(make_site, write_registry, tmp_path):
    s, lazy = make_site(), make_site()
    col = fixture("jpaas_column.html")
    page_items = {
        2: ['<li class="wb-data-list"><a href="/col/col1229500001/art/2023/art_22222222222222222222222222222222.html" title="示例市商务局2022年度政府信息公开工作年度报告">x</a><span class="wb-data-date">2023-01-19</span></li>',
            '<li class="wb-data-list"><a href="/col/col1229500001/art/2023/art_33333333333333333333333333333333.html" title="示例市商务局2023年工作计划">x</a><span class="wb-data-date">2023-01-02</span></li>'],
        3: ['<li class="wb-data-list"><a href="/col/col1229500001/art/2022/art_44444444444444444444444444444444.html" title="示例市商务局2021年政府信息公开工作年度报告">x</a><span class="wb-data-date">2022-01-25</span></li>'],
    }
    api = "/api-gateway/jpaas-publish-server/front/page/build/unit"

    def unit(req):
        q = parse_qs(urlsplit(req.path).query)
        n = int(q["pageNo"][0])
        return Resp(200, json.dumps({"success": True, "data": {"html": "".join(page_items.get(n, []))}}).encode(),
                    {"Content-Type": "application/json"})
    s.route("/col/col1229500001/index.html", html(col))
    s.route(api, unit)
    page1 = '<li class="wb-data-list"><a href="/col/col1229500001/art/2024/art_0123456789abcdef0123456789abcdef.html" title="示例市商务局2023年度政府信息公开工作年度报告">x</a><span class="wb-data-date">2024-01-22</span></li><li class="wb-data-list"><a href="/col/col1229500001/art/2024/art_11111111111111111111111111111111.html" title="示例市商务局关于开展外贸调研的公告">x</a></li>'
    lazy.route("/col/col1229500001/index.html", html(col))
    lazy.route(api, Resp(200, json.dumps({"success": True, "data": {"html": page1}}).encode(),
                         {"Content-Type": "application/json"}))
    for site in (s, lazy):
        site.route("/col/col1229500001/art/2024/art_0123456789abcdef0123456789abcdef.html", art("a"))
    s.route("/col/col1229500001/art/2023/art_22222222222222222222222222222222.html", art("b"))
    s.route("/col/col1229500001/art/2022/art_44444444444444444444444444444444.html", art("c"))
    reg = write_registry([
        {"id": "jpaas", "family": "hanweb_jpaas", "entry_url": s.url("/col/col1229500001/index.html")},
        {"id": "jpaas_lazy", "family": "hanweb_jpaas", "entry_url": lazy.url("/col/col1229500001/index.html")}])
    ar = Archive(tmp_path / "ar")
    rep = crawl(load_registry(reg), ar)
    by_src = {}
    for l in ar.links():
        by_src.setdefault(l["source_id"], []).append(l)
    assert sorted(l["year_hint"] for l in by_src["jpaas"]) == [2021, 2022, 2023]
    calls = [parse_qs(urlsplit(r.path).query) for r in s.requests(api)]
    assert [c["pageNo"] for c in calls] == [["2"], ["3"]]
    assert calls[0]["webId"] == ["3185"] and calls[0]["tagId"] == ["信息列表"] and calls[0]["rows"] == ["2"]
    assert len(by_src["jpaas_lazy"]) == 1
    assert len(lazy.requests(api)) == 1                     # page 2 repeated page 1: stop
    assert rep.documents_new == 4


def test_trs_static(make_site, write_registry, tmp_path):
    s = make_site()
    s.route("/zwgk/ndbg/index.html", html(fixture("trs_index.html")))
    s.route("/zwgk/ndbg/index_1.html", html(fixture("trs_index_1.html")))
    s.route("/zwgk/ndbg/202401/t20240125_123.html", html(fixture("trs_article.html")))
    s.route("/zwgk/ndbg/202301/t20230130_99.html", html(fixture("trs_article.html")))
    reg = write_registry([{"id": "trs", "family": "trs_static", "entry_url": s.url("/zwgk/ndbg/index.html")}])
    ar = Archive(tmp_path / "ar")
    crawl(load_registry(reg), ar)
    assert sorted((l["year_hint"], l["listed_on"]) for l in ar.links()) == [(2022, "2023-01-30"), (2023, "2024-01-25")]
    assert s.requests("/zwgk/ndbg/index_2.html") == []
    d = next(d for d in ar.documents() if d["url"].endswith("t20240125_123.html"))
    assert d["published_on_hint"] == "2024-01-25"


def test_generic_with_selectors(make_site, write_registry, tmp_path):
    s = make_site()
    s.route("/nb/list.html", html(fixture("generic_list.html")))
    s.route("/nb/list2.html", html(fixture("generic_list2.html")))
    for p in "abcd":
        s.route(f"/nb/{p}.html", art(p))
    reg = write_registry([{"id": "gen", "family": "generic", "entry_url": s.url("/nb/list.html"),
                           "options": {"list_selector": ".news-list", "next_selector": "a.next"}}])
    ar = Archive(tmp_path / "ar")
    crawl(load_registry(reg), ar)
    got = {urlsplit(l["url"]).path: (l["year_hint"], l["listed_on"]) for l in ar.links()}
    assert got == {"/nb/a.html": (2022, "2023-02-01"), "/nb/b.html": (2021, "2022-01-15"), "/nb/d.html": (2020, None)}
    assert len(s.requests("/nb/list.html")) == 1            # the next link back to page 1 is not followed twice
