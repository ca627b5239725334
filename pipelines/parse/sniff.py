"""What kind of document the bytes are: magic numbers first, then name / media type hints."""
from __future__ import annotations

import io
import re
import zipfile
from typing import Final

from pipelines.encoding import bom_encoding

OLE: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .wps / .xls / .ppt
_BINARY_MAGIC: Final = (
    (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"\x1f\x8b", "gzip archive"), (b"Rar!", "RAR archive"), (b"7z\xbc\xaf", "7z archive"),
    (b"BM", None), (b"II*\x00", "TIFF image"), (b"MM\x00*", "TIFF image"), (b"{\\rtf", "rtf"),
)
_HTML_HINT: Final = re.compile(rb"<\s*(?:!doctype|html|head|body|table|div|p|meta|span|tr|td|br|h[1-6])\b", re.I)
_CTRL: Final = bytes(b for b in range(32) if b < 9 or 13 < b < 32 and b != 27)
_LEGACY_EXT: Final = {".doc": "doc", ".wps": "wps", ".xls": "xls", ".et": "et", ".ppt": "ppt", ".dps": "dps"}
# Markdown (PDF-to-Markdown conversions): a pipe-table separator row (|---|:--:|) or two ATX headings
_MD_SEPARATOR: Final = re.compile(rb"^[ \t]*\|?[ \t]*:?-+:?[ \t]*\|[ \t]*:?-+:?", re.M)
_MD_HEADING: Final = re.compile(rb"^#{1,6}[ \t]+\S", re.M)


def sniff(data: bytes, filename: str | None = None, media_type: str | None = None) -> str:
    """Return pdf / docx / legacy / ofd / xlsx / zip / rtf / image:<kind> / binary / html / markdown / text."""
    head = data[:16]
    # (lstrip() copies the whole document: only when there is leading whitespace to strip)
    if (data.lstrip()[:5] if data[:1].isspace() else head[:5]) == b"%PDF-" or head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(OLE):
        return "legacy"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError):
            ext = (filename or "").lower().rsplit(".", 1)[-1]
            return "docx" if ext == "docx" else "zip"
        if "word/document.xml" in names:
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if "OFD.xml" in names:
            return "ofd"
        return "zip"
    for magic, kind in _BINARY_MAGIC:
        if kind and head.startswith(magic):
            return "rtf" if kind == "rtf" else "image:" + kind
    bom = bom_encoding(head)
    if bom is not None and bom[0] != "utf-8":
        # UTF-16/32 text is full of NUL bytes: judge the decoded characters, not the bytes
        enc, n = bom
        width = 4 if "32" in enc else 2
        chunk = data[n:n + 8192 - (8192 % width)]
        sample = chunk.decode(enc, "replace").encode("utf-8")
        return _text_kind(sample, filename, media_type)
    sample = data[:8192]
    if sample:
        ctrl = len(sample) - len(sample.translate(None, _CTRL))
        if ctrl / len(sample) > 0.10:
            return "binary"
    return _text_kind(data[:4096], filename, media_type)


def _text_kind(head: bytes, filename: str | None, media_type: str | None) -> str:
    name = (filename or "").lower()
    mt = (media_type or "").lower()
    for ext, kind in _LEGACY_EXT.items():
        if name.endswith(ext):
            return "legacy"
    if "html" in mt or name.endswith((".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php")):
        return "html"
    if "markdown" in mt or name.endswith((".md", ".markdown")):
        return "markdown"
    if _MD_SEPARATOR.search(head) or len(_MD_HEADING.findall(head)) >= 2:
        return "markdown"  # before the HTML hint: a Markdown cell may hold a <br>
    if _HTML_HINT.search(head[:4096]):
        return "html"
    return "text"
