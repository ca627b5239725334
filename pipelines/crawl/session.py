"""An httpx transport with a cookie jar, sent to without httpx.AsyncClient.

The crawler follows redirects itself and uses no auth, base URL, query params or event hooks; the
client's layers for those (URL and header merging, the auth and redirect generators, the bound
response stream) cost about a third of a request's CPU. What the client does that the crawler
relies on is done here the same way: its default headers under the crawler's (same names, values
and order on the wire), the cookie jar (sent and updated as AsyncClient does), the timeout extension
and httpx's per-request log line. Transport errors are httpx's own (the transport maps httpcore's)."""
from __future__ import annotations

import logging

import httpx

_httpx_log = logging.getLogger("httpx")

# AsyncClient's default headers (httpx/_client.py); the crawler sets Accept, Accept-Encoding and
# User-Agent on every request, so of their values only Connection's is ever sent
CLIENT_DEFAULT_HEADERS = {"Accept": "*/*", "Accept-Encoding": "gzip, deflate", "Connection": "keep-alive",
                          "User-Agent": f"python-httpx/{httpx.__version__}"}


class Session:
    def __init__(self, transport: httpx.AsyncBaseTransport):
        self.transport = transport
        self.cookies = httpx.Cookies()
        # merged header lists by the crawler's headers (a handful per source: the conditional
        # headers are the only ones that vary), so that each request normalises them once
        self._merged: dict[tuple, list[tuple[bytes, bytes]]] = {}

    def _merge(self, headers: dict) -> list[tuple[bytes, bytes]]:
        key = tuple(headers.items())
        raw = self._merged.get(key)
        if raw is None:
            merged = httpx.Headers(CLIENT_DEFAULT_HEADERS)
            merged.update(headers)
            raw = merged.raw
            if len(self._merged) < 4096:
                self._merged[key] = raw
        return raw

    def build_request(self, method: str, url: str, *, headers: dict, data=None, timeout: dict) -> httpx.Request:
        """As AsyncClient.build_request: client defaults updated by ``headers``, the jar's cookies."""
        return httpx.Request(method, url, headers=list(self._merge(headers)), data=data,
                             cookies=self.cookies if self.cookies else None, extensions={"timeout": timeout})

    async def send(self, request: httpx.Request) -> httpx.Response:
        """The response with its body not read (iterate ``response.stream``, then aclose())."""
        response = await self.transport.handle_async_request(request)
        response.request = request
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:    # else extract_cookies adds nothing
            self.cookies.extract_cookies(response)
        if _httpx_log.isEnabledFor(logging.INFO):
            _httpx_log.info('HTTP Request: %s %s "%s %d %s"', request.method, request.url,
                            response.http_version, response.status_code, response.reason_phrase)
        return response

    async def aclose(self) -> None:
        await self.transport.aclose()
