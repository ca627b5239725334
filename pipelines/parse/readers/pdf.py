"""PDF via pdfplumber: ruled tables → grids; text outside them → running text."""
from __future__ import annotations

import io
import logging
import re

from ..errors import UnreadableDocument
from ..model import Document, StreamBuilder

_PAGE_NO = re.compile(r"^\s*[-—–－]?\s*\d{1,3}\s*[-—–－]?\s*$")
MIN_TEXT_CHARS = 20
logging.getLogger("pdfminer").setLevel(logging.ERROR)  # damaged streams are reported as warnings


def read_pdf(data: bytes) -> Document:
    import pdfplumber

    doc = Document(fmt="pdf")
    sb = StreamBuilder(doc)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types on corrupt input
        raise UnreadableDocument(f"corrupt PDF ({type(exc).__name__})") from exc
    n_chars = 0
    blank_pages = []
    try:
        try:
            pages = pdf.pages
        except Exception as exc:  # a damaged page tree
            raise UnreadableDocument(f"corrupt PDF ({type(exc).__name__} in the page tree)") from exc
        if not pages:
            raise UnreadableDocument("PDF has no pages")
        for i, page in enumerate(pages, 1):
            try:
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
    return sb.close()
