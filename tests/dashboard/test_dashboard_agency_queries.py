"""queries_agency (search, the agency page, the comparison view, the cross-era series) against
independent SQL on the sample warehouse and the real pipeline's."""
from __future__ import annotations

import hashlib
import statistics
from pathlib import Path

import pytest

from pipelines.dashboard import archive_copy
from pipelines.dashboard import queries as q
from pipelines.dashboard import queries_agency as qa
from warehouse_sql import sql


def an_agency_with_an_alias(path: Path) -> tuple[str, str, str]:
    """(agency_id, agency_name, alias) with an alias that is not its name and names no other agency."""
    return sql(path, """
        WITH al AS (SELECT agency_id, agency_name, unnest(aliases) AS alias FROM marts.dim_agency)
        SELECT agency_id, agency_name, alias FROM al
        WHERE alias <> agency_name AND alias NOT IN (SELECT agency_name FROM marts.dim_agency WHERE agency_name IS NOT NULL)
          AND (SELECT count(*) FROM al a2 WHERE contains(a2.alias, al.alias)) = 1
          AND NOT EXISTS (SELECT 1 FROM marts.dim_agency d WHERE contains(d.agency_name, al.alias))
          AND agency_id IN (SELECT agency_id FROM marts.fct_disclosure_metric)
        ORDER BY agency_id, alias LIMIT 1""")[0]


def test_search_by_name_and_by_alias(warehouse):
    aid, name, alias = an_agency_with_an_alias(warehouse)
    by_name = qa.search_agencies(name, warehouse)
    assert by_name["agency_id"].iloc[0] == aid and by_name["match_kind"].iloc[0] == "name"
    by_alias = qa.search_agencies(alias, warehouse)
    assert by_alias["agency_id"].tolist() == [aid]
    assert by_alias["matched"].iloc[0] == alias and by_alias["agency_name"].iloc[0] == name
    # a fragment finds every agency whose name contains it, exactly those
    frag = name[-3:]
    expected = {r[0] for r in sql(warehouse, """SELECT agency_id FROM marts.dim_agency
        WHERE contains(agency_name, ?) OR contains(coalesce(short_name, ''), ?)
           OR len(list_filter(aliases, lambda x: contains(x, ?))) > 0""", [frag, frag, frag])}
    assert set(qa.search_agencies(frag, warehouse, limit=1000)["agency_id"]) == expected
    assert qa.search_agencies("这个机构不存在", warehouse).empty
    assert qa.search_agencies("  ", warehouse).empty


def test_agency_reports_cover_every_year(warehouse):
    aid = sql(warehouse, "SELECT agency_id FROM marts.fct_report GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")[0][0]
    df = qa.agency_reports(aid, warehouse)
    years = {r[0] for r in sql(warehouse, """SELECT report_year FROM marts.agency_year_coverage WHERE agency_id = ?
                                             UNION SELECT report_year FROM marts.fct_report WHERE agency_id = ?""", [aid, aid])}
    assert set(df["report_year"]) == years and len(df) == len(years)
    found = df[df["report_id"].notna()]
    assert set(found["source_url"]) == {r[0] for r in sql(warehouse, "SELECT source_url FROM marts.fct_report WHERE agency_id = ?", [aid])}


def test_agency_figures_and_peer_quartiles_match_sql(warehouse):
    aid = sql(warehouse, """SELECT agency_id FROM marts.fct_disclosure_metric WHERE metric_code = 't3_new_received__total'
                            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""")[0][0]
    df = qa.agency_figures(aid, warehouse)
    level, sector = sql(warehouse, "SELECT admin_level, sector FROM marts.dim_agency WHERE agency_id = ?", [aid])[0]
    checked = 0
    for r in df[df["measure"].isin(["received", "denied"])].itertuples():
        codes = ("metric_code = 't3_new_received__total'" if r.measure == "received"
                 else "metric_code LIKE 't3\\_res\\_denied\\_%\\_\\_total' ESCAPE '\\'")
        mine = sql(warehouse, f"SELECT sum(value) FROM marts.fct_disclosure_metric WHERE agency_id = ? AND report_year = ? AND {codes}",
                   [aid, r.report_year])[0][0]
        prev = sql(warehouse, f"SELECT sum(value) FROM marts.fct_disclosure_metric WHERE agency_id = ? AND report_year = ? AND {codes}",
                   [aid, r.report_year - 1])[0][0]
        peers = [v for (v,) in sql(warehouse, f"""
            SELECT sum(d.value) FROM marts.fct_disclosure_metric d JOIN marts.dim_agency a USING (agency_id)
            WHERE d.report_year = ? AND {codes.replace('metric_code', 'd.metric_code')}
              AND a.admin_level IS NOT DISTINCT FROM ? AND a.sector IS NOT DISTINCT FROM ?
            GROUP BY d.agency_id HAVING count(d.value) > 0""", [r.report_year, level, sector])]
        assert r.value == pytest.approx(mine, nan_ok=True)
        assert (prev is None and (r.prev_value is None or r.prev_value != r.prev_value)) or r.prev_value == prev
        if prev is not None and mine is not None:
            assert r.change == mine - prev
        assert r.n_peers == len(peers)
        if peers:
            assert r.peer_median == pytest.approx(statistics.median(peers))
            assert r.q1 <= r.peer_median <= r.q3
            assert r.q1 == pytest.approx(statistics.quantiles(peers, n=4, method="inclusive")[0]) if len(peers) > 1 else True
        checked += 1
    assert checked >= 2
    assert qa.peer_position(1, 2, 3) == "below_q1" and qa.peer_position(4, 2, 3) == "above_q3"
    assert qa.peer_position(2, 2, 3) == "between" and qa.peer_position(None, 2, 3) is None


@pytest.mark.parametrize("group_by", qa.GROUP_COLUMNS)
def test_compare_matches_sql(warehouse, group_by):
    year = sql(warehouse, """SELECT report_year FROM marts.fct_disclosure_metric WHERE metric_code = 't3_new_received__total'
                             GROUP BY 1 ORDER BY count(*) DESC, 1 DESC LIMIT 1""")[0][0]
    df = qa.compare("received", year, group_by, path=warehouse)
    expected = {g: (n, t) for g, n, t in sql(warehouse, f"""
        SELECT a.{group_by}, count(d.value), sum(d.value) FROM marts.fct_disclosure_metric d
        JOIN marts.dim_agency a USING (agency_id)
        WHERE d.metric_code = 't3_new_received__total' AND d.report_year = ? GROUP BY 1 HAVING count(d.value) > 0""", [year])}
    got = {r.group if r.group == r.group else None: (r.agencies, r.total) for r in df.itertuples()}
    assert got == expected
    # the sidebar's place filters narrow it; its years do not apply (the page picks one year)
    sector = sql(warehouse, "SELECT sector FROM marts.dim_agency GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")[0][0]
    f = q.Filters(sectors=(sector,), year_from=1900, year_to=1901)
    narrowed = qa.compare("received", year, group_by, f, path=warehouse)
    total = sql(warehouse, """SELECT sum(d.value) FROM marts.fct_disclosure_metric d JOIN marts.dim_agency a USING (agency_id)
        WHERE d.metric_code = 't3_new_received__total' AND d.report_year = ? AND a.sector = ?""", [year, sector])[0][0]
    assert narrowed["total"].sum() == (total or 0)
    if group_by == "sector":
        assert set(narrowed["group"]) <= {sector}


def test_measures_and_metric_codes_as_measures(warehouse):
    opts = qa.measure_options(warehouse)
    assert opts[:len(qa.MEASURES)] == list(qa.MEASURES) and "t3_new_received__total" in opts
    years = qa.measure_years("t3_new_received__total", warehouse)
    assert years == sorted(years, reverse=True) and years
    assert (qa.compare("t3_new_received__total", years[0], "sector", path=warehouse)["total"].sum()
            == qa.compare("received", years[0], "sector", path=warehouse)["total"].sum())
    with pytest.raises(ValueError):
        qa.measure_regex("x'; DROP TABLE y; --")


def test_comparable_series_matches_sql(warehouse):
    df = qa.comparable_series(path=warehouse)
    expected = sql(warehouse, """SELECT comparable_group, measure, report_year, era, count(DISTINCT report_id), sum(value)
                                 FROM marts.mart_comparable_series GROUP BY ALL ORDER BY ALL""")
    got = [(r.comparable_group, r.measure, r.report_year, r.era, r.reports, r.value) for r in df.itertuples()]
    assert len(got) == len(expected) > 0
    for g, e in zip(got, expected):
        assert g[:5] == e[:5] and g[5] == pytest.approx(e[5], nan_ok=True)


def test_archived_copies_are_the_fetched_bytes(pipeline_warehouse):
    """The pipeline's archive beside its warehouse holds each canonical report's bytes under its hash."""
    root = archive_copy.archive_root(pipeline_warehouse)
    assert (root / "blobs").is_dir(), root
    shas = [r[0] for r in sql(pipeline_warehouse, "SELECT content_sha256 FROM marts.fct_report ORDER BY report_id LIMIT 5")]
    for sha in shas:
        data = archive_copy.read_copy(root, sha)
        assert data and hashlib.sha256(data).hexdigest() == sha
    assert archive_copy.read_copy(root, "0" * 64) is None
    assert archive_copy.read_copy(root, "../../etc/passwd") is None


def test_a_damaged_blob_is_not_served(tmp_path):
    sha = hashlib.sha256(b"report").hexdigest()
    p = archive_copy.blob_path(tmp_path, sha)
    p.parent.mkdir(parents=True)
    p.write_bytes(b"report")
    assert archive_copy.read_copy(tmp_path, sha) == b"report"
    p.write_bytes(b"tampered")
    assert archive_copy.read_copy(tmp_path, sha) is None


def test_quality_chart_counts_failed_checks_per_kind(warehouse):
    """The Quality chart's bars: failed checks per kind of check (the code before "__"), from SQL."""
    from pipelines.dashboard.common import Ctx
    from pipelines.dashboard.pages_quality import per_family

    df = q.quality_issues(path=warehouse)
    fam = per_family(df[df["status"] == "fail"], Ctx(q.Filters(), "zh"))
    expected = dict(sql(warehouse, """SELECT split_part(check_code, '__', 1), count(*) FROM marts.fct_quality_issue
                                      WHERE status = 'fail' GROUP BY 1"""))
    assert dict(zip(fam["family"], fam["issues"])) == expected
    assert fam["issues"].tolist() == sorted(fam["issues"], reverse=True)
    assert not any("_" in c for c in fam["check"])      # named, not coded
