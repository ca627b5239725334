"""The one shape every reader produces: rows of cells (spans expanded) plus running text."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

TABLE_MARK: Final = "\ue000table\ue000"  # in Document.blocks: a real table stood here
Row = list  # list[str | None]; None marks a cell covered by a span (rowspan/colspan continuation)


@dataclass
class Document:
    fmt: str  # html / text / pdf / docx
    rows: list[Row] = field(default_factory=list)  # every table row, in document order
    lines: list[str] = field(default_factory=list)  # running text outside tables, one block per line
    meta: dict = field(default_factory=dict)  # title / published_on hints from page metadata
    warnings: list[str] = field(default_factory=list)
    status: str | None = None  # set by a reader that already knows (image_only)
    n_images: int = 0
    blocks: list[str] = field(default_factory=list)  # HTML block texts in order, '' for a blank block


class StreamBuilder:
    """Turns a stream of text lines and grids into rows + running text.

    Plain-text tables come in two shapes (both seen in real extracted reports):
    * tab-separated rows: a line with a tab between two cells is one row;
    * one cell per line: lines that start with a tab are cells, a blank line ends the row and a
      line without the leading tab continues the previous cell (header cells split over two lines).
    """

    def __init__(self, doc: Document):
        self.doc = doc
        self._cells: list[str] | None = None  # the one-cell-per-line row being built
        self._cont = False  # the previous line was a cell of that row

    def _flush(self) -> None:
        if self._cells is not None:
            if any(c.strip() for c in self._cells):
                self.doc.rows.append(self._cells)
            self._cells = None
        self._cont = False

    def line(self, line: str) -> None:
        if "\t" not in line:  # fast path: running text, a blank line or a continuation line
            stripped = line.strip(" \u3000\xa0\r\n\x0b\x0c")
            if not stripped:
                self._flush()
            elif self._cont and self._cells:
                self._cells[-1] = self._cells[-1] + stripped  # a header cell split over two lines
            else:
                if self._cells is not None:
                    self._flush()
                self._cont = False
                self.doc.lines.append(stripped)
            return
        line = line.rstrip("\r\n")
        stripped = line.strip(" \u3000\xa0\r\n\x0b\x0c")
        if not stripped.strip("\t"):
            if "\t" in line and self._cells is not None:
                # a lone tab is an empty cell of the current one-cell-per-line row
                self._cells.append("")
                self._cont = True
                return
            if "\t" in line and self._cells is None and line.startswith("\t"):
                self._cells = [""]
                self._cont = True
                return
            self._flush()
            return
        body = line.lstrip("\t")
        if "\t" in body.strip("\t") or ("\t" in body and not line.startswith("\t")):
            # tab-separated row
            self._flush()
            self.doc.rows.append(line.split("\t"))
            return
        if line.startswith("\t"):
            if self._cells is None:
                self._cells = []
            self._cells.append(body.rstrip("\t"))
            self._cont = True
            return
        if self._cont and self._cells:
            # continuation of a header cell split over two lines
            self._cells[-1] = self._cells[-1] + stripped
            return
        self._flush()
        self.doc.lines.append(stripped)

    def grid(self, rows: list[list]) -> None:
        self._flush()
        self.doc.rows.extend(rows)

    def close(self) -> Document:
        self._flush()
        return self.doc
