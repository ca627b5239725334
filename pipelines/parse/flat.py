"""Tables flattened into one block per cell (no row boundaries left): rebuild rows from the
template's own structure — a row starts at a known row label or at a label that follows values."""
from __future__ import annotations

from .labels import is_label, norm
from .model import TABLE_MARK
from .numbers import clean, parse_value
from .tables import T2_ROWS

_STARTERS = ("信息内容", "第二十条", "统计指标", "指标名称")
_T3_STARTERS = ("本年新收", "本年度办理结果", "上年结转", "结转下年度", "结转下一年度")


def _starts_row(text: str) -> bool:
    n = norm(text)
    if n in T2_ROWS or any(n.startswith(s) for s in _STARTERS):
        return True
    return any(s in n for s in _T3_STARTERS) or n == "行政复议"


def rebuild_rows(blocks: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    cur: list[str] | None = None
    has_values = False
    for cell in blocks:
        if cell == TABLE_MARK:
            cur = None
            continue
        c = clean(cell)
        if len(c) > 80:  # a paragraph of prose ends any row
            cur = None
            continue
        if not c or parse_value(c, "cny")[1] != "text":
            if cur is not None:
                cur.append(cell)
                has_values = True
            continue
        if is_label(c):
            if cur is None or has_values or _starts_row(c):
                cur = [cell]
                rows.append(cur)
                has_values = False
            else:
                cur.append(cell)
        elif cur is not None:
            cur.append(cell)  # a one-character unit (条, 件) or marker
    return rows
