"""Span expansion: rows of (text, rowspan, colspan) → a rectangular grid.

The origin cell keeps its text; the positions it covers hold None, so a merged label is read once
and the value columns stay aligned.
"""
from __future__ import annotations

from typing import Final

from . import limits
from .limits import DocumentTooLarge

MAX_SPAN: Final = 60  # real tables never span more; guards against hostile markup


def _span(v) -> int:
    if v is None:
        return 1
    try:
        n = int(str(v).strip() or 1)
    except (TypeError, ValueError):
        return 1
    return 1 if n < 1 else min(n, MAX_SPAN)


def expand(rows: list[list]) -> list[list[str | None]]:
    """rows: lists of (text or None, rowspan, colspan), or lists of texts when no cell of the row
    spans (such a row is kept as it is when nothing spans into it).

    The positions the grid will hold (each cell's rowspan × colspan) are counted before they are
    allocated: past limits.MAX_GRID_CELLS (or the document's budget) DocumentTooLarge, not a
    MemoryError minutes later."""
    grid: list[list[str | None]] = []
    pending: dict[int, set[int]] = {}  # row -> columns covered by a rowspan from above
    cap: int = limits.MAX_GRID_CELLS
    total = 0  # positions promised so far (cells, and the positions their spans cover)
    for r, cells in enumerate(rows):
        covered = pending.pop(r, ())
        if cells and cells[0].__class__ is str:  # texts only
            if not covered:
                total += len(cells)
                if total > cap:
                    raise _too_large(cap)
                grid.append(cells)
                continue
            cells = [(text, None, None) for text in cells]
        elif not covered:
            for _, rowspan, colspan in cells:
                if rowspan is not None or colspan is not None:
                    break
            else:  # the common row: nothing spans into it, none of its cells spans
                total += len(cells)
                if total > cap:
                    raise _too_large(cap)
                grid.append([text for text, _, _ in cells])
                continue
        out: list[str | None] = []
        c = 0
        for text, rowspan, colspan in cells:
            while c in covered:
                out.append(None)
                c += 1
            total += 1
            if rowspan is None and colspan is None:  # the usual cell: one position, nothing below
                out.append(text)
                c += 1
                continue
            rs = _span(rowspan) if rowspan is not None else 1
            cs = _span(colspan) if colspan is not None else 1
            total += rs * cs - 1
            if total > cap:
                raise _too_large(cap)
            out.append(text)
            if cs > 1:
                out.extend([None] * (cs - 1))
            for dr in range(1, rs):
                pending.setdefault(r + dr, set()).update(range(c, c + cs))
            c += cs
        if covered:
            last = max(covered)
            while c <= last:
                out.append(None if c in covered else "")
                c += 1
        grid.append(out)
    limits.charge_cells(total)
    return grid


def _too_large(cap: int) -> DocumentTooLarge:
    return DocumentTooLarge(f"a table expands to more than {cap:,} cells (row and column spans)")
