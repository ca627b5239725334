"""The whole pipeline against the demo site, checked against the generator's truth."""
from __future__ import annotations

import math
from collections import Counter

import pytest

pytestmark = pytest.mark.slow


def _metrics_by_report(run) -> dict[tuple[str, int], dict[str, tuple]]:
    out: dict[tuple[str, int], dict[str, tuple]] = {}
    key = run.truth_agency()
    for agency_id, year, code, value, raw, semantic in run.query(
            "SELECT agency_id, report_year, metric_code, value, value_raw, semantic FROM marts.fct_disclosure_metric"):
        out.setdefault((key[agency_id], year), {})[code] = (value, raw, semantic)
    return out


def _same(expected, got) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return math.isclose(float(expected), float(got), rel_tol=1e-9, abs_tol=1e-6)


def test_every_generated_cell_comes_out_of_the_marts(demo_run):
    got = _metrics_by_report(demo_run)
    parseable = [r for r in demo_run.corpus.reports if r.expect_status == "parsed"]
    assert len(parseable) >= 100
    mismatches = []
    for rep in parseable:
        metrics = got.get(rep.key, {})
        for code, (value, _raw, semantic) in rep.truth.items():
            if code not in metrics:
                mismatches.append((rep.key, rep.layout, code, "missing", value))
                continue
            g_value, _g_raw, g_semantic = metrics[code]
            if not _same(value, g_value) or g_semantic != semantic:
                mismatches.append((rep.key, rep.layout, code, (value, semantic), (g_value, g_semantic)))
    by_layout = Counter(m[1] for m in mismatches)
    assert not mismatches, f"{len(mismatches)} cells differ (by layout {dict(by_layout)}): {mismatches[:15]}"


def test_reports_that_cannot_be_parsed_are_recorded_as_unparseable(demo_run):
    key = demo_run.truth_agency()
    coverage = {(key[a], y): s for a, y, s in demo_run.query(
        "SELECT agency_id, report_year, status FROM marts.agency_year_coverage")}
    unparseable = [r for r in demo_run.corpus.reports if r.expect_status != "parsed"]
    assert unparseable, "the demo must contain image-only and legacy-format reports"
    for rep in unparseable:
        assert coverage.get(rep.key) == "unparseable", (rep.key, rep.expect_status, coverage.get(rep.key))
    for missing in [*demo_run.corpus.missing, *demo_run.corpus.missing_open_world]:
        assert coverage.get(tuple(missing)) == "missing", missing
    found = {r.key for r in demo_run.corpus.reports if r.expect_status == "parsed"}
    assert {k for k, s in coverage.items() if s == "found"} == found


def test_report_metadata_matches_the_generator(demo_run):
    key = demo_run.truth_agency()
    rows = {(key[a], y): (era, title, str(pub) if pub else None) for a, y, era, title, pub in demo_run.query(
        "SELECT agency_id, report_year, template_era, title, published_on FROM marts.fct_report")}
    wrong = []
    for rep in demo_run.corpus.reports:
        if rep.expect_status != "parsed":
            continue
        era, title, published = rows[rep.key]
        if era != rep.era or published != rep.published_on.isoformat():
            wrong.append((rep.key, rep.layout, (rep.era, rep.published_on.isoformat()), (era, published)))
    assert not wrong, wrong[:10]


def test_procurement_in_yuan_matches_the_generator(demo_run):
    key = demo_run.truth_agency()
    rows = {(key[a], y): (p, amt) for a, y, p, amt in demo_run.query(
        "SELECT agency_id, report_year, projects, amount_cny FROM marts.fct_procurement")}
    expected = {r.key: (r.truth["t2_procurement_projects"][0], r.truth["t2_procurement_amount"][0])
                for r in demo_run.corpus.reports
                if r.expect_status == "parsed" and "t2_procurement_amount" in r.truth}
    assert expected, "the demo has 2019-format reports with procurement"
    for key, (projects, amount) in expected.items():
        assert key in rows, key
        assert _same(projects, rows[key][0]) and _same(amount, rows[key][1]), (key, (projects, amount), rows[key])


def test_deliberately_inconsistent_reports_show_their_failing_checks(demo_run):
    key = demo_run.truth_agency()
    issues = {(key[a], y, c) for a, y, c in demo_run.query("""
        SELECT r.agency_id, r.report_year, q.check_code FROM marts.fct_quality_issue q
        JOIN marts.fct_report r ON r.report_id = q.report_id WHERE q.status = 'fail'""")}
    flagged = [r for r in demo_run.corpus.reports if r.expected_failing_checks]
    assert flagged
    for rep in flagged:
        for check in rep.expected_failing_checks:
            assert (*rep.key, check) in issues, (rep.key, check)


def test_second_run_is_idempotent_and_fetches_no_unchanged_document(demo_run):
    for table in demo_run.first_marts:
        assert demo_run.first_marts[table] == demo_run.second_marts[table], f"marts.{table} changed on re-run"
    second_run = demo_run.run_ids[1]
    outcomes = Counter((stage, outcome) for stage, outcome in demo_run.query(
        "SELECT stage, outcome FROM raw.fetch_log WHERE run_id = ?", [second_run]))
    downloaded = {k: v for k, v in outcomes.items() if k[0] in ("article", "attachment") and k[1] == "ok"}
    assert not downloaded, f"second crawl re-downloaded documents: {downloaded}"
    first_total = sum(s["requests"] for s in demo_run.first_requests.values())
    second_total = sum(s["requests"] for s in demo_run.second_requests.values())
    assert 0 < second_total < first_total * 0.5, (first_total, second_total)


def test_asset_metadata_carries_row_counts(demo_run):
    for key, table in (("raw/documents", "raw.documents"), ("raw/parsed_metrics", "raw.parsed_metrics"),
                       ("marts/fct_report", "marts.fct_report"),
                       ("marts/fct_disclosure_metric", "marts.fct_disclosure_metric")):
        (count,), = demo_run.query(f"SELECT count(*) FROM {table}")
        assert demo_run.row_count_metadata.get(key) == count, (key, demo_run.row_count_metadata.get(key), count)


def test_cross_year_quality_issues_are_exactly_the_generated_breaks(demo_run):
    key = demo_run.truth_agency()
    flagged = {(key[a], y, c) for a, y, c in demo_run.query("""
        SELECT agency_id, report_year, check_code FROM marts.fct_quality_issue
        WHERE source = 'warehouse' AND status = 'fail' AND check_code NOT LIKE 'agency%'""")}
    declared = {(*r.key, code) for r in demo_run.corpus.reports for code in r.expected_cross_year_breaks}
    assert declared, "the demo declares a few cross-year breaks"
    assert flagged == declared
