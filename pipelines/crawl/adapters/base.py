"""Adapter protocol and helpers shared by the site families."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

import lxml.html
from bs4 import BeautifulSoup
from lxml import etree

from ...archive import LinkRecord
from ..titles import clean_title, is_report_title, year_hint

ATTACHMENT_EXTS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".ofd", ".txt", ".md", ".zip", ".rar")
_DATE_RE = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
# ``var pdfurl = "…"`` viewers (the ``var`` is not matched: an optional prefix made the scan of
# every article page five times slower and captures the same URLs)
_PDFURL_RE = re.compile(r"""pdf_?url\s*=\s*["']([^"']+)["']""", re.I)


@dataclass
class Discovered:
    link: LinkRecord
    response: object | None = None   # a FetchResult when discovery already fetched the document


def norm_date(s: str | None) -> str | None:
    if not s:
        return None
    m = _DATE_RE.search(s)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def abs_url(base: str, href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip().replace("&amp;", "&")
    if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
        return None
    u = urljoin(base, href)
    if not u.startswith(("http://", "https://", "file://")):
        return None
    return u.split("#", 1)[0]


def anchor_title(a) -> str:
    t = a.get("title")
    if t and t.strip():
        return clean_title(t)
    return clean_title(a.get_text(" ", strip=True))


def anchor_date(node, title: str = "") -> str | None:
    """A date in <span>/<i>/<b>/<em>/<td> near the anchor, else anywhere in the node's text."""
    for tag in node.find_all(["span", "i", "b", "em", "td", "font", "div"]):
        d = norm_date(tag.get_text(" ", strip=True))
        if d and tag.get_text(strip=True) not in title:
            return d
    txt = node.get_text(" ", strip=True)
    if title:
        txt = txt.replace(title, " ")
    return norm_date(txt)


# the same two helpers on lxml elements, for listings parsed with lxml (hanweb_jcms records: one
# small fragment each, where a BeautifulSoup per fragment cost more than the crawl's HTTP)
_DATE_TAGS = ("span", "i", "b", "em", "td", "font", "div")


def lx_text(el) -> str:
    """As bs4's ``get_text(" ", strip=True)``."""
    return " ".join(t.strip() for t in el.itertext() if t.strip())


def lx_anchor_title(a) -> str:
    t = a.get("title")
    if t and t.strip():
        return clean_title(t)
    return clean_title(lx_text(a))


def lx_anchor_date(node, title: str = "") -> str | None:
    """anchor_date on an lxml element."""
    for tag in node.iter(*_DATE_TAGS):
        if tag is node:
            continue
        d = norm_date(lx_text(tag))
        if d and "".join(t.strip() for t in tag.itertext() if t.strip()) not in title:
            return d
    txt = lx_text(node)
    if title:
        txt = txt.replace(title, " ")
    return norm_date(txt)


def lx_fragment(html: str):
    """An lxml element holding the fragment (None when there is nothing to parse)."""
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return None


def page_links(html_or_soup, base_url: str, *, link_selector: str | None = None,
               container_selector: str | None = None, match: bool = True) -> list[tuple[str, str, str | None]]:
    """(url, title, listed_on) of anchors whose title looks like an annual report."""
    s = soup(html_or_soup) if isinstance(html_or_soup, str) else html_or_soup
    roots = s.select(container_selector) if container_selector else [s]
    out, seen = [], set()
    for root in roots:
        anchors = root.select(link_selector) if link_selector else root.find_all("a", href=True)
        for a in anchors:
            url = abs_url(base_url, a.get("href"))
            if not url or url in seen:
                continue
            title = anchor_title(a)
            if match and not is_report_title(title):
                continue
            seen.add(url)
            holder = a.find_parent(["li", "tr", "dd", "p"]) or a.parent
            out.append((url, title, anchor_date(holder, title) if holder is not None else None))
    return out


def make_link(source, url: str, title: str | None, list_url: str | None, listed_on: str | None = None,
              agency_id: str | None = None, year: int | None = None) -> Discovered:
    return Discovered(LinkRecord(source_id=source.id, url=url, agency_id=agency_id or source.agency,
                                 list_url=list_url, link_title=title, listed_on=norm_date(listed_on),
                                 year_hint=year if year is not None else year_hint(title)))


def is_attachment_url(url: str) -> bool:
    p = urlsplit(url)
    path = p.path.lower()
    if path.endswith(ATTACHMENT_EXTS):
        return True
    if "downfile" in path or "download" in path:
        q = parse_qs(p.query)
        for key in ("filename", "showname", "file", "fileName"):
            for v in q.get(key, []):
                if v.lower().endswith(ATTACHMENT_EXTS):
                    return True
        return "downfile" in path
    q = parse_qs(p.query)
    for key in ("file", "filename"):
        for v in q.get(key, []):
            if v.lower().split("?")[0].endswith(ATTACHMENT_EXTS):
                return True
    return False


def _tree(html: str):
    """A fast lxml tree for article pages (the text is already decoded)."""
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "replace"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return None


def _text(el) -> str:
    return clean_title(el.text_content()) if el is not None else ""


def _attachments_from_tree(tree, html: str, base_url: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(u: str | None, text: str) -> None:
        if u and u not in seen and u != base_url:
            seen.add(u)
            out.append((u, text))

    if tree is not None:
        for el in tree.iter("a", "iframe", "embed", "object"):
            if el.tag == "a":
                u = abs_url(base_url, el.get("href"))
                if u and is_attachment_url(u):
                    add(u, clean_title(el.get("title") or "") or _text(el))
                continue
            u = abs_url(base_url, el.get("src") or el.get("data"))
            if not u:
                continue
            q = parse_qs(urlsplit(u).query)
            inner = (q.get("file") or q.get("url") or [None])[0]
            if inner and inner.lower().split("?")[0].endswith(ATTACHMENT_EXTS):
                add(abs_url(u, inner), "")
            elif is_attachment_url(u):
                add(u, "")
    for m in _PDFURL_RE.finditer(html):
        add(abs_url(base_url, m.group(1)), "")
    return out


def _meta_from_tree(tree) -> dict:
    meta: dict[str, str] = {}
    title = pub = None
    if tree is not None:
        for m in tree.iter("meta"):
            name = (m.get("name") or "").strip().lower()
            if name and m.get("content") is not None:
                meta.setdefault(name, m.get("content").strip())
        title = meta.get("articletitle")
        if not title:
            t = tree.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' title ')]") or tree.xpath("//title")
            title = (_text(t[0]) or None) if t else None
        pub = norm_date(meta.get("pubdate") or meta.get("publishdate") or meta.get("firstpublishedtime"))
        if not pub:
            f = tree.xpath("//*[contains(@class, 'fbsj')]")
            if f:
                pub = norm_date(_text(f[0]))
    return {"title": title, "published_on": pub, "content_source": meta.get("contentsource"),
            "site_name": meta.get("sitename")}


def attachment_links(html: str, base_url: str) -> list[tuple[str, str]]:
    """(url, anchor text) of attachments: anchors/iframes/embeds to PDF/DOC/DOCX/XLS/WPS,
    downfile.jsp links, ``var pdfurl = "…"`` viewers and ``?file=`` viewer parameters."""
    return _attachments_from_tree(_tree(html), html, base_url)


def article_meta(html: str) -> dict:
    """Standard government meta tags (ArticleTitle, PubDate, ContentSource …) + xxgk/TRS variants."""
    return _meta_from_tree(_tree(html))


def article_info(html: str, base_url: str) -> tuple[dict, list[tuple[str, str]]]:
    """(meta, attachments) from one parse."""
    tree = _tree(html)
    return _meta_from_tree(tree), _attachments_from_tree(tree, html, base_url)


class Adapter:
    family = ""

    async def discover(self, ctx) -> list[Discovered]:
        raise NotImplementedError

    def article(self, html: str, base_url: str) -> tuple[dict, list[tuple[str, str]]]:
        """(meta, attachments) of an article page; families may override."""
        return article_info(html, base_url)
