"""When a crawl may stop paging: only on what the archive holds, never on what was fetched once.

A crawl killed midway (kill -9, power cut) leaves list pages fetched whose reports were never
archived; a blob may be damaged or deleted since; a report may have timed out. Each of these must
make the next crawl walk the listing again, or the reports behind them are never fetched."""
from __future__ import annotations

# Failures that a later attempt will not change: a link that ended so is settled, not outstanding.
PERMANENT_REASONS = frozenset({"not_allowed", "robots", "too_large", "redirect_loop", "not_found",
                               "unsupported_encoding"})


def is_permanent(reason: str | None) -> bool:
    r = reason or ""
    return r in PERMANENT_REASONS or (r.startswith("http_4") and r not in ("http_408", "http_429"))


def listing_known(ctx, report_urls, next_url: str) -> bool:
    """Stop before ``next_url`` only when every report link of the page just read is archived
    intact, the previous crawl of this source ran to its end without transient errors, a crawl
    that did so read ``next_url``, and every link this source ever listed is archived intact or
    failed for good."""
    report_urls = list(report_urls)
    if not report_urls or not all(ctx.archived(u) for u in report_urls):
        return False
    prev = ctx.previous_crawl
    if not prev or not prev.get("finished_at") or not prev.get("clean"):
        return False
    if not ctx.archive.fetched_in_clean_crawl(ctx.source.id, next_url):
        return False
    return not outstanding_links(ctx)


def outstanding_links(ctx) -> bool:
    """Some link the source listed before is neither archived intact nor failed for good
    (computed once per crawl and source; each blob is hashed once per process)."""
    if ctx.outstanding is None:
        ctx.outstanding = False
        archive = ctx.archive
        for u in archive.source_link_urls(ctx.source.id):
            if archive.document_intact(u):
                continue
            last = archive.latest_fetch(u)
            if last and last["outcome"] == "error" and is_permanent(last["reason"]):
                continue
            ctx.outstanding = True
            break
    return ctx.outstanding


def crawl_was_clean(ctx, run_id: str) -> bool:
    """The source's crawl ended with nothing left to retry (what listing_known trusts later)."""
    if ctx.report.status == "error":
        return False
    return not any(stage != "robots" and not is_permanent(reason)
                   for stage, reason in ctx.archive.fetch_errors(run_id, ctx.source.id))
