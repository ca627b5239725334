"""Every code the parser can emit is in both catalogs (the parser's metrics.csv and the dbt seed that
becomes dim_metric), the two catalogs agree, and the old statistics tables' extra rows parse."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipelines.assets.quarantine import SEED_CATALOG, known_metric_codes
from pipelines.parse import parse_document, pipeline, pre2019, tables
from pipelines.parse.catalog import CATALOG_PATH, METRICS
from pipelines.parse.narrative import narrative_metrics

SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "metrics.csv"
ADDED_PRE2019 = {"pre_replies_other", "pre_requests_other_channel", "pre_site_visits", "pre_onsite_visitors",
                 "pre_online_consultations", "pre_phone_consultations"}
# prose that states each narrative figure once (each pattern of narrative.py fires)
NARRATIVE_TEXT = "本年度主动公开政府信息120条。全年共收到政府信息公开申请15件。全年收取信息处理费0元。"


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def emittable_codes() -> dict[str, set[str]]:
    """Every metric code a parser path can put into a result, by where it comes from."""
    return {
        "pre2019 synonyms": set(pre2019.SYNONYMS),
        "pre2019 label index": {c for codes in pre2019.INDEX.values() for c in codes},
        "table 三 rows": {c for codes in tables._T3_CODES.values() for c in codes},
        "table 四": set(tables.T4_CODES),
        "table 三 derived 其他处理": {code for _col, code, _subs in pipeline._OTHER_COLUMNS},
        # table 二 codes are built from row × column and dropped unless in METRICS (tables.py)
        "table 二": {c for c, m in METRICS.items() if m.table == "t2"},
        "narrative": set(narrative_metrics(NARRATIVE_TEXT)),
    }


def test_the_narrative_text_reaches_every_narrative_pattern():
    assert set(narrative_metrics(NARRATIVE_TEXT)) == {"n_proactive_items_total", "n_requests_received",
                                                      "n_info_fee_collected_cny"}


@pytest.mark.parametrize("origin", list(emittable_codes()))
def test_every_emittable_code_is_in_both_catalogs(origin):
    codes = emittable_codes()[origin]
    assert codes, origin
    seed = known_metric_codes()
    parser_catalog = set(METRICS)
    assert sorted(codes - seed) == [], f"{origin}: codes missing from {SEED_CATALOG.name}"
    if origin != "narrative":  # narrative codes are the seed's additions, not table rows
        assert sorted(codes - parser_catalog) == [], f"{origin}: codes missing from {CATALOG_PATH.name}"


def test_the_six_fujian_and_gansu_codes_are_catalogued_as_pre2019_counts():
    rows = {r["metric_code"]: r for r in _rows(CATALOG_PATH)}
    for code in ADDED_PRE2019:
        r = rows[code]
        assert (r["eras"], r["table"], r["unit"], r["comparable_group"]) == ("pre2019", "stat", "count", ""), code
        assert r["row_label"] in pre2019.SYNONYMS[code] or r["row_label"].replace("他", "它") in pre2019.SYNONYMS[code]


def test_the_seed_is_the_parser_catalog_plus_narrative_rows():
    seed, parser_catalog = _rows(SEED_CATALOG), _rows(CATALOG_PATH)
    assert [r for r in seed if r["table"] != "narrative"] == parser_catalog
    narrative = [r for r in seed if r["table"] == "narrative"]
    assert {r["metric_code"] for r in narrative} >= {"n_proactive_items_total", "n_requests_received",
                                                     "n_info_fee_collected_cny"}
    assert len({r["metric_code"] for r in seed}) == len(seed)          # no code twice


def test_the_parser_catalog_starts_with_the_spec_unchanged():
    if not SPEC.exists():
        pytest.skip("shared/spec/metrics.csv is absent")
    spec, parser_catalog = _rows(SPEC), _rows(CATALOG_PATH)
    assert parser_catalog[: len(spec)] == spec
    assert {r["metric_code"] for r in parser_catalog[len(spec):]} == ADDED_PRE2019


def test_fujian_and_gansu_statistics_rows_parse_under_catalogued_codes():
    fujian = ["指标名称\t计量单位\t2016年度\t历年累计",
              "主动公开信息数\t条\t88\t2345",
              "受理依申请公开信息总数\t件\t9\t120",
              "其它形式申请数\t件\t2\t17",
              "对申请的答复数\t件\t9\t120",
              "其他类型答复数\t件\t3\t31",
              "行政复议数\t件\t1\t4"]
    out = parse_document(("某某市某某局2016年政府信息公开工作年度报告\n" + "\n".join(fujian)).encode("utf-8"),
                         filename="fj.txt")
    got = {m["metric_code"]: m["value"] for m in out["metrics"]}
    assert out["era"] == "pre2019"
    assert got["pre_requests_other_channel"] == 2 and got["pre_replies_other"] == 3     # not 17 / 31
    assert got["pre_proactive_items"] == 88 and got["pre_requests_received"] == 9
    gansu = ["指标名称\t计量单位\t代码\t本期实际\t本年累计",
             "主动公开信息数\t条\t1\t45\t45",
             "网站专栏页面访问量\t人次\t40\t15230\t15230",
             "现场接待人数\t人次\t41\t12\t12",
             "网上咨询数\t人次\t42\t30\t30",
             "咨询电话接听数\t人次\t43\t57\t57"]
    out = parse_document(("某某县人民政府2015年政府信息公开工作年度报告\n" + "\n".join(gansu)).encode("utf-8"),
                         filename="gs.txt")
    got = {m["metric_code"]: m["value"] for m in out["metrics"]}
    assert (got["pre_site_visits"], got["pre_onsite_visitors"], got["pre_online_consultations"],
            got["pre_phone_consultations"]) == (15230, 12, 30, 57)
    assert not [m for m in out["metrics"] if m["metric_code"] not in known_metric_codes()]
