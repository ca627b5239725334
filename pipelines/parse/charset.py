"""Bytes → str: declared charset (HTTP header / meta) → BOM → UTF-8 → GB18030."""
from __future__ import annotations

import codecs
import re

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
            "cp936": "gb18030", "ms936": "gb18030", "euc-cn": "gb18030", "hz-gb-2312": "gb18030",
            "utf8": "utf-8", "unicode": "utf-8", "big5-hkscs": "big5hkscs"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def canonical(name: str | None) -> str | None:
    """Python codec name for a declared charset; gb2312/gbk are read as their superset gb18030."""
    if not name:
        return None
    n = name.strip().strip("\"'").lower()
    n = _ALIASES.get(n, n)
    try:
        codecs.lookup(n)
    except LookupError:
        return None
    return n


def declared_charset(data: bytes, media_type: str | None = None) -> str | None:
    if media_type:
        m = _HEADER.search(media_type)
        if m:
            c = canonical(m.group(1))
            if c:
                return c
    head = data[:4096]
    m = _META.search(head) or _XML.search(head)
    if m:
        return canonical(m.group(1).decode("ascii", "ignore"))
    return None


def decode(data: bytes, media_type: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding_used)``; never raises (falls back to gb18030 with replacement)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, "replace"), enc
    declared = declared_charset(data, media_type)
    if declared:
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return data.decode(declared or "utf-8", "replace"), (declared or "utf-8") + "+replace"
