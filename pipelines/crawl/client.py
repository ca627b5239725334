"""The polite, defensive HTTP client. Every logical fetch becomes exactly one archive fetch row."""
from __future__ import annotations

import asyncio
import logging
import random
import ssl
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from ..archive import Archive, FetchRecord
from pipelines.encoding import decode_bytes
from .connect import PrivateAddressRefused, guarded_transport
from .politeness import HostGate
from .proxies import EnvProxies
from .responses import FetchFailure as _Failure
from .responses import _Decoder, disposition_filename, is_challenge, parse_retry_after
from .robots import RobotsCache
from .session import Session
from .safety import host_allowed, host_key, is_private_ip, private_allowance, private_allowed, resolve

log = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504, 507, 508, 509, 520, 522, 523, 524}


@dataclass
class FetchResult:
    url: str
    stage: str
    outcome: str                     # ok / not_modified / unchanged_skipped / error
    reason: str | None = None
    final_url: str | None = None
    status_code: int | None = None
    content: bytes | None = None     # raw (decompressed) body; for not_modified the archived copy
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    n_bytes: int | None = None
    elapsed_ms: int | None = None
    filename: str | None = None      # from Content-Disposition
    _text: tuple | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.outcome in ("ok", "not_modified") and self.content is not None

    def decoded(self) -> tuple[str, str]:
        if self._text is None:
            self._text = decode_bytes(self.content or b"", self.content_type)
        return self._text

    def text(self) -> str:
        return self.decoded()[0]

    @property
    def encoding(self) -> str:
        return self.decoded()[1]


@dataclass
class Stats:
    requests: int = 0
    bytes: int = 0
    errors: Counter = field(default_factory=Counter)
    per_source: dict = field(default_factory=dict)

    def src(self, sid: str | None) -> dict:
        return self.per_source.setdefault(sid or "-", {"requests": 0, "bytes": 0, "errors": Counter()})


class Fetcher:
    def __init__(self, archive: Archive, *, run_id: str | None = None, max_concurrency: int = 8,
                 progress=None, store_blobs: bool = True):
        self.archive = archive
        self.run_id = run_id
        self.gate = HostGate()
        self.global_sem = asyncio.Semaphore(max(1, int(max_concurrency)))
        self.robots = RobotsCache(self)
        self.stats = Stats()
        self.progress = progress
        self.store_blobs = store_blobs
        self._clients: dict[tuple, Session] = {}
        self._timeouts: dict[tuple, dict] = {}
        self.env_proxies = EnvProxies()
        self._warned_insecure: set[str] = set()

    async def aclose(self) -> None:
        for c in self._clients.values():
            await c.aclose()
        self._clients.clear()

    # -- clients -------------------------------------------------------------------------------
    def _client(self, source, url: str, private: bool) -> Session:
        host = (urlsplit(url).hostname or "").lower()
        prof = (source.tls or {}).get(host) or (source.tls or {}).get("*") or {}
        verify = bool(prof.get("verify", True))
        legacy = bool(prof.get("legacy", False))
        proxy = source.proxy or (None if private else self.env_proxies.for_url(url))
        allowance = private_allowance(getattr(source, "allow_private_addresses", False))
        key = (proxy, verify, legacy, None if proxy else allowance)
        if not verify and host not in self._warned_insecure:
            self._warned_insecure.add(host)
            log.warning("TLS verification disabled for %s (source %s)", host, source.id)
        c = self._clients.get(key)
        if c is None:
            if legacy:
                ctx = ssl.create_default_context()
                if not verify:
                    ctx.check_hostname = False
                    ctx.verify_mode = ssl.CERT_NONE
                ctx.options |= getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0x4)
                ctx.set_ciphers("DEFAULT:@SECLEVEL=1")
                v: ssl.SSLContext | bool = ctx
            else:
                v = verify
            limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
            if proxy:   # the operator's proxy connects to the target; it is not checked here
                tr = httpx.AsyncHTTPTransport(proxy=proxy, verify=v, trust_env=False, limits=limits)
            else:       # every direct connection checks the address it actually reached
                tr = guarded_transport(lambda h, p, a=allowance: private_allowed(a, h, p),
                                       verify=v, trust_env=False, limits=limits)
            c = self._clients[key] = Session(tr)
        return c

    # -- public --------------------------------------------------------------------------------
    async def fetch(self, source, url: str, *, stage: str, method: str = "GET", data=None,
                    conditional: bool = False, check_robots: bool = True) -> FetchResult:
        t0 = time.monotonic()
        prev = self.archive.last_fetch(url) if (conditional and method == "GET") else None
        if prev and not self.archive.blob_ok(prev.get("content_sha256")):
            prev = None     # our copy is damaged or gone: a 304 would leave us with nothing
        try:
            res = await self._fetch(source, url, stage=stage, method=method, data=data, prev=prev,
                                    check_robots=check_robots)
            if res.outcome == "not_modified" and res.content is None:   # damaged since the check
                res = await self._fetch(source, url, stage=stage, method=method, data=data, prev=None,
                                        check_robots=check_robots)
        except _Failure as f:
            res = FetchResult(url=url, stage=stage, outcome="error", reason=f.reason, status_code=f.status)
        except Exception as e:  # never let one URL stop the crawl
            log.exception("unexpected error fetching %s", url)
            res = FetchResult(url=url, stage=stage, outcome="error", reason=f"internal:{type(e).__name__}")
        res.elapsed_ms = int((time.monotonic() - t0) * 1000)
        if res.outcome == "ok" and res.content is not None:
            res.sha256 = self.archive.put_blob(res.content) if self.store_blobs else None
            if not self.store_blobs:
                from ..archive import sha256_hex
                res.sha256 = sha256_hex(res.content)
            res.n_bytes = len(res.content)
        self.record(source, res)
        return res

    def record(self, source, res: FetchResult) -> None:
        rec = FetchRecord(url=res.url, stage=res.stage, outcome=res.outcome, run_id=self.run_id,
                          source_id=source.id, final_url=res.final_url, status_code=res.status_code,
                          reason=res.reason, content_sha256=res.sha256, n_bytes=res.n_bytes,
                          content_type=res.content_type, etag=res.etag, last_modified=res.last_modified,
                          elapsed_ms=res.elapsed_ms)
        self.archive.record_fetch(rec)
        expected = res.stage == "robots" and (res.reason or "").startswith("http_4")
        if res.outcome == "error" and not expected:      # a missing robots.txt is normal
            self.stats.errors[res.reason or "error"] += 1
            self.stats.src(source.id)["errors"][res.reason or "error"] += 1
        if self.progress:
            try:
                self.progress({"kind": "fetch", "source_id": source.id, "url": res.url, "stage": res.stage,
                               "outcome": res.outcome, "reason": res.reason})
            except Exception:
                log.exception("progress callback failed")

    # -- internals -----------------------------------------------------------------------------
    async def _check_target(self, source, url: str) -> bool:
        """Allowed host + address policy. Returns whether the target is a private address."""
        p = urlsplit(url)
        if p.scheme not in ("http", "https") or not p.hostname:
            raise _Failure("not_allowed")
        if not host_allowed(url, source.allowed_hosts):
            raise _Failure("not_allowed")
        if source.proxy or self.env_proxies.for_url(url):
            try:
                addrs = await resolve(p.hostname, p.port or 80)
            except OSError:
                return False      # the proxy resolves
        else:
            try:
                addrs = await resolve(p.hostname, p.port or 80)
            except OSError:
                raise _Failure("dns_error")
        private = any(is_private_ip(a) for a in addrs)
        port = p.port or (443 if p.scheme == "https" else 80)
        if private and not private_allowed(getattr(source, "allow_private_addresses", False),
                                           p.hostname, port):
            raise _Failure("not_allowed")
        return private

    async def _fetch(self, source, url, *, stage, method, data, prev, check_robots) -> FetchResult:
        seen: set[str] = set()
        cur, cur_method, cur_data = url, method, data
        for hop in range(source.max_redirects + 1):
            private = await self._check_target(source, cur)
            if check_robots and not await self.robots.allowed(source, cur):
                return FetchResult(url=url, final_url=cur, stage=stage, outcome="error", reason="robots")
            headers = {"User-Agent": source.user_agent,
                       "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                       "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
                       "Accept-Encoding": "gzip, deflate"}
            if prev and hop == 0:
                if prev.get("etag"):
                    headers["If-None-Match"] = prev["etag"]
                if prev.get("last_modified"):
                    headers["If-Modified-Since"] = prev["last_modified"]
            seen.add(cur)
            status, resp_headers, body = await self._request_with_retries(
                source, cur, cur_method, cur_data, headers, private)
            if status in (301, 302, 303, 307, 308) and resp_headers.get("location"):
                nxt = urljoin(cur, resp_headers["location"].strip())
                nxt = nxt.split("#", 1)[0]
                if nxt in seen and "set-cookie" not in resp_headers:
                    return FetchResult(url=url, final_url=cur, stage=stage, outcome="error",
                                       reason="redirect_loop", status_code=status)
                if status in (301, 302, 303) and cur_method != "GET":
                    cur_method, cur_data = "GET", None
                cur = nxt
                continue
            ctype = resp_headers.get("content-type")
            res = FetchResult(url=url, final_url=cur, stage=stage, outcome="ok", status_code=status,
                              content_type=ctype, etag=resp_headers.get("etag"),
                              last_modified=resp_headers.get("last-modified"),
                              filename=disposition_filename(resp_headers.get("_raw_cd")))
            if status == 304 and prev:
                res.outcome = "not_modified"
                res.sha256 = prev.get("content_sha256")
                res.n_bytes = prev.get("n_bytes")
                res.content_type = prev.get("content_type") or ctype
                res.etag = res.etag or prev.get("etag")
                res.last_modified = res.last_modified or prev.get("last_modified")
                try:
                    res.content = self.archive.get_blob(res.sha256) if res.sha256 else None
                except FileNotFoundError:
                    res.content = None
                return res
            if is_challenge(status, body, ctype):
                res.outcome, res.reason = "error", "blocked"
                return res
            if not 200 <= status < 300:
                res.outcome, res.reason = "error", f"http_{status}"
                return res
            res.content = body
            return res
        return FetchResult(url=url, final_url=cur, stage=stage, outcome="error", reason="redirect_loop")

    async def _request_with_retries(self, source, url, method, data, headers, private):
        attempts = max(0, source.max_retries) + 1
        hk = host_key(url)
        for attempt in range(attempts):
            wait = None
            try:
                async with self.gate.slot(hk, source.rate_limit_per_s):
                    async with self.global_sem:
                        status, rh, body = await self._request_once(source, url, method, data, headers, private)
            except _Failure as f:
                if f.reason in ("connect_error", "connect_timeout", "read_error", "protocol_error") \
                        and attempt + 1 < attempts:
                    wait = source.retry_backoff_s * (2 ** attempt)
                else:
                    raise _Failure("timeout" if f.reason == "connect_timeout" else f.reason, f.status)
            else:
                if status in RETRY_STATUSES and attempt + 1 < attempts:
                    ra = parse_retry_after(rh.get("retry-after"))
                    wait = ra if ra is not None else source.retry_backoff_s * (2 ** attempt)
                    if wait > source.retry_after_cap_s:
                        if ra is not None and ra > source.retry_after_cap_s * 4:
                            return status, rh, body        # not worth waiting that long
                        wait = source.retry_after_cap_s
                else:
                    return status, rh, body
            await asyncio.sleep(wait * (1 + random.random() * 0.1))
        raise _Failure("retries_exhausted")

    def _timeout(self, source) -> dict:
        key = (source.timeout_s, source.connect_timeout_s)
        t = self._timeouts.get(key)
        if t is None:
            t = self._timeouts[key] = httpx.Timeout(source.timeout_s, connect=source.connect_timeout_s).as_dict()
        return t

    async def _request_once(self, source, url, method, data, headers, private):
        client = self._client(source, url, private)
        deadline = source.connect_timeout_s + source.timeout_s * 3
        self.stats.requests += 1
        src_stats = self.stats.src(source.id)
        src_stats["requests"] += 1
        try:
            async with asyncio.timeout(deadline):
                req = client.build_request(method, url, headers=headers, data=data, timeout=self._timeout(source))
                resp = await client.send(req)
                try:
                    rh = {k.lower(): v for k, v in resp.headers.items()}
                    cd = resp.headers.raw and [v for k, v in resp.headers.raw if k.lower() == b"content-disposition"]
                    rh["_raw_cd"] = cd[0] if cd else None
                    if resp.status_code in (301, 302, 303, 307, 308, 304):
                        return resp.status_code, rh, b""
                    cl = rh.get("content-length")
                    if cl and cl.isdigit() and int(cl) > source.max_bytes and \
                            rh.get("content-encoding", "identity") in ("", "identity"):
                        raise _Failure("too_large", resp.status_code)
                    dec = _Decoder(rh.get("content-encoding"))
                    out = bytearray()
                    raw_n = 0
                    async for chunk in resp.stream:
                        if not chunk:       # (as aiter_raw: the deflate sniff needs a first byte)
                            continue
                        raw_n += len(chunk)
                        self.stats.bytes += len(chunk)
                        src_stats["bytes"] += len(chunk)
                        if raw_n > source.max_bytes:
                            raise _Failure("too_large", resp.status_code)
                        try:
                            out += dec.feed(chunk, source.max_bytes - len(out))
                        except _Failure as f:
                            raise _Failure(f.reason, resp.status_code)
                    if dec.d not in (False, None):
                        out += dec.d.flush()
                    return resp.status_code, rh, bytes(out)
                finally:
                    await resp.aclose()
        except _Failure:
            raise
        except (TimeoutError, asyncio.TimeoutError):
            raise _Failure("timeout")
        except httpx.ConnectTimeout:
            raise _Failure("connect_timeout")
        except httpx.TimeoutException:
            raise _Failure("timeout")
        except httpx.ConnectError as e:
            if isinstance(e.__cause__, PrivateAddressRefused) or str(e).startswith("not_allowed:"):
                raise _Failure("not_allowed")
            msg = str(e).upper()
            raise _Failure("tls_error" if ("SSL" in msg or "CERTIFICATE" in msg) else "connect_error")
        except httpx.RemoteProtocolError:
            raise _Failure("protocol_error")
        except httpx.ReadError:
            raise _Failure("read_error")
        except httpx.ProxyError:
            raise _Failure("proxy_error")
        except httpx.HTTPError as e:
            raise _Failure(f"http_error:{type(e).__name__}")
