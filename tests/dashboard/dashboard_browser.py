"""Test helpers: a Streamlit server and a headless Chromium driven over the DevTools protocol.

Both bind 127.0.0.1 only. Chromium additionally resolves no host but 127.0.0.1
(`--host-resolver-rules`) and uses no proxy, so a page can never reach another address.
"""
from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from websockets.sync.client import connect as ws_connect

PROJECT_ROOT = Path(__file__).resolve().parents[2]
APP = PROJECT_ROOT / "pipelines" / "dashboard" / "app.py"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def find_chromium() -> str | None:
    for c in (os.environ.get("CHROMIUM"), *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if c and os.access(c, os.X_OK):
            return c
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 2.0) -> str:
    with _NO_PROXY.open(url, timeout=timeout) as r:
        return r.read().decode()


def wait_until(pred, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        try:
            value = pred()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - polling
            last_exc = exc
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}" + (f" (last error: {last_exc})" if last_exc else ""))


class StreamlitServer:
    """`streamlit run pipelines/dashboard/app.py` on 127.0.0.1:<free port> against one DuckDB file."""

    def __init__(self, duckdb_path: Path, log_path: Path, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.duckdb_path = Path(duckdb_path)
        self.log_path = Path(log_path)
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "StreamlitServer":
        streamlit = Path(sys.executable).with_name("streamlit")
        cmd = [str(streamlit), "run", str(APP), "--server.headless", "true", "--server.address", "127.0.0.1",
               "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--global.developmentMode", "false"]
        env = {**os.environ, "GOVREPORTS_DUCKDB": str(self.duckdb_path)}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        try:
            wait_until(lambda: self._alive() and _get(f"{self.url}/_stcore/health").strip() == "ok",
                       timeout=60, what=f"streamlit health on {self.url}")
        except Exception:
            self.__exit__(None, None, None)
            raise RuntimeError(f"streamlit did not start; log:\n{self.log_path.read_text(errors='replace')[-3000:]}")
        return self

    def _alive(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {self.proc.returncode}")
        return True

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()


class Chromium:
    """Headless Chromium with one page target, driven through the DevTools protocol."""

    def __init__(self, binary: str, user_data_dir: Path, width: int = 1440, height: int = 1600):
        self.binary = binary
        self.user_data_dir = Path(user_data_dir)
        self.width, self.height = width, height
        self._ids = itertools.count(1)
        self.proc: subprocess.Popen | None = None
        self.ws = None

    def __enter__(self) -> "Chromium":
        self.user_data_dir.mkdir(parents=True, exist_ok=True)
        (self.user_data_dir / "DevToolsActivePort").unlink(missing_ok=True)  # a stale one from a reused profile
        cmd = [self.binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
               "--disable-default-apps", "--disable-extensions", "--mute-audio", "--no-proxy-server",
               "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
               f"--user-data-dir={self.user_data_dir}", "--remote-debugging-address=127.0.0.1",
               "--remote-debugging-port=0", f"--window-size={self.width},{self.height}", "about:blank"]
        self._log = open(self.user_data_dir.parent / "chromium.log", "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            port_file = self.user_data_dir / "DevToolsActivePort"
            port = wait_until(lambda: port_file.exists() and port_file.read_text().split("\n")[0].strip(),
                              timeout=30, what="DevToolsActivePort")
            targets = wait_until(lambda: [t for t in json.loads(_get(f"http://127.0.0.1:{port}/json/list"))
                                          if t.get("type") == "page"], timeout=15, what="a page target")
            self.ws = ws_connect(targets[0]["webSocketDebuggerUrl"], max_size=None, open_timeout=10)
            self.send("Page.enable")
            self.send("Runtime.enable")
            self.set_viewport(self.width, self.height)
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(Exception):
            if self.ws:
                self.ws.close()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()

    def send(self, method: str, timeout: float = 30, **params):
        msg_id = next(self._ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"DevTools {method} did not answer in {timeout}s")
            msg = json.loads(self.ws.recv(timeout=left))
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"DevTools {method}: {msg['error']}")
                return msg.get("result", {})

    def set_viewport(self, width: int, height: int) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)

    def navigate(self, url: str) -> None:
        """Load `url` as a new document (waits until the old document is gone)."""
        self.evaluate("window.__govreports_old_document = true")
        self.send("Page.navigate", url=url)
        wait_until(lambda: self.evaluate("window.__govreports_old_document !== true && document.readyState "
                                         "!== 'loading'"), timeout=30, what=f"navigation to {url}")

    def evaluate(self, expression: str):
        res = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise RuntimeError(f"JS error: {res['exceptionDetails'].get('text')}: {expression[:200]}")
        return res.get("result", {}).get("value")

    def body_text(self) -> str:
        return self.evaluate("document.body ? document.body.innerText : ''") or ""

    def wait_for_text(self, text: str, timeout: float = 60) -> str:
        return wait_until(lambda: text in self.body_text() and self.body_text(), timeout,
                          what=f"text {text!r} in the page")

    def content_height(self) -> int:
        return int(self.evaluate("""(() => {
            const main = document.querySelector('[data-testid="stMain"]');
            const block = document.querySelector('[data-testid="stMainBlockContainer"]');
            const top = block ? block.getBoundingClientRect().top + (main ? main.scrollTop : 0) : 0;
            return Math.max(main ? main.scrollHeight : 0, block ? top + block.scrollHeight : 0,
                            document.documentElement.scrollHeight, 600); })()""") or self.height)

    def screenshot(self, path: Path, full_height: bool = True) -> Path:
        """A PNG of the page; with full_height the viewport grows to the content first."""
        if full_height:
            height = 0
            for _ in range(4):   # charts re-layout to the new viewport and may change the height
                wanted = min(self.content_height() + 40, 12000)
                if wanted <= height:
                    break
                height = wanted
                self.set_viewport(self.width, height)
                time.sleep(0.6)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        self.set_viewport(self.width, self.height)
        return path


METRICS_JS = """Array.from(document.querySelectorAll('[data-testid="stMetric"]')).map(m => [
    (m.querySelector('[data-testid="stMetricLabel"]') || {innerText: ''}).innerText.trim(),
    (m.querySelector('[data-testid="stMetricValue"]') || {innerText: ''}).innerText.trim()])"""

CHARTS_READY_JS = """(() => { const charts = Array.from(document.querySelectorAll(
    '[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"]'));
  return {n: charts.length, drawn: charts.filter(c => c.querySelector('canvas, svg')).length}; })()"""


def read_metrics(browser: Chromium) -> dict[str, str]:
    return {label: value for label, value in browser.evaluate(METRICS_JS) or []}


def number(text: str) -> float:
    """'1,234.50' → 1234.5 (the dashboard's number formats)."""
    cleaned = "".join(ch for ch in text if ch.isdigit() or ch in ".-")
    return float(cleaned)


FOOTER_MARKER = "govreports ·"  # the app's last element (pipelines/dashboard/common.py): the script ran to the end

TABLES_JS = """Array.from(document.querySelectorAll('[data-testid="stTable"] table')).map(t =>
    Array.from(t.querySelectorAll('tr')).map(tr => Array.from(tr.querySelectorAll('th, td'))
        .map(c => c.innerText.trim())))"""


def read_tables(browser: "Chromium") -> list[list[list[str]]]:
    """Every st.table on the page as rows of cell texts (the header row first)."""
    return browser.evaluate(TABLES_JS) or []


def wait_for_page(browser: Chromium, *, labels: tuple[str, ...] = (), text: str = FOOTER_MARKER,
                  timeout: float = 90) -> dict[str, str]:
    """Wait until `text` is shown, every metric in `labels` has a value, the metrics are stable over
    two polls and every chart has drawn; returns the metrics {label: value}."""
    state = {"prev": None}

    def ready():
        body = browser.body_text()
        if text not in body:
            return False
        if browser.evaluate("document.querySelectorAll('[data-testid=\"stException\"]').length"):
            raise AssertionError(f"the page shows an exception:\n{body[:3000]}")
        metrics = read_metrics(browser)
        if any(not metrics.get(label) for label in labels):
            return False
        charts = browser.evaluate(CHARTS_READY_JS) or {"n": 0, "drawn": 0}
        if charts["n"] != charts["drawn"]:
            return False
        stable = metrics == state["prev"]
        state["prev"] = metrics
        return (metrics,) if stable else False
    return wait_until(ready, timeout, interval=0.4, what=f"page with {text!r} and metrics {labels}")[0]
