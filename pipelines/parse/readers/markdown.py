"""Markdown, as PDF-to-Markdown converters (docling, marker, MinerU, pandoc, LLMs) write it: pipe
tables → rows of cells, everything else → running text without its markup.

* `| a | b |` rows; `|---|:--:|` separator rows skipped; `\\|` is a pipe inside a cell; a row shorter
  than its table (trailing empty cells dropped) is padded with blank cells; blank cells stay blank.
* A header row of invented names (数据1 … 数据6, Column 1 …) is no row; a blank header row neither.
  Every other header row is a row like the rest: converters promote whatever came first.
* Tables stay in document order; pieces of one table (cut by a page break, one piece per group)
  are simply consecutive rows. The short caption right above a table (行政复议, 附表2 …) is also
  given as a one-cell row, since that is where a table's caption row would be.
* Text lines lose `#` headings, emphasis, links, images, quotes and bullets; page footers
  (— 3 —, 第 3 页) are dropped.
"""
from __future__ import annotations

import re

from ..layout_noise import is_page_footer, is_placeholder_header
from ..model import Document

_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_SEP_CELL = re.compile(r"\s*:?-+:?\s*")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation
_BR = re.compile(r"<br\s*/?>", re.I)
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_CLOSING_HASHES = re.compile(r"\s+#+\s*$")
_RULE = re.compile(r"^\s{0,3}(?:[-*_=]\s*){3,}$")  # thematic break / setext underline
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPH = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
_CAPTION_MAX = 40
_PAD = " \u3000\xa0\r\n\x0b\x0c"


def _unescape(text: str) -> str:
    return _ESCAPE.sub(r"\1", text)


def _inline(text: str) -> str:
    """Inline markup off: emphasis, code, links (their text), images (nothing), tags; escapes undone."""
    if "<" in text:
        text = _TAG.sub("", _BR.sub("", text))
    if "](" in text:
        text = _LINK.sub(r"\1", _IMAGE.sub("", text))
    if "*" in text or "_" in text or "`" in text:
        text = _EMPH.sub(r"\2", text)
    return _unescape(text) if "\\" in text else text


def is_table_line(line: str) -> bool:
    s = line.strip(_PAD)
    return len(s) > 1 and s[0] == "|" and s.count("|") - s.count("\\|") >= 2


def _cells(line: str) -> list[str]:
    s = line.strip(_PAD)
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [_inline(c).strip(_PAD) for c in _CELL_SPLIT.split(s)]


def _is_separator(cells: list[str]) -> bool:
    return bool(cells) and all(_SEP_CELL.fullmatch(c) for c in cells) and any(c.strip() for c in cells)


def _text_line(line: str) -> str:
    if _RULE.match(line):
        return ""
    s = _QUOTE.sub("", line)
    if _HEADING.match(s):
        s = _CLOSING_HASHES.sub("", _HEADING.sub("", s))
    s = _BULLET.sub("", s)
    return _inline(s).strip(_PAD)


def _is_caption(text: str) -> bool:
    return 0 < len(text) <= _CAPTION_MAX and not text.endswith(("。", "；", ";", "：", ":"))


def _table(block: list[list[str]]) -> list[list[str]]:
    """The rows of one pipe table (its lines split into cells)."""
    sep = next((i for i, c in enumerate(block) if _is_separator(c)), None)
    width = max(len(c) for c in block)
    rows = []
    for i, cells in enumerate(block):
        if i == sep:
            width = len(cells)
            continue
        if sep is not None and i == sep - 1 and (is_placeholder_header(cells) or not any(cells)):
            continue  # the converter's invented header, or an empty one
        if _is_separator(cells):
            continue
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))  # a ragged row: its trailing cells were empty
        if len(cells) == 1 and is_page_footer(cells[0]):
            continue
        rows.append(cells)
    return rows


def read_markdown(text: str) -> Document:
    doc = Document(fmt="markdown")
    lines = text.splitlines()
    caption: str | None = None  # the last short text line, while only blank lines followed it
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < n else ""
        # a table: pipe rows, or a header without outer pipes directly above a separator row
        if is_table_line(line) or ("|" in line and "-" in nxt and _is_separator(_cells(nxt))):
            block: list[list[str]] = []
            loose = not is_table_line(line)  # GFM: rows need no outer pipes
            while i < n and (is_table_line(lines[i]) or ((loose or not block) and "|" in lines[i]
                                                         and lines[i].strip(_PAD))):
                block.append(_cells(lines[i]))
                i += 1
            if caption is not None:
                doc.rows.append([caption])
            doc.rows.extend(_table(block))
            caption = None
            continue
        i += 1
        if "![" in line:
            doc.n_images += line.count("![")
        s = _text_line(line)
        if not s:
            continue
        if is_page_footer(s):
            caption = None
            continue
        doc.lines.append(s)
        caption = s if _is_caption(s) else None
    return doc
