"""What the fetcher makes of a response: challenge pages, Retry-After, file names, and a
Content-Encoding decoder bounded by the size limit; ``FetchFailure`` ends a fetch with a reason."""
from __future__ import annotations

import email.utils
import re
import zlib
from datetime import datetime, timezone
from urllib.parse import parse_qs, unquote, urlsplit


class FetchFailure(Exception):
    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def is_challenge(status: int, body: bytes, content_type: str | None) -> bool:
    """Ruishu (412/202 + $_ts), 加速乐 521, or a tiny JS-only page."""
    if status == 521:
        return True
    ct = (content_type or "").lower()
    if ct and not any(t in ct for t in ("html", "text", "javascript", "xml")):
        return False
    head = body[:30000]
    low = head.lower()
    if b"$_ts" in head and b"<script" in low:
        return True
    if status in (412, 202) and b"<script" in low:
        return True
    if len(body) < 600 and b"<script" in low:
        text = re.sub(rb"(?is)<script.*?</script>|<style.*?</style>|<[^>]+>|&nbsp;|\s", b"", body)
        if not text.strip():
            return True
    return False


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        dt = email.utils.parsedate_to_datetime(value)
        return max(0.0, (dt - datetime.now(timezone.utc)).total_seconds())
    except Exception:
        return None


def disposition_filename(raw: bytes | None) -> str | None:
    if not raw:
        return None
    try:
        s = raw.decode("utf-8")
    except UnicodeDecodeError:
        s = raw.decode("gb18030", "replace")
    m = re.search(r"filename\*\s*=\s*([\w\-]+)'[^']*'([^;]+)", s, re.I)
    if m:
        try:
            return unquote(m.group(2).strip().strip('"'), encoding=m.group(1))
        except LookupError:
            return unquote(m.group(2).strip().strip('"'))
    m = re.search(r'filename\s*=\s*"([^"]+)"|filename\s*=\s*([^;]+)', s, re.I)
    if m:
        name = (m.group(1) or m.group(2)).strip()
        return unquote(name) if "%" in name else name
    return None


def url_filename(url: str) -> str | None:
    p = urlsplit(url)
    q = parse_qs(p.query)
    for key in ("showname", "filename", "file", "name"):
        if q.get(key):
            return q[key][0].rsplit("/", 1)[-1]
    name = unquote(p.path.rsplit("/", 1)[-1])
    return name or None


class _Decoder:
    """Content-Encoding decoder that never produces more than ``limit`` bytes (gzip bombs)."""

    def __init__(self, encoding: str | None):
        enc = (encoding or "").lower().strip()
        self.kind = enc
        if enc in ("gzip", "x-gzip"):
            self.d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif enc == "deflate":
            self.d = None  # decided on first chunk (zlib wrapper or raw)
        elif enc in ("", "identity"):
            self.d = False
        else:
            raise FetchFailure("unsupported_encoding")

    def feed(self, chunk: bytes, room: int) -> bytes:
        if self.d is False:
            return chunk
        if self.d is None:
            self.d = zlib.decompressobj(zlib.MAX_WBITS if (chunk[:1] == b"\x78") else -zlib.MAX_WBITS)
        try:
            out = self.d.decompress(chunk, room + 1)
        except zlib.error:
            raise FetchFailure("decode_error")
        if self.d.unconsumed_tail or len(out) > room:
            raise FetchFailure("too_large")
        return out
