"""Crawler: discovery (site-family adapters) and polite fetching into the archive.

    crawl(registry, archive, *, run_id=None, progress=None, sources=None) -> CrawlReport
    check_sources(registry) -> list[SourceStatus]   # (source_id, status, reason)

``progress`` is called with one dict per event: {"kind": "source_start"|"link"|"fetch"|
"document"|"item_done"|"source_done"|"done", "source_id", "url", "completed", "total", …}.
"""
from .engine import (CrawlReport, SourceReport, SourceStatus, check_sources, check_sources_async,
                     crawl, crawl_async)

__all__ = ["crawl", "crawl_async", "check_sources", "check_sources_async", "CrawlReport",
           "SourceReport", "SourceStatus"]
