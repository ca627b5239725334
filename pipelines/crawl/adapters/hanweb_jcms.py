"""Hanweb JCMS column pages: inline <datastore>, dataproxy.jsp paging (GET page=N / POST
startrecord-endrecord), under /module/jpage/ or /module/web/jpage/."""
from __future__ import annotations

import math
import re
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

from .base import (Adapter, abs_url, anchor_title, lx_anchor_date, lx_anchor_title, lx_fragment,
                   make_link, page_links, soup)
from ..titles import is_report_title

_DATASTORE_RE = re.compile(r"<datastore>(.*?)</datastore>", re.S | re.I)
_RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_NEXT_RE = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
_HREF_RE = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)
_TOTALREC_RE = re.compile(r"<totalrecord>\s*(\d+)", re.I)
_TOTALPAGE_RE = re.compile(r"<totalpage>\s*(\d+)", re.I)
_CFG = {
    "totalRecord": re.compile(r"""totalRecord["']?\s*[:=]\s*["']?(\d+)"""),
    "perPage": re.compile(r"""perPage["']?\s*[:=]\s*["']?(\d+)"""),
    "unitid": re.compile(r"""unitid["']?\s*[:=]\s*["']?(\d+)""", re.I),
    "webid": re.compile(r"""webid["']?\s*[:=]\s*["']?(\d+)""", re.I),
    "columnid": re.compile(r"""columnid["']?\s*[:=]\s*["']?(\d+)""", re.I),
    "webname": re.compile(r"""webname["']?\s*[:=]\s*["']([^"'&]*)""", re.I),
}
_UNIT_DIV_RE = re.compile(r"""<div[^>]+id=["'](\d+)["'][^>]*>\s*<script[^>]+text/xml""", re.I)
_JPAGEFORM_RE = re.compile(r"jpageform_(\d+)")
_PROXY_LITERAL_RE = re.compile(r"""(/[\w/]*?jpage/dataproxy\.jsp)""")
_COL_RE = re.compile(r"/col/col(\d+)/")
_YEAR_COL_RE = re.compile(r"^\s*(?:19|20)\d\d\s*年?度?\s*(?:年报|报告)?\s*$")


def _records(xml: str) -> list[str]:
    m = _DATASTORE_RE.search(xml)
    body = m.group(1) if m else xml
    return _RECORD_RE.findall(body)


def parse_records(xml: str, base_url: str) -> list[tuple[str, str, str | None]]:
    out = []
    for rec in _records(xml):
        s = lx_fragment(rec)
        if s is None:
            continue
        for a in s.iter("a"):
            if a.get("href") is None:
                continue
            url = abs_url(base_url, a.get("href"))
            if not url:
                continue
            title = lx_anchor_title(a)
            out.append((url, title, lx_anchor_date(s, title)))
            break
    return out


def _config(html: str, column_url: str) -> dict:
    cfg = {}
    for k, r in _CFG.items():
        m = r.search(html)
        if m:
            cfg[k] = m.group(1)
    if "unitid" not in cfg:
        m = _UNIT_DIV_RE.search(html) or _JPAGEFORM_RE.search(html)
        if m:
            cfg["unitid"] = m.group(1)
    if "columnid" not in cfg:
        m = _COL_RE.search(column_url)
        if m:
            cfg["columnid"] = m.group(1)
    return cfg


def _with_page(url: str, n: int) -> str:
    p = urlsplit(url)
    q = parse_qs(p.query, keep_blank_values=True)
    q["page"] = [str(n)]
    return urlunsplit((p.scheme, p.netloc, p.path, urlencode(q, doseq=True), ""))


class HanwebJcmsAdapter(Adapter):
    family = "hanweb_jcms"

    async def discover(self, ctx):
        src = ctx.source
        columns = [src.entry_url] + [c for c in (src.option("columns") or [])]
        out, done = [], set()
        i = 0
        while i < len(columns):
            col = columns[i]
            i += 1
            if col in done:
                continue
            done.add(col)
            sub = await self._column(ctx, col, out)
            if src.option("follow_year_subcolumns", True) and i <= 1 + len(src.option("columns") or []):
                columns += [c for c in sub if c not in done]
        return out

    async def _column(self, ctx, column_url: str, out: list) -> list[str]:
        src = ctx.source
        match = src.option("match_titles", True)
        res = await ctx.get(column_url)
        if not res.ok:
            return []
        html = res.text()
        base = res.final_url or column_url
        seen: set[str] = set()

        page_reports: list[str] = []

        def take(items, list_url):
            new = 0
            page_reports.clear()
            for u, title, date in items:
                if match and not is_report_title(title):
                    if u not in seen:
                        seen.add(u)
                        new += 1
                    continue
                page_reports.append(u)
                if u in seen:
                    continue
                seen.add(u)
                new += 1
                out.append(make_link(src, u, title, list_url, date))
            return new

        inline = parse_records(html, base) if "<datastore" in html.lower() else []
        if inline:
            take(inline, column_url)
        else:
            take(page_links(soup(html), base, match=False), column_url)
        # year sub-columns ("2022年度") under the report column
        subcols = []
        for a in soup(html).find_all("a", href=True):
            u = abs_url(base, a.get("href"))
            if u and _COL_RE.search(u) and _YEAR_COL_RE.match(anchor_title(a) or "") and u != column_url:
                subcols.append(u)
        if "<datastore" not in html.lower():
            return subcols

        cfg = _config(html, base)
        nm = _NEXT_RE.search(html)
        next_href = None
        if nm:
            hm = _HREF_RE.search(nm.group(1))
            next_href = hm.group(1).replace("&amp;", "&") if hm else None
        proxy_path = src.option("dataproxy_path") or src.option("dataproxy")
        if not proxy_path:
            if next_href and "dataproxy.jsp" in next_href and next_href.startswith("/"):
                proxy_path = urlsplit(next_href).path
            else:
                m = _PROXY_LITERAL_RE.search(html)
                proxy_path = m.group(1) if m else "/module/jpage/dataproxy.jsp"
        proxy_url = urljoin(base, proxy_path)
        per_page = int(cfg.get("perPage") or src.option("per_page") or 15)
        total = int(cfg["totalRecord"]) if cfg.get("totalRecord") else None
        paging = src.option("paging", "auto")
        if paging == "auto":
            paging = "get" if (next_href and "page=" in next_href) else "post"
        pages = 1
        if total is not None and (total <= len(inline) or total <= per_page):
            return subcols                     # everything was on the first page
        if paging == "get":
            template = urljoin(proxy_url, next_href) if next_href else proxy_url + "?" + urlencode({
                "page": 2, "appid": 1, "webid": cfg.get("webid", ""), "path": "/",
                "columnid": cfg.get("columnid", ""), "unitid": cfg.get("unitid", ""),
                "webname": cfg.get("webname", ""), "permissiontype": 0})
            n = int(parse_qs(urlsplit(template).query).get("page", ["2"])[0])
            total_pages = math.ceil(total / per_page) if total else None
            while pages < ctx.max_pages:
                if total_pages is not None and n > total_pages:
                    break
                url = _with_page(template, n)
                if ctx.can_stop(page_reports, url):
                    break
                r = await ctx.get(url)
                pages += 1
                if not r.ok:
                    break
                xml = r.text()
                tp = _TOTALPAGE_RE.search(xml)
                if tp:
                    total_pages = int(tp.group(1))
                if take(parse_records(xml, base), url) == 0:
                    break
                n += 1
        else:
            group = per_page * int(src.option("screens", 3))
            start = 1
            form = {"col": 1, "appid": 1, "webid": cfg.get("webid", ""), "path": "/",
                    "columnid": cfg.get("columnid", ""), "sourceContentType": src.option("source_content_type", 1),
                    "unitid": cfg.get("unitid", ""), "webname": cfg.get("webname", ""), "permissiontype": 0}
            while pages < ctx.max_pages:
                if total is not None and start > total:
                    break
                url = f"{proxy_url}?startrecord={start}&endrecord={start + group - 1}&perpage={per_page}"
                if ctx.can_stop(page_reports, url):
                    break
                r = await ctx.get(url, method="POST", data=form)
                pages += 1
                if not r.ok:
                    break
                xml = r.text()
                tr = _TOTALREC_RE.search(xml)
                if tr:
                    total = int(tr.group(1))
                if take(parse_records(xml, base), url) == 0:
                    break
                start += group
        return subcols
