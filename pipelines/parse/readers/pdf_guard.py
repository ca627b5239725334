"""Bounds on what pdfminer may inflate and interpret (limits.py).

pdfminer decodes Flate with an unbounded ``zlib.decompress`` and repairs a damaged stream by
feeding it one byte at a time into a growing bytes object (quadratic): a 1 MB stream that
inflates to gigabytes, or a slightly damaged one, takes the machine. ``install()`` points
pdfminer.pdftypes at bounded equivalents with the same results on sane input; past
limits.MAX_PDF_STREAM_BYTES (or the document's inflate budget) they raise DocumentTooLarge.

``check_page`` estimates, before pdfplumber builds a page's objects, how many glyph bytes and
path operators the page's content (and the forms it draws, however often) will produce."""
from __future__ import annotations

import re
import zlib
from io import BytesIO

from .. import limits
from ..limits import DocumentTooLarge, mb

_STEP = 1 << 14


def _too_large() -> DocumentTooLarge:
    return DocumentTooLarge(f"a PDF stream inflates to more than {mb(limits.MAX_PDF_STREAM_BYTES)}")


def inflate(data: bytes) -> bytes:
    """zlib.decompress(data), bounded. zlib.error on a damaged or truncated stream, as zlib's."""
    cap = limits.MAX_PDF_STREAM_BYTES
    d = zlib.decompressobj()
    out = d.decompress(data, cap + 1)
    if len(out) > cap or d.unconsumed_tail:
        raise _too_large()
    if not d.eof:
        raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
    limits.charge_inflate(len(out))
    return out


def inflate_corrupted(data: bytes) -> bytes:
    """pdfminer's decompress_corrupted (keep what inflates before the damage; an error before the
    last 3 bytes is re-raised), linear and bounded."""
    cap = limits.MAX_PDF_STREAM_BYTES
    d = zlib.decompressobj()
    out = bytearray()
    pos = 0
    while pos < len(data):
        chunk = data[pos:pos + _STEP]
        before = d.copy()
        try:
            out += d.decompress(chunk, cap + 1 - len(out))
            if d.unconsumed_tail or len(out) > cap:
                raise _too_large()
        except zlib.error:
            d = before               # the damage is in this chunk: find it byte by byte
            for i in range(len(chunk)):
                try:
                    out += d.decompress(chunk[i:i + 1])
                except zlib.error:
                    if pos + i < len(data) - 3:
                        raise
                    break
                if len(out) > cap:
                    raise _too_large() from None
            break
        pos += _STEP
        if d.eof:
            break
    limits.charge_inflate(len(out))
    return bytes(out)


def lzw_decode(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    cap = limits.MAX_PDF_STREAM_BYTES
    out = bytearray()
    for piece in LZWDecoder(BytesIO(data)).run():
        out += piece
        if len(out) > cap:
            raise _too_large()
    limits.charge_inflate(len(out))
    return bytes(out)


class _BoundedZlib:
    """What pdfminer.pdftypes uses of the zlib module, with decompress bounded."""

    error = zlib.error
    decompressobj = staticmethod(zlib.decompressobj)
    decompress = staticmethod(inflate)


_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from pdfminer import pdftypes

    for name in ("zlib", "decompress_corrupted", "lzwdecode"):
        if not hasattr(pdftypes, name):      # fail closed if pdfminer reorganises its decoders
            raise RuntimeError(f"pdfminer.pdftypes.{name} not found: cannot bound PDF streams")
    pdftypes.zlib = _BoundedZlib()  # type: ignore[assignment]
    pdftypes.decompress_corrupted = inflate_corrupted
    pdftypes.lzwdecode = lzw_decode
    _installed = True


# -- per page --------------------------------------------------------------------------------------
_STRING = re.compile(rb"\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f\s]*>", re.S)
_PATH_OP = re.compile(rb"(?<![^\s\]\)>])(?:re|[mlcvyh])(?=\s)")
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do\b")
_MAX_DEPTH = 6


def _content_bytes(obj) -> bytes:
    from pdfminer.pdftypes import resolve1

    obj = resolve1(obj)
    if obj is None:
        return b""
    items = obj if isinstance(obj, list) else [obj]
    out = []
    for s in items:
        s = resolve1(s)
        if hasattr(s, "get_data"):
            out.append(s.get_data())
    return b"\n".join(out)


def _forms(resources) -> dict:
    from pdfminer.pdftypes import resolve1

    res = resolve1(resources) or {}
    xobjs = resolve1(res.get("XObject")) if isinstance(res, dict) else None
    out = {}
    for name, ref in (xobjs or {}).items():
        x = resolve1(ref)
        sub = x.get("Subtype") if hasattr(x, "get") else None
        if getattr(sub, "name", None) == "Form":
            out[name] = x
    return out


def _cost(content: bytes, resources, depth: int, memo: dict) -> tuple[int, int]:
    glyphs = sum(len(m) for m in _STRING.findall(content))
    paths = len(_PATH_OP.findall(content))
    if depth >= _MAX_DEPTH:
        return glyphs, paths
    forms = None
    for m in _DO.finditer(content):
        if forms is None:
            forms = _forms(resources)
        name = m.group(1).decode("latin-1")
        form = forms.get(name)
        if form is None:
            continue
        key = id(form)
        if key not in memo:
            memo[key] = (0, 0)           # a form drawing itself counts once
            memo[key] = _cost(form.get_data(), form.get("Resources") or resources, depth + 1, memo)
        g, p = memo[key]
        glyphs += g
        paths += p
        if glyphs > limits.MAX_PDF_PAGE_GLYPH_BYTES or paths > limits.MAX_PDF_PAGE_PATH_OPS:
            break
    return glyphs, paths


def check_page(page_obj, number: int) -> None:
    """DocumentTooLarge when the page would draw more than the limits (forms counted each time
    they are drawn)."""
    content = _content_bytes(page_obj.attrs.get("Contents"))
    glyphs, paths = _cost(content, page_obj.resources, 0, {})
    if glyphs > limits.MAX_PDF_PAGE_GLYPH_BYTES:
        raise DocumentTooLarge(f"PDF page {number} shows more than {limits.MAX_PDF_PAGE_GLYPH_BYTES:,} "
                               "bytes of text")
    if paths > limits.MAX_PDF_PAGE_PATH_OPS:
        raise DocumentTooLarge(f"PDF page {number} draws more than {limits.MAX_PDF_PAGE_PATH_OPS:,} paths")


def count_pages(doc, cap: int) -> int:
    """Pages of the page tree, counted without keeping them, up to cap + 1."""
    from pdfminer.pdfpage import PDFPage

    n = 0
    for _ in PDFPage.create_pages(doc):
        n += 1
        if n > cap:
            break
    return n
