"""HTML: the content container without page chrome, tables as span-expanded grids (lxml only)."""
from __future__ import annotations

import html as _html
import re
from functools import partial
from typing import Final

from lxml import etree

from ..grid import expand
from ..model import TABLE_MARK, Document, StreamBuilder

try:  # the container, the tables and the block text read in C; built by `make` with the compiled parser
    from . import _html_walk  # type: ignore[attr-defined]  # an extension module: no .py
except ImportError:  # pure Python: the same results from _best_container, _grid and _block_text below
    _html_walk = None

_SKIP: Final = ("script", "style", "noscript", "template", "iframe", "object", "embed", "select", "button",
         "textarea", "nav", "svg", "map")
# Hanweb marks the article body with <!--ContentStart--> … <!--ContentEnd--> (or <meta name="ContentStart">)
_MARK_START: Final = re.compile(r"<!--.{0,40}?ContentStart.{0,40}?-->|<meta\s+name=[\"']?ContentStart[^>]*>", re.I | re.S)
_MARK_END: Final = re.compile(r"<!--.{0,40}?ContentEnd.{0,40}?-->|<meta\s+name=[\"']?ContentEnd[^>]*>", re.I | re.S)
_META: Final = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR: Final = re.compile(r"""([a-zA-Z\-:]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_TITLE: Final = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_PUBLISHED: Final = re.compile(
    r"(?:发布时间|发布日期|公开日期|发表时间|发文时间)\s*[:：]?\s*(?:<[^>]{0,200}>\s*|&nbsp;|\s)*"
    r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
)
_XML_DECL: Final = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_SPACES: Final = re.compile(r"\s+")
_TAGS: Final = re.compile(r"<[^>]+>")
_CONTENT_IDS: Final = {"zoom": 0, "UCAP-CONTENT": 4, "ucap-content": 4, "content": 6, "Content": 6}
_CONTENT_CLASSES: Final = (("TRS_Editor", 1), ("article-content", 2), ("article_content", 2), ("WordSection", 5),
                    ("content", 7))
_PARSERS: Final[dict[str, etree.HTMLParser]] = {}


_META_KEYS: Final = {"articletitle": "title", "pubdate": "published", "publishdate": "published",
              "firstpublishedtime": "published", "publishtime": "published", "dc.date": "published",
              "article:published_time": "published", "contentsource": "source",
              "sitename": "site", "columnname": "column", "author": "publisher", "publisher": "publisher"}
# xxgk-style labelled fields (发布机构：… 信息来源：…) say who published the page; the value is read
# after the label, past tags and CMS comments, up to the next tag or space
_LABEL_VALUE: Final = re.compile(r"\s*[:：]\s*(?:<!--.*?-->|<[^>]{0,200}>|&nbsp;|\s)*([^<>\s\u3000：:|&]{2,40})", re.S)
_SOURCE_LABELS: Final = ("信息", "文章")  # 信息来源, 文章来源; a bare 来源 only at a word start (not 数据来源)
_CJK_BEFORE: Final = re.compile(r"[\u4e00-\u9fa5]")
_BLOCK_TAGS: Final = ("p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "section",
               "article", "blockquote", "dd", "dt", "center", "ul", "ol", "pre", "header", "footer",
               "form", "caption", "hr", "td", "th")
_BLOCK_TAGS_NO_BR: Final = tuple(t for t in _BLOCK_TAGS if t != "br")
_SEP: Final = "\ue001"  # block boundary marker (source line breaks are only spaces in HTML)
_PAD: Final = " \u3000\xa0\r\n\x0b\x0c"  # what StreamBuilder.line() strips from running text
if _html_walk is not None:  # the C walks take their tag list and markers from here
    _html_walk.configure(_BLOCK_TAGS_NO_BR, _SEP, TABLE_MARK)
_walk = _html_walk.walk if _html_walk is not None else None
_container_c = _html_walk.container if _html_walk is not None else None
_UNMODELLED = _html_walk.UNMODELLED if _html_walk is not None else object()


def _meta(text: str) -> dict:
    head_end = text.find("</head")
    head = text[: head_end if head_end > 0 else 30000]
    out: dict = {}
    for tag in _META.findall(head):
        attrs = {k.lower(): (a or b or c) for k, a, b, c in _ATTR.findall(tag)}
        key = (attrs.get("name") or attrs.get("property") or attrs.get("http-equiv") or "").lower()
        field = _META_KEYS.get(key)
        if field and attrs.get("content") and field not in out:
            out[field] = _html.unescape(attrs["content"]).strip()
    m = _TITLE.search(head)
    if m:
        out["page_title"] = _SPACES.sub(" ", _html.unescape(_TAGS.sub("", m.group(1)))).strip()
    if "published" not in out:
        m = _PUBLISHED.search(text)
        if m:
            out["published"] = "%s-%s-%s" % m.groups()
    value = _labelled(text, "发布机构", None)
    if value:
        out["publisher"] = value
    if "source" not in out:
        value = _labelled(text, "来源", _SOURCE_LABELS)
        if value:
            out["source"] = value
    return out


def _labelled(text: str, label: str, words: tuple[str, ...] | None) -> str | None:
    """The value of a labelled field of the page (发布机构：<td>苏州市生态环境局</td>). A label inside
    a word is none (数据来源) unless the word is one of `words` (信息来源). One str.find per label:
    a regex search over the whole page costs several times more."""
    start = 0
    for _ in range(8):
        k = text.find(label, start)
        if k < 0:
            return None
        start = k + len(label)
        if k and _CJK_BEFORE.match(text, k - 1) and not (words and k >= 2 and text.startswith(words, k - 2)):
            continue
        m = _LABEL_VALUE.match(text, start)
        if m:
            return _html.unescape(m.group(1)).strip()
    return None


# C-level text serialisation of a cell: <br> contributes nothing (本年新<br>制作数量 → 本年新制作数量);
# a partial, not a def: no Python frame per cell
_cell_text: Final = partial(etree.tostring, method="text", encoding=str, with_tail=False)


def _parser(encoding: str | None) -> etree.HTMLParser:
    p = _PARSERS.get(encoding or "")
    if p is None:
        p = _PARSERS[encoding or ""] = etree.HTMLParser(
            encoding=encoding, remove_comments=True, remove_pis=True, no_network=True)
    return p


def _grid(t) -> list[list]:
    """Rows of an innermost table (the caller skips tables that contain tables); a row without
    spans is a list of texts, else of (text, rowspan, colspan) (grid.expand takes both)."""
    rows = []
    for tr in t.iter("tr"):
        cells: list = []
        spans: list[tuple[object, object]] | None = None  # (rowspan, colspan) of each cell, from the first with either
        for td in tr:
            tag = td.tag
            if tag != "td" and tag != "th":
                continue
            if len(td):
                text = _cell_text(td).replace("\n", "").replace("\r", "")
            else:  # the common case: a cell with nothing but text
                text = td.text or ""
                if "\n" in text:
                    text = text.replace("\n", "").replace("\r", "")
            # keys() once is cheaper than two get()s, and most cells span nothing
            names = td.keys()
            if names and ("rowspan" in names or "colspan" in names):
                if spans is None:
                    spans = [(None, None)] * len(cells)
                spans.append((td.get("rowspan") if "rowspan" in names else None,
                              td.get("colspan") if "colspan" in names else None))
            elif spans is not None:
                spans.append((None, None))
            cells.append(text)
        if cells:
            rows.append(cells if spans is None else [(x, rs, cs) for x, (rs, cs) in zip(cells, spans)])
    return expand(rows)


def _container(root):
    """The element holding the report (Hanweb #zoom, TRS .TRS_Editor, .article-content, Word
    .WordSection1 …), else <body>: one pass over the <div>s, best-known marker first."""
    best = _container_c(root, _CONTENT_IDS, _CONTENT_CLASSES) if _container_c is not None else _UNMODELLED
    if best is _UNMODELLED:
        best = _best_container(root)
    if best is not None:
        return best
    body = next(root.iterchildren("body"), None)
    return body if body is not None else root


def _best_container(root):
    """_container's pass in Python (readers/_html_walk.pyx does the same in C)."""
    best, rank = None, 99
    for el in root.iter("div", "td", "section", "article"):
        i = _CONTENT_IDS.get(el.get("id") or "")
        if i is not None and i < rank and (len(el) or (el.text or "").strip()):
            best, rank = el, i
            if i == 0:
                break
        cls = el.get("class")
        if cls:
            for name, j in _CONTENT_CLASSES:
                if j < rank and name in cls and (name != "content" or cls.split() == ["content"]):
                    if len(el) or (el.text or "").strip():
                        best, rank = el, j
                    break
    return best


def read_html(text: str, data: bytes | None = None, encoding: str | None = None) -> Document:
    """text: the decoded page; data/encoding (optional): the same bytes, parsed directly (faster)."""
    doc = Document(fmt="html")
    doc.meta = _meta(text)
    start = _MARK_START.search(text)
    end = _MARK_END.search(text, start.end()) if start else None
    try:
        if start and end:
            root = etree.fromstring("<div>" + text[start.end(): end.start()] + "</div>", _parser(None))
        elif data is not None and encoding and encoding.replace("-", "").lower() in ("utf8", "gb18030", "big5"):
            root = etree.fromstring(data, _parser(encoding))
        else:
            src = _XML_DECL.sub("", text).replace("\x00", "")
            if not src.strip():
                return doc
            root = etree.fromstring(src, _parser(None))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return doc
    if root is None:
        return doc
    if start and end:
        body = next(root.iterchildren("body"), None)
        node = body if body is not None else root
    else:
        node = _container(root)
    etree.strip_elements(node, *_SKIP, with_tail=False)
    doc.n_images = sum(1 for _ in node.iterdescendants("img"))  # (an XPath count is 10× slower)
    walked = _walk(node) if _walk is not None else None
    if walked is not None:  # the same walks in C (readers/_html_walk.pyx), when it is built
        grids = [expand(rows) for rows in walked[0]]
        text_out = walked[1]
    else:
        grids = []
        for t in list(node.iter("table")):
            if next(t.iterdescendants("table"), None) is not None:
                continue  # a layout table: its inner tables are read, its text stays running text
            grids.append(_grid(t))
            t.clear(keep_tail=True)
            t.text = TABLE_MARK
        text_out = _block_text(node)
        if "\n" in text_out or "\r" in text_out:  # (the C walk gives spaces already)
            text_out = text_out.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    pieces = text_out.split(_SEP)
    if not grids and "\t" not in text_out and TABLE_MARK not in text_out:
        # the common page of prose: no table, no tab → no StreamBuilder state to track
        doc.blocks = blocks = [b for b in [p.strip(" ") for p in pieces] if b]
        doc.lines = [x for x in [b.strip(_PAD) for b in blocks] if x]
        return doc
    _stream(doc, pieces, grids)
    return doc


def _block_text(node) -> str:
    """etree.tostring(node, method="text") with _SEP at every block boundary: where a block
    element's text starts and where its tail starts (<br>: only its tail). Each element is
    independent, so <br> gets its own pass: no .tag reads."""
    sep = _SEP
    for el in node.iter(_BLOCK_TAGS_NO_BR):
        t = el.text
        el.text = sep + t if t else sep
        t = el.tail
        el.tail = sep + t if t else sep
    for el in node.iter("br"):
        t = el.tail
        el.tail = sep + t if t else sep
    return etree.tostring(node, method="text", encoding=str)


def _stream(doc: Document, pieces: list[str], grids: list) -> None:
    """Blocks in order → running text lines, table rows and plain-text rows (tabs in a <p>)."""
    sb = StreamBuilder(doc)
    blocks = doc.blocks
    lines = doc.lines
    k = 0
    for line in pieces:
        if not line:
            continue
        if line == TABLE_MARK:
            blocks.append(line)
            sb.grid(grids[k])
            k += 1
        elif "\t" not in line and sb._cells is None:
            # what sb.line() does with running text when no one-cell-per-line row is open
            block = line.strip(" ")
            if block:
                blocks.append(block)
                block = block.strip(_PAD)
                if block:
                    lines.append(block)
        elif line.strip(" \t"):
            blocks.append(line.strip(" "))
            sb.line(line)
        else:
            sb.line(line if "\t" in line else "")
    sb.close()
