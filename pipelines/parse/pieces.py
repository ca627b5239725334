"""Rows as a rendering broke them, put back together (the tolerant pass only).

* page footers (— 3 —, 第 3 页) and invented header rows (数据1 … 数据6) inside tables: dropped;
* a note printed on its own row under a value (`（其中修订16件）` under 22): dropped, the value
  stays as printed;
* a group caption split over two rows (`（三）不予` / `公开`): rejoined;
* detached labels — a row with labels and blank value cells followed by a row with values and no
  label (or a run of such label rows followed by as many value rows): merged cell by cell;
* table 四 printed as three 5-column pieces (each: a caption, a header, one row of values):
  `t4_blocks` reads each piece's values in the template's column order.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .fuzzy import SYNONYMS, best, skeleton
from .labels import _ENUM, is_label, norm
from .layout_noise import is_page_footer, is_placeholder_header
from .numbers import parse_value

_BLANK, _LABEL, _VALUE = 0, 1, 2
_LABEL_MAX = 80  # the longest template label path is ~60 characters
_NOTE = re.compile(r"^[（(][^（()）]*\d[^（()）]*[)）]$")  # a parenthesised note with a number
# header words that make a row a header, never a detached label
_HEADER_WORDS = ("申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                 "信息内容", "第二十条", "行政复议", "行政诉讼", "结果维持", "结果纠正", "尚未审结", "其他结果")
_GROUPS = tuple(skeleton(g) for g in SYNONYMS.get("t3_group", ()))
# table 四: the template's blocks and columns, and the words that name them
T4_BLOCKS = ("review", "lit_direct", "lit_after_review")
T4_KINDS = ("maintained", "corrected", "other", "pending", "total")
_T4_KIND_WORDS = (("维持", "maintained"), ("纠正", "corrected"), ("其他", "other"), ("其它", "other"),
                  ("尚未", "pending"), ("审结", "pending"), ("总计", "total"), ("合计", "total"))


def _kind(cell) -> int:
    if cell is None or not cell.strip():
        return _BLANK
    if parse_value(cell, "cny")[1] != "text":
        return _VALUE
    return _LABEL if is_label(cell) else _VALUE  # a one-character marker is no label


def _numeric(cell) -> bool:
    return cell is not None and parse_value(cell, "cny")[1] in ("numeric", "zero")


def _is_header(row) -> bool:
    text = "".join(norm(c) for c in row if c)
    return any(w in text for w in _HEADER_WORDS)


def _noise(row) -> bool:
    filled = [c for c in row if c and c.strip()]
    if not filled:
        return False
    if len(set(filled)) == 1 and is_page_footer(filled[0]):
        return True
    return is_placeholder_header(row)


def _note_row(row, prev) -> bool:
    """Every filled cell a note such as （其中修订16件）, each under a number of the row above."""
    filled = [j for j, c in enumerate(row) if c and c.strip()]
    if not filled or prev is None:
        return False
    return all(_NOTE.match(row[j].strip()) and j < len(prev) and _numeric(prev[j]) for j in filled)


_ROWS = tuple(k for k in SYNONYMS if k.startswith(("t2_", "t3_")) and k != "t3_group")


def _label_only(row) -> bool:
    """Labels naming a row of table 二 or 三, then blank cells (or no cell at all after them)."""
    kinds = [_kind(c) for c in row]
    if _LABEL not in kinds or _VALUE in kinds or _is_header(row):
        return False
    labels = [c for c in row if c and c.strip()]
    if sum(map(len, labels)) > _LABEL_MAX:  # prose, not a row label
        return False
    return _names_row(tuple(labels))


@lru_cache(maxsize=2048)
def _names_row(labels: tuple) -> bool:
    readings = ["".join(labels[i:]) for i in range(len(labels) - 1, -1, -1)]
    return best(readings, _ROWS)[0] is not None


def _values_only(row) -> bool:
    kinds = [_kind(c) for c in row]
    return _LABEL not in kinds and any(_numeric(c) for c in row)


def _merge(lab, val) -> list | None:
    """One row from a label row and the value row printed under it, or None if they overlap."""
    if len(lab) == len(val):
        last = max(j for j, c in enumerate(lab) if _kind(c) == _LABEL)
        out = []
        for j, (a, b) in enumerate(zip(lab, val)):
            if _kind(a) != _BLANK and _kind(b) != _BLANK:
                return None
            if _kind(b) != _BLANK and j <= last:
                return None  # a value under a label cell: not the same columns
            out.append(a if _kind(a) != _BLANK else b)
        return out
    if all(_kind(c) == _LABEL for c in lab if c):  # rows of text: labels, then the values
        return [c for c in lab if c] + [c for c in val if c is not None]
    return None


def _rejoin_group(rows: list) -> None:
    """（三）不予 / 公开 in the same column of two consecutive rows → the caption in the first row."""
    for i in range(len(rows) - 1):
        a, b = rows[i], rows[i + 1]
        for j in range(min(len(a), len(b), 3)):
            x, y = a[j], b[j]
            if not (x and y) or _kind(x) != _LABEL or _kind(y) != _LABEL:
                continue
            joined = skeleton(x + y)
            if joined in _GROUPS and skeleton(x) not in _GROUPS:
                a[j] = x + y
                b[j] = ""


def clean_rows(rows) -> tuple[list[list], list[str], list[list]]:
    """(rows with the noise dropped and the pieces joined, what was done — for warnings, the rows
    made of a detached label row and its value row: their values were placed, not read)."""
    notes: list[str] = []
    out: list[list] = []
    dropped = 0
    for row in rows:
        if _noise(row):
            dropped += 1
            continue
        if _note_row(row, out[-1] if out else None):
            dropped += 1
            continue
        out.append(list(row))
    if dropped:
        notes.append(f"{dropped} rows of page footers, invented headers or notes under values ignored")
    _rejoin_group(out)
    joined_rows: list[list] = []
    merged = _merge_detached(out, joined_rows)
    if merged:
        notes.append(f"{merged} value rows joined to the label rows above them (labels detached)")
    wrapped = _join_wrapped(out)
    if wrapped:
        notes.append(f"{wrapped} labels wrapped onto the next line rejoined")
    return out, notes, joined_rows


def _join_wrapped(rows: list) -> int:
    """A label wrapped onto the next line (（二）部分公开（区分处理的，只计这一情 / 形，不计其他情形） 447 …):
    a row of labels only, then a row whose first label starts no new item and has values; joined
    when the two together name a template row and the second alone does not. In place."""
    joined = 0
    i = 0
    while i + 1 < len(rows):
        a, b = rows[i], rows[i + 1]
        kinds_a, kinds_b = [_kind(c) for c in a], [_kind(c) for c in b]
        if (_VALUE in kinds_a or _LABEL not in kinds_a or _LABEL not in kinds_b or _VALUE not in kinds_b
                or _is_header(a)):
            i += 1
            continue
        j = kinds_b.index(_LABEL)
        if _ENUM.match(norm(b[j])):  # 1. / （三） / 四、: a new item
            i += 1
            continue
        head = "".join(c for c in a if c)
        if best(head + b[j], _ROWS)[0] is None or best(b[j], _ROWS)[0] is not None:
            i += 1
            continue
        b[j] = head + b[j]
        del rows[i]
        joined += 1
    return joined


def _merge_detached(rows: list, joined_rows: list) -> int:
    """Merges in place (the merged rows are added to joined_rows); returns how many were merged."""
    merged = 0
    i = 0
    while i < len(rows):
        if not _label_only(rows[i]):
            i += 1
            continue
        k = i
        while k < len(rows) and _label_only(rows[k]):
            k += 1
        m = k
        while m < len(rows) and _values_only(rows[m]):
            m += 1
        n_lab, n_val = k - i, m - k
        if n_val and n_val <= n_lab:  # the last n_val label rows own the value rows (the rest: captions)
            pairs = [(rows[k - n_val + t], rows[k + t]) for t in range(n_val)]
            joined = [_merge(a, b) for a, b in pairs]
            if None not in joined:
                rows[k - n_val:m] = joined
                joined_rows.extend(joined)
                merged += n_val
                i = k
                continue
        i = m if m > k else k
    return merged


# --------------------------------------------------------------------------- table 四 pieces

def _t4_kinds(row) -> list[str] | None:
    """The column kinds a 5-cell table-四 header names, in its order (all five, once each)."""
    cells = [norm(c) for c in row if c and c.strip()]
    if len(cells) != 5:
        return None
    kinds = []
    for c in cells:
        found = {k for w, k in _T4_KIND_WORDS if w in c}
        if len(found) != 1:
            return None
        kinds.append(found.pop())
    return kinds if len(set(kinds)) == 5 else None


def _t4_caption_block(text: str) -> str | None:
    n = norm(text)
    if "复议后" in n:
        return "lit_after_review"
    if "未经复议" in n or "直接起诉" in n:
        return "lit_direct"
    if "复议" in n and "诉讼" not in n:
        return "review"
    return None


def t4_blocks(rows) -> tuple[dict[str, list[str]], str | None]:
    """Table 四 printed as 5-column pieces: ({block: its five raws in T4_KINDS order}, how the blocks
    were told apart: "captions" or "template order"), or ({}, None) when it is not three such pieces
    whose blocks are certain."""
    pieces: list[tuple[str | None, list[str]]] = []
    caption: str | None = None
    for i, row in enumerate(rows):
        filled = [c for c in row if c and c.strip()]
        if len(filled) == 1 and _kind(filled[0]) == _LABEL:
            caption = filled[0]
            continue
        kinds = _t4_kinds(row)
        if kinds is None or i + 1 >= len(rows):
            continue
        vals = [c if c is not None else "" for c in rows[i + 1]]
        vals = [c for c in vals] if len(vals) == 5 else [c for c in vals if c.strip()]
        if len(vals) != 5 or any(_kind(c) == _LABEL for c in vals):
            continue
        by_kind = dict(zip(kinds, vals))
        pieces.append((_t4_caption_block(caption) if caption else None, [by_kind[k] for k in T4_KINDS]))
        caption = None
    if len(pieces) != 3:
        return {}, None
    named = [b for b, _ in pieces]
    if all(named) and len(set(named)) == 3:
        return {b: v for b, v in pieces if b}, "captions"
    if any(b is not None and b != T4_BLOCKS[i] for i, b in enumerate(named)):
        return {}, None  # captions that contradict the template's order
    return {T4_BLOCKS[i]: v for i, (_, v) in enumerate(pieces)}, "template order"
