"""Tables as dense grids for the text renderings (Markdown, OCR text, flattened text): every grid
position holds its merged cell, so a renderer can repeat a spanned label, print it once, or split it."""
from __future__ import annotations

from dataclasses import dataclass

from .tables import Cell, Table


@dataclass(slots=True)
class GCell:
    cell: Cell            # the merged cell covering this position (shared by its whole span)
    dr: int               # row offset inside the span (0: the span's first row)
    dc: int               # column offset inside the span

    @property
    def origin(self) -> bool:
        return self.dr == 0 and self.dc == 0

    @property
    def text(self) -> str:
        return self.cell.text

    @property
    def code(self) -> str | None:
        return self.cell.code if self.origin else None


def dense(t: Table) -> list[list[GCell]]:
    grid: list[list[GCell | None]] = [[None] * t.ncols for _ in t.rows]
    for r, row in enumerate(t.rows):
        c = 0
        for cell in row:
            while grid[r][c] is not None:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[r + dr][c + dc] = GCell(cell, dr, dc)
            c += cell.colspan
    return grid  # type: ignore[return-value]


def codes_of(row: list[GCell]) -> list[str]:
    return [g.code for g in row if g.code]


def row_key(row: list[GCell]) -> str | None:
    """The metric row a grid row prints: t3_res_granted, t4, t2_license …; None for labels/headers."""
    codes = codes_of(row)
    if not codes:
        return None
    c = codes[0]
    if "__" in c:
        return c.split("__")[0]
    if c.startswith("t4_"):
        return "t4"
    return c


def label_cells(row: list[GCell]) -> list[GCell]:
    """The positions of a value row before its first value cell (its labels)."""
    out = []
    for g in row:
        if g.cell.code is not None:
            break
        out.append(g)
    return out


def flat(text: str) -> str:
    """A header cell's text on one line (the template breaks some header cells over two lines)."""
    return text.replace("\n", "")
