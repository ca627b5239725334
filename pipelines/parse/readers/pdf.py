"""PDF via pdfplumber: ruled tables → grids; text outside them → running text.

Bounded (limits.py, pdf_guard.py): streams inflate within a budget, the page tree is counted
before pages are built, and each page's drawing is estimated before pdfplumber builds its
objects. A file whose end is gone is salvaged (pdf_repair.py) with a warning."""
from __future__ import annotations

import io
import logging
import re

from .. import limits
from ..errors import UnreadableDocument
from ..limits import DocumentTooLarge
from ..model import Document, StreamBuilder
from . import pdf_guard, pdf_repair

_PAGE_NO = re.compile(r"^\s*[-—–－]?\s*\d{1,3}\s*[-—–－]?\s*$")
MIN_TEXT_CHARS = 20
logging.getLogger("pdfminer").setLevel(logging.ERROR)  # damaged streams are reported as warnings


class _Damaged(UnreadableDocument):
    """The file cannot be opened or its page tree read (the salvage path is tried)."""


def _too_large_in(exc: BaseException) -> DocumentTooLarge | None:
    """pdfplumber wraps what pdfminer raises (PdfminerException(e)): find a limit in the chain."""
    seen = 0
    e: BaseException | None = exc
    while e is not None and seen < 10:
        if isinstance(e, DocumentTooLarge):
            return e
        inner = next((a for a in getattr(e, "args", ()) if isinstance(a, BaseException)), None)
        e = inner or e.__cause__ or e.__context__
        seen += 1
    return None


def read_pdf(data: bytes) -> Document:
    pdf_guard.install()
    with limits.document_budget():
        try:
            return _read_pdf(data)[0]
        except _Damaged as damaged:
            repaired = pdf_repair.rebuild_trailer(data)
            if repaired is None:
                raise UnreadableDocument(str(damaged)) from damaged
            try:
                doc, n_pages, failed = _read_pdf(repaired)
            except _Damaged:
                raise UnreadableDocument(str(damaged)) from damaged
    doc.warnings.insert(0, "damaged PDF: its end (trailer, cross-reference table) is missing; salvaged "
                           f"what remains ({n_pages} page(s) found, {failed} unreadable)")
    return doc


def _read_pdf(data: bytes) -> tuple[Document, int, int]:
    """(document, pages in the page tree, pages that could not be read)."""
    import pdfplumber

    doc = Document(fmt="pdf")
    sb = StreamBuilder(doc)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types on corrupt input
        raise _too_large_in(exc) or _Damaged(f"corrupt PDF ({type(exc).__name__})") from exc
    n_chars = 0
    blank_pages = []
    try:
        try:
            n = pdf_guard.count_pages(pdf.doc, limits.MAX_PDF_PAGES)
            if n > limits.MAX_PDF_PAGES:
                raise DocumentTooLarge(f"the PDF has more than {limits.MAX_PDF_PAGES:,} pages")
            pages = pdf.pages
        except DocumentTooLarge:
            raise
        except Exception as exc:  # a damaged page tree
            raise _too_large_in(exc) or _Damaged(
                f"corrupt PDF ({type(exc).__name__} in the page tree)") from exc
        if not pages:
            raise _Damaged("PDF has no pages")
        failed = 0
        for i, page in enumerate(pages, 1):
            try:
                pdf_guard.check_page(page.page_obj, i)
                chars = page.chars
                n_chars += len(chars)
                if len(chars) < 5:
                    blank_pages.append(i)
                    if page.images:
                        doc.n_images += len(page.images)
                    continue
                tables = [t for t in page.find_tables() if t.bbox]
                grids = []
                boxes = []
                for t in tables:
                    rows = t.extract()
                    width = max((len(r) for r in rows), default=0)
                    if width < 2:
                        continue  # a framed paragraph, not a table: keep its text as text
                    boxes.append(t.bbox)
                    grids.append((t.bbox[1], rows))
                if boxes:
                    def outside(obj, boxes=boxes):
                        x = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
                        y = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
                        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

                    text = page.filter(outside).extract_text() or ""
                else:
                    text = page.extract_text() or ""
                for line in text.splitlines():
                    if not _PAGE_NO.match(line):
                        sb.line(line)
                for _, rows in sorted(grids, key=lambda g: g[0]):
                    sb.grid([[None if c is None else c.replace("\n", "") for c in r] for r in rows])
            except UnreadableDocument:
                raise
            except Exception as exc:  # one bad page should not lose the others
                too_large = _too_large_in(exc)
                if too_large is not None:
                    raise too_large from exc
                failed += 1
                doc.warnings.append(f"page {i} could not be read ({type(exc).__name__})")
    finally:
        try:
            pdf.close()
        except Exception:  # closing a damaged file re-reads its page tree
            pass
    if n_chars < MIN_TEXT_CHARS:
        doc.status = "image_only"
        doc.warnings.append("PDF has no text layer (scanned images); OCR would be needed")
    elif blank_pages:
        doc.warnings.append("pages without a text layer: " + ", ".join(map(str, blank_pages)))
    return sb.close(), len(pages), failed
