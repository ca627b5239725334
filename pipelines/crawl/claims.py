"""Claims of the sources that linked a URL another source of the same run had already fetched.

The engine fetches a URL once per run, for whichever source reaches it first; the others still
record that they link it, so the archive's attribution rule (archive/claims.py) sees every source
whatever the crawl order. A source that links an article links its attachments too: it claims
them as if it had read the article itself (which it does when it reaches the article first)."""
from __future__ import annotations

from ..archive import Archive, DocumentRecord, LinkRecord
from .titles import year_hint


def record_late_claims(archive: Archive, also_linked: dict[str, list[tuple]]) -> None:
    """also_linked: url -> [(ctx, link, parent_url, title, year)] of the sources that did not fetch it."""
    for url, claims in also_linked.items():
        doc = archive.latest_document(url)
        if doc is None:
            continue
        attachments = archive.attachments_of(url) if parent_is_article(doc) else []
        for ctx, link, parent_url, title, year in claims:
            archive.record_document(claim_record(ctx.source, doc, link, parent_url, title, year))
            for att in attachments:
                archive.record_document(claim_record(ctx.source, att, link, url, att["link_title"],
                                                     year_hint(att["link_title"]) or link.year_hint))


def parent_is_article(doc: dict) -> bool:
    return doc.get("source_format") == "html" and not doc.get("parent_url")


def claim_record(source, doc: dict, link: LinkRecord, parent_url, title, year) -> DocumentRecord:
    own = source.agency
    agency = link.agency_id or own
    title = title or link.link_title
    return DocumentRecord(
        url=doc["url"], content_sha256=doc["content_sha256"], source_id=source.id, agency_id=agency,
        parent_url=parent_url, source_format=doc["source_format"], media_type=doc["media_type"],
        filename=doc["filename"], encoding=doc["encoding"], n_bytes=doc["n_bytes"], link_title=title,
        year_hint=year if year is not None else (link.year_hint or year_hint(title)),
        listed_on=link.listed_on, first_fetched_at=doc["first_fetched_at"],
        last_fetched_at=doc["last_fetched_at"], source_owns=bool(own and agency == own))
