"""TRS WCM static lists: index.html, index_1.html … driven by createPageHTML(total, current, …)."""
from __future__ import annotations

import re

from .base import Adapter, make_link, page_links, soup

_CREATE_RE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([^\"']+)[\"']\s*,\s*[\"']([^\"']+)[\"']")


class TrsStaticAdapter(Adapter):
    family = "trs_static"

    async def discover(self, ctx):
        src = ctx.source
        entry = src.entry_url
        base_dir = entry if entry.endswith("/") else entry.rsplit("/", 1)[0] + "/"
        out, page_no, url, total = [], 0, entry, None
        prev_reports: list[str] = []
        while url and page_no < ctx.max_pages:
            if page_no and ctx.can_stop(prev_reports, url):
                break
            res = await ctx.get(url)
            if not res.ok:
                break
            html = res.text()
            s = soup(html)
            links = page_links(s, res.final_url or url, link_selector=src.option("link_selector"),
                               container_selector=src.option("list_selector"),
                               match=src.option("match_titles", True))
            if not links and src.option("list_selector") is None:
                links = page_links(s, res.final_url or url)
            prev_reports = [u for u, _, _ in links]
            for u, title, date in links:
                out.append(make_link(src, u, title, url, date))
            m = _CREATE_RE.search(html)
            if not m:
                break
            total, current, stem, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
            nxt = current + 1
            if nxt >= total:
                break
            url = f"{base_dir}{stem}_{nxt}.{ext}"
            page_no += 1
        return out
