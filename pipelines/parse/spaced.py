"""Rows from text lines whose cells are separated by spaces only (OCR output, a copy-paste without
tabs): `规章 0 2 3`, `（三)不予公开 1.属于国家秘密 0 0 0 0 0 0 0`.

Used by the tolerant pass when a text document gave no tab-separated rows: every line becomes a
row of its space-separated cells (a label broken by a space becomes two label cells; the matcher
reads a row's labels together). Long prose lines are no rows."""
from __future__ import annotations

import re

from .layout_noise import is_page_footer

_SPLIT = re.compile(r"[ \t\u3000\xa0]+")
_PROSE_MAX = 60  # a one-cell line longer than this is prose, not a caption


def rows_from_lines(lines: list[str]) -> list[list[str]]:
    rows = []
    for line in lines:
        cells = [c for c in _SPLIT.split(line.strip()) if c]
        if not cells or is_page_footer(line):
            continue
        if len(cells) == 1 and (len(cells[0]) > _PROSE_MAX or cells[0].endswith("。")):
            continue
        rows.append(cells)
    return rows
