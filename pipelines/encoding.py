"""Bytes → text for government documents, shared by the crawler and the parser.

Order: HTTP header charset → <meta charset> / XML declaration → BOM → UTF-8 (strict) → gb18030.
gb2312/gbk and friends are widened to gb18030: pages declared gb2312 carry GBK-only characters
such as 镕 and 喆, and httpx would decode them wrongly. Callers always keep the raw bytes."""
from __future__ import annotations

import codecs
import re

_WIDEN = {"gb2312": "gb18030", "gb_2312": "gb18030", "gb_2312-80": "gb18030", "gbk": "gb18030",
          "x-gbk": "gb18030", "cp936": "gb18030", "ms936": "gb18030", "euc-cn": "gb18030",
          "hz-gb-2312": "gb18030", "iso-8859-1": "cp1252", "latin-1": "cp1252",
          "us-ascii": "utf-8", "ascii": "utf-8", "utf8": "utf-8", "unicode": "utf-8",
          "big5-hkscs": "big5hkscs"}

_META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_RE = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I)
_HEADER_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.I)


def normalise(name: str | None) -> str | None:
    """Python codec name for a declared charset, or None when unknown."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = _WIDEN.get(name, name)
    if name == "gb18030":
        return name
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    m = _HEADER_RE.search(content_type) if content_type else None
    return normalise(m.group(1)) if m else None


def meta_charset(data: bytes) -> str | None:
    head = data[:4096]
    m = _META_RE.search(head) or _XML_RE.search(head)
    return normalise(m.group(1).decode("ascii", "ignore")) if m else None


def decode_bytes(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used); never raises (last resort: gb18030 with replacement)."""
    tried: list[str] = []
    for enc in (header_charset(content_type), meta_charset(data)):
        if enc and enc not in tried:
            tried.append(enc)
            body = data[3:] if enc.startswith("utf-8") and data.startswith(codecs.BOM_UTF8) else data
            try:
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
        return data.decode("gb18030", "replace"), "gb18030+replace"
