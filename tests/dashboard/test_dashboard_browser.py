"""The dashboard in a real browser: `streamlit run` on 127.0.0.1 and Debian's headless Chromium,
driven through the DevTools protocol. Every page is loaded, the figures it shows are compared with
SQL on the same DuckDB file, and a screenshot per page goes to test-artifacts/dashboard/.

Needs /usr/bin/chromium (`apt-get install -y --no-install-recommends chromium fonts-noto-cjk`);
skips with that reason when it is absent.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import urllib.parse
from pathlib import Path

import duckdb
import pytest

from dashboard_browser import (Chromium, StreamlitServer, find_chromium, number, read_metrics, wait_for_page,
                               wait_until)

pytestmark = pytest.mark.slow

CHROMIUM = find_chromium()
if CHROMIUM is None:
    pytest.skip("headless Chromium is not installed: apt-get install -y --no-install-recommends chromium "
                "fonts-noto-cjk", allow_module_level=True)


def one(path: Path, query: str, params: list | None = None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query, params or []).fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def server(dashboard_warehouse, tmp_path_factory):
    with StreamlitServer(dashboard_warehouse, tmp_path_factory.mktemp("streamlit") / "streamlit.log") as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with Chromium(CHROMIUM, tmp_path_factory.mktemp("chromium") / "profile") as b:
        yield b


def visit(browser, server, path: str, labels: tuple[str, ...], shot: Path | None = None,
          lang: str | None = "en") -> dict[str, float]:
    """Load a page (in English unless `lang` says otherwise: these tests read the English labels)."""
    if lang:
        path += ("&" if "?" in path else "?") + f"lang={lang}"
    browser.navigate(f"{server.url}/{path}")
    metrics = wait_for_page(browser, labels=labels)
    if shot is not None:
        browser.screenshot(shot)
    return {k: number(v) for k, v in metrics.items() if v != "n/a"}


def test_coverage_page(server, browser, dashboard_warehouse, artifacts_dir):
    db = dashboard_warehouse
    m = visit(browser, server, "", ("Agency-years", "Found", "Missing", "Unparseable"),
              artifacts_dir / "coverage.png")
    assert m["Agency-years"] == one(db, "SELECT count(*) FROM marts.agency_year_coverage")
    assert m["Missing"] == one(db, "SELECT count(*) FROM marts.agency_year_coverage WHERE status = 'missing'")
    assert m["Found"] == one(db, "SELECT count(*) FROM marts.agency_year_coverage WHERE status = 'found'")
    assert m["Unparseable"] == one(db, "SELECT count(*) FROM marts.agency_year_coverage WHERE status = 'unparseable'")
    assert m["Late"] == one(db, """SELECT count(*) FROM marts.agency_year_coverage c JOIN marts.fct_report r
                                   ON r.agency_id = c.agency_id AND r.report_year = c.report_year
                                   WHERE c.status = 'found' AND r.is_late""")
    text = browser.body_text()
    assert "Agency × year" in text and "Status per year" in text


def test_applications_page(server, browser, dashboard_warehouse, artifacts_dir):
    db = dashboard_warehouse
    m = visit(browser, server, "applications", ("Applications received", "Granted", "Denied"),
              artifacts_dir / "applications.png")
    assert m["Applications received"] == one(db, """SELECT sum(value) FROM marts.fct_disclosure_metric
                                                     WHERE metric_code = 't3_new_received__total'""")
    assert m["Granted"] == one(db, """SELECT sum(value) FROM marts.fct_disclosure_metric
                                      WHERE metric_code = 't3_res_granted__total'""")
    assert m["Denied"] == one(db, r"""SELECT sum(value) FROM marts.fct_disclosure_metric
                                      WHERE metric_code LIKE 't3\_res\_denied\_%\_\_total' ESCAPE '\'""")


def test_review_page(server, browser, dashboard_warehouse, artifacts_dir):
    db = dashboard_warehouse
    m = visit(browser, server, "review", ("Administrative reviews", "Lawsuits (direct)"),
              artifacts_dir / "review_litigation.png")
    assert m["Administrative reviews"] == one(db, """SELECT sum(value) FROM marts.fct_disclosure_metric
                                                     WHERE metric_code = 't4_review_total'""")
    assert m["Lawsuits (direct)"] == one(db, """SELECT sum(value) FROM marts.fct_disclosure_metric
                                                WHERE metric_code = 't4_lit_direct_total'""")


def test_procurement_page(server, browser, dashboard_warehouse, artifacts_dir):
    db = dashboard_warehouse
    m = visit(browser, server, "procurement", ("Procurement total (yuan)", "Procurement projects"),
              artifacts_dir / "procurement.png")
    assert m["Procurement total (yuan)"] == pytest.approx(
        one(db, "SELECT sum(amount_cny) FROM marts.fct_procurement"), abs=0.01)
    assert m["Procurement projects"] == one(db, "SELECT sum(projects) FROM marts.fct_procurement")
    assert m["Agency-years"] == one(db, "SELECT count(*) FROM marts.fct_procurement")


def test_quality_page_links_to_source_pages(server, browser, dashboard_warehouse, artifacts_dir):
    db = dashboard_warehouse
    m = visit(browser, server, "quality", ("Quality issues", "Reports with issues"),
              artifacts_dir / "quality.png")
    assert m["Quality issues"] == one(db, "SELECT count(*) FROM marts.fct_quality_issue WHERE status = 'fail'")
    assert m["Reports with issues"] == one(db, """SELECT count(DISTINCT report_id) FROM marts.fct_quality_issue
                                                  WHERE status = 'fail'""")
    hrefs = set(browser.evaluate("Array.from(document.querySelectorAll('[data-testid=\"stMain\"] a[href]'))"
                                 ".map(a => a.href)"))
    url = one(db, """SELECT r.source_url FROM marts.fct_quality_issue q JOIN marts.fct_report r USING (report_id)
                     WHERE q.status = 'fail' ORDER BY r.report_year DESC LIMIT 1""")
    assert url in hrefs


def test_filters_from_the_url(server, browser, dashboard_warehouse, artifacts_dir):
    """The sidebar filters are bound to query parameters: ?city=…&years=… filters every figure."""
    db = dashboard_warehouse
    city = one(db, """SELECT a.prefecture_name FROM marts.fct_procurement p JOIN marts.dim_agency a
                      USING (agency_id) GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""")
    lo, hi = (one(db, f"SELECT {f}(report_year) FROM marts.agency_year_coverage") for f in ("min", "max"))
    query = urllib.parse.urlencode([("city", city), ("years", lo), ("years", 2020)])
    m = visit(browser, server, f"procurement?{query}", ("Procurement total (yuan)",),
              artifacts_dir / "procurement_filtered.png")
    assert m["Procurement total (yuan)"] == pytest.approx(one(db, """
        SELECT sum(p.amount_cny) FROM marts.fct_procurement p JOIN marts.dim_agency a USING (agency_id)
        WHERE a.prefecture_name = ? AND p.report_year <= 2020""", [city]), abs=0.01)
    m = visit(browser, server, f"?{query}", ("Missing",))
    assert m["Missing"] == one(db, """SELECT count(*) FROM marts.agency_year_coverage c JOIN marts.dim_agency a
        USING (agency_id) WHERE a.prefecture_name = ? AND c.report_year BETWEEN ? AND 2020
        AND c.status = 'missing'""", [city, lo])
    assert hi >= 2020


def test_busy_warehouse_shows_a_message_not_a_traceback(sample_warehouse, browser, tmp_path, artifacts_dir):
    """While the pipeline writes (holds DuckDB's lock), the page says so; after it, the data is back."""
    copy = tmp_path / "busy.duckdb"
    shutil.copy(sample_warehouse, copy)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys
        con = duckdb.connect({str(copy)!r})
        print("locked", flush=True)
        sys.stdin.read()
        con.close()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with StreamlitServer(copy, tmp_path / "streamlit.log") as srv:
            browser.navigate(f"{srv.url}/procurement?lang=en")
            wait_for_page(browser, text="retry in a minute")
            assert "Traceback" not in browser.body_text()
            browser.screenshot(artifacts_dir / "busy.png")
            holder.stdin.close()
            holder.wait(timeout=30)
            browser.navigate(f"{srv.url}/procurement?lang=en")
            m = wait_for_page(browser, labels=("Procurement total (yuan)",))
            assert number(m["Procurement total (yuan)"]) == pytest.approx(
                one(copy, "SELECT sum(amount_cny) FROM marts.fct_procurement"), abs=0.01)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=10)


def test_no_warehouse_yet(browser, tmp_path):
    with StreamlitServer(tmp_path / "absent.duckdb", tmp_path / "streamlit.log") as srv:
        browser.navigate(srv.url)
        wait_for_page(browser, text="No warehouse at")
        assert read_metrics(browser) == {}
        assert "make demo" in browser.body_text()
    wait_until(lambda: srv.proc.poll() is not None, 5, what="streamlit to stop")
