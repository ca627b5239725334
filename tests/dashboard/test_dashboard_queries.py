"""pipelines.dashboard.queries against real DuckDB files: the sample marts and (when it builds) the
pipeline's warehouse from the demo site. Each figure is checked against an independent SQL query."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.dashboard import queries as q
from pipelines.dashboard.sample import build_sample_warehouse
from warehouse_sql import one, sql


def some_city(path: Path) -> str:
    return one(path, """SELECT a.prefecture_name FROM marts.agency_year_coverage c
                        JOIN marts.dim_agency a USING (agency_id) WHERE a.prefecture_name IS NOT NULL
                        GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""")


# --------------------------------------------------------------------------------------------- coverage

def test_coverage_counts_match_sql(warehouse):
    df = q.coverage(path=warehouse)
    s = q.summarize_coverage(df)
    assert s["agency_years"] == one(warehouse, "SELECT count(*) FROM marts.agency_year_coverage") > 0
    for status in ("found", "missing", "unparseable"):
        assert s[status] == one(warehouse, "SELECT count(*) FROM marts.agency_year_coverage WHERE status = ?",
                                [status]), status
    late = one(warehouse, """SELECT count(*) FROM marts.agency_year_coverage c JOIN marts.fct_report r
                             ON r.agency_id = c.agency_id AND r.report_year = c.report_year
                             WHERE c.status = 'found' AND r.is_late""")
    assert s["late"] == late
    assert set(df["status"]) <= set(q.COVERAGE_STATUSES)
    # one row per agency and year, named
    assert not df.duplicated(["agency_id", "report_year"]).any()
    assert df["agency_name"].notna().all()


def test_coverage_filters(warehouse):
    city = some_city(warehouse)
    lo, hi = q.year_bounds(warehouse)
    mid = (lo + hi) // 2
    f = q.Filters(cities=(city,), year_from=mid, year_to=hi)
    df = q.coverage(f, path=warehouse)
    expected = one(warehouse, """SELECT count(*) FROM marts.agency_year_coverage c JOIN marts.dim_agency a
                                 USING (agency_id) WHERE a.prefecture_name = ? AND c.report_year BETWEEN ? AND ?""",
                   [city, mid, hi])
    assert len(df) == expected > 0
    assert set(df["prefecture_name"]) == {city}
    assert df["report_year"].between(mid, hi).all()
    # county and sector narrow further; an unknown value gives nothing (not everything)
    county = df["division_name"].iloc[0]
    sector = df["sector"].iloc[0]
    narrowed = q.coverage(q.Filters(cities=(city,), counties=(county,), sectors=(sector,)), path=warehouse)
    assert len(narrowed) == one(warehouse, """SELECT count(*) FROM marts.agency_year_coverage c
        JOIN marts.dim_agency a USING (agency_id) WHERE a.prefecture_name = ? AND a.division_name = ?
        AND a.sector = ?""", [city, county, sector]) > 0
    assert q.coverage(q.Filters(sectors=("no_such_sector",)), path=warehouse).empty


def test_filter_options_and_year_bounds(warehouse):
    opts = q.filter_options(warehouse)
    assert len(opts) == one(warehouse, "SELECT count(*) FROM marts.dim_agency")
    assert {"prefecture_name", "division_name", "sector", "agency_name"} <= set(opts.columns)
    assert q.year_bounds(warehouse) == tuple(sql(warehouse, """SELECT min(report_year), max(report_year)
                                                               FROM marts.agency_year_coverage""")[0])


# --------------------------------------------------------------------------------------------- applications

def _long(df: pd.DataFrame, measure: str) -> dict[int, float]:
    sel = df[df["measure"] == measure]
    return {int(y): float(v) for y, v in zip(sel["report_year"], sel["value"]) if pd.notna(v)}


def test_applications_received_and_outcomes_match_sql(warehouse):
    df = q.applications(path=warehouse)
    rows = sql(warehouse, """SELECT report_year, sum(value) FROM marts.fct_disclosure_metric
                             WHERE metric_code = 't3_new_received__total' AND value IS NOT NULL
                             GROUP BY 1 ORDER BY 1""")
    assert rows, "the warehouse has no table 三"
    assert _long(df, "received") == {int(y): float(v) for y, v in rows}
    denied = sql(warehouse, r"""SELECT report_year, sum(value) FROM marts.fct_disclosure_metric
                                WHERE metric_code LIKE 't3\_res\_denied\_%\_\_total' ESCAPE '\'
                                AND value IS NOT NULL GROUP BY 1""")
    assert _long(df, "denied") == {int(y): float(v) for y, v in denied}
    # (六) other is the parent row only: its 2021 sub-rows are not added on top
    other = sql(warehouse, """SELECT report_year, sum(value) FROM marts.fct_disclosure_metric
                              WHERE metric_code = 't3_res_other__total' AND value IS NOT NULL GROUP BY 1""")
    assert _long(df, "other") == {int(y): float(v) for y, v in other}
    assert set(df["measure"]) <= set(q.APPLICATION_MEASURES)


def test_applications_by_agency_and_applicant(warehouse):
    by_agency = q.applications(path=warehouse, by="agency")
    total = by_agency[by_agency["measure"] == "received"]["value"].sum()
    assert total == one(warehouse, """SELECT sum(value) FROM marts.fct_disclosure_metric
                                      WHERE metric_code = 't3_new_received__total'""")
    by_app = q.applications_by_applicant(path=warehouse)
    assert "total" not in set(by_app["applicant_type"])
    assert by_app["value"].sum() == one(warehouse, """SELECT sum(value) FROM marts.fct_disclosure_metric
        WHERE metric_code LIKE 't3_new_received__%' AND metric_code <> 't3_new_received__total'""")


def test_review_litigation_matches_sql(warehouse):
    df = q.review_litigation(path=warehouse)
    assert not df.empty
    assert set(df["proceeding"]) <= set(q.REVIEW_PROCEEDINGS)
    assert set(df["outcome"]) <= set(q.REVIEW_OUTCOMES)
    for proc in q.REVIEW_PROCEEDINGS:
        got = df[(df["proceeding"] == proc) & (df["outcome"] == "total")]["value"].sum()
        want = one(warehouse, "SELECT coalesce(sum(value), 0) FROM marts.fct_disclosure_metric WHERE metric_code = ?",
                   [f"t4_{proc}_total"])
        assert got == want, proc


# --------------------------------------------------------------------------------------------- procurement

def test_procurement_matches_sql(warehouse):
    df = q.procurement(path=warehouse)
    n, amount, projects = sql(warehouse, "SELECT count(*), sum(amount_cny), sum(projects) FROM marts.fct_procurement")[0]
    assert len(df) == n > 0
    assert df["amount_cny"].sum() == pytest.approx(float(amount))
    assert df["projects"].sum() == projects
    # mostly 2019–2020, but a later report still printed on the 2019 template keeps its procurement
    assert set(df["report_year"]) == {y for (y,) in sql(warehouse, "SELECT DISTINCT report_year FROM marts.fct_procurement")}
    assert {"amount_raw", "agency_name", "source_url"} <= set(df.columns)
    city = some_city(warehouse)
    sub = q.procurement(q.Filters(cities=(city,), year_from=2020, year_to=2020), path=warehouse)
    want = one(warehouse, """SELECT coalesce(sum(p.amount_cny), 0) FROM marts.fct_procurement p
                             JOIN marts.dim_agency a USING (agency_id)
                             WHERE a.prefecture_name = ? AND p.report_year = 2020""", [city])
    assert sub["amount_cny"].sum() == pytest.approx(float(want))


# --------------------------------------------------------------------------------------------- quality

def test_quality_issues_match_sql_and_link_to_the_source(warehouse):
    df = q.quality_issues(path=warehouse)
    assert len(df) == one(warehouse, "SELECT count(*) FROM marts.fct_quality_issue")
    s = q.summarize_quality(df)
    assert s["issues"] == one(warehouse, "SELECT count(*) FROM marts.fct_quality_issue WHERE status = 'fail'")
    assert s["reports"] == one(warehouse, """SELECT count(DISTINCT report_id) FROM marts.fct_quality_issue
                                             WHERE status = 'fail'""")
    urls = dict(sql(warehouse, "SELECT report_id, source_url FROM marts.fct_report"))
    assert all(urls[r] == u for r, u in zip(df["report_id"], df["source_url"]))
    assert df["source_url"].notna().all()


# --------------------------------------------------------------------------------------------- read-only

def test_connections_are_read_only_and_closed(warehouse, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(Path(warehouse).read_bytes())
    q.coverage(path=copy)
    q.procurement(path=copy)
    with pytest.raises(duckdb.Error):        # read-only: nothing can be written through it
        with q.readonly(copy) as con:
            con.execute("CREATE TABLE marts.should_fail (x INT)")
    # every connection is closed again: a writer can open the file at once
    con = duckdb.connect(str(copy))
    con.execute("SELECT 1")
    con.close()


def test_a_writer_holding_the_file_raises_busy(sample_warehouse, tmp_path):
    copy = tmp_path / "locked.duckdb"
    copy.write_bytes(Path(sample_warehouse).read_bytes())
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys
        con = duckdb.connect({str(copy)!r})
        print("locked", flush=True)
        sys.stdin.read()
        con.close()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(q.WarehouseBusy, match="retry in a minute"):
            q.coverage(path=copy)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert not q.coverage(path=copy).empty   # and it works again once the writer is gone


def test_missing_file_and_missing_marts(tmp_path):
    with pytest.raises(q.WarehouseMissing):
        q.coverage(path=tmp_path / "nope.duckdb")
    raw_only = tmp_path / "raw_only.duckdb"
    con = duckdb.connect(str(raw_only))
    con.execute("CREATE SCHEMA raw; CREATE TABLE raw.agencies (agency_id VARCHAR)")
    con.close()
    with pytest.raises(q.WarehouseIncomplete):
        q.filter_options(raw_only)


def test_lateness_columns_are_optional(tmp_path):
    path = build_sample_warehouse(tmp_path / "nolate.duckdb")
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE marts.fct_report DROP COLUMN is_late; ALTER TABLE marts.fct_report DROP COLUMN days_late")
    con.execute("ALTER TABLE marts.fct_procurement DROP COLUMN is_plausible")
    con.close()
    s = q.summarize_coverage(q.coverage(path=path))
    assert s["late"] is None and s["agency_years"] > 0
    assert "is_plausible" not in q.procurement(path=path).columns


def test_sample_warehouse_is_deterministic(tmp_path):
    a = q.summarize_coverage(q.coverage(path=build_sample_warehouse(tmp_path / "a.duckdb")))
    b = q.summarize_coverage(q.coverage(path=build_sample_warehouse(tmp_path / "b.duckdb")))
    assert a == b
