"""What a crawl and a source check return."""
from __future__ import annotations

from dataclasses import dataclass, field

# A source in one of these states gave us nothing this night (no list page read); `partial` and
# `no_reports_found` were reached and are reported, but are not failures of the whole source.
FAILED_STATUSES = frozenset({"blocked", "robots_disallowed", "unreachable", "error"})


def sources_not_ok(sources: dict) -> dict[str, dict]:
    """source_id -> {status, reason} of every source whose crawl was not clean, in id order."""
    return {sid: {"status": s.get("status"), "reason": s.get("reason")}
            for sid, s in sorted(sources.items()) if isinstance(s, dict) and s.get("status") != "ok"}


def every_source_failed(sources: dict) -> bool:
    return bool(sources) and all(isinstance(s, dict) and s.get("status") in FAILED_STATUSES
                                 for s in sources.values())


@dataclass
class SourceReport:
    source_id: str
    family: str
    status: str = "ok"        # ok / partial / no_reports_found / blocked / robots_disallowed / unreachable / error
    reason: str | None = None
    links: int = 0
    links_new: int = 0
    documents_new: int = 0
    documents_unchanged: int = 0
    requests: int = 0
    bytes: int = 0
    errors: dict = field(default_factory=dict)


@dataclass
class CrawlReport:
    run_id: str
    started_at: str
    finished_at: str | None = None
    requests: int = 0
    bytes: int = 0
    fetches: int = 0
    links_discovered: int = 0
    links_new: int = 0
    documents_new: int = 0
    documents_unchanged: int = 0
    errors: dict = field(default_factory=dict)          # reason -> count
    sources: dict = field(default_factory=dict)         # source_id -> SourceReport

    def as_dict(self) -> dict:
        """Plain JSON-able dict (sources as nested dicts)."""
        from dataclasses import asdict
        return asdict(self)

    to_dict = as_dict


@dataclass
class SourceStatus:
    source_id: str
    status: str               # reachable / blocked / robots_disallowed / no_reports_found / unreachable
    reason: str | None = None

    def __iter__(self):
        return iter((self.source_id, self.status, self.reason))
