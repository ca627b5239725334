"""`govreports parse --division CODE` gives the parser the place a document comes from."""
from __future__ import annotations

import json

from pipelines.cli import build_parser, main

REPORT = "市科委2017年政府信息公开工作年度报告\n\n统计指标\t单位\t统计数\n" \
         "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）\t条\t61\n"


def _parse(path, *extra, capsys) -> dict:
    assert main(["parse", str(path), "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_division_resolves_a_name_printed_without_its_place(tmp_path, capsys):
    path = tmp_path / "kw.txt"
    path.write_text(REPORT, encoding="utf-8")
    assert _parse(path, capsys=capsys)["agency_name"] is None              # 市科委 of which city?
    shanghai = _parse(path, "--division", "310000", capsys=capsys)
    assert (shanghai["agency_name"], shanghai["agency_division_code"]) == ("上海市科学技术委员会", "310000")
    huaian = _parse(path, "--division", "320800", capsys=capsys)
    assert huaian["agency_name"] == "淮安市科学技术委员会"


def test_division_is_documented_in_the_parse_help():
    sub = next(a for a in build_parser()._subparsers._group_actions[0].choices.values()  # noqa: SLF001
               if a.prog.endswith(" parse"))
    text = sub.format_help()
    assert "--division CODE" in text and "GB/T 2260" in text
