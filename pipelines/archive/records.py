"""Rows of the archive index; the columns are those of the raw tables (docs/architecture.md)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone


def utcnow() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def document_id(url: str, content_sha256: str) -> str:
    return hashlib.sha256((url + content_sha256).encode("utf-8")).hexdigest()[:16]


@dataclass
class FetchRecord:
    url: str
    stage: str                      # robots / list / article / attachment
    outcome: str                    # ok / not_modified / unchanged_skipped / error
    run_id: str | None = None
    source_id: str | None = None
    final_url: str | None = None
    fetched_at: str = field(default_factory=utcnow)
    status_code: int | None = None
    reason: str | None = None
    content_sha256: str | None = None
    n_bytes: int | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    elapsed_ms: int | None = None
    fetch_id: int | None = None     # assigned by the archive

    def to_dict(self) -> dict:
        return _shallow(self)


@dataclass
class DocumentRecord:
    url: str
    content_sha256: str
    source_id: str | None = None
    agency_id: str | None = None
    parent_url: str | None = None
    source_format: str = "other"    # html / pdf / docx / doc / txt / xls / other
    media_type: str | None = None
    filename: str | None = None
    encoding: str | None = None
    n_bytes: int | None = None
    link_title: str | None = None
    year_hint: int | None = None
    listed_on: str | None = None
    published_on_hint: str | None = None
    first_fetched_at: str = field(default_factory=utcnow)
    last_fetched_at: str | None = None
    # the recording source's own agency is the document's agency (attribution rank, claims.py);
    # not a column of the documents table
    source_owns: bool = False

    @property
    def document_id(self) -> str:
        return document_id(self.url, self.content_sha256)

    def to_dict(self) -> dict:
        d = _shallow(self)
        d.pop("source_owns", None)
        d["document_id"] = self.document_id
        return d


@dataclass
class LinkRecord:
    source_id: str
    url: str
    agency_id: str | None = None
    list_url: str | None = None
    link_title: str | None = None
    listed_on: str | None = None    # ISO date
    year_hint: int | None = None
    discovered_at: str = field(default_factory=utcnow)

    def to_dict(self) -> dict:
        return _shallow(self)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _shallow(rec) -> dict:
    """The record's fields as a dict. Every field is a scalar, so no deep copy (dataclasses.asdict
    recurses and copies, and these are written once per fetch)."""
    names = _FIELD_NAMES.get(type(rec))
    if names is None:
        names = _FIELD_NAMES[type(rec)] = tuple(f.name for f in fields(rec))
    return {n: getattr(rec, n) for n in names}
