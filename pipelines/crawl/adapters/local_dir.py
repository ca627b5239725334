"""A folder of report files (HTML/TXT/PDF/DOCX …) as a source; file:// URLs, no network."""
from __future__ import annotations

import mimetypes
import re

from ...archive import DocumentRecord, LinkRecord
from ...sources import resolve_local_path
from pipelines.encoding import decode_bytes
from ..formats import TEXT_FORMATS, source_format
from ..titles import clean_title, year_hint
from .base import Adapter

EXTS = {".html", ".htm", ".txt", ".md", ".pdf", ".docx", ".doc", ".xls", ".xlsx", ".wps"}


def _first_title(data: bytes, fmt: str) -> tuple[str | None, str | None]:
    if fmt not in TEXT_FORMATS:
        return None, None
    text, enc = decode_bytes(data)
    if fmt == "html":
        m = re.search(r"<title[^>]*>(.*?)</title>", text, re.S | re.I)
        return (clean_title(m.group(1)) if m else None), enc
    for line in text.splitlines():
        if line.strip():
            return clean_title(line)[:200], enc
    return None, enc


class LocalDirAdapter(Adapter):
    family = "local_dir"

    async def discover(self, ctx):
        return []

    async def run(self, ctx) -> None:
        src = ctx.source
        root = resolve_local_path(src)
        if not root.is_dir():
            ctx.fetcher.record(src, _err(root.as_uri(), "not_found"))
            ctx.entry_failed("not_found")
            return
        files = src.option("files") or {}
        names = sorted(files) if files else sorted(p.name for p in root.iterdir()
                                                     if p.is_file() and p.suffix.lower() in EXTS)
        agencies = list(ctx.registry.agencies.values())
        for name in names:
            if ctx.check_mode:
                ctx.links_found += 1
                continue
            meta = files.get(name) or {}
            path = root / name
            url = path.as_uri()
            if not path.is_file():
                ctx.fetcher.record(src, _err(url, "not_found"))
                continue
            data = path.read_bytes()
            fmt = source_format(None, name, data)
            title, enc = _first_title(data, fmt)
            title = meta.get("title") or title
            agency = meta.get("agency") or src.agency
            if not agency and title:   # inference: a full agency name in the title
                hits = [a.id for a in agencies if a.name in title]
                agency = hits[0] if len(hits) == 1 else None
            year = meta.get("year") or year_hint(title)
            link = LinkRecord(source_id=src.id, url=url, agency_id=agency, list_url=root.as_uri(),
                              link_title=title, year_hint=year)
            ctx.add_link(link)
            sha = ctx.archive.put_blob(data)
            from ..client import FetchResult
            media = mimetypes.guess_type(name)[0]
            res = FetchResult(url=url, final_url=url, stage="article", outcome="ok", sha256=sha,
                              n_bytes=len(data), content_type=media)
            ctx.fetcher.record(src, res)
            ctx.add_document(DocumentRecord(
                url=url, content_sha256=sha, source_id=src.id, agency_id=agency, source_format=fmt,
                media_type=media, filename=name, encoding=enc, n_bytes=len(data), link_title=title,
                year_hint=year))


def _err(url, reason):
    from ..client import FetchResult
    return FetchResult(url=url, final_url=url, stage="list", outcome="error", reason=reason)
