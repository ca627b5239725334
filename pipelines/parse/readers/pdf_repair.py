"""Salvage a PDF whose end is gone (trailer, cross-reference table, startxref): a download cut
short, a file truncated on a full disk. The objects before the damage are intact; only the way
to find them and the document catalog is lost. ``rebuild_trailer`` finds the catalog among the
objects (plain, or inside an object stream), cuts the file after its last complete object and
appends a trailer naming that catalog; pdfminer then indexes the objects by scanning (its
fallback for a missing cross-reference table)."""
from __future__ import annotations

import re
import zlib

from .pdf_guard import inflate_corrupted

_CATALOG = re.compile(rb"/Type\s*/Catalog\b")
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_OBJ_HEAD = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")
_FIRST = re.compile(rb"/First\s+(\d+)")
_STREAM = re.compile(rb"stream\r?\n")
_WINDOW = 4096


def _object_before(data: bytes, pos: int) -> tuple[int, int] | None:
    """The ``N G obj`` header that opens the object containing ``pos``."""
    heads = list(_OBJ_HEAD.finditer(data, max(0, pos - _WINDOW), pos))
    if not heads:
        return None
    m = heads[-1]
    if b"endobj" in data[m.end():pos]:
        return None
    return int(m.group(1)), int(m.group(2))


def _plain_catalog(data: bytes) -> tuple[int, int] | None:
    found = None
    for m in _CATALOG.finditer(data):  # the last one wins: incremental updates append newer ones
        ref = _object_before(data, m.start())
        if ref is not None:
            found = ref
    return found


def _objstm_catalog(data: bytes) -> tuple[int, int] | None:
    """A catalog compressed into an object stream (PDF 1.5+ writers)."""
    found = None
    for m in _OBJSTM.finditer(data):
        s = _STREAM.search(data, m.end(), m.end() + _WINDOW)
        first = _FIRST.search(data, max(0, m.start() - _WINDOW // 4), s.start() if s else m.end())
        if s is None or first is None:
            continue
        end = data.find(b"endstream", s.end())
        raw = data[s.end(): end if end >= 0 else len(data)]
        try:
            body = inflate_corrupted(raw)
        except zlib.error:
            continue
        hit = _CATALOG.search(body)
        if hit is None:
            continue
        nums = body[: int(first.group(1))].split()
        pairs = [(int(nums[i]), int(nums[i + 1])) for i in range(0, len(nums) - 1, 2)
                 if nums[i].isdigit() and nums[i + 1].isdigit()]
        offset = hit.start() - int(first.group(1))
        owner = [n for n, off in pairs if off <= offset]
        if owner:
            found = (owner[-1], 0)
    return found


def _synthetic_catalog(body: bytes) -> tuple[bytes, tuple[int, int]] | None:
    """The catalog itself was lost: a new page tree over the page objects that remain."""
    pages = []
    for m in _PAGE.finditer(body):
        ref = _object_before(body, m.start())
        if ref is not None and ref not in pages:
            pages.append(ref)
    if not pages:
        return None
    top = max(int(m.group(1)) for m in _OBJ_HEAD.finditer(body)) + 1
    kids = b" ".join(b"%d %d R" % r for r in pages)
    extra = (b"\n%d 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n"
             b"%d 0 obj\n<< /Type /Catalog /Pages %d 0 R >>\nendobj" % (top, kids, len(pages), top + 1, top))
    return extra, (top + 1, 0)


def rebuild_trailer(data: bytes) -> bytes | None:
    """The PDF with a trailer for its catalog, or None when neither a catalog nor a page is left."""
    cut = data.rfind(b"endobj")
    body = data[: cut + len(b"endobj")] if cut >= 0 else data
    ref = _plain_catalog(body) or _objstm_catalog(body)
    if ref is None:
        synthetic = _synthetic_catalog(body)
        if synthetic is None:
            return None
        extra, ref = synthetic
        body += extra
    return body + b"\ntrailer\n<< /Root %d %d R >>\nstartxref\n0\n%%%%EOF\n" % ref
