"""The journalist's dashboard in Chromium (issue 15, part 3): Chinese labels by default, the agency
page (search by name and alias, figures against SQL, archived copies), the comparison view and the
cross-era series against SQL, and the dashboard serving its snapshot while the warehouse is held
by a writer (as during a dbt build).

The server reads a copy of the test warehouse with a snapshot published beside it
(`publish_snapshot`). Screenshots go to test-artifacts/dashboard/ and, with
GOVREPORTS_DASHBOARD_SCREENSHOTS=docs, to docs/images/ for the README tour.
"""
from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import duckdb
import pytest

from dashboard_browser import (FOOTER_MARKER, PROJECT_ROOT, Chromium, StreamlitServer, find_chromium, number,
                               read_metrics, read_tables, wait_for_page)
from pipelines.dashboard import labels as L
from pipelines.dashboard.snapshot import publish_snapshot
from warehouse_sql import hold_write_lock, one, release, sql as rows

pytestmark = pytest.mark.slow

CHROMIUM = find_chromium()
if CHROMIUM is None:
    pytest.skip("headless Chromium is not installed: apt-get install -y --no-install-recommends chromium "
                "fonts-noto-cjk", allow_module_level=True)

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")   # a raw code such as t3_identity__natural_person
DOCS_IMAGES = PROJECT_ROOT / "docs" / "images"



WORDS_JS = """(() => {  // the page's text without the Material icons' ligature names (grid_on …)
    const icons = Array.from(document.querySelectorAll('[data-testid="stIconMaterial"]'));
    const saved = icons.map(e => e.style.display);
    icons.forEach(e => e.style.display = 'none');
    const text = document.body.innerText;
    icons.forEach((e, i) => e.style.display = saved[i]);
    return text; })()"""


def words(browser) -> str:
    return browser.evaluate(WORDS_JS) or ""


def shot(browser, artifacts_dir: Path, name: str) -> None:
    path = browser.screenshot(artifacts_dir / name)
    if os.environ.get("GOVREPORTS_DASHBOARD_SCREENSHOTS") == "docs":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS_IMAGES / name)


@pytest.fixture(scope="module")
def published(dashboard_warehouse, tmp_path_factory) -> Path:
    """A copy of the test warehouse (with its archive, when it has one) and a published snapshot."""
    tmp = tmp_path_factory.mktemp("journalist")
    wh = tmp / "warehouse.duckdb"
    shutil.copy(dashboard_warehouse, wh)
    archive = Path(dashboard_warehouse).resolve().parent / "archive"
    if (archive / "blobs").is_dir():
        (tmp / "archive").symlink_to(archive, target_is_directory=True)
    publish_snapshot(wh)
    return wh


@pytest.fixture(scope="module")
def snap(published) -> Path:
    return published.with_name("warehouse.dashboard.duckdb")


@pytest.fixture(scope="module")
def server(published, tmp_path_factory):
    with StreamlitServer(published, tmp_path_factory.mktemp("streamlit_j") / "streamlit.log") as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with Chromium(CHROMIUM, tmp_path_factory.mktemp("chromium_j") / "profile") as b:
        yield b


def open_page(browser, url: str, labels: tuple[str, ...] = (), text: str = FOOTER_MARKER) -> dict[str, str]:
    browser.navigate(url)
    return wait_for_page(browser, labels=labels, text=text)


def searchable_agency(db: Path) -> tuple[str, str, str]:
    """(agency_id, name, alias): an agency with figures and an alias only it carries."""
    return rows(db, """
        WITH al AS (SELECT agency_id, agency_name, unnest(aliases) AS alias FROM marts.dim_agency)
        SELECT agency_id, agency_name, alias FROM al
        WHERE alias <> agency_name AND (SELECT count(*) FROM al a2 WHERE contains(a2.alias, al.alias)) = 1
          AND NOT EXISTS (SELECT 1 FROM marts.dim_agency d WHERE contains(d.agency_name, al.alias))
          AND agency_id IN (SELECT agency_id FROM marts.fct_disclosure_metric WHERE metric_code = 't3_new_received__total')
        ORDER BY (SELECT count(*) FROM marts.fct_report r WHERE r.agency_id = al.agency_id) DESC, agency_id, alias
        LIMIT 1""")[0]


def test_chinese_by_default_english_on_request(server, browser, snap, artifacts_dir):
    m = open_page(browser, server.url, labels=("机构·年度", "已发布", "未找到"))
    text = browser.body_text()
    assert "发布情况" in text and "机构 × 年度" in text
    assert number(m["机构·年度"]) == one(snap, "SELECT count(*) FROM marts.agency_year_coverage")
    assert number(m["未找到"]) == one(snap, "SELECT count(*) FROM marts.agency_year_coverage WHERE status = 'missing'")
    assert SNAKE.findall(words(browser)) == [], "raw codes on the default page"
    assert "None" not in text.split() and "nan" not in text.split()
    # how fresh the data is: the snapshot's built_at
    built_at = one(snap, "SELECT built_at FROM marts.snapshot_meta")
    assert f"数据更新于 {built_at:%Y-%m-%d %H:%M} UTC" in text
    shot(browser, artifacts_dir, "dashboard-coverage.png")
    m = open_page(browser, f"{server.url}/?lang=en", labels=("Agency-years",))
    assert "Coverage" in browser.body_text() and f"data as of {built_at:%Y-%m-%d %H:%M}" in browser.body_text()
    # the quality page names checks in words, not by code
    open_page(browser, f"{server.url}/quality", labels=("质量问题",))
    text = browser.body_text()
    fam = one(snap, """SELECT split_part(check_code, '__', 1) FROM marts.fct_quality_issue WHERE status = 'fail'
                       GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""")
    if fam:
        assert L.label("check", fam, "zh") in text and L.check_explanation(fam, "zh") in text
    codes = {c for (c,) in rows(snap, "SELECT DISTINCT check_code FROM marts.fct_quality_issue")}
    assert not codes & set(SNAKE.findall(words(browser).split("全部检查记录")[0])), "check codes above the table"
    shot(browser, artifacts_dir, "dashboard-quality.png")


def test_agency_page_search_by_name_and_alias(server, browser, snap, artifacts_dir):
    aid, name, alias = searchable_agency(snap)
    for term in (name, alias):
        open_page(browser, f"{server.url}/agency?" + urllib.parse.urlencode({"q": term}),
                  labels=(L.label("measure", "received"),))
        text = browser.body_text()
        assert "找到 1 个机构" in text or term == name, text[:2000]
        heading = browser.evaluate("Array.from(document.querySelectorAll('[data-testid=\"stMain\"] h2'))"
                                   ".map(h => h.innerText.trim())")
        assert name in heading, (term, heading)
    m = read_metrics(browser)
    year = one(snap, """SELECT max(report_year) FROM marts.fct_disclosure_metric d
                        WHERE agency_id = ? AND regexp_matches(metric_code, '^(t3_|t4_|t2_procurement|n_proactive)')""", [aid])
    received = one(snap, """SELECT sum(value) FROM marts.fct_disclosure_metric WHERE agency_id = ? AND report_year = ?
                            AND metric_code = 't3_new_received__total'""", [aid, year])
    denied = one(snap, r"""SELECT sum(value) FROM marts.fct_disclosure_metric WHERE agency_id = ? AND report_year = ?
                           AND metric_code LIKE 't3\_res\_denied\_%\_\_total' ESCAPE '\'""", [aid, year])
    if received is not None:
        assert number(m[L.label("measure", "received")]) == received
    if denied is not None:
        assert number(m[L.label("measure", "denied")]) == denied
    # the peers' median of applications received (same level and sector, same year) in the table
    level, sector = rows(snap, "SELECT admin_level, sector FROM marts.dim_agency WHERE agency_id = ?", [aid])[0]
    peers = [v for (v,) in rows(snap, """
        SELECT sum(d.value) FROM marts.fct_disclosure_metric d JOIN marts.dim_agency a USING (agency_id)
        WHERE d.metric_code = 't3_new_received__total' AND d.report_year = ?
          AND a.admin_level IS NOT DISTINCT FROM ? AND a.sector IS NOT DISTINCT FROM ?
        GROUP BY d.agency_id HAVING count(d.value) > 0""", [year, level, sector])]
    table = next(t for t in read_tables(browser) if t and "同类中位数" in t[0])
    head = table[0]
    row = next(r for r in table[1:] if r[0] == L.label("measure", "received"))
    assert number(row[head.index("同类中位数")]) == pytest.approx(statistics.median(peers), abs=0.01)
    assert number(row[head.index("同类机构数")]) == len(peers)
    # reports by year, with a download of the archived copy for each report the archive holds
    text = browser.body_text()
    n_reports = one(snap, "SELECT count(*) FROM marts.fct_report WHERE agency_id = ?", [aid])
    buttons = browser.evaluate("Array.from(document.querySelectorAll('[data-testid=\"stDownloadButton\"]'))"
                               ".map(b => b.innerText.trim())")
    assert "历年报告" in text
    if (server.duckdb_path.parent / "archive").exists():
        assert len(buttons) == n_reports and all("存档副本" in b for b in buttons)
    assert "质量问题" in text
    shot(browser, artifacts_dir, "dashboard-agency.png")


def test_compare_view_matches_sql(server, browser, snap, artifacts_dir):
    year = one(snap, """SELECT report_year FROM marts.fct_disclosure_metric WHERE metric_code = 't3_new_received__total'
                        AND value IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 DESC LIMIT 1""")
    query = urllib.parse.urlencode({"measure": "received", "cmp_year": year, "group_by": "prefecture_name"})
    m = open_page(browser, f"{server.url}/compare?{query}", labels=("合计",))
    expected = {g: (n, t) for g, n, t in rows(snap, """
        SELECT coalesce(a.prefecture_name, '（省级机关，无设区市）'), count(d.value), sum(d.value)
        FROM marts.fct_disclosure_metric d JOIN marts.dim_agency a USING (agency_id)
        WHERE d.metric_code = 't3_new_received__total' AND d.report_year = ? GROUP BY 1
        HAVING count(d.value) > 0""", [year])}
    assert number(m["合计"]) == sum(t for _, t in expected.values())
    table = next(t for t in read_tables(browser) if t and t[0][0] == "设区市")
    head = table[0]
    got = {r[0]: (number(r[head.index("机构数")]), number(r[head.index("合计")])) for r in table[1:]}
    assert got == expected
    text = browser.body_text()
    assert f"{L.label('measure', 'received')} · {year}" in text and SNAKE.findall(words(browser)) == []
    shot(browser, artifacts_dir, "dashboard-compare.png")
    # grouped by sector: the sector names in Chinese, the totals from SQL
    query = urllib.parse.urlencode({"measure": "received", "cmp_year": year, "group_by": "sector"})
    open_page(browser, f"{server.url}/compare?{query}", labels=("合计",))
    table = next(t for t in read_tables(browser) if t and t[0][0] == "部门领域")
    got = {r[0]: number(r[table[0].index("合计")]) for r in table[1:]}
    assert got == {L.label("sector", s): t for s, t in rows(snap, """
        SELECT a.sector, sum(d.value) FROM marts.fct_disclosure_metric d JOIN marts.dim_agency a USING (agency_id)
        WHERE d.metric_code = 't3_new_received__total' AND d.report_year = ? GROUP BY 1 HAVING count(d.value) > 0""",
        [year])}


def test_series_across_template_eras(server, browser, snap, artifacts_dir):
    group = one(snap, "SELECT comparable_group FROM marts.mart_comparable_series ORDER BY comparable_group LIMIT 1")
    m = open_page(browser, f"{server.url}/series?" + urllib.parse.urlencode({"series": group}),
                  labels=("报告数",))
    label = next(k for k in m if k.startswith(L.label("series", group)))
    measure = one(snap, "SELECT min(measure) FROM marts.mart_comparable_series WHERE comparable_group = ?", [group])
    assert label == f"{L.label('series', group)} · {L.label('measure', measure)}"
    assert number(m[label]) == pytest.approx(one(snap, """SELECT sum(value) FROM marts.mart_comparable_series
        WHERE comparable_group = ? AND measure = ?""", [group, measure]), abs=0.01)
    text = browser.body_text()
    eras = {e for (e,) in rows(snap, "SELECT DISTINCT era FROM marts.mart_comparable_series WHERE comparable_group = ?",
                               [group]) if e}
    assert all(L.label("era", e) in text for e in eras)
    shot(browser, artifacts_dir, "dashboard-series.png")


LEGEND_JS = """Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"]'))
    .map(c => Array.from(c.querySelectorAll('.role-legend-label text')).map(t => t.textContent.trim()))"""


def test_procurement_legend_lists_only_years_with_data(server, browser, snap, artifacts_dir):
    m = open_page(browser, f"{server.url}/procurement", labels=("采购总金额（元）",))
    assert number(m["采购总金额（元）"]) == pytest.approx(one(snap, "SELECT sum(amount_cny) FROM marts.fct_procurement"),
                                                      abs=0.01)
    legends = [lg for lg in browser.evaluate(LEGEND_JS) or [] if lg]
    years = [str(y) for (y,) in rows(snap, "SELECT DISTINCT report_year FROM marts.fct_procurement "
                                           "WHERE amount_cny > 0 ORDER BY 1")]
    assert legends and legends[0] == years
    shot(browser, artifacts_dir, "dashboard-procurement.png")


def test_stays_up_while_the_warehouse_is_write_locked(published, snap, browser, tmp_path, artifacts_dir):
    """A writer holds the warehouse (as dbt build does): a freshly started dashboard, with nothing
    cached, still serves every page from the snapshot, says how fresh it is and that a newer build
    is under way."""
    holder = hold_write_lock(published)
    try:
        with pytest.raises(duckdb.IOException):
            duckdb.connect(str(published), read_only=True).close()
        with StreamlitServer(published, tmp_path / "streamlit.log") as srv:
            m = open_page(browser, srv.url, labels=("机构·年度", "未找到"))
            assert number(m["未找到"]) == one(snap, "SELECT count(*) FROM marts.agency_year_coverage "
                                                 "WHERE status = 'missing'")
            text = browser.body_text()
            assert "正在写入" not in text and "快照" in text and "数据仓库在快照之后有更新" in text
            shot(browser, artifacts_dir, "dashboard-during-build.png")
            aid, name, _ = searchable_agency(snap)
            m = open_page(browser, f"{srv.url}/agency?" + urllib.parse.urlencode({"q": name}),
                          labels=(L.label("measure", "received"),))
            assert name in browser.body_text()
            m = open_page(browser, f"{srv.url}/procurement?lang=en", labels=("Procurement total (yuan)",))
            assert number(m["Procurement total (yuan)"]) == pytest.approx(
                one(snap, "SELECT sum(amount_cny) FROM marts.fct_procurement"), abs=0.01)
            assert holder.poll() is None      # the writer held the file the whole time
    finally:
        release(holder)


def write_locked(path: Path) -> bool:
    """A process holds DuckDB's write lock on ``path``, read from /proc/locks: taking no lock of our
    own, so a probe can never make the writer's own open fail."""
    st = path.stat()
    ident = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if "WRITE" in parts and ident in parts:
            return True
    return False


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs /proc/locks (Linux) to see the build's lock")
def test_stays_up_during_a_real_dbt_build(published, snap, browser, tmp_path):
    """`dbt build` rebuilds a copy of the pipeline's warehouse while a freshly started dashboard is
    asked for its pages: every page that loads while the build holds the write lock (seen before and
    after the load) shows the snapshot's figures."""
    DBT_DIR = PROJECT_ROOT / "dbt_project"
    dbt = Path(sys.executable).parent / "dbt"
    if not dbt.exists():
        pytest.skip("dbt is not installed in this environment")
    wh = tmp_path / "warehouse.duckdb"
    shutil.copy(published, wh)
    shutil.copy(snap, wh.with_name("warehouse.dashboard.duckdb"))
    missing = one(snap, "SELECT count(*) FROM marts.agency_year_coverage WHERE status = 'missing'")
    env = dict(os.environ, GOVREPORTS_DUCKDB=str(wh), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    with StreamlitServer(wh, tmp_path / "streamlit.log") as srv:
        build = subprocess.Popen(
            [str(dbt), "build", "--full-refresh", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
             "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            served_while_locked = 0
            while build.poll() is None and served_while_locked < 2:
                if not write_locked(wh):
                    time.sleep(0.05)
                    continue
                m = open_page(browser, srv.url, labels=("机构·年度", "未找到"))
                if write_locked(wh) and build.poll() is None:
                    assert number(m["未找到"]) == missing
                    assert "快照" in browser.body_text()
                    served_while_locked += 1
            out, _ = build.communicate(timeout=600)
        finally:
            if build.poll() is None:
                build.kill()
        assert build.returncode == 0, out[-3000:]
    assert served_while_locked >= 1, "the build finished before a page could be loaded during it"
