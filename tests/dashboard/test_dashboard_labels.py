"""The labels file covers every code the dashboard can show: the metric catalog (seed), every code
present in the warehouses (sample and the real pipeline's), every check the parser and the marts can
record. Each test reads the data, so a code added without a label fails here."""
from __future__ import annotations

import csv
import itertools
from pathlib import Path

import duckdb

from pipelines.dashboard import labels as L
from pipelines.dashboard.formatting import EMPTY, display, fmt_num

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "dbt_project" / "seeds"


def column(path: Path, sql: str) -> list:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [r[0] for r in con.execute(sql).fetchall()]
    finally:
        con.close()


def seed(name: str, col: str) -> list[str]:
    with open(SEEDS / name, encoding="utf-8", newline="") as f:
        return [r[col] for r in csv.DictReader(f)]


def test_the_file_is_well_formed():
    with open(L.LABELS_CSV, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and set(rows[0]) == {"kind", "code", "zh", "en"}
    keys = [(r["kind"], r["code"]) for r in rows]
    assert len(keys) == len(set(keys)), "duplicate (kind, code)"
    assert [r for r in rows if not r["zh"].strip() or not r["en"].strip()] == []


def test_a_missing_label_falls_back_to_the_code_and_is_reported():
    assert L.label("metric", "no_such_metric") == "no_such_metric"
    assert L.check_label("no_such_check__total") == "no_such_check__total"
    assert L.missing("metric", ["no_such_metric", "t3_new_received__total"]) == ["no_such_metric"]
    assert L.missing("check", ["t3_identity__nobody"]) == ["t3_identity__nobody"]
    assert L.label("status", None) == EMPTY


def test_every_catalog_metric_has_a_chinese_and_an_english_label():
    codes = seed("metric_catalog.csv", "metric_code")
    assert len(codes) > 250
    assert L.missing("metric", codes) == []
    zh = [L.label("metric", c, "zh") for c in codes]
    assert all(z != c for z, c in zip(zh, codes))
    assert L.label("metric", "t3_new_received__total", "en").startswith("new applications received")
    # two codes with one label would be indistinguishable on the page
    assert len(set(zh)) == len(zh), [z for z in zh if zh.count(z) > 1][:5]


def test_seed_vocabularies_are_labelled():
    assert L.missing("applicant", seed("applicant_types.csv", "applicant_type")) == []
    assert L.missing("t3_row", seed("application_outcomes.csv", "outcome_code")) == []
    with open(ROOT / "pipelines" / "parse" / "data" / "departments.csv", encoding="utf-8", newline="") as f:
        sectors = {r["sector"] for r in csv.DictReader(f)}
    assert L.missing("sector", sectors) == []


def test_every_check_the_parser_and_the_marts_can_record_is_named():
    from pipelines.parse import checks
    from pipelines.parse.catalog import APPLICANTS

    parser_codes = {spec[0] for spec in itertools.chain(checks._V1, checks._V2_ROW, checks._V2_SUBROWS,
                                                        checks._V3, checks._V4)}
    marts_codes = ({f"v5_carried_over__{a}" for a in APPLICANTS}
                   | {f"v6_in_force__{i}" for i in ("regulation", "normative_doc")}
                   | {f"v7_items_prev_year__{i}" for i in ("license", "other_service", "penalty", "coercion", "fee")}
                   | {"agency_unresolved", "agency_evidence_conflict",
                      "unknown_metric_code__t2_fee_amount", "duplicate_metric__t3_res_total__total"})
    assert len(parser_codes) > 40
    assert L.missing("check", parser_codes | marts_codes) == []
    assert L.check_label("t3_identity__natural_person", "zh") == "申请数量平衡（自然人）"
    assert L.check_label("t3_identity__natural_person", "en") == "applications balance (natural person)"
    assert L.check_explanation("t3_identity__natural_person")
    for family in {c.split("__")[0] for c in parser_codes | marts_codes}:
        assert L.check_explanation(family, "zh") and L.check_explanation(family, "en"), family


def test_every_code_in_the_warehouse_is_labelled(warehouse):
    """The marts as built (sample and the real pipeline): metric codes, checks, sectors, levels,
    statuses, parse statuses, eras, formats, comparable groups."""
    w = warehouse
    assert L.missing("metric", column(w, "SELECT DISTINCT metric_code FROM marts.fct_disclosure_metric")) == []
    assert L.missing("metric", column(w, "SELECT metric_code FROM marts.dim_metric")) == []
    assert L.missing("check", column(w, "SELECT DISTINCT check_code FROM marts.fct_quality_issue")) == []
    assert L.missing("check_status", column(w, "SELECT DISTINCT status FROM marts.fct_quality_issue")) == []
    assert L.missing("sector", column(w, "SELECT DISTINCT sector FROM marts.dim_agency")) == []
    assert L.missing("level", column(w, "SELECT DISTINCT admin_level FROM marts.dim_agency")) == []
    assert L.missing("status", column(w, "SELECT DISTINCT status FROM marts.agency_year_coverage")) == []
    assert L.missing("parse_status", column(w, "SELECT DISTINCT parse_status FROM marts.fct_report")) == []
    assert L.missing("source_format", column(w, "SELECT DISTINCT source_format FROM marts.fct_report")) == []
    assert L.missing("era", column(w, "SELECT DISTINCT template_era FROM marts.fct_report")) == []
    assert L.missing("series", column(w, "SELECT DISTINCT comparable_group FROM marts.mart_comparable_series")) == []
    assert L.missing("measure", column(w, "SELECT DISTINCT measure FROM marts.mart_comparable_series")) == []


def test_formatting_never_shows_none_or_a_trailing_zero():
    import pandas as pd

    assert fmt_num(3.0) == "3" and fmt_num(1234567.0) == "1,234,567" and fmt_num(2.5) == "2.50"
    assert fmt_num(None) == fmt_num(float("nan")) == EMPTY
    df = pd.DataFrame({"report_year": [2020, 2021], "value": [1.0, None], "title": [None, "x"],
                       "status": ["found", None], "aliases": [["a", "b"], []]})
    out = display(df, "zh", codes={"status": "status"})
    cells = out.astype(str).values.ravel().tolist()
    assert not {"None", "nan", "NaN", "<NA>", "1.0"} & set(cells)
    assert list(out.columns) == ["报告年度", "数值", "标题", "状态", "别名"]
    assert cells == ["2020", "1", "—", "已发布", "a、b", "2021", "—", "x", "—", "—"]
