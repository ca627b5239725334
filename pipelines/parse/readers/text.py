"""Plain text (as extracted from web pages): tab-separated or one-cell-per-line tables."""
from __future__ import annotations

from ..model import Document, StreamBuilder


def read_text(text: str) -> Document:
    sb = StreamBuilder(Document(fmt="text"))
    lines = text.splitlines()
    for line in lines:
        sb.line(line)
    doc = sb.close()
    doc.blocks = [l.strip() for l in lines if l.strip()]
    return doc
