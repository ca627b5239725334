"""`govreports demo`: the embedded demo site on 127.0.0.1, the whole pipeline, a summary."""
from __future__ import annotations

import os
from pathlib import Path

from rich.console import Console

from pipelines.warehouse.db import PROJECT_ROOT

# the demo's registry and its cached corpus (GOVREPORTS_DEMO_DIR: elsewhere, e.g. for a benchmark)
DEMO_DIR = Path(os.environ.get("GOVREPORTS_DEMO_DIR") or PROJECT_ROOT / "data" / "demo")
# Fixed ports keep the demo's URLs (and so its archive) identical from one run to the next, which
# is what lets a second `make demo` re-fetch nothing; a busy port falls back to a free one.
DEMO_PORT_BASE = int(os.environ.get("GOVREPORTS_DEMO_PORT_BASE", "18730"))


def _hosts(urls) -> str:
    """`http://127.0.0.1:18081–18094` for a run of ports on one host (the demo's 14 sites)."""
    from urllib.parse import urlsplit

    by_host: dict[str, list[int]] = {}
    for url in urls:
        parts = urlsplit(url)
        by_host.setdefault(f"{parts.scheme}://{parts.hostname}", []).append(parts.port or 80)
    out = []
    for host, ports in sorted(by_host.items()):
        ports.sort()
        contiguous = ports == list(range(ports[0], ports[0] + len(ports)))
        span = f"{ports[0]}–{ports[-1]}" if contiguous and len(ports) > 1 else ",".join(map(str, ports))
        out.append(f"{host}:{span}")
    return "; ".join(out)


def run_demo(seed: int = 0, *, console: Console | None = None) -> Path:
    from pipelines.demo.cache import cached_corpus
    from pipelines.demo.server import DemoServer
    from pipelines.runner import run_pipeline
    from pipelines.summary import print_summary

    console = console or Console()
    corpus = cached_corpus(seed, DEMO_DIR / "corpus")
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    registry = DEMO_DIR / "sources.yaml"
    with DemoServer(corpus, port_base=DEMO_PORT_BASE) as server:
        server.write_registry(registry)
        console.print(f"demo site: {len(corpus.reports)} reports on {len(server.base_urls)} hosts "
                      f"({_hosts(server.base_urls.values())}); registry {registry}", markup=False,
                      highlight=False, soft_wrap=True)
        # a failed run raises RunFailed (one line, said by the CLI) after stopping the demo site
        # cmd_demo took the run lock and refused a live Dagster run before the site started
        result = run_pipeline(registry, dagster_checked=True)
    print_summary(console=console, run_id=result.run_id)
    from pipelines.runlog import logs_dir

    console.print(f"run {result.run_id} succeeded; log: {logs_dir() / (result.run_id + '.log')}",
                  markup=False, highlight=False, soft_wrap=True)
    return registry
