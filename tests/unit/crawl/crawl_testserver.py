"""A tiny real HTTP server on 127.0.0.1 (stdlib, one thread per request) for crawler tests.

    site = Site().start();  site.route("/x", Resp(body=b"..."));  site.url("/x");  site.log
Routes match the full path with query first, then the path alone. A route is a ``Resp`` or a
callable ``(Request) -> Resp``; a list of Resp is served in turn (the last one repeats).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterable

import yaml


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes
    t: float                # time.monotonic() at arrival


@dataclass
class Resp:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None           # enables If-None-Match → 304
    content_length: bool = True


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.log: list[Request] = []
        self._lock = threading.Lock()
        self._counters: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *a):
                pass

            def _serve(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                req = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body,
                              time.monotonic())
                with site._lock:
                    site.log.append(req)
                resp = site._resolve(req)
                if resp.delay:
                    time.sleep(resp.delay)
                if resp.etag and req.headers.get("if-none-match") == resp.etag:
                    self.send_response(304)
                    self.send_header("ETag", resp.etag)
                    self.end_headers()
                    return
                self.send_response(resp.status)
                for k, v in resp.headers.items():
                    self.send_header(k, v)
                if resp.etag:
                    self.send_header("ETag", resp.etag)
                chunks = [resp.body] if isinstance(resp.body, (bytes, bytearray)) else resp.body
                if isinstance(resp.body, (bytes, bytearray)) and resp.content_length:
                    self.send_header("Content-Length", str(len(resp.body)))
                self.end_headers()
                if self.command == "HEAD":
                    return
                try:
                    for c in chunks:
                        self.wfile.write(c)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_HEAD = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> "Site":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, resp) -> None:
        self.routes[path] = resp

    def requests(self, path_prefix: str = "") -> list[Request]:
        with self._lock:
            return [r for r in self.log if r.path.startswith(path_prefix)]

    def _resolve(self, req: Request) -> Resp:
        key = req.path if req.path in self.routes else req.path.split("?", 1)[0]
        r = self.routes.get(key)
        if r is None:
            return Resp(404, b"<html><body>not found</body></html>", {"Content-Type": "text/html"})
        if isinstance(r, list):
            with self._lock:
                i = self._counters.get(key, 0)
                self._counters[key] = i + 1
            return r[min(i, len(r) - 1)]
        if callable(r):
            return r(req)
        return r


def html(text: str, charset: str | None = "utf-8", **kw) -> Resp:
    ct = "text/html" + (f"; charset={charset}" if charset else "")
    body = text.encode(charset if charset and charset not in ("gb2312",) else ("gb18030" if charset else "utf-8"))
    return Resp(200, body, {"Content-Type": ct}, **kw)


def write_registry_file(folder: Path, sources: list[dict], name: str = "registry.yaml", **defaults) -> Path:
    """A registry for the local test servers: rate limits off, short timeouts, fast backoff."""
    d = {"user_agent": "govreports-test/0.1 (+https://example.invalid)", "rate_limit_per_s": 0,
         "timeout_s": 2, "connect_timeout_s": 2, "retry_backoff_s": 0.05, "max_retries": 2}
    d.update(defaults)
    for s in sources:
        s.setdefault("allow_private_addresses", True)
    p = Path(folder) / name
    p.write_text(yaml.safe_dump({"defaults": d, "sources": sources}, allow_unicode=True), encoding="utf-8")
    return p
