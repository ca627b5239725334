"""Resource limits the readers enforce themselves, so that one hostile attachment ends with
DocumentTooLarge (parse_status ``too_large``) in seconds instead of taking the memory of the run.

Each limit is far above any real annual report (they run to tens of pages and tables of a few
hundred cells) and far below what would hurt a 1 GB worker. The parse step's worker process and
timeout are the second line, for what no in-process limit can foresee.

A document budget (``document_budget()``) adds the limits that span a whole document: the cells of
all its tables and the bytes a PDF's streams inflate to. Readers open one; code that reads outside
one still gets the per-table and per-stream limits."""
from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from typing import Final, Iterator

from .errors import UnreadableDocument

# -- grids (HTML / DOCX / PDF tables after span expansion, grid.expand) -------------------------
MAX_GRID_CELLS: Final = 1_000_000        # positions of one expanded table (a real one: < 2,000)
MAX_DOCUMENT_CELLS: Final = 4_000_000    # all tables of one document

# -- DOCX (ZIP members, checked before python-docx reads anything) ------------------------------
MAX_ZIP_MEMBERS: Final = 5_000
MAX_ZIP_MEMBER_BYTES: Final = 64 << 20   # one member, uncompressed (declared and as streamed)
MAX_ZIP_TOTAL_BYTES: Final = 256 << 20   # all members: python-docx keeps every part in memory
MAX_ZIP_RATIO: Final = 200               # uncompressed / compressed; real XML parts: 5–30
ZIP_RATIO_FLOOR: Final = 1 << 20         # the ratio is only judged above this size

# -- PDF -----------------------------------------------------------------------------------------
MAX_PDF_PAGES: Final = 2_000
MAX_PDF_STREAM_BYTES: Final = 64 << 20   # one stream after Flate/LZW decoding
MAX_PDF_INFLATE_BYTES: Final = 256 << 20 # all decoded streams (pdfminer keeps them cached)
MAX_PDF_PAGE_GLYPH_BYTES: Final = 400_000  # string bytes a page shows, forms included (dense page: ~6,000)
MAX_PDF_PAGE_PATH_OPS: Final = 200_000   # path operators a page draws (a ruled table: ~2,000)


class DocumentTooLarge(UnreadableDocument):
    """The document exceeds a limit of this module; ``reason`` says which, in one line."""

    status = "too_large"

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"too large: {reason}")


@dataclass
class Budget:
    cells: int
    inflate: int


_budget: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("govreports_parse_budget", default=None)


@contextlib.contextmanager
def document_budget() -> Iterator[Budget]:
    """The whole-document limits for the code inside (nested use keeps the outer budget)."""
    outer = _budget.get()
    if outer is not None:
        yield outer
        return
    budget = Budget(cells=MAX_DOCUMENT_CELLS, inflate=MAX_PDF_INFLATE_BYTES)
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def charge_cells(n: int) -> None:
    b = _budget.get()
    if b is not None:
        b.cells -= n
        if b.cells < 0:
            raise DocumentTooLarge(f"its tables expand to more than {MAX_DOCUMENT_CELLS:,} cells")


def charge_inflate(n: int) -> None:
    b = _budget.get()
    if b is not None:
        b.inflate -= n
        if b.inflate < 0:
            raise DocumentTooLarge(f"its PDF streams inflate to more than {MAX_PDF_INFLATE_BYTES >> 20} MB")


def mb(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB"
