"""Open world through the marts: every generated report, catalogued agency or not, is in
fct_report under its true canonical agency and division; coverage lists the open-world agencies;
nothing drops; no report sits under a wrong agency."""
from __future__ import annotations

from collections import Counter

import pytest

pytestmark = pytest.mark.slow


def _reports_by_agency(run) -> dict[tuple[str, int], tuple]:
    return {(a, y): (name, div, cat, res, status) for a, y, name, div, cat, res, status in run.query("""
        SELECT r.agency_id, r.report_year, a.agency_name, a.division_code, a.is_catalogued, a.is_resolved,
               r.parse_status
        FROM marts.fct_report r JOIN marts.dim_agency a USING (agency_id)""")}


def _truth_key(rep) -> tuple[str, str | None]:
    return rep.agency_name, rep.division_code


def test_every_generated_report_is_in_fct_report_under_its_true_agency(demo_run):
    got = _reports_by_agency(demo_run)
    by_name: dict[tuple[str, str | None, int], list] = {}
    for (agency_id, year), (name, div, cat, res, status) in got.items():
        by_name.setdefault((name, div, year), []).append((agency_id, cat, res, status))
    missing, wrong_catalog, duplicated = [], [], []
    for rep in demo_run.corpus.reports:
        rows = by_name.get((*_truth_key(rep), rep.report_year), [])
        if not rows:
            missing.append((rep.agency_id, rep.agency_name, rep.division_code, rep.report_year, rep.layout))
            continue
        if len(rows) > 1:
            duplicated.append((rep.key, rows))
        agency_id, catalogued, resolved, _status = rows[0]
        if rep.catalogued and agency_id != rep.agency_id:
            wrong_catalog.append((rep.key, agency_id))
        if catalogued != rep.catalogued or not resolved:
            wrong_catalog.append((rep.key, catalogued, resolved))
    assert not missing, f"{len(missing)} reports not in fct_report under their true agency: {missing[:10]}"
    assert not duplicated, duplicated[:5]
    assert not wrong_catalog, wrong_catalog[:10]


def test_no_report_sits_under_a_wrong_or_unresolved_agency(demo_run):
    truth = Counter((*_truth_key(r), r.report_year) for r in demo_run.corpus.reports)
    got = Counter((name, div, year) for (_a, year), (name, div, _c, _r, _s) in _reports_by_agency(demo_run).items())
    wrong = {k: n for k, n in got.items() if k not in truth}
    assert not wrong, f"reports under agencies the generator never published: {sorted(wrong, key=str)[:10]}"
    assert sum(got.values()) == sum(truth.values())
    unresolved = demo_run.query("SELECT count(*) FROM marts.dim_agency WHERE NOT is_resolved")[0][0]
    assert unresolved == 0


def test_open_world_agencies_are_in_dim_agency_with_their_division(demo_run):
    open_world = {(r.agency_name, r.division_code) for r in demo_run.corpus.reports if not r.catalogued}
    assert len(open_world) >= 8, "the demo publishes reports of agencies in no catalog"
    dim = {(n, d): (cat, pref, prov, scope) for n, d, cat, pref, prov, scope in demo_run.query("""
        SELECT agency_name, division_code, is_catalogued, prefecture_name, province_name, in_scope
        FROM marts.dim_agency""")}
    for key in open_world:
        assert key in dim, key
        catalogued, _pref, province, in_scope = dim[key]
        assert catalogued is False and in_scope is True and province, (key, dim[key])
    # a district government is placed in its prefecture, a special area in its own county, not its province
    assert dim[("淮安市洪泽区人民政府", "320813")][1:3] == ("淮安市", "江苏省")
    assert dim[("平潭综合实验区管理委员会", "350128")][1:3] == ("福州市", "福建省")


def test_coverage_lists_the_open_world_agencies_and_their_missing_years(demo_run):
    cov = {(n, d, y): s for n, d, y, s in demo_run.query("""
        SELECT a.agency_name, a.division_code, c.report_year, c.status
        FROM marts.agency_year_coverage c JOIN marts.dim_agency a USING (agency_id)
        WHERE NOT c.is_catalogued""")}
    agencies = {a["id"]: a for a in demo_run.corpus.open_world_agencies}
    for rep in demo_run.corpus.reports:
        if rep.catalogued:
            continue
        want = "found" if rep.expect_status == "parsed" else "unparseable"
        assert cov.get((*_truth_key(rep), rep.report_year)) == want, (rep.key, cov.get((*_truth_key(rep), rep.report_year)))
    assert demo_run.corpus.missing_open_world, "the demo leaves some open-world agency-years unpublished"
    for agency_id, year in demo_run.corpus.missing_open_world:
        a = agencies[agency_id]
        assert cov.get((a["name"], a["division_code"], year)) == "missing", (agency_id, year)


def test_every_parsed_document_is_in_the_marts(demo_run):
    # the dbt test says the same; here from the outside: every parsed document's report is in fct_report
    lost = demo_run.query("""
        SELECT d.url FROM raw.documents d JOIN raw.parsed_reports p USING (document_id)
        WHERE p.parse_status = 'parsed'
          AND d.document_id NOT IN (SELECT document_id FROM marts.fct_report_version)
          AND d.document_id NOT IN (SELECT document_id FROM marts.fct_unplaced_document)""")
    assert not lost, lost[:10]
