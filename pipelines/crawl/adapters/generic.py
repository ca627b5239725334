"""Any list page: links whose title looks like an annual report; optional CSS selectors."""
from __future__ import annotations

from .base import Adapter, abs_url, make_link, page_links, soup


class GenericAdapter(Adapter):
    family = "generic"

    async def discover(self, ctx):
        src = ctx.source
        out, seen_pages = [], set()
        url = src.entry_url
        prev_reports: list[str] = []
        for _ in range(ctx.max_pages):
            if not url or url in seen_pages:
                break
            if seen_pages and ctx.can_stop(prev_reports, url):
                break
            seen_pages.add(url)
            res = await ctx.get(url)
            if not res.ok:
                break
            s = soup(res.text())
            base = res.final_url or url
            found = page_links(s, base, link_selector=src.option("link_selector"),
                               container_selector=src.option("list_selector"),
                               match=src.option("match_titles", True))
            prev_reports = [u for u, _, _ in found]
            for u, title, date in found:
                out.append(make_link(src, u, title, url, date))
            nxt = src.option("next_selector")
            url = None
            if nxt:
                a = s.select_one(nxt)
                if a is not None:
                    url = abs_url(base, a.get("href"))
        return out
