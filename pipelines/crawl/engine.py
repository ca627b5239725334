"""Crawl orchestration: per source, discover report links with the family adapter, then fetch
and archive each article page and its attachments. One bad source or page never stops the rest."""
from __future__ import annotations

import asyncio
import logging
import secrets
import tempfile
from datetime import datetime, timezone

import sniffio

from ..archive import Archive, DocumentRecord, LinkRecord
from ..archive.lookups import ArchivedCopy
from ..sources import Registry, Source
from .adapters import get_adapter
from .adapters.base import Discovered
from . import resume
from .claims import claim_record, record_late_claims
from .client import Fetcher, FetchResult
from .formats import TEXT_FORMATS, source_format
from .responses import url_filename
from .report import CrawlReport, SourceReport, SourceStatus
from .titles import year_hint

log = logging.getLogger(__name__)

UNREACHABLE_REASONS = ("timeout", "connect_error", "dns_error", "tls_error", "not_allowed",
                       "redirect_loop", "protocol_error", "read_error", "proxy_error", "retries_exhausted",
                       "not_found", "too_large")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SourceContext:
    """What an adapter sees: the source, list-page fetching, and link/document recording."""

    def __init__(self, engine: "Engine", source: Source, check_mode: bool = False):
        self.engine = engine
        self.source = source
        self.registry = engine.registry
        self.fetcher = engine.fetcher
        self.archive = engine.archive
        self.check_mode = check_mode
        self.max_pages = min(3, source.max_pages) if check_mode else source.max_pages
        self.entry_result: FetchResult | None = None
        self.entry_reason: str | None = None
        self.links_found = 0
        self.report = SourceReport(source.id, source.family)
        # the previous crawl of this source, read before this run marks its own start
        self.previous_crawl = None if check_mode else self.archive.last_crawl(source.id, before_run=engine.run_id)
        self.outstanding: bool | None = None     # resume.outstanding_links, once per crawl

    async def get(self, url: str, *, method: str = "GET", data=None) -> FetchResult:
        res = await self.fetcher.fetch(self.source, url, stage="list", method=method, data=data,
                                       conditional=(method == "GET"))
        if self.entry_result is None:
            self.entry_result = res
        return res

    def archived(self, url: str) -> bool:
        """Archived with intact bytes (a missing or damaged blob is fetched again)."""
        return (not self.source.refetch) and self.archive.document_intact(url)

    def archived_copy(self, url: str) -> ArchivedCopy | None:
        """As archived(), with what the skip path needs (one index query): None when not archived
        intact, else the latest document, its last ok fetch and whether this source claims it."""
        if self.source.refetch:
            return None
        copy = self.archive.archived_copy(url, self.source.id)
        if copy.document is None or not self.archive.blob_ok(copy.document["content_sha256"]):
            return None
        return copy

    def can_stop(self, report_urls, next_url: str) -> bool:
        """Incremental listing (option ``stop_at_known``, default on): stop paging before
        ``next_url`` only when the archive proves the rest of the listing is known (resume.py).
        ``refetch`` sources always walk everything."""
        if self.check_mode or self.source.refetch or not self.source.option("stop_at_known", True):
            return False
        return resume.listing_known(self, report_urls, next_url)

    def entry_failed(self, reason: str) -> None:
        self.entry_reason = reason

    def add_link(self, link: LinkRecord) -> None:
        self.links_found += 1
        if not self.check_mode and self.archive.record_link(link):
            self.report.links_new += 1
        self.engine.emit({"kind": "link", "source_id": self.source.id, "url": link.url,
                          "title": link.link_title})

    def add_document(self, doc: DocumentRecord) -> bool:
        own = self.source.agency
        doc.source_owns = doc.source_owns or bool(own and (doc.agency_id or own) == own)
        new = self.archive.record_document(doc)
        if new:
            self.report.documents_new += 1
        else:
            self.report.documents_unchanged += 1
        self.engine.emit({"kind": "document", "source_id": self.source.id, "url": doc.url, "new": new})
        return new


class Engine:
    def __init__(self, registry: Registry, archive: Archive, *, run_id: str | None = None,
                 progress=None, check_mode: bool = False, article_parallelism: int = 4):
        self.registry = registry
        self.archive = archive
        self.run_id = run_id or datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ-") + secrets.token_hex(3)
        self.progress = progress
        self.check_mode = check_mode
        self.article_parallelism = article_parallelism
        self.fetcher: Fetcher | None = None
        self._done_urls: set[str] = set()
        # url -> (ctx, link, parent_url, title, year) of sources that linked a URL another source
        # of this run had already taken: their claims are recorded at the end (claims.py)
        self._also_linked: dict[str, list[tuple]] = {}
        self.total_items = 0
        self.completed_items = 0

    def emit(self, event: dict) -> None:
        if self.progress:
            event.setdefault("run_id", self.run_id)
            event.setdefault("completed", self.completed_items)
            event.setdefault("total", self.total_items)
            try:
                self.progress(event)
            except Exception:
                log.exception("progress callback failed")

    async def run(self, sources: list[Source]) -> list[SourceContext]:
        self.fetcher = Fetcher(self.archive, run_id=self.run_id, max_concurrency=self.registry.max_concurrency,
                               progress=self.progress, store_blobs=not self.check_mode)
        # index writes share transactions of up to a quarter of a second (archive/batch.py)
        with self.archive.write_batch(call_later=asyncio.get_running_loop().call_later):
            try:
                ctxs = [SourceContext(self, s, self.check_mode) for s in sources]
                await asyncio.gather(*(self._source(c) for c in ctxs))
                if not self.check_mode:
                    record_late_claims(self.archive, self._also_linked)
                return ctxs
            finally:
                await self.fetcher.aclose()

    async def _source(self, ctx: SourceContext) -> None:
        src = ctx.source
        self.emit({"kind": "source_start", "source_id": src.id})
        if not self.check_mode:
            self.archive.crawl_started(src.id, self.run_id)
        try:
            adapter = get_adapter(src.family)
            if hasattr(adapter, "run"):
                await adapter.run(ctx)
            else:
                found = await adapter.discover(ctx)
                uniq: dict[str, Discovered] = {}
                for d in found:
                    if d.link.url not in uniq or (uniq[d.link.url].response is None and d.response is not None):
                        uniq[d.link.url] = d
                for d in uniq.values():
                    ctx.add_link(d.link)
                if not self.check_mode:
                    self.total_items += len(uniq)
                    pending = iter(uniq.values())

                    async def worker():
                        # a few workers taking the links in order (not a task per link waiting on a
                        # semaphore: those cost memory per document)
                        for d in pending:
                            try:
                                await self._article(ctx, adapter, d)
                            except Exception as e:
                                log.exception("article %s failed", d.link.url)
                                self.fetcher.record(src, FetchResult(url=d.link.url, stage="article", outcome="error",
                                                                     reason=f"internal:{type(e).__name__}"))
                            self.completed_items += 1
                            self.emit({"kind": "item_done", "source_id": src.id, "url": d.link.url})
                    await asyncio.gather(*(worker() for _ in range(min(self.article_parallelism, len(uniq)))))
        except Exception as e:
            log.exception("source %s failed", src.id)
            self.fetcher.record(src, FetchResult(url=src.entry_url or src.id, stage="list", outcome="error",
                                                 reason=f"adapter_error:{type(e).__name__}"))
            ctx.report.status, ctx.report.reason = "error", f"{type(e).__name__}: {e}"
        self._finish(ctx)
        if not self.check_mode:
            self.archive.crawl_finished(src.id, self.run_id, clean=resume.crawl_was_clean(ctx, self.run_id))
        self.emit({"kind": "source_done", "source_id": src.id, "status": ctx.report.status})

    def _finish(self, ctx: SourceContext) -> None:
        r = ctx.report
        st = self.fetcher.stats.src(ctx.source.id)
        r.requests, r.bytes, r.errors = st["requests"], st["bytes"], dict(st["errors"])
        r.links = ctx.links_found
        if r.status == "error":
            return
        entry = ctx.entry_result
        reason = ctx.entry_reason or (entry.reason if entry is not None and entry.outcome == "error" else None)
        if reason and r.links == 0:
            r.reason = reason
            if reason == "robots":
                r.status = "robots_disallowed"
            elif reason == "blocked":
                r.status = "blocked"
            else:
                r.status = "unreachable"
        elif r.links == 0:
            r.status = "no_reports_found"
        elif r.errors:
            r.status = "partial"
        else:
            r.status = "ok"

    # -- documents -------------------------------------------------------------------------------
    def _claim(self, url: str, ctx=None, link=None, parent_url=None, title=None, year=None) -> bool:
        if url in self._done_urls:
            if ctx is not None:
                self._also_linked.setdefault(url, []).append((ctx, link, parent_url, title, year))
            return False
        self._done_urls.add(url)
        return True

    async def _article(self, ctx: SourceContext, adapter, d: Discovered) -> None:
        link, src = d.link, ctx.source
        url = link.url
        if not self._claim(url, ctx, link, None, link.link_title, link.year_hint):
            return
        res = d.response
        if res is None:
            copy = ctx.archived_copy(url)
            if copy is not None:
                await self._skip(ctx, adapter, url, "article", link, None, link.link_title, link.year_hint, copy)
                return
            res = await self.fetcher.fetch(src, url, stage="article", conditional=src.refetch)
        if not res.ok:
            return
        info = self._document(ctx, res, link, parent_url=None, title=link.link_title,
                              year=link.year_hint, published=None, adapter=adapter)
        if info is not None:
            await self._attachments(ctx, info[1], url, link, info[0])

    def _document(self, ctx, res: FetchResult, link: LinkRecord, *, parent_url, title, year, published,
                  adapter=None):
        """Record the document; for an HTML article returns (meta, attachments), else None."""
        media = (res.content_type or "").split(";")[0].strip() or None
        fname = res.filename or url_filename(res.final_url or res.url)
        fmt = source_format(media, fname, res.content)
        info = None
        enc = None
        if fmt in TEXT_FORMATS:
            enc = res.encoding
        if fmt == "html" and adapter is not None:
            try:
                info = adapter.article(res.text(), res.final_url or res.url)
            except Exception:
                log.exception("article parsing failed on %s", res.url)
                info = ({}, [])
            meta = info[0]
            published = meta.get("published_on") or published
            title = title or meta.get("title")
        ctx.add_document(DocumentRecord(
            url=res.url, content_sha256=res.sha256, source_id=ctx.source.id,
            agency_id=link.agency_id or ctx.source.agency, parent_url=parent_url, source_format=fmt,
            media_type=media, filename=fname if parent_url else (res.filename or None), encoding=enc,
            n_bytes=res.n_bytes, link_title=title, year_hint=year if year is not None else year_hint(title),
            listed_on=link.listed_on, published_on_hint=published, first_fetched_at=_now()))
        return info

    async def _attachments(self, ctx, atts, parent_url, link, meta) -> None:
        for aurl, atitle in atts:
            year = year_hint(atitle) or link.year_hint
            if not self._claim(aurl, ctx, link, parent_url, atitle or None, year):
                continue
            copy = ctx.archived_copy(aurl)
            if copy is not None:
                await self._skip(ctx, None, aurl, "attachment", link, parent_url, atitle or None, year, copy)
                continue
            res = await self.fetcher.fetch(ctx.source, aurl, stage="attachment", conditional=ctx.source.refetch)
            if res.ok:
                self._document(ctx, res, link, parent_url=parent_url, title=atitle or None, year=year,
                               published=(meta or {}).get("published_on"))

    async def _skip(self, ctx, adapter, url, stage, link, parent_url, title, year, copy: ArchivedCopy) -> None:
        """Already archived OK (``copy``, read in one query): no request; a fetch row
        'unchanged_skipped'; the source's claim is recorded if it has none (a run killed before its
        claim was written); attachments of an archived article are re-read from the stored copy."""
        prev, doc = copy.fetch, copy.document
        if doc is not None and not copy.claimed:
            self.archive.record_claim(claim_record(ctx.source, doc, link, parent_url, title, year))
        res = FetchResult(url=url, stage=stage, outcome="unchanged_skipped", final_url=url,
                          sha256=prev["content_sha256"] if prev else None,
                          n_bytes=prev["n_bytes"] if prev else None,
                          content_type=prev["content_type"] if prev else None,
                          etag=prev["etag"] if prev else None,
                          last_modified=prev["last_modified"] if prev else None, elapsed_ms=0)
        self.fetcher.record(ctx.source, res)
        ctx.report.documents_unchanged += 1
        if stage != "article" or not prev:
            return
        try:
            data = self.archive.get_blob(prev["content_sha256"])
        except FileNotFoundError:
            return
        res.content = data
        fmt = source_format((prev["content_type"] or "").split(";")[0], None, data)
        if fmt == "html":
            try:
                meta, atts = adapter.article(res.text(), prev.get("final_url") or url)
            except Exception:
                log.exception("article parsing failed on %s", url)
                return
            await self._attachments(ctx, atts, url, link, meta)


def _select(registry: Registry, sources) -> list[Source]:
    if not sources:
        return list(registry.sources)
    wanted = [s if isinstance(s, str) else s.id for s in sources]
    unknown = [w for w in wanted if w not in {s.id for s in registry.sources}]
    if unknown:
        raise ValueError(f"unknown source id(s): {', '.join(unknown)}")
    return [s for s in registry.sources if s.id in wanted]


def _run(coro):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(1) as ex:   # called from inside an event loop
        return ex.submit(asyncio.run, coro).result()


async def crawl_async(registry: Registry, archive: Archive, *, run_id=None, progress=None,
                      sources=None) -> CrawlReport:
    chosen = _select(registry, sources)
    # httpcore asks sniffio which event loop runs at every lock and read; declared, sniffio answers
    # at once instead of looking up the current task (its documented override; tasks inherit it)
    sniffio.current_async_library_cvar.set("asyncio")
    eng = Engine(registry, archive, run_id=run_id, progress=progress)
    report = CrawlReport(run_id=eng.run_id, started_at=_now())
    ctxs = await eng.run(chosen)
    st = eng.fetcher.stats
    report.requests, report.bytes, report.errors = st.requests, st.bytes, dict(st.errors)
    report.fetches = archive.count_fetches(eng.run_id)
    for c in ctxs:
        r = c.report
        report.sources[r.source_id] = r
        report.links_discovered += r.links
        report.links_new += r.links_new
        report.documents_new += r.documents_new
        report.documents_unchanged += r.documents_unchanged
    report.finished_at = _now()
    eng.emit({"kind": "done", "report": report})
    return report


def crawl(registry: Registry, archive: Archive, *, run_id: str | None = None, progress=None,
          sources=None) -> CrawlReport:
    """Discover and fetch every (or the chosen) source of ``registry`` into ``archive``."""
    return _run(crawl_async(registry, archive, run_id=run_id, progress=progress, sources=sources))


async def check_sources_async(registry: Registry, sources=None, progress=None) -> list[SourceStatus]:
    chosen = _select(registry, sources)
    with tempfile.TemporaryDirectory(prefix="govreports-check-") as tmp:
        archive = Archive(tmp)
        try:
            eng = Engine(registry, archive, progress=progress, check_mode=True)
            ctxs = await eng.run(chosen)
        finally:
            archive.close()
    out = []
    for c in ctxs:
        r = c.report
        status = {"ok": "reachable", "partial": "reachable"}.get(r.status, r.status)
        if status == "error":
            status = "unreachable"
        reason = r.reason
        if status == "reachable":
            reason = f"{r.links} report link(s) on the first pages"
        out.append(SourceStatus(r.source_id, status, reason))
    return out


def check_sources(registry: Registry, sources=None, progress=None) -> list[SourceStatus]:
    """Probe each source (robots.txt, entry page, first list pages); nothing is archived."""
    return _run(check_sources_async(registry, sources=sources, progress=progress))
