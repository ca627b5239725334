"""Cross-year consistency of the demo truth (V5–V7 of report-templates.md §2.4).

Each agency carries its numbers from one year to the next (上年结转 = last year's 结转下年度,
现行有效件数 chain in the 2021 format, 上一年项目数量 chain in the 2019 format), except for a few
deliberate breaks declared in ``DemoReport.expected_cross_year_breaks`` with the warehouse's check
codes (marts.fct_quality_issue).  The checks are re-implemented here, independently of
``tables.cross_year_checks``.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from pipelines.demo.generator import SPECIAL, generate_corpus
from pipelines.demo.tables import cross_year_checks

APPLICANTS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org", "total"]
V6_ITEMS = ["regulation", "normative_doc"]
V7_ITEMS = ["license", "other_service", "penalty", "coercion", "fee"]
T3_ERAS = ("y2019", "y2021")
CODE_RE = re.compile(r"^(v5_carried_over__(%s)|v6_in_force__(%s)|v7_items_prev_year__(%s))$"
                     % ("|".join(APPLICANTS), "|".join(V6_ITEMS), "|".join(V7_ITEMS)))
QUALITY_SQL = Path(__file__).resolve().parents[3] / "dbt_project" / "models" / "marts" / "fct_quality_issue.sql"


def _pairs(corpus):
    """(previous, current) reports of the same agency in consecutive years, both with tables."""
    by_key = {r.key: r for r in corpus.reports}
    for r in corpus.reports:
        p = by_key.get((r.agency_id, r.report_year - 1))
        if p is not None and p.truth and r.truth:
            yield p, r


def _comparisons(prev, cur, *, blank_as_zero: bool):
    """Yield (code, lhs, rhs) for every V5/V6/V7 comparison of the pair.  Without ``blank_as_zero``
    a comparison involving a blank / '/' cell is skipped, as the warehouse does."""
    def v(rep, code):
        x = rep.truth[code][0]
        return 0.0 if x is None and blank_as_zero else x

    if prev.era in T3_ERAS and cur.era in T3_ERAS:
        for a in APPLICANTS:
            x, y = v(cur, f"t3_carried_over_from_prev__{a}"), v(prev, f"t3_carried_to_next__{a}")
            if None not in (x, y):
                yield f"v5_carried_over__{a}", x, y
    if prev.era == cur.era == "y2021":
        for i in V6_ITEMS:
            now, before = v(cur, f"t2_{i}_in_force"), v(prev, f"t2_{i}_in_force")
            issued, repealed = v(cur, f"t2_{i}_issued"), v(cur, f"t2_{i}_repealed")
            if None not in (now, before, issued, repealed):
                yield f"v6_in_force__{i}", now, before + issued - repealed
    if prev.era == cur.era == "y2019":
        for i in V7_ITEMS:
            now = v(cur, f"t2_{i}_items_prev_year")
            before, change = v(prev, f"t2_{i}_items_prev_year"), v(prev, f"t2_{i}_items_change")
            if None not in (now, before, change):
                yield f"v7_items_prev_year__{i}", now, before + change


def _failing(corpus, *, blank_as_zero: bool) -> set[tuple]:
    return {(cur.agency_id, cur.report_year, code)
            for prev, cur in _pairs(corpus)
            for code, lhs, rhs in _comparisons(prev, cur, blank_as_zero=blank_as_zero) if lhs != rhs}


def _declared(corpus) -> set[tuple]:
    return {(r.agency_id, r.report_year, c) for r in corpus.reports for c in r.expected_cross_year_breaks}


@pytest.mark.parametrize("blank_as_zero", [False, True], ids=["warehouse_semantics", "blank_as_zero"])
def test_chains_hold_except_exactly_the_declared_breaks(demo_corpus, blank_as_zero):
    assert _failing(demo_corpus, blank_as_zero=blank_as_zero) == _declared(demo_corpus)


def test_declared_breaks_are_few_deliberate_and_visible(demo_corpus):
    by_key = {r.key: r for r in demo_corpus.reports}
    broken = [r for r in demo_corpus.reports if r.expected_cross_year_breaks]
    assert 2 <= len(broken) <= 3, [(r.key, r.expected_cross_year_breaks) for r in broken]
    # exactly the hand-placed ones (SPECIAL "xbreak"), one per rule
    assert {r.key for r in broken} == {k for k, o in SPECIAL.items() if o.get("xbreak")}
    rules = Counter(c[:2] for r in broken for c in r.expected_cross_year_breaks)
    assert set(rules) == {"v5", "v6", "v7"}, rules
    for r in broken:
        assert all(CODE_RE.match(c) for c in r.expected_cross_year_breaks), r.expected_cross_year_breaks
        assert len(set(r.expected_cross_year_breaks)) == len(r.expected_cross_year_breaks)
        assert not r.expected_failing_checks, r.key          # kept apart from the in-report breaks
        prev = by_key[(r.agency_id, r.report_year - 1)]
        # both years are parseable, so the warehouse sees (and must flag) the break
        assert r.expect_status == prev.expect_status == "parsed", r.key
    v5 = next(r for r in broken if r.expected_cross_year_breaks[0].startswith("v5_"))
    # a column break also breaks the 总计 column (V3 holds inside the report)
    assert v5.expected_cross_year_breaks == ["v5_carried_over__natural_person", "v5_carried_over__total"]


def test_declared_breaks_match_the_generator_function(demo_corpus):
    by_key = {r.key: r for r in demo_corpus.reports}
    for r in demo_corpus.reports:
        prev = by_key.get((r.agency_id, r.report_year - 1))
        want = cross_year_checks(prev.truth, prev.era, r.truth, r.era) if prev else []
        assert r.expected_cross_year_breaks == want, r.key
        if prev is None:
            assert r.expected_cross_year_breaks == []


def test_chains_are_exercised(demo_corpus):
    """The identity is tested on many pairs with non-trivial values, not vacuously."""
    n = Counter()
    nonzero = Counter()
    for prev, cur in _pairs(demo_corpus):
        for code, lhs, _rhs in _comparisons(prev, cur, blank_as_zero=False):
            n[code[:2]] += 1
            nonzero[code[:2]] += lhs != 0
    assert n["v5"] >= 7 * 60 and n["v6"] >= 2 * 30 and n["v7"] >= 5 * 12, n
    assert nonzero["v5"] >= 20 and nonzero["v6"] >= 30 and nonzero["v7"] >= 30, nonzero
    # the late 2021 report in the 2019 format continues the 2019-format chain and re-baselines V6
    odd = next(r for r in demo_corpus.reports if r.report_year >= 2021 and r.era == "y2019")
    prev = demo_corpus.report(odd.agency_id, odd.report_year - 1)
    assert prev.era == "y2019"
    assert [c for c, lhs, rhs in _comparisons(prev, odd, blank_as_zero=True)
            if c.startswith("v7_") and lhs == rhs] == [f"v7_items_prev_year__{i}" for i in V7_ITEMS]


def test_blank_cells_on_chains_are_zeros_on_both_sides(demo_corpus):
    """Blank (blank_zeros) and '/' (na_slash) cells are printed only for zeros: the carried value on the
    other side of the chain is 0 or blank as well, so a blank never hides a break."""
    seen = 0
    for prev, cur in _pairs(demo_corpus):
        if prev.era in T3_ERAS and cur.era in T3_ERAS:
            for a in APPLICANTS:
                x, y = cur.truth[f"t3_carried_over_from_prev__{a}"][0], prev.truth[f"t3_carried_to_next__{a}"][0]
                if x is None or y is None:
                    seen += 1
                    assert (x or 0) == (y or 0) == 0, (cur.key, a)
    assert seen > 0


def test_first_years_and_gaps_start_fresh(demo_corpus):
    keys = {r.key for r in demo_corpus.reports}
    for r in demo_corpus.reports:
        if (r.agency_id, r.report_year - 1) not in keys:
            assert r.expected_cross_year_breaks == []


def test_scale_mode_carries_over_without_breaks():
    c = generate_corpus(0, scale=40)
    assert not _declared(c)
    assert not _failing(c, blank_as_zero=True) and not _failing(c, blank_as_zero=False)
    assert sum(1 for _ in _pairs(c)) >= 15


def test_cross_year_checks_unit():
    def t(**kw):
        return {k: ((float(v), str(v), "numeric") if v is not None else (None, "", "empty")) for k, v in kw.items()}

    prev = t(t3_carried_to_next__natural_person=2, t3_carried_to_next__other_org=None)
    cur = t(t3_carried_over_from_prev__natural_person=3, t3_carried_over_from_prev__other_org=1)
    assert cross_year_checks(prev, "y2019", cur, "y2021") == ["v5_carried_over__natural_person"]
    assert cross_year_checks(prev, "pre2019", cur, "y2019") == []
    prev = t(t2_normative_doc_in_force=10)
    cur = t(t2_normative_doc_in_force=11, t2_normative_doc_issued=3, t2_normative_doc_repealed=2)
    assert cross_year_checks(prev, "y2021", cur, "y2021") == []
    cur["t2_normative_doc_in_force"] = (12.0, "12", "numeric")
    assert cross_year_checks(prev, "y2021", cur, "y2021") == ["v6_in_force__normative_doc"]
    assert cross_year_checks(prev, "y2019", cur, "y2021") == []
    prev = t(t2_fee_items_prev_year=4, t2_fee_items_change=-1)
    assert cross_year_checks(prev, "y2019", t(t2_fee_items_prev_year=3), "y2019") == []
    assert cross_year_checks(prev, "y2019", t(t2_fee_items_prev_year=4), "y2019") == ["v7_items_prev_year__fee"]


def test_codes_are_the_warehouse_check_codes():
    if not QUALITY_SQL.exists():
        pytest.skip("dbt model absent")
    sql = QUALITY_SQL.read_text(encoding="utf-8")
    for prefix in ("'v5_carried_over__' || cur.applicant", "'v6_in_force__' || cur.item",
                   "'v7_items_prev_year__' || cur.item"):
        assert prefix in sql, prefix
