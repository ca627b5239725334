"""DOCX via python-docx: body paragraphs and tables in order, merged cells expanded."""
from __future__ import annotations

import io

from ..errors import UnreadableDocument
from ..grid import expand
from ..model import Document, StreamBuilder

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(el) -> str:
    parts = []
    for node in el.iter(W + "t", W + "tab", W + "br", W + "p"):
        if node.tag == W + "t":
            parts.append(node.text or "")
        elif node.tag == W + "tab":
            parts.append("\t")
    return "".join(parts)


def _table(tbl) -> list[list]:
    rows = []
    vmerge_cols: set[int] = set()
    for tr in tbl.iter(W + "tr"):
        if tr.getparent() is not tbl:
            continue
        cells = []
        col = 0
        for tc in tr.iter(W + "tc"):
            if tc.getparent() is not tr:
                continue
            pr = tc.find(W + "tcPr")
            span = 1
            cont = False
            if pr is not None:
                gs = pr.find(W + "gridSpan")
                if gs is not None:
                    try:
                        span = max(1, int(gs.get(W + "val", "1")))
                    except ValueError:
                        span = 1
                vm = pr.find(W + "vMerge")
                if vm is not None and vm.get(W + "val", "continue") != "restart":
                    cont = True
            paras = [_text(p) for p in tc.iter(W + "p")]
            text = "".join(paras)
            cells.append((None if cont else text, 1, span))
            col += span
        rows.append(cells)
    grid = expand(rows)
    return grid


def read_docx(data: bytes) -> Document:
    try:
        import docx

        d = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise UnreadableDocument(f"corrupt DOCX ({type(exc).__name__})") from exc
    doc = Document(fmt="docx")
    sb = StreamBuilder(doc)
    body = d.element.body
    for child in body.iterchildren():
        if child.tag == W + "p":
            for line in _text(child).split("\n"):
                sb.line(line)
        elif child.tag == W + "tbl":
            sb.grid(_table(child))
    props = d.core_properties
    if props.title:
        doc.meta["title"] = props.title
    return sb.close()
