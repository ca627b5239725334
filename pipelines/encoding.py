"""Bytes → text for government documents, shared by the crawler and the parser.

Order: BOM → HTTP header charset → <meta charset> / XML declaration → UTF-8 (strict) → gb18030.
A byte-order mark is the strongest evidence there is (and UTF-16/32 pages cannot even be searched
for a <meta> tag as bytes), so it wins over any declaration, as in browsers.
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


# UTF-32 first: the UTF-32-LE mark begins with the UTF-16-LE one
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """(codec, length of the mark) when ``data`` starts with a Unicode byte-order mark."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    return None


def decode_bytes(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used); never raises (last resort: gb18030 with replacement)."""
    bom = bom_encoding(data)
    if bom is not None:
        codec, n = bom
        if codec == "utf-8":
            declared = header_charset(content_type) or meta_charset(data)
            name = "utf-8" if declared and declared.startswith("utf-8") else "utf-8-sig"
        else:
            name = codec
        try:
            return data[n:].decode(codec), name
        except UnicodeDecodeError:
            return data[n:].decode(codec, "replace"), name + "+replace"
    tried: list[str] = []
    for enc in (header_charset(content_type), meta_charset(data)):
        if enc and enc not in tried:
            tried.append(enc)
            try:
                return data.decode(enc), enc
            except (UnicodeDecodeError, LookupError):
                continue
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace"), "gb18030+replace"
