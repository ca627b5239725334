"""A blank cell is 'empty' with value null, never 0; 0 is 'zero'; markers are 'na'."""
from __future__ import annotations

from _parse_synth import expected_value, random_values, render_html, render_text

from pipelines.parse import parse_document


def _metrics(out):
    return {m["metric_code"]: m for m in out["metrics"]}


def test_blank_zero_and_na_cells():
    values = random_values(1)
    values["t3_res_granted__research_institution"] = None   # blank
    values["t3_res_granted__commercial_enterprise"] = 0       # zero
    values["t2_license_decisions"] = "/"                      # not applicable
    out = parse_document(render_html(values).encode(), filename="r.html")
    m = _metrics(out)
    assert m["t3_res_granted__research_institution"] == {
        "metric_code": "t3_res_granted__research_institution", "value": None, "value_raw": "", "semantic": "empty"}
    assert (m["t3_res_granted__commercial_enterprise"]["value"],
            m["t3_res_granted__commercial_enterprise"]["semantic"]) == (0, "zero")
    assert (m["t2_license_decisions"]["value"], m["t2_license_decisions"]["semantic"],
            m["t2_license_decisions"]["value_raw"]) == (None, "na", "/")


def test_synthetic_reports_round_trip_in_html_and_text():
    values = random_values(7)
    for body, name in ((render_html(values), "r.html"), (render_text(values), "r.txt")):
        out = parse_document(body.encode("utf-8"), filename=name)
        m = _metrics(out)
        assert out["era"] == "y2021" and out["parse_status"] == "parsed"
        for code in values:
            assert m[code]["value"] == expected_value(code, values), (name, code)
        assert [c for c in out["checks"] if c["status"] != "pass"] == []


def test_failing_identity_is_flagged_and_values_kept():
    values = random_values(2)
    values["t3_res_total__natural_person"] += 1
    out = parse_document(render_html(values).encode(), filename="r.html")
    checks = {c["code"]: c for c in out["checks"]}
    assert checks["t3_identity__natural_person"]["status"] == "fail"
    assert checks["t3_result_total__natural_person"]["status"] == "fail"
    assert _metrics(out)["t3_res_total__natural_person"]["value"] == values["t3_res_total__natural_person"]


def test_derived_other_row_in_2021():
    values = random_values(4)
    out = parse_document(render_html(values).encode(), filename="r.html")
    m = _metrics(out)
    for col in ("natural_person", "total"):
        parts = sum(values[f"t3_res_other_{k}__{col}"] for k in ("overdue_correction", "fee_unpaid", "other"))
        assert m[f"t3_res_other__{col}"]["value"] == parts
