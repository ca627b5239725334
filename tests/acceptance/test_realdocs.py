"""Real documents in ../shared/realdocs: the 淮安 2024 PDF and the blank 2021 DOCX template."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.parse import parse_path
from pipelines.parse.catalog import era_codes

ROOT = Path(__file__).resolve().parents[2]
REALDOCS = ROOT.parent / "shared" / "realdocs"
PDF = REALDOCS / "szfgs2024.pdf"
DOCX = REALDOCS / "政务公开年报模版.docx"


@pytest.fixture(scope="module")
def huaian():
    if not PDF.exists():
        pytest.skip(f"{PDF} not found (../shared is absent)")
    return parse_path(PDF)


def _values(out):
    return {m["metric_code"]: m["value"] for m in out["metrics"]}


def test_huaian_metadata(huaian):
    assert huaian["era"] == "y2021"
    assert huaian["report_year"] == 2024
    assert huaian["agency_name"] == "淮安市人民政府"
    assert huaian["parse_status"] == "parsed"


def test_huaian_table_values(huaian):
    v = _values(huaian)
    assert v["t3_new_received__natural_person"] == 3001
    assert v["t3_carried_over_from_prev__natural_person"] == 34
    assert v["t3_res_total__natural_person"] == 2932
    assert v["t3_carried_to_next__natural_person"] == 103
    assert v["t3_new_received__total"] == 3119
    assert v["t3_carried_over_from_prev__total"] == 34
    assert v["t3_res_total__total"] == 3050
    assert v["t3_carried_to_next__total"] == 103
    assert (v["t4_review_maintained"], v["t4_review_corrected"], v["t4_review_other"],
            v["t4_review_pending"], v["t4_review_total"]) == (72, 64, 178, 37, 351)
    assert (v["t4_lit_direct_maintained"], v["t4_lit_direct_corrected"], v["t4_lit_direct_other"],
            v["t4_lit_direct_pending"], v["t4_lit_direct_total"]) == (13, 4, 8, 1, 26)
    assert (v["t4_lit_after_review_maintained"], v["t4_lit_after_review_corrected"],
            v["t4_lit_after_review_other"], v["t4_lit_after_review_pending"],
            v["t4_lit_after_review_total"]) == (12, 1, 1, 6, 20)
    assert v["t2_fee_amount"] == 961716000.0   # 96171.6 万元
    assert v["t3_res_unable_needs_creation__natural_person"] == 11  # its label is split by a page break
    assert set(era_codes("y2021")) <= set(v)


def test_huaian_identities_pass(huaian):
    checks = {c["code"]: c for c in huaian["checks"]}
    for code, c in checks.items():
        if code.startswith(("t3_identity__", "t3_result_total__", "t4_sum__")):
            assert c["status"] == "pass", c
    assert checks["t3_identity__natural_person"]["detail"] == "3001+34 = 2932+103"
    assert checks["t3_result_total__total"]["status"] == "pass"
    assert {"t4_sum__review", "t4_sum__lit_direct", "t4_sum__lit_after_review"} <= set(checks)


def test_huaian_narrative_fee(huaian):
    got = {m["metric_code"]: m for m in huaian["metrics"]}
    assert got["n_info_fee_collected_cny"]["value"] == 3940.0


def test_blank_template_docx():
    if not DOCX.exists():
        pytest.skip(f"{DOCX} not found (../shared is absent)")
    out = parse_path(DOCX)
    assert out["era"] == "y2021"
    assert out["metrics"]
    assert set(era_codes("y2021")) <= {m["metric_code"] for m in out["metrics"]}
    for m in out["metrics"]:
        assert m["value"] is None and m["semantic"] == "empty", m
    assert all(c["status"] == "not_assessable" for c in out["checks"])
