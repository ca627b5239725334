"""Crawler benchmark on loopback servers (rate limits off).

Figures printed:
  * first crawl: requests, pages/s, bytes, documents
  * no-change re-crawl: requests and bytes as a share of the first crawl (target ≤ 5 %)
  * peak memory (RSS) of the crawling process for a crawl of --reports reports
  * crawl CPU seconds per page (user+sys of the crawling process) of pipelines.crawl.crawl and of
    a bare httpx loop fetching the same URLs with the same one-request-per-host concurrency, and
    their ratio (target ≤ 1.2×): medians of --trials interleaved runs, each in a fresh process
  * peak RSS of first crawls of --rss-reports reports (2 documents each: article + PDF), each in a
    fresh process, and the difference (target: flat within 5 MB)

    python bench/bench_crawl.py                 # 10,000 reports on the built-in site
    python bench/bench_crawl.py --quick         # 500 reports
    python bench/bench_crawl.py --demo --scale 2   # pipelines.demo corpus, if available

The built-in site runs in a child process (so RSS is the crawler's alone): --hosts Hanweb JCMS
hosts, each with one report column of 15 records per page (inline first page, GET dataproxy.jsp
paging with ETags), article pages of ~4 KB and one ~20 KB PDF attachment per report.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PER_PAGE = 15


def _record(host: str, i: int) -> str:
    return (f'<record><![CDATA[<li><a href="/art/2023/1/{1 + i % 28}/art_1229000001_{i}.html" '
            f'title="基准局{i}第{2015 + i % 9}年度政府信息公开工作年度报告">基准局{i}…</a><span>2023-01-17</span></li>]]></record>')


def _serve(sizes: list[int], port_q, n_hosts: int) -> None:
    """One site of ``n_hosts`` hosts per entry of ``sizes`` (reports per site); puts their ports."""
    article_pad = "<p>一、总体情况。本机关认真贯彻落实《条例》，主动公开政府信息。</p>" * 40
    pdf = b"%PDF-1.4\n" + os.urandom(20000)

    def handler_for(host_index: int, n: int):
        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *a):
                pass

            def send(self, body: bytes, ctype: str, etag: str | None = None):
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                p = urlsplit(self.path)
                host = self.headers.get("Host", "")
                pages = (n + PER_PAGE - 1) // PER_PAGE
                if p.path == "/col/col1229000001/index.html":
                    recs = "".join(_record(host, i) for i in range(min(PER_PAGE, n)))
                    body = (f'<html><head><meta charset="utf-8"></head><body><div id="7000001"><script type="text/xml"><datastore>'
                            f'<nextgroup><![CDATA[<a href="/module/jpage/dataproxy.jsp?page=2&appid=1&webid=1&path=/&columnid=1229000001&unitid=7000001&permissiontype=0"></a>]]></nextgroup>'
                            f'<recordset>{recs}</recordset></datastore></script></div>'
                            f'<script>var jpageConfig = {{"totalRecord":{n},"perPage":{PER_PAGE},"unitid":7000001,"webid":1,"columnid":1229000001}};</script></body></html>')
                    return self.send(body.encode(), "text/html; charset=utf-8", f'"col-{n}"')
                if p.path == "/module/jpage/dataproxy.jsp":
                    page = int(parse_qs(p.query).get("page", ["1"])[0])
                    lo, hi = (page - 1) * PER_PAGE, min(page * PER_PAGE, n)
                    recs = "".join(_record(host, i) for i in range(lo, hi))
                    body = (f'<datastore><totalrecord>{n}</totalrecord><totalpage>{pages}</totalpage>'
                            f'<recordset>{recs}</recordset></datastore>')
                    return self.send(body.encode(), "text/xml; charset=utf-8", f'"p{page}-{n}"')
                if p.path.startswith("/art/"):
                    i = int(p.path.rsplit("_", 1)[1].split(".")[0])
                    body = (f'<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="基准局{i}年度报告">'
                            f'<meta name="PubDate" content="2023-01-17 09:12"></head><body><div id="zoom">{article_pad}'
                            f'<a href="/module/download/downfile.jsp?classid=0&filename={i:032x}.pdf&showname=r{i}.pdf">附件</a>'
                            f'</div></body></html>')
                    return self.send(body.encode(), "text/html; charset=utf-8", f'"a{i}"')
                if p.path == "/module/download/downfile.jsp":
                    return self.send(pdf, "application/pdf")
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
        return H

    sites = []
    for n_site in sizes:
        share = [n_site // n_hosts + (1 if k < n_site % n_hosts else 0) for k in range(n_hosts)]
        ports = []
        for k in range(n_hosts):
            srv = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(k, share[k]))
            srv.daemon_threads = True
            threading.Thread(target=srv.serve_forever, daemon=True).start()
            ports.append(srv.server_address[1])
        sites.append(ports)
    port_q.put(sites)
    threading.Event().wait()


def own_registry(tmp: Path, ports: list[int], name: str = "bench") -> Path:
    import yaml
    sources = [{"id": f"bench_{k}", "family": "hanweb_jcms", "agency": None,
                "entry_url": f"http://127.0.0.1:{port}/col/col1229000001/index.html",
                "allow_private_addresses": True, "rate_limit_per_s": 0, "respect_robots": True,
                "options": {"follow_year_subcolumns": False}, "max_pages": 100000}
               for k, port in enumerate(ports)]
    p = tmp / f"{name}_registry.yaml"
    p.write_text(yaml.safe_dump({"defaults": {"rate_limit_per_s": 0, "max_concurrency": 16},
                                 "sources": sources}, allow_unicode=True), encoding="utf-8")
    return p


def rss_mb() -> float:
    """Peak RSS of this process. VmHWM where there is one: Linux carries ru_maxrss over exec, so a
    spawned child's ru_maxrss would start at its parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(registry_path: Path, tmp: Path, label: str, expected: str = "") -> dict:
    from pipelines.archive import Archive
    from pipelines.crawl import crawl
    from pipelines.sources import load_registry

    reg = load_registry(registry_path)
    for s in reg.sources:
        s.rate_limit_per_s = 0
    archive = Archive(tmp / "archive")
    base_rss = rss_mb()
    t0 = time.perf_counter()
    first = crawl(reg, archive)
    t1 = time.perf_counter()
    second = crawl(reg, archive)
    t2 = time.perf_counter()
    peak = rss_mb()
    out = dict(first=first, second=second, t_first=t1 - t0, t_second=t2 - t1, base_rss=base_rss, peak_rss=peak)
    print(f"\n== {label} {expected}")
    print(f"first crawl : {first.requests} requests in {t1 - t0:.1f}s = {first.requests / (t1 - t0):.0f} pages/s; "
          f"{first.bytes / 1e6:.1f} MB; {first.links_discovered} report links; {first.documents_new} documents new; "
          f"errors {first.errors or '{}'}")
    print(f"re-crawl    : {second.requests} requests ({100 * second.requests / max(1, first.requests):.2f}% of first), "
          f"{second.bytes / 1e3:.1f} kB ({100 * second.bytes / max(1, first.bytes):.3f}% of first) in {t2 - t1:.1f}s; "
          f"{second.documents_new} new, {second.documents_unchanged} unchanged")
    print(f"memory      : peak RSS {peak:.0f} MB (before crawling {base_rss:.0f} MB)")
    bad = {sid: (r.status, r.reason) for sid, r in first.sources.items() if r.status != "ok"}
    if bad:
        print(f"sources not ok: {bad}")
    return out


# -- CPU per page: the crawler against a bare httpx loop over the same URLs ------------------------
def _load(registry_path: Path):
    from pipelines.sources import load_registry
    reg = load_registry(registry_path)
    for s in reg.sources:
        s.rate_limit_per_s = 0
    return reg


def _crawl_cpu(registry_path: Path, archive_dir: str, out) -> None:
    """Child: one first crawl into a fresh archive; CPU seconds of this process around crawl()."""
    from pipelines.archive import Archive
    from pipelines.crawl import crawl
    reg, archive = _load(registry_path), Archive(archive_dir)
    c0 = time.process_time()
    rep = crawl(reg, archive)
    cpu = time.process_time() - c0
    urls = [f["url"] for f in archive.fetches(run_id=rep.run_id) if f["outcome"] != "unchanged_skipped"]
    out.put(dict(cpu=cpu, requests=rep.requests, documents=rep.documents_new, urls=urls))


def _bare_cpu(urls: list[str], out) -> None:
    """Child: the crawler's URLs with plain httpx — one AsyncClient (pooled keep-alive connections),
    one request in flight per host as the crawler, bodies read, nothing else."""
    import asyncio
    from urllib.parse import urlsplit

    import httpx

    by_host: dict[str, list[str]] = {}
    for u in urls:
        by_host.setdefault(urlsplit(u).netloc, []).append(u)

    async def go() -> int:
        n = 0
        async with httpx.AsyncClient() as client:
            async def host(us):
                nonlocal n
                for u in us:
                    r = await client.get(u)
                    n += len(r.content) >= 0
            await asyncio.gather(*(host(us) for us in by_host.values()))
        return n

    c0 = time.process_time()
    n = asyncio.run(go())
    out.put(dict(cpu=time.process_time() - c0, requests=n))


def _in_child(target, *args):
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=target, args=(*args, q))
    p.start()
    try:
        return q.get(timeout=600)
    finally:
        p.join(30)


def cpu_per_page(ports: list[int], tmp: Path, trials: int) -> None:
    reg = own_registry(tmp, ports, "cpu")
    crawler, bare, urls = [], [], None
    for t in range(trials):            # interleaved, so a busy spell of the host hits both
        r = _in_child(_crawl_cpu, reg, str(tmp / f"cpu-archive-{t}"))
        urls = urls or r["urls"]
        crawler.append(r["cpu"] / r["requests"])
        b = _in_child(_bare_cpu, urls)
        bare.append(b["cpu"] / b["requests"])
    mc, mb = statistics.median(crawler), statistics.median(bare)
    print(f"\n== crawl CPU per page (user+sys of the crawling process; {len(urls)} requests, "
          f"{r['documents']} documents; median of {trials} interleaved runs each)")
    print(f"crawler     : {1e3 * mc:.3f} ms/page  (runs {', '.join(f'{1e3 * x:.3f}' for x in crawler)})")
    print(f"bare httpx  : {1e3 * mb:.3f} ms/page  (runs {', '.join(f'{1e3 * x:.3f}' for x in bare)})")
    print(f"ratio       : {mc / mb:.2f}x  (target <= 1.2x)")


# -- peak RSS against the number of documents ----------------------------------------------------
def _crawl_rss(registry_path: Path, archive_dir: str, out) -> None:
    """Child: one first crawl; the process's peak RSS (imports included, as for any run)."""
    from pipelines.archive import Archive
    from pipelines.crawl import crawl
    reg, archive = _load(registry_path), Archive(archive_dir)
    before = rss_mb()
    rep = crawl(reg, archive)
    out.put(dict(before=before, peak=rss_mb(), documents=rep.documents_new, requests=rep.requests))


def rss_by_documents(sites: list[list[int]], tmp: Path) -> None:
    rows = [_in_child(_crawl_rss, own_registry(tmp, ports, f"rss{k}"), str(tmp / f"rss-archive-{k}"))
            for k, ports in enumerate(sites)]
    print("\n== crawl peak RSS by documents archived (article pages + PDFs fetched into a fresh archive; "
          "each crawl in a fresh process)")
    for r in rows:
        print(f"{r['documents']:>6} documents ({r['requests']} requests): peak RSS {r['peak']:.1f} MB "
              f"(before crawling {r['before']:.1f} MB)")
    print(f"difference  : {rows[-1]['peak'] - rows[0]['peak']:+.1f} MB  (target: flat within 5 MB)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="500 reports instead of 10,000")
    ap.add_argument("--reports", type=int, default=None, help="reports on the built-in site")
    ap.add_argument("--hosts", type=int, default=4, help="hosts of the built-in site")
    ap.add_argument("--cpu-reports", type=int, default=1000, help="reports on the site of the CPU comparison")
    ap.add_argument("--trials", type=int, default=5, help="interleaved runs of crawler and bare loop (0: skip)")
    ap.add_argument("--rss-reports", default="1000,4000", help="reports on the sites of the RSS comparison")
    ap.add_argument("--demo", action="store_true", help="crawl pipelines.demo instead (if available)")
    ap.add_argument("--scale", type=int, default=None, help="pipelines.demo corpus scale (number of reports)")
    args = ap.parse_args(argv)
    n = args.reports or (500 if args.quick else 10_000)
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as t:
        tmp = Path(t)
        if args.demo:
            try:
                from pipelines.demo import DemoServer, generate_corpus
            except ImportError as e:
                print(f"pipelines.demo not available ({e}); use the built-in site")
                return 1
            corpus = generate_corpus(scale=args.scale) if args.scale is not None else generate_corpus()
            with DemoServer(corpus) as srv:
                path = tmp / "demo_registry.yaml"
                if hasattr(srv, "write_registry"):
                    srv.write_registry(path)
                else:
                    path = Path(srv.registry_path)
                run(path, tmp, "pipelines.demo", f"(scale={args.scale})")
            return 0
        rss_sizes = [int(x) for x in args.rss_reports.split(",")]
        q = mp.get_context("spawn").Queue()
        proc = mp.get_context("spawn").Process(target=_serve, args=([n, args.cpu_reports, *rss_sizes], q, args.hosts),
                                               daemon=True)
        proc.start()
        try:
            main_ports, cpu_ports, *rss_ports = q.get(timeout=30)
            run(own_registry(tmp, main_ports), tmp, "built-in Hanweb JCMS site",
                f"({n} reports on {args.hosts} hosts, each report = article + PDF)")
            if args.trials:
                cpu_per_page(cpu_ports, tmp, args.trials)
            rss_by_documents(rss_ports, tmp)
        finally:
            proc.terminate()
            proc.join(5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
