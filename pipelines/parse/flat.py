"""Tables flattened into one block per cell (no row boundaries left): rebuild rows from the
template's own structure — a row starts at a known row label or at a label that follows values."""
from __future__ import annotations

from typing import Final

from .labels import is_label, norm
from .memo import memo
from .model import TABLE_MARK
from .numbers import clean, parse_value
from .tables import T2_ROWS

_STARTERS: Final = ("信息内容", "第二十条", "统计指标", "指标名称")
_T3_STARTERS: Final = ("本年新收", "本年度办理结果", "上年结转", "结转下年度", "结转下一年度")


def _starts_row(text: str) -> bool:
    n = norm(text)
    if n in T2_ROWS or any(n.startswith(s) for s in _STARTERS):
        return True
    return any(s in n for s in _T3_STARTERS) or n == "行政复议"


_PROSE, _VALUE, _LABEL, _STARTER, _OTHER = range(5)


_clean: Final = clean.__wrapped__  # prose is seen once: not worth a slot in clean()'s cache


def _kind(cell: str) -> int:
    c = clean(cell) if len(cell) <= 40 else _clean(cell)
    if len(c) > 80:  # a paragraph of prose
        return _PROSE
    if not c or parse_value(c, "cny")[1] != "text":
        return _VALUE
    if is_label(c):
        return _STARTER if _starts_row(c) else _LABEL
    return _OTHER  # a one-character unit (条, 件) or marker


_kind_cached: Final = memo(1024)(_kind)
_KNOWN_KIND: Final = _kind_cached.cache.get  # read first in the loop: no call for a cell seen before


def rebuild_rows(blocks: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    cur: list[str] | None = None
    has_values = False
    for cell in blocks:
        if cell == TABLE_MARK:
            cur = None
            continue
        kind = _KNOWN_KIND(cell)
        if kind is None:
            kind = _kind_cached(cell) if len(cell) <= 40 else _kind(cell)  # short cells repeat; prose does not
        if kind == _PROSE:  # a paragraph of prose ends any row
            cur = None
            continue
        if kind == _VALUE:
            if cur is not None:
                cur.append(cell)
                has_values = True
            continue
        if kind != _OTHER:
            if cur is None or has_values or kind == _STARTER:
                cur = [cell]
                rows.append(cur)
                has_values = False
            else:
                cur.append(cell)
        elif cur is not None:
            cur.append(cell)  # a one-character unit (条, 件) or marker
    return rows
