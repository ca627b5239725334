"""Lays a corpus out on the simulated hosts, following docs/site-families.md.

``build_sites(corpus, base_urls)`` returns ``{host_name: Site}``; a :class:`Site` answers
requests (method, path, query, form) with a :class:`Resp`.  Ports are only known once the
servers are bound, so this runs after binding (see ``server.DemoServer``).
"""
from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import random
import threading
import time
import zlib
from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qs, quote, urlsplit

from . import prose, render_html
from .model import Corpus, DemoDocument, DemoReport
from .plan import AGENCY_SITES, HOSTS, JPAAS_IGNORE_PAGE_COLUMN, PER_PAGE, REPOST_HOST, TRS_PATH

DATAPROXY_PATHS = ("/module/jpage/dataproxy.jsp", "/module/web/jpage/dataproxy.jsp")
DOWNFILE_PATH = "/module/download/downfile.jsp"
XXGK_PATH = "/module/xxgk/xxgkAnnualReport.jsp"
JPAAS_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"


@dataclass
class Resp:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    cacheable: bool = True            # ETag / Last-Modified / 304 / gzip apply
    stream: object = None             # callable(write) for large bodies; length in stream_len
    stream_len: int = 0
    delay: float = 0.0                # seconds to sleep before answering
    raw_encoding: str | None = None   # Content-Encoding already applied to body (gzip bomb)


def not_found() -> Resp:
    return Resp(404, "<html><body><h1>404 Not Found</h1></body></html>".encode(), cacheable=False)


@dataclass
class ListItem:
    title: str
    path: str                # root-relative path on the list's host (or absolute URL)
    date: str                # YYYY-MM-DD


@dataclass
class TruthEntry:
    agency_id: str
    report_year: int
    format: str
    layout: str
    role: str                # primary | attachment | repost | landing
    host: str
    expect_status: str = "parsed"
    agency_name: str = ""    # the report's true canonical agency, its division, in the catalog or not
    division_code: str | None = None
    catalogued: bool = True

    def __iter__(self):      # allows tuple-unpacking (agency_id, report_year, format, layout)
        return iter((self.agency_id, self.report_year, self.format, self.layout))


def _e(s: str) -> str:
    return escape(s, quote=False)


def _ea(s: str) -> str:
    return escape(s, quote=True)


def _hostport(base: str) -> str:
    return urlsplit(base).netloc


def _trunc(title: str, n: int = 20) -> str:
    return title if len(title) <= n else title[: n - 2] + "…"


# --------------------------------------------------------------------------- the site object

class Site:
    def __init__(self, name: str, base: str, base_urls: dict[str, str]):
        self.name = name
        self.base = base
        self.base_urls = base_urls
        self.plan = HOSTS.get(name)
        self.static: dict[str, Resp] = {}
        self.downloads: dict[str, Resp] = {}            # downfile.jsp filename -> response
        self.xxgk: dict[tuple[str, str], Resp] = {}      # (fbtime, area) -> response
        self.jcms_columns: dict[int, list[ListItem]] = {}
        self.jpaas_columns: dict[int, list[ListItem]] = {}
        self.robots: str | None = None

    # ---- jcms
    def _record(self, i: int, it: ListItem) -> str:
        if it.path.startswith("http"):
            href = it.path
        else:
            v = i % 4
            href = it.path if v < 2 else (self.base + it.path if v == 2 else "//" + _hostport(self.base) + it.path)
        tag = ("span", "i", "b")[i % 3]
        a_attrs = (f'title="{_ea(it.title)}" href="{_ea(href)}" target="_blank"' if i % 2
                   else f'href="{_ea(href)}" title="{_ea(it.title)}" target="_blank"')
        return f"<li><a {a_attrs}>{_e(_trunc(it.title))}</a><{tag}>{it.date}</{tag}></li>"

    def _jcms_nextgroup(self, column: int, page: int) -> str:
        hp = self.plan
        unitid = hp.columns[column][1]
        return (f'<a href="{hp.dataproxy}?page={page}&appid=1&webid={hp.webid}&path=/&columnid={column}'
                f'&unitid={unitid}&webname={quote(hp.site_name)}&permissiontype=0"></a>')

    def jcms_column_page(self, column: int) -> bytes:
        hp = self.plan
        cname, unitid = hp.columns[column]
        items = self.jcms_columns[column]
        total = len(items)
        recs = "\n".join(f"<record><![CDATA[{self._record(i, it)}]]></record>" for i, it in enumerate(items[:PER_PAGE]))
        nextgroup = self._jcms_nextgroup(column, 2) if total > PER_PAGE else ""
        cfg = json.dumps({"totalRecord": total, "perPage": PER_PAGE, "unitid": unitid, "webid": hp.webid,
                          "columnid": column, "openCookies": False, "barPosition": "bottom"})
        html = ("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
                f"<title>{_e(cname)}</title>\n"
                + render_html.meta_tags({"SiteName": hp.site_name, "SiteIDCode": hp.site_code, "ColumnName": cname})
                + "\n</head>\n<body>\n"
                f'<div class="lm-title">{_e(cname)}</div>\n<ul class="lm-list"></ul>\n'
                f'<div id="{unitid}"><script type="text/xml"><datastore>\n'
                f"<nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n<recordset>\n{recs}\n</recordset></datastore></script></div>\n"
                f'<script language="javascript" src="/module/jpage/jpage.js"></script>\n'
                f"<script>var jpageConfig = {cfg};</script>\n</body>\n</html>\n")
        return html.encode("utf-8")

    def dataproxy(self, params: dict[str, str]) -> Resp:
        try:
            column = int(params.get("columnid", "0"))
        except ValueError:
            column = 0
        items = self.jcms_columns.get(column)
        if items is None:
            return Resp(200, b'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>0</totalrecord>'
                        b"<totalpage>0</totalpage><recordset></recordset></datastore>", "text/xml; charset=utf-8")
        total = len(items)
        perpage = int(params.get("perpage") or PER_PAGE)
        npages = (total + perpage - 1) // perpage
        if "startrecord" in params:
            start = max(1, int(params["startrecord"]))
            end = int(params.get("endrecord") or start + perpage - 1)
            page_next = (end // perpage) + 1
        else:
            page = max(1, int(params.get("page") or 1))
            start, end = (page - 1) * perpage + 1, page * perpage
            page_next = page + 1
        sel = items[start - 1:end]
        recs = "".join(f"<record><![CDATA[{self._record(start - 1 + i, it)}]]></record>\n" for i, it in enumerate(sel))
        nextgroup = self._jcms_nextgroup(column, page_next) if page_next <= npages else ""
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore><totalrecord>{total}</totalrecord>'
               f"<totalpage>{npages}</totalpage>\n<nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n"
               f"<recordset>\n{recs}</recordset></datastore>\n")
        return Resp(200, xml.encode("utf-8"), "text/xml; charset=utf-8")

    # ---- jpaas
    def _jpaas_li(self, it: ListItem) -> str:
        return (f'<li class="wb-data-list"><a href="{_ea(it.path)}" title="{_ea(it.title)}" target="_blank">'
                f"{_e(_trunc(it.title, 24))}</a><span class=\"wb-data-date\">{it.date}</span></li>")

    def _jpaas_tpl(self, column: int) -> str:
        return f"{column * 7919 % 100000:05d}a1b2"

    def jpaas_column_page(self, column: int) -> bytes:
        hp = self.plan
        cname = hp.columns[column][0]
        items = self.jpaas_columns[column]
        lis = "\n".join(self._jpaas_li(it) for it in items[:PER_PAGE])
        qd = f"{{'webId':'{hp.webid}','pageId':'{column}','tagId':'信息列表','tplSetId':'{self._jpaas_tpl(column)}'}}"
        html = ("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
                f"<title>{_e(cname)}</title>\n"
                + render_html.meta_tags({"SiteName": hp.site_name, "SiteIDCode": hp.site_code, "ColumnName": cname})
                + "\n</head>\n<body>\n"
                f'<div class="wb-title">{_e(cname)}</div>\n<div class="wb-data-item"><ul>\n{lis}\n</ul></div>\n'
                f'<div class="wb-page" count="{len(items)}" rows="{PER_PAGE}" pageNo="1" queryData="{qd}"></div>\n'
                '<script src="/static/AuthorizedRead/unitbuild.js"></script>\n</body>\n</html>\n')
        return html.encode("utf-8")

    def jpaas_unit(self, params: dict[str, str]) -> Resp:
        try:
            column = int(params.get("pageId", "0"))
            rows = int(params.get("rows") or PER_PAGE)
            page = max(1, int(params.get("pageNo") or 1))
        except ValueError:
            return Resp(200, json.dumps({"success": False, "message": "bad parameters"}).encode(),
                        "application/json;charset=UTF-8")
        items = self.jpaas_columns.get(column)
        if items is None:
            return Resp(200, json.dumps({"success": False, "message": "page not found"}).encode(),
                        "application/json;charset=UTF-8")
        if column == JPAAS_IGNORE_PAGE_COLUMN:
            page = 1                                   # "ignore pageNo" mode
        sel = items[(page - 1) * rows: page * rows]
        html = "".join(self._jpaas_li(it) for it in sel)
        body = json.dumps({"success": True, "data": {"html": html, "count": len(items)}}, ensure_ascii=False)
        return Resp(200, body.encode("utf-8"), "application/json;charset=UTF-8")

    # ---- dispatch
    def handle(self, method: str, path: str, query: str, form: dict[str, str]) -> Resp:
        params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        if path == "/robots.txt":
            return Resp(200, self.robots.encode(), "text/plain; charset=utf-8") if self.robots else not_found()
        if path == DOWNFILE_PATH:
            return self.downloads.get(params.get("filename", ""), not_found())
        if path in DATAPROXY_PATHS and self.jcms_columns:
            return self.dataproxy({**params, **form})
        if path == XXGK_PATH and self.plan and self.plan.family == "hanweb_xxgk_annual":
            key = (params.get("fbtime", ""), params.get("area", ""))
            return self.xxgk.get(key) or self._xxgk_empty(key)
        if path == JPAAS_API and self.jpaas_columns:
            return self.jpaas_unit(params)
        if path in self.static:
            return self.static[path]
        if path.endswith("/") and path + "index.html" in self.static:
            return self.static[path + "index.html"]
        return not_found()

    def _xxgk_empty(self, key) -> Resp:
        hp = self.plan
        meta = {"SiteName": hp.site_name, "SiteIDCode": hp.site_code, "ColumnName": "政府信息公开年报"}
        html = render_html.page_xxgk(title="", meta=meta, content="", decl='<meta charset="utf-8">', pub="")
        return Resp(200, html.encode("utf-8"))


# --------------------------------------------------------------------------- hazards

_BIG_CHUNK = (b"<p>" + "填充内容".encode() * 1000 + b"</p>\n")
_BOMB: bytes | None = None
_BOMB_LOCK = threading.Lock()
BIG_BYTES = 50 * 1024 * 1024
BOMB_DECOMPRESSED = 512 * 1024 * 1024


def gzip_bomb() -> bytes:
    """~0.5 MB of gzip that inflates to 512 MB of zeros (built once, cached)."""
    global _BOMB
    with _BOMB_LOCK:
        if _BOMB is None:
            co = zlib.compressobj(9, zlib.DEFLATED, 31)      # gzip container
            chunk = bytes(1024 * 1024)
            parts = [co.compress(chunk) for _ in range(BOMB_DECOMPRESSED // len(chunk))]
            parts.append(co.flush())
            _BOMB = b"".join(parts)
        return _BOMB


class HazardSite(Site):
    """Crawl hazards, each on its own path (docs/site-families.md, "Encodings and hazards")."""

    PAGES = [
        ("/retry429", "429 then 200"), ("/flaky500", "500 then 200"), ("/slow", "slower than the timeout"),
        ("/loop", "redirect loop"), ("/redirect-offsite", "redirect to a host not allowed"),
        ("/big", "50 MB body"), ("/gzip-bomb", "gzip bomb"), ("/ruishu", "412 $_ts challenge"),
        ("/jsl", "521 challenge"), ("/cookie-loop", "302 to self until a cookie is sent"),
        ("/private/report.html", "disallowed by robots.txt"), ("/enc/gb2312.html", "GBK declared gb2312"),
        ("/enc/gbk-meta.html", "GBK, meta charset only"), ("/enc/bom.html", "UTF-8 BOM, no declaration"),
        ("/enc/utf8.html", "UTF-8 with header"),
    ]

    def __init__(self, name, base, base_urls, slow_default: float = 8.0):
        super().__init__(name, base, base_urls)
        self.counters: dict[str, int] = {}
        self.lock = threading.Lock()
        self.slow_default = slow_default
        self.robots = "User-agent: *\nDisallow: /private/\n"
        lis = "\n".join(f'<li><a href="{p}" title="测试2019年政府信息公开工作年度报告（{_e(d)}）">测试2019年政府信息公开工作年度报告（{_e(d)}）</a></li>'
                        for p, d in self.PAGES)
        self.static["/index.html"] = Resp(200, f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>hazards</title></head>'
                                               f'<body><ul class="list">\n{lis}\n</ul></body></html>'.encode())
        self.static["/"] = self.static["/index.html"]
        text = ("<p>测试页面：联系人朱镕、陈喆。本年度主动公开政府信息12条。</p>")
        page = lambda decl: (f"<!DOCTYPE html><html><head>{decl}<title>编码测试 镕喆</title></head>"  # noqa: E731
                             f"<body><div id=\"zoom\">{text}</div></body></html>")
        self.static["/enc/gb2312.html"] = Resp(200, page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gbk"),
                                               "text/html; charset=gb2312")
        self.static["/enc/gbk-meta.html"] = Resp(200, page('<meta charset="gbk">').encode("gbk"), "text/html")
        self.static["/enc/bom.html"] = Resp(200, page("").encode("utf-8-sig"), "text/html")
        self.static["/enc/utf8.html"] = Resp(200, page('<meta charset="utf-8">').encode("utf-8"))
        self.static["/private/report.html"] = Resp(200, page('<meta charset="utf-8">').encode("utf-8"))

    def _count(self, key: str) -> int:
        with self.lock:
            self.counters[key] = self.counters.get(key, 0) + 1
            return self.counters[key]

    def handle(self, method, path, query, form, cookies: str = "") -> Resp:
        params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        ok = Resp(200, f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>ok</title></head><body><div id="zoom">'
                       f"<p>{_e(path)} 正常内容</p></div></body></html>".encode(), cacheable=False)
        key = path + "?" + query
        if path == "/retry429":
            if self._count(key) % 2 == 1:
                return Resp(429, b"Too Many Requests", "text/plain", [("Retry-After", params.get("after", "1"))], cacheable=False)
            return ok
        if path == "/flaky500":
            if self._count(key) % 2 == 1:
                return Resp(500, b"Internal Server Error", "text/plain", cacheable=False)
            return ok
        if path == "/slow":
            r = Resp(200, ok.body, cacheable=False)
            r.delay = float(params.get("delay", self.slow_default))
            return r
        if path in ("/loop", "/loop2"):
            nxt = "/loop2" if path == "/loop" else "/loop"
            return Resp(302, b"", "text/html", [("Location", nxt)], cacheable=False)
        if path == "/redirect-offsite":
            return Resp(302, b"", "text/html", [("Location", self.base_urls["offsite"] + "/landing.html")], cacheable=False)
        if path == "/big":
            def stream(write):
                sent = 0
                while sent < BIG_BYTES:
                    part = _BIG_CHUNK[: BIG_BYTES - sent]
                    write(part)
                    sent += len(part)
            return Resp(200, b"", "text/html; charset=utf-8", cacheable=False, stream=stream, stream_len=BIG_BYTES)
        if path == "/gzip-bomb":
            return Resp(200, gzip_bomb(), "text/html; charset=utf-8", cacheable=False, raw_encoding="gzip")
        if path == "/ruishu":
            body = ('<!DOCTYPE html><html><head><meta charset="utf-8"><script type="text/javascript">'
                    '$_ts=window[\'$_ts\'];if(!$_ts)$_ts={};$_ts.nsd=84503;$_ts.cd="qEhrrrAlEcGl";</script>'
                    '<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js" r=\'m\'></script>'
                    "</head><body></body></html>")
            return Resp(412, body.encode(), "text/html; charset=utf-8", [("Set-Cookie", "FSSBBIl1UgzbN7N80S=abc; Path=/")], cacheable=False)
        if path == "/jsl":
            body = "<html><script>document.cookie=('_')+('_')+('jsl_clearance_s=1700000000.123|0|abc');location.href=location.pathname+location.search</script></html>"
            return Resp(521, body.encode(), "text/html", cacheable=False)
        if path == "/cookie-loop":
            if "demo_waf=1" in cookies:
                return ok
            return Resp(302, b"", "text/html", [("Location", "/cookie-loop"), ("Set-Cookie", "demo_waf=1; Path=/")], cacheable=False)
        return super().handle(method, path, query, form)


class OffsiteSite(Site):
    def __init__(self, name, base, base_urls):
        super().__init__(name, base, base_urls)
        self.static["/landing.html"] = Resp(200, b'<html><head><meta charset="utf-8"></head><body>offsite</body></html>',
                                            cacheable=False)


# --------------------------------------------------------------------------- building

def _landing_content(rep: DemoReport, doc: DemoDocument, base_urls: dict[str, str]) -> tuple[str, str]:
    """(content html, extra script) of the article page that links a non-HTML report."""
    if doc.host == "oss":
        href = base_urls["oss"] + doc.path
    else:
        href = doc.path
    content = f'<p style="text-align:center;">{_e(rep.title)}</p><p>详见附件。</p>'
    if "landing_pdfurl" in rep.flags:
        script = (f'<script type="text/javascript">var pdfurl = "{doc.path}";</script>\n'
                  f'<iframe src="/module/pdfjs/web/viewer.html?file={quote(doc.path, safe="")}" width="100%" height="800"></iframe>\n')
        return content, script
    link = f'<p>附件：<a href="{_ea(href)}" target="_blank">{_e(doc.filename)}</a></p>'
    return content + link, ""


def _agency_of(corpus: Corpus, aid: str) -> dict:
    for a in corpus.agencies:
        if a["id"] == aid:
            return a
    return {"id": aid, "name": aid, "short_name": aid}


def _wrap(host: str, *, title: str, pub: str, content: str, agency: dict, date, extra: str = "",
          article_id: str = "0") -> bytes:
    hp = HOSTS[host]
    fam = hp.family
    cname = next(iter(hp.columns.values()))[0] if hp.columns else "政府信息公开年报"
    meta = {"SiteName": hp.site_name, "SiteIDCode": hp.site_code, "ColumnName": cname, "ArticleTitle": title,
            "PubDate": pub, "ContentSource": agency.get("short_name", "")}
    decl = '<meta charset="utf-8">'
    if fam == "hanweb_jcms":
        html = render_html.page_jcms(title=title, meta=meta, content=content, decl=decl,
                                     source=agency.get("short_name", ""), publisher=agency.get("name", ""),
                                     index_no=f"{agency.get('org_code') or agency.get('division_code', '')}/{date.year}-{article_id[:6]}",
                                     pub=pub, extra_script=extra)
    elif fam == "hanweb_jpaas":
        html = render_html.page_jpaas(title=title, meta=meta, content=content, decl=decl, pub=pub,
                                      source=agency.get("short_name", ""))
    elif fam == "trs_static":
        meta["publishdate"] = date.isoformat()
        html = render_html.page_trs(title=title, meta=meta, content=content, decl=decl, pub=pub,
                                    source=agency.get("short_name", ""))
    else:
        html = render_html.page_xxgk(title=title, meta=meta, content=content, decl=decl, pub=pub)
    return html.encode("utf-8")


def _download_resp(doc: DemoDocument, disposition: str = "attachment") -> Resp:
    return Resp(200, doc.body, doc.content_type or doc.media_type,
                [("Content-Disposition", f"{disposition}; filename*=UTF-8''{quote(doc.filename)}")])


def _filename_param(path: str) -> str:
    return parse_qs(urlsplit(path).query).get("filename", [""])[0]


NOISE_PER_HOST = {"jxj_jiaxing": 8, "zhoushan_xxgk": 2, "haining_jxj": 3, "cixi_trs": 6}
NOISE_JPAAS = {1229001001: 8, 1229001002: 12}
NOISE_OPEN_WORLD = {"jiangsu_portal": 5, "beijing_portal": 3}


def build_sites(corpus: Corpus, base_urls: dict[str, str], *, slow_default: float = 8.0):
    """Returns ({host: Site}, truth_index {url: TruthEntry})."""
    sites: dict[str, Site] = {}
    for name in HOSTS:
        if name == "hazards":
            sites[name] = HazardSite(name, base_urls[name], base_urls, slow_default)
        elif name == "offsite":
            sites[name] = OffsiteSite(name, base_urls[name], base_urls)
        else:
            sites[name] = Site(name, base_urls[name], base_urls)
    for name, hp in HOSTS.items():
        if hp.family == "hanweb_jcms":
            for col in hp.columns:
                sites[name].jcms_columns[col] = []
        elif hp.family == "hanweb_jpaas":
            for col in hp.columns:
                sites[name].jpaas_columns[col] = []
    trs_items: dict[str, list[ListItem]] = {n: [] for n, h in HOSTS.items() if h.family == "trs_static"}
    truth: dict[str, TruthEntry] = {}
    rng = random.Random(f"sites:{corpus.seed}")

    def add_list(host: str, column, item: ListItem) -> None:
        fam = HOSTS[host].family
        if fam == "hanweb_jcms":
            sites[host].jcms_columns[column].append(item)
        elif fam == "hanweb_jpaas":
            sites[host].jpaas_columns[column].append(item)
            if column != 1229001002:
                sites[host].jpaas_columns[1229001002].append(item)
        elif fam == "trs_static":
            trs_items[host].append(ListItem(item.title, "." + item.path[len(TRS_PATH):], item.date))

    def entry(rep: DemoReport, fmt: str, layout: str, role: str, host: str, status: str) -> TruthEntry:
        return TruthEntry(rep.agency_id, rep.report_year, fmt, layout, role, host, status,
                          rep.agency_name, rep.division_code, rep.catalogued)

    def serve_doc(rep: DemoReport, doc: DemoDocument) -> None:
        if doc.format == "html":
            resp = Resp(200, doc.body, doc.content_type)
            if doc.path.startswith(XXGK_PATH):
                q = parse_qs(urlsplit(doc.path).query)
                sites[doc.host].xxgk[(q["fbtime"][0], q["area"][0])] = resp
            else:
                sites[doc.host].static[doc.path] = resp
            urls = [base_urls[doc.host] + doc.path]
        elif doc.host == "oss":
            sites["oss"].static[doc.path] = _download_resp(doc, "inline")
            urls = [base_urls["oss"] + doc.path]
        elif doc.oss_path:                                # downfile.jsp 302 → OSS
            sites["oss"].static[doc.oss_path] = _download_resp(doc, "inline")
            sites[doc.host].downloads[_filename_param(doc.path)] = Resp(
                302, b"", "text/html", [("Location", base_urls["oss"] + doc.oss_path)], cacheable=False)
            urls = [base_urls[doc.host] + doc.path, base_urls["oss"] + doc.oss_path]
        elif not doc.path.startswith(DOWNFILE_PATH):       # a static file next to its article (TRS)
            sites[doc.host].static[doc.path] = _download_resp(doc, "inline")
            urls = [base_urls[doc.host] + doc.path]
        else:
            sites[doc.host].downloads[_filename_param(doc.path)] = _download_resp(doc)
            urls = [base_urls[doc.host] + doc.path]
        doc.urls = urls
        for u in urls:
            truth[u] = entry(rep, doc.format, doc.layout, doc.role, doc.host, doc.expect_status)

    for rep in (*corpus.reports, *corpus.copies):      # copies: the text archive (copies.py)
        agency = _agency_of(corpus, rep.agency_id)
        host = rep.host
        column = AGENCY_SITES.get(rep.agency_id, (host, None))[1]
        if rep.agency_id.startswith("bench_") or column is None and HOSTS[host].family in ("hanweb_jcms", "hanweb_jpaas"):
            column = next(iter(HOSTS[host].columns), None)
        date = rep.published_on.isoformat()
        for doc in rep.documents:
            serve_doc(rep, doc)
            if doc.role == "repost":
                rdate = (rep.published_on + dt.timedelta(days=1)).isoformat()
                add_list(doc.host, REPOST_HOST[1], ListItem(rep.title, doc.path, rdate))
        prim = rep.primary
        landing_doc = next((d for d in rep.documents if d.role == "landing"), None)   # open world: served above
        if rep.landing_path is not None and landing_doc is None:
            if HOSTS[host].family == "hanweb_xxgk_annual":
                content, extra = _landing_content(rep, prim, base_urls)
                q = parse_qs(urlsplit(rep.landing_path).query)
                hp = HOSTS[host]
                meta = {"SiteName": hp.site_name, "SiteIDCode": hp.site_code, "ColumnName": "政府信息公开年报",
                        "ArticleTitle": rep.title, "PubDate": rep._pubtime if hasattr(rep, "_pubtime") else date,
                        "ContentSource": agency.get("short_name", "")}
                html = render_html.page_xxgk(title=rep.title, meta=meta, content=content, decl='<meta charset="utf-8">',
                                             pub=date)
                sites[host].xxgk[(q["fbtime"][0], q["area"][0])] = Resp(200, html.encode("utf-8"))
            else:
                content, extra = _landing_content(rep, prim, base_urls)
                body = _wrap(host, title=rep.title, pub=getattr(rep, "_pubtime", date), content=content,
                             agency=agency, date=rep.published_on, extra=extra, article_id=rep.article_id)
                sites[host].static[rep.landing_path] = Resp(200, body)
            url = base_urls[host] + rep.landing_path
            truth[url] = entry(rep, "html", "landing", "landing", host, "no_tables")
        list_path = prim.path if rep.landing_path is None else rep.landing_path
        if HOSTS[host].family != "hanweb_xxgk_annual":
            add_list(host, column, ListItem(rep.landing_title or rep.title, list_path, date))
        rep.urls = [u for d in rep.documents if d is not landing_doc for u in d.urls]
        if rep.landing_path is not None:      # the landing page first
            rep.urls.insert(0, base_urls[host] + rep.landing_path)

    # non-report articles that share the columns
    def noise(host: str, column, n: int) -> None:
        agency = {"name": HOSTS[host].site_name, "short_name": HOSTS[host].site_name,
                  "division_code": HOSTS[host].division_code or "330000"}
        fam = HOSTS[host].family
        for _i in range(n):
            d = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3200))
            title = prose.notice_title(rng, d.year)
            aid = str(2000000 + rng.randrange(7000000))
            if fam == "hanweb_jcms":
                path = f"/art/{d.year}/{d.month}/{d.day}/art_{column}_{aid}.html"
            elif fam == "hanweb_jpaas":
                path = f"/col/col{column}/art/{d.year}/art_{rng.getrandbits(128):032x}.html"
            else:
                path = f"{TRS_PATH}/{d.year}{d.month:02d}/t{d.year}{d.month:02d}{d.day:02d}_{aid}.html"
            content = "".join(f"<p>{_e(p)}</p>" for p in prose.notice_body(rng))
            sites[host].static[path] = Resp(200, _wrap(host, title=title, pub=f"{d.isoformat()} 10:00", content=content,
                                                       agency=agency, date=d, article_id=aid))
            item = ListItem(title, path, d.isoformat())
            if fam == "hanweb_jcms":
                sites[host].jcms_columns[column].append(item)
            elif fam == "hanweb_jpaas":
                sites[host].jpaas_columns[column].append(item)
            else:
                trs_items[host].append(ListItem(title, "." + path[len(TRS_PATH):], d.isoformat()))

    for host, n in NOISE_PER_HOST.items():
        for col in (HOSTS[host].columns or {None: None}):
            noise(host, col, n)
    for col, n in NOISE_JPAAS.items():
        noise("nb_jxj", col, n)
    rng = random.Random(f"sites-open-world:{corpus.seed}")   # after the catalog hosts' noise: theirs unchanged
    for host, n in NOISE_OPEN_WORLD.items():
        for col in (HOSTS[host].columns or {None: None}):
            noise(host, col, n)

    # column / list pages
    for name, site in sites.items():
        for col, items in site.jcms_columns.items():
            items.sort(key=lambda it: (it.date, it.path), reverse=True)
            site.static[f"/col/col{col}/index.html"] = Resp(200, site.jcms_column_page(col))
        for col, items in site.jpaas_columns.items():
            items.sort(key=lambda it: (it.date, it.path), reverse=True)
            site.static[f"/col/col{col}/index.html"] = Resp(200, site.jpaas_column_page(col))
    for host, items in trs_items.items():
        items.sort(key=lambda it: (it.date, it.title), reverse=True)
        _trs_pages(sites[host], items)
    for name, site in sites.items():
        if name not in ("hazards", "offsite", "oss") and "/" not in site.static:
            site.static["/"] = Resp(200, _home(name, site))
            site.static["/index.html"] = site.static["/"]
    return sites, truth


def _trs_pages(site: Site, items: list[ListItem]) -> None:
    hp = site.plan
    n = max(1, (len(items) + PER_PAGE - 1) // PER_PAGE)
    for p in range(n):
        sel = items[p * PER_PAGE:(p + 1) * PER_PAGE]
        lis = "\n".join(f'<li><a href="{_ea(it.path)}" title="{_ea(it.title)}" target="_blank">{_e(_trunc(it.title, 22))}</a>'
                        f"<span>{it.date}</span></li>" for it in sel)
        html = ("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>政府信息公开年报</title>\n"
                + render_html.meta_tags({"SiteName": hp.site_name, "SiteIDCode": hp.site_code, "ColumnName": "政府信息公开年报"})
                + f'\n</head>\n<body>\n<ul class="list">\n{lis}\n</ul>\n<div class="page">'
                f'<script type="text/javascript">createPageHTML({n}, {p}, "index", "html");</script></div>\n</body>\n</html>\n')
        fn = "index.html" if p == 0 else f"index_{p}.html"
        site.static[f"{TRS_PATH}/{fn}"] = Resp(200, html.encode("utf-8"))


def _home(name: str, site: Site) -> bytes:
    hp = HOSTS[name]
    links = [f"/col/col{c}/index.html" for c in list(site.jcms_columns) + list(site.jpaas_columns)]
    if hp.family == "trs_static":
        links.append(f"{TRS_PATH}/index.html")
    lis = "".join(f'<li><a href="{p}">{p}</a></li>' for p in links)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{_e(hp.site_name)}</title></head>'
            f"<body><h1>{_e(hp.site_name)}</h1><ul>{lis}</ul></body></html>").encode("utf-8")


def gzip_body(body: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
        f.write(body)
    return buf.getvalue()


def sleep(seconds: float) -> None:
    time.sleep(seconds)
