"""Bytes → text for government pages. Order: header charset → <meta charset> → BOM → UTF-8
(strict) → gb18030. gb2312/gbk/gb_2312 are widened to gb18030 (pages declared gb2312 carry GBK-only
characters such as 镕, 喆). The raw bytes are always kept by the caller."""
from __future__ import annotations

import codecs
import re

_WIDEN = {"gb2312": "gb18030", "gb_2312": "gb18030", "gb_2312-80": "gb18030", "gbk": "gb18030",
          "x-gbk": "gb18030", "cp936": "gb18030", "ms936": "gb18030", "euc-cn": "gb18030",
          "hz-gb-2312": "gb18030", "gb18030": "gb18030", "iso-8859-1": "cp1252", "latin-1": "cp1252",
          "us-ascii": "utf-8", "ascii": "utf-8", "utf8": "utf-8"}

_META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)
_HEADER_RE = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_\-]+)", re.I)


def normalise(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = _WIDEN.get(name, name)
    try:
        return codecs.lookup(name).name if name not in ("gb18030",) else "gb18030"
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_RE.search(content_type)
    return normalise(m.group(1)) if m else None


def meta_charset(data: bytes) -> str | None:
    m = _META_RE.search(data[:4096])
    return normalise(m.group(1).decode("ascii", "ignore")) if m else None


def decode_bytes(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used)."""
    tried: list[str] = []
    for enc in (header_charset(content_type), meta_charset(data)):
        if enc and enc not in tried:
            tried.append(enc)
            try:
                body = data
                if enc.startswith("utf-8") and data.startswith(codecs.BOM_UTF8):
                    body = data[3:]
                return body.decode(enc), enc
            except (UnicodeDecodeError, LookupError):
                continue
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", "replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace"), "gb18030"
