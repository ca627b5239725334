"""Hanweb xxgk annual-report endpoint: one page per (agency org code, report year)."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode, urlsplit

from .base import Adapter, Discovered, make_link, norm_date, soup
from ..titles import clean_title

DEFAULT_PATH = "/module/xxgk/xxgkAnnualReport.jsp"


def report_on_page(html: str) -> tuple[str | None, str | None] | None:
    """(title, published_on) when the page holds a report; None for the empty frame / 暂无年报."""
    s = soup(html)
    zoom = s.select_one("#zoom")
    body_text = zoom.get_text("", strip=True) if zoom is not None else ""
    has_files = zoom is not None and zoom.find(["a", "img", "table", "iframe", "embed"]) is not None
    if "暂无年报" in s.get_text("", strip=True) and len(body_text) < 20:
        return None
    if not body_text and not has_files:
        return None
    t = s.select_one("div.title") or s.find("h1") or s.find("title")
    f = s.select_one(".fbsj")
    return (clean_title(t.get_text(" ", strip=True)) if t else None,
            norm_date(f.get_text(" ", strip=True)) if f else None)


class HanwebXxgkAnnualAdapter(Adapter):
    family = "hanweb_xxgk_annual"

    def targets(self, ctx) -> list[tuple[str, str]]:
        src = ctx.source
        areas: dict[str, str] = {}
        for aid, code in (src.option("areas") or {}).items():
            areas[aid] = str(code)
        for aid in src.option("agencies") or []:
            a = ctx.registry.agency(aid)
            if a and a.org_code:
                areas.setdefault(aid, a.org_code)
        if not areas and src.agency:
            a = ctx.registry.agency(src.agency)
            if a and a.org_code:
                areas[a.id] = a.org_code
        return list(areas.items())

    def years(self, ctx) -> list[int]:
        ys = ctx.source.option("years")
        last_default = date.today().year - 1
        if isinstance(ys, (list, tuple)) and ys:
            first = int(ys[0])
            last = int(ys[1]) if len(ys) > 1 and ys[1] is not None else last_default
        else:
            first, last = last_default - 7, last_default
        return list(range(last, first - 1, -1))

    async def discover(self, ctx):
        src = ctx.source
        p = urlsplit(src.entry_url)
        path = p.path if p.path.endswith(".jsp") else src.option("path", DEFAULT_PATH)
        root = f"{p.scheme}://{p.netloc}"
        out: list[Discovered] = []
        n = 0
        for agency_id, code in self.targets(ctx):
            for year in self.years(ctx):
                if n >= ctx.max_pages:
                    return out
                n += 1
                url = f"{root}{path}?{urlencode({'fbtime': year, 'area': code})}"
                if ctx.archived(url):
                    d = make_link(src, url, None, src.entry_url, None, agency_id, year)
                    out.append(d)
                    continue
                res = await ctx.get(url)
                if not res.ok:
                    continue
                found = report_on_page(res.text())
                if found is None:
                    continue                      # no report that year: not an error
                title, published = found
                d = make_link(src, url, title, src.entry_url, published, agency_id, year)
                d.response = res
                out.append(d)
        return out
