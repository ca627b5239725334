"""robots.txt, fetched at most once per host per crawl and honoured with protego.

RFC 9309: a robots.txt fetched less than ``max_age_s`` (24 h) ago is reused from the archive
without a request; 4xx = allow all; 5xx / unreachable / blocked robots.txt = allow, and the page
fetch then reports the real error."""
from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from protego import Protego

from .safety import host_key

log = logging.getLogger(__name__)


def ua_token(user_agent: str) -> str:
    m = re.match(r"\s*([A-Za-z0-9_\-.]+)", user_agent or "")
    return (m.group(1).split("/")[0] if m else "*") or "*"


class RobotsCache:
    def __init__(self, fetcher, max_age_s: float = 86400.0) -> None:
        self.fetcher = fetcher
        self.max_age_s = max_age_s
        self._rules: dict[str, Protego | None] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def allowed(self, source, url: str) -> bool:
        if not source.respect_robots:
            return True
        hk = host_key(url)
        if hk not in self._rules:
            lock = self._locks.setdefault(hk, asyncio.Lock())
            async with lock:
                if hk not in self._rules:
                    p = urlsplit(url)
                    robots_url = f"{p.scheme}://{p.netloc}/robots.txt"
                    text = self._cached(robots_url)
                    if text is None:
                        res = await self.fetcher.fetch(source, robots_url, stage="robots", check_robots=False)
                        text = res.text() if res.outcome == "ok" and res.content is not None else ""
                    rules = None
                    if text:
                        try:
                            rules = Protego.parse(text)
                        except Exception:  # unparsable robots.txt: treat as absent
                            log.warning("unparsable robots.txt at %s", robots_url)
                    self._rules[hk] = rules
        rules = self._rules[hk]
        if rules is None:
            return True
        return bool(rules.can_fetch(url, ua_token(source.user_agent)))

    def _cached(self, robots_url: str) -> str | None:
        """robots.txt text from a fetch of the last ``max_age_s`` ("" = allow all), else None."""
        if not self.max_age_s:
            return None
        archive = self.fetcher.archive
        row = archive.latest_fetch(robots_url, stage="robots")
        if not row or not row.get("fetched_at"):
            return None
        try:
            at = datetime.strptime(row["fetched_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
        except ValueError:
            return None
        if datetime.now(timezone.utc) - at > timedelta(seconds=self.max_age_s):
            return None
        if row["outcome"] == "ok" and row.get("content_sha256"):
            try:
                from pipelines.encoding import decode_bytes
                return decode_bytes(archive.get_blob(row["content_sha256"]), row.get("content_type"))[0]
            except FileNotFoundError:
                return None
        if row["outcome"] == "error" and (row.get("reason") or "").startswith("http_4"):
            return ""
        return None
