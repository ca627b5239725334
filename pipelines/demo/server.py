"""Loopback demo web: one ThreadingHTTPServer per simulated host (127.0.0.1, free ports).

    with DemoServer(generate_corpus(0)) as srv:
        srv.base_urls          # {"jiaxing_portal": "http://127.0.0.1:PORT", ...}
        srv.registry_path      # sources YAML of the normal demo (no hazard host)
        srv.write_registry(path, include_hazards=True)
        srv.truth_index()      # {url: TruthEntry(agency_id, report_year, format, layout, role, host, expect_status)}
        srv.stats()            # {host: {"requests": n, "bytes": n}}

CLI: ``python -m pipelines.demo.server --port-file F [--seed S] [--scale N] [--registry R]`` serves until killed.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import signal
import tempfile
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from pipelines.sources.registry import load_agencies

from .model import Corpus
from .plan import HOSTS, JPAAS_IGNORE_PAGE_COLUMN, TRS_PATH
from .sites import XXGK_PATH, HazardSite, Resp, TruthEntry, build_sites, gzip_body

_LM_BASE = 1577836800       # 2020-01-01: Last-Modified values are derived from the content hash
_COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/javascript")

USER_AGENT = "govreports/0.1 (+https://github.com/govreports/govreports; research crawler)"


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request, client_address):   # client went away etc.: stay quiet
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True      # headers and body go out in separate writes
    server_version = "DemoGov/1.0"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002
        pass

    def do_GET(self):
        self._serve("GET")

    def do_HEAD(self):
        self._serve("HEAD")

    def do_POST(self):
        self._serve("POST")

    def _count(self, n_bytes: int, request: bool = False) -> None:
        st = self.server.demo_stats
        with self.server.demo_lock:
            if request:
                st["requests"] += 1
            st["bytes"] += n_bytes

    def _serve(self, method: str) -> None:
        self._count(0, request=True)
        split = urlsplit(self.path)
        form: dict[str, str] = {}
        n = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(n) if n else b""
        if method == "POST" and data:
            form = {k: v[0] for k, v in parse_qs(data.decode("utf-8", "replace"), keep_blank_values=True).items()}
        site = self.server.demo_site
        try:
            if isinstance(site, HazardSite):
                resp = site.handle(method, split.path, split.query, form, cookies=self.headers.get("Cookie", ""))
            else:
                resp = site.handle(method, split.path, split.query, form)
        except Exception as exc:  # pragma: no cover - a bug in the demo itself
            resp = Resp(500, f"demo error: {exc!r}".encode(), "text/plain; charset=utf-8", cacheable=False)
        if resp.delay:
            time.sleep(resp.delay)
        try:
            self._send(method, resp)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send(self, method: str, resp: Resp) -> None:
        headers = list(resp.headers)
        body = resp.body
        status = resp.status
        if resp.cacheable and status == 200 and resp.stream is None:
            etag, lastmod = _validators(resp)
            headers += [("ETag", etag), ("Last-Modified", lastmod)]
            if _not_modified(self.headers, etag, lastmod):
                self.send_response(304)
                for k, v in (("ETag", etag), ("Last-Modified", lastmod)):
                    self.send_header(k, v)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            ae = self.headers.get("Accept-Encoding", "")
            if "gzip" in ae and len(body) > 256 and resp.content_type.startswith(_COMPRESSIBLE):
                body = _gzipped(resp)
                headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        if resp.raw_encoding:
            headers.append(("Content-Encoding", resp.raw_encoding))
        self.send_response(status)
        self.send_header("Content-Type", resp.content_type)
        length = resp.stream_len if resp.stream is not None else len(body)
        self.send_header("Content-Length", str(length))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if method == "HEAD":
            return
        if resp.stream is not None:
            def write(part: bytes) -> None:
                self.wfile.write(part)
                self._count(len(part))
            resp.stream(write)
        elif body:
            self.wfile.write(body)
            self._count(len(body))


def _validators(resp: Resp) -> tuple[str, str]:
    v = getattr(resp, "_validators", None)
    if v is None:
        h = hashlib.sha1(resp.body).hexdigest()
        etag = f'"{h[:20]}"'
        lastmod = formatdate(_LM_BASE + int(h[:8], 16) % (4 * 365 * 86400), usegmt=True)
        v = (etag, lastmod)
        resp._validators = v
    return v


def _gzipped(resp: Resp) -> bytes:
    g = getattr(resp, "_gzip", None)
    if g is None:
        g = gzip_body(resp.body)
        resp._gzip = g
    return g


def _not_modified(req_headers, etag: str, lastmod: str) -> bool:
    inm = req_headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip() for t in inm.split(",")]
        return "*" in tags or etag in tags or ("W/" + etag) in tags
    ims = req_headers.get("If-Modified-Since")
    if ims:
        try:
            return parsedate_to_datetime(lastmod) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


def _hostport(base: str) -> str:
    return urlsplit(base).netloc


class DemoServer:
    """Starts every simulated host on 127.0.0.1 (port 0 → free ports) in daemon threads."""

    def __init__(self, corpus: Corpus | None = None, *, host: str = "127.0.0.1", seed: int = 0,
                 slow_seconds: float = 8.0, port_base: int | None = None):
        """``port_base``: bind host number i (in ``plan.HOSTS`` order) to port_base + i so that URLs
        stay the same from run to run; a busy port falls back to a free one.  Default: free ports."""
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("the demo server binds loopback only")
        if corpus is None:
            from .generator import generate_corpus
            corpus = generate_corpus(seed)
        self.corpus = corpus
        self.host = "127.0.0.1" if host == "localhost" else host
        self.slow_seconds = slow_seconds
        self.port_base = port_base
        self.base_urls: dict[str, str] = {}
        self.registry_path: Path | None = None
        self.hazard_registry_path: Path | None = None
        self._servers: dict[str, _HTTPServer] = {}
        self._threads: list[threading.Thread] = []
        self._tmpdir: str | None = None
        self._truth: dict[str, TruthEntry] = {}
        self.sites = {}

    # ---- lifecycle
    def start(self) -> "DemoServer":
        for i, name in enumerate(HOSTS):
            srv = None
            if self.port_base:
                try:
                    srv = _HTTPServer((self.host, self.port_base + i), _Handler)
                except OSError:
                    srv = None
            if srv is None:
                srv = _HTTPServer((self.host, 0), _Handler)
            srv.demo_stats = {"requests": 0, "bytes": 0}
            srv.demo_lock = threading.Lock()
            self._servers[name] = srv
            self.base_urls[name] = f"http://{self.host}:{srv.server_address[1]}"
        self.sites, self._truth = build_sites(self.corpus, self.base_urls, slow_default=self.slow_seconds)
        for name, srv in self._servers.items():
            srv.demo_site = self.sites[name]
            t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2},
                                 name=f"demo-{name}", daemon=True)
            t.start()
            self._threads.append(t)
        self._tmpdir = tempfile.mkdtemp(prefix="govreports-demo-")
        self.registry_path = self.write_registry(Path(self._tmpdir) / "registry.yaml")
        self.hazard_registry_path = self.write_registry(Path(self._tmpdir) / "registry_hazards.yaml",
                                                        include_hazards=True)
        return self

    def stop(self) -> None:
        stoppers = [threading.Thread(target=srv.shutdown, daemon=True) for srv in self._servers.values()]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join(5)
        for srv in self._servers.values():
            srv.server_close()
        self._servers.clear()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> "DemoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- helpers
    def url(self, host: str, path: str) -> str:
        return self.base_urls[host] + path

    def truth_index(self) -> dict[str, TruthEntry]:
        """Every served report URL (documents, reposts, attachments, landing pages) → its report."""
        return dict(self._truth)

    def stats(self) -> dict[str, dict[str, int]]:
        out = {}
        for name, srv in self._servers.items():
            with srv.demo_lock:
                out[name] = dict(srv.demo_stats)
        return out

    def reset_stats(self) -> None:
        for srv in self._servers.values():
            with srv.demo_lock:
                srv.demo_stats.update(requests=0, bytes=0)

    # ---- registry
    def registry(self, include_hazards: bool = False) -> dict:
        b = self.base_urls
        oss = _hostport(b["oss"])
        years = list(self.corpus.years)
        catalog = {a["id"]: a for a in self.corpus.agencies}

        def src(id_, family, agency, host, path, options, extra_hosts=(oss,)):
            return {"id": id_, "family": family, "agency": agency, "entry_url": b[host] + path,
                    "allowed_hosts": [_hostport(b[host]), *extra_hosts], "allow_private_addresses": True,
                    "verified": True, "rate_limit_per_s": 0, "proxy": None, "options": options}

        known = {a.id for a in load_agencies()}  # scale mode invents agencies the catalog lacks

        def published_on(host):  # a portal's registry entry names the catalog agencies it collects
            return sorted({r.agency_id for r in self.corpus.reports if r.host == host and r.agency_id in known})

        sources = []
        for host, sid, agency in (("jiaxing_portal", "jiaxing_portal_reports", None),
                                  ("jxj_jiaxing", "jx_jxj_reports", "jx_jxj"),
                                  ("haining_jxj", "hn_jxj_reports", "hn_jxj")):
            hp = HOSTS[host]
            col = next(iter(hp.columns))
            options = {"column_id": col, "webid": hp.webid, "dataproxy": hp.dataproxy}
            if agency is None:
                options["agencies"] = published_on(host)
            sources.append(src(sid, "hanweb_jcms", agency, host, f"/col/col{col}/index.html", options))
        hp = HOSTS["zhoushan_xxgk"]
        for col, agency in zip(hp.columns, ("zs_gov", "zs_jxj", "zs_scjg")):
            sources.append(src(f"{agency}_reports", "hanweb_jcms", agency, "zhoushan_xxgk", f"/col/col{col}/index.html",
                               {"column_id": col, "webid": hp.webid, "dataproxy": hp.dataproxy}))
        for host, sid, ids in (("pinghu_portal", "pinghu_portal_annual", ("ph_jxj", "ph_fgj")),
                               ("jiashan_portal", "jiashan_portal_annual", ("js_jxj", "js_kjj"))):
            areas = {i: str(catalog[i]["org_code"]) for i in ids if i in catalog and catalog[i].get("org_code")}
            sources.append(src(sid, "hanweb_xxgk_annual", None, host, XXGK_PATH,
                               {"areas": areas, "years": years}))
        hp = HOSTS["nb_jxj"]
        for col in hp.columns:
            sid = "nb_jxj_reports" if col != JPAAS_IGNORE_PAGE_COLUMN else "nb_jxj_gkml"
            sources.append(src(sid, "hanweb_jpaas", "nb_jxj", "nb_jxj", f"/col/col{col}/index.html",
                               {"column_id": col, "webid": hp.webid,
                                "ignores_page_no": col == JPAAS_IGNORE_PAGE_COLUMN}))
        sources.append(src("cixi_reports", "trs_static", None, "cixi_trs", f"{TRS_PATH}/index.html",
                           {"agencies": published_on("cixi_trs")}))
        sources += self._open_world_sources(src)
        if self.corpus.copies:            # the text archive (copies.py): catalog agencies' reports as text
            sources.append(src("text_archive_reports", "trs_static", None, "text_archive", f"{TRS_PATH}/index.html",
                               {"agencies": sorted({r.agency_id for r in self.corpus.copies})}))
        if include_hazards:
            sources.append(src("hazards", "generic", None, "hazards", "/index.html",
                               {"link_selector": "ul.list a"}, extra_hosts=()))
        return {
            "agencies_file": None,
            "defaults": {"user_agent": USER_AGENT, "rate_limit_per_s": 0,
                         "timeout_s": 5 if include_hazards else 20, "max_bytes": 30000000},
            "sources": sources,
        }

    def _open_world_sources(self, src) -> list[dict]:
        """Portals of agencies in no catalog: no source agency, no `agencies` option; the registry
        says the jurisdiction (division_code) and the report years the portal carries."""
        from .open_world import open_world_hosts

        out = []
        for host, hp in open_world_hosts().items():
            if not any(r.host == host for r in self.corpus.reports):
                continue                          # scale mode: nothing of the open world to crawl
            if hp.family == "hanweb_jcms":
                col = next(iter(hp.columns))
                s = src(f"{host}_reports", hp.family, None, host, f"/col/col{col}/index.html",
                        {"column_id": col, "webid": hp.webid, "dataproxy": hp.dataproxy})
            else:
                s = src(f"{host}_reports", hp.family, None, host, f"{TRS_PATH}/index.html", {})
            s.update(division_code=hp.division_code, years=list(hp.years))
            out.append(s)
        return out

    def write_registry(self, path, include_hazards: bool = False) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = ("# generated by pipelines.demo.server for a running DemoServer; ports change every run\n"
                + yaml.safe_dump(self.registry(include_hazards), allow_unicode=True, sort_keys=False))
        path.write_text(text, encoding="utf-8")
        return path


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m pipelines.demo.server")
    ap.add_argument("--port-file", type=Path, required=True, help="JSON {host name: base URL} written on start")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scale", type=int, default=None)
    ap.add_argument("--port-base", type=int, default=None, help="fixed ports port_base, port_base+1, …")
    ap.add_argument("--registry", type=Path, default=None, help="also write the demo registry here")
    ap.add_argument("--hazard-registry", type=Path, default=None)
    a = ap.parse_args(argv)
    from .generator import generate_corpus

    corpus = generate_corpus(a.seed, a.scale)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with DemoServer(corpus, port_base=a.port_base) as srv:
        if a.registry:
            srv.write_registry(a.registry)
        if a.hazard_registry:
            srv.write_registry(a.hazard_registry, include_hazards=True)
        a.port_file.write_text(json.dumps(srv.base_urls, indent=1), encoding="utf-8")
        print(json.dumps(srv.base_urls, indent=1), flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
