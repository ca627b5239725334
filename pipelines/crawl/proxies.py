"""Proxies from the environment, read once per crawl."""
from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit


class EnvProxies:
    """The environment's proxies (HTTPS_PROXY, NO_PROXY …), read once per Fetcher: urllib's lookup
    walks os.environ, and it ran twice per request. Answers per (scheme, host) are kept (few)."""

    def __init__(self) -> None:
        self._proxies = urllib.request.getproxies_environment()
        self._answers: dict[tuple[str, str], str | None] = {}

    def for_url(self, url: str) -> str | None:
        if not self._proxies:
            return None
        p = urlsplit(url)
        key = (p.scheme, p.hostname or "")
        if key not in self._answers:
            proxies = self._proxies
            self._answers[key] = None if urllib.request.proxy_bypass_environment(key[1], proxies) else (
                proxies.get(key[0]) or proxies.get("https") or proxies.get("all"))
        return self._answers[key]
