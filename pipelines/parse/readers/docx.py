"""DOCX via python-docx: body paragraphs and tables in order, merged cells expanded.

The ZIP is checked before python-docx opens it (python-docx inflates and keeps every part):
member count, each member's declared size, its compression ratio, and the bytes it actually
inflates to while streamed, against limits.py."""
from __future__ import annotations

import io
import zipfile

from .. import limits
from ..errors import UnreadableDocument
from ..grid import expand
from ..limits import DocumentTooLarge, mb
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


def check_zip(data: bytes) -> None:
    """DocumentTooLarge when the ZIP would inflate beyond limits.py; UnreadableDocument when its
    members do not inflate to what they declare (a forged size, a bad CRC)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise UnreadableDocument(f"corrupt DOCX ({type(exc).__name__})") from exc
    if len(infos) > limits.MAX_ZIP_MEMBERS:
        raise DocumentTooLarge(f"the DOCX has {len(infos):,} ZIP members (limit {limits.MAX_ZIP_MEMBERS:,})")
    total = 0
    for info in infos:       # what the central directory declares: no byte inflated yet
        size = info.file_size
        if size > limits.MAX_ZIP_MEMBER_BYTES:
            raise DocumentTooLarge(f"DOCX member {info.filename} inflates to {mb(size)} "
                                   f"(limit {mb(limits.MAX_ZIP_MEMBER_BYTES)})")
        if size > limits.ZIP_RATIO_FLOOR and size > limits.MAX_ZIP_RATIO * max(1, info.compress_size):
            raise DocumentTooLarge(f"DOCX member {info.filename} is compressed {size // max(1, info.compress_size):,}:1 "
                                   f"(a ZIP bomb; limit {limits.MAX_ZIP_RATIO}:1)")
        total += size
        if total > limits.MAX_ZIP_TOTAL_BYTES:
            raise DocumentTooLarge(f"the DOCX members inflate to more than {mb(limits.MAX_ZIP_TOTAL_BYTES)}")
    streamed = 0
    for info in infos:       # what they really inflate to, 1 MB at a time
        n = 0
        try:
            with zf.open(info) as f:
                while chunk := f.read(1 << 20):
                    n += len(chunk)
                    streamed += len(chunk)
                    if n > limits.MAX_ZIP_MEMBER_BYTES or streamed > limits.MAX_ZIP_TOTAL_BYTES:
                        raise DocumentTooLarge(f"DOCX member {info.filename} inflates beyond its limit")
        except DocumentTooLarge:
            raise
        except Exception as exc:  # zlib.error, BadZipFile (CRC), NotImplementedError (method)
            raise UnreadableDocument(f"corrupt DOCX ({type(exc).__name__} in {info.filename})") from exc


def read_docx(data: bytes) -> Document:
    check_zip(data)
    with limits.document_budget():
        return _read_docx(data)


def _read_docx(data: bytes) -> Document:
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
