"""source_format of a document from media type, file name and magic bytes."""
from __future__ import annotations

import io
import zipfile

_BY_EXT = {"html": "html", "htm": "html", "shtml": "html", "jsp": "html", "pdf": "pdf", "docx": "docx",
           "doc": "doc", "txt": "txt", "md": "md", "markdown": "md", "xls": "xls", "xlsx": "xls"}
_BY_MEDIA = {"text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf",
             "application/msword": "doc", "text/plain": "txt", "text/markdown": "md", "text/x-markdown": "md",
             "application/vnd.ms-excel": "xls",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xls"}


# formats whose bytes are text (their encoding is recorded with the document)
TEXT_FORMATS = ("html", "txt", "md")


def source_format(media_type: str | None, filename: str | None, data: bytes | None) -> str:
    head = (data or b"")[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and data:
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xls"
        except zipfile.BadZipFile:
            pass
    ext = (filename or "").rsplit(".", 1)[-1].lower() if filename and "." in filename else ""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls" if ext in ("xls", "et") else "doc"
    mt = (media_type or "").split(";")[0].strip().lower()
    if mt in _BY_MEDIA and mt not in ("application/octet-stream",):
        return _BY_MEDIA[mt]
    if ext in _BY_EXT:
        return _BY_EXT[ext]
    low = (data or b"")[:2048].lower()
    if b"<html" in low or b"<!doctype html" in low or b"<meta" in low:
        return "html"
    return "other"
