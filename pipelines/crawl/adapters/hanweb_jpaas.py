"""Hanweb JPaas column pages: server-rendered first page + build/unit JSON API paging."""
from __future__ import annotations

import json
import math
import re
from urllib.parse import urlencode, urljoin

from .base import Adapter, make_link, page_links, soup, abs_url, anchor_title, anchor_date
from ..titles import is_report_title

_QD_RE = re.compile(r"""['"]?(\w+)['"]?\s*:\s*['"]([^'"]*)['"]""")
API_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"


def _items(html_or_soup, base_url):
    s = soup(html_or_soup) if isinstance(html_or_soup, str) else html_or_soup
    lis = s.select("li.wb-data-list")
    out = []
    for li in lis:
        a = li.find("a", href=True)
        u = abs_url(base_url, a.get("href")) if a else None
        if not u:
            continue
        title = anchor_title(a)
        d = li.select_one(".wb-data-date")
        out.append((u, title, (d.get_text(strip=True) if d else None) or anchor_date(li, title)))
    return out


class HanwebJpaasAdapter(Adapter):
    family = "hanweb_jpaas"

    async def discover(self, ctx):
        src = ctx.source
        match = src.option("match_titles", True)
        res = await ctx.get(src.entry_url)
        if not res.ok:
            return []
        base = res.final_url or src.entry_url
        s = soup(res.text())
        out, seen = [], set()

        page_reports: list[str] = []

        def take(items, list_url):
            page_reports.clear()
            for u, title, date in items:
                if match and not is_report_title(title):
                    seen.add(u)
                    continue
                page_reports.append(u)
                if u in seen:
                    continue
                seen.add(u)
                out.append(make_link(src, u, title, list_url, date))

        first = _items(s, base) or page_links(s, base, match=False)
        take(first, src.entry_url)
        pager = s.select_one(".wb-page")
        if pager is None:
            return out
        qd = dict(_QD_RE.findall(pager.get("querydata") or ""))
        rows = int(pager.get("rows") or 15)
        count = int(pager.get("count") or 0)
        total_pages = math.ceil(count / rows) if count else ctx.max_pages
        prev_urls = [u for u, _, _ in first]
        for n in range(2, min(total_pages, ctx.max_pages) + 1):
            params = {"parseType": "bulidstatic", "webId": qd.get("webId", ""), "pageId": qd.get("pageId", ""),
                      "tagId": qd.get("tagId", ""), "tplSetId": qd.get("tplSetId", ""),
                      "pageType": "column", "rows": rows, "pageNo": n}
            api = urljoin(base, src.option("api_path", API_PATH)) + "?" + urlencode(params)
            if ctx.can_stop(page_reports, api):
                break
            r = await ctx.get(api)
            if not r.ok:
                break
            try:
                payload = json.loads(r.text())
                html = (payload.get("data") or {}).get("html") or ""
            except (ValueError, AttributeError):
                break
            items = _items(html, base)
            urls = [u for u, _, _ in items]
            if not urls or urls == prev_urls or all(u in seen for u in urls):
                break      # empty, or the site ignores pageNo and repeats page 1
            take(items, api)
            prev_urls = urls
        return out
