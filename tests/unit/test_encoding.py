"""Bytes → text: declared charset, BOM, UTF-8, GB18030 (gb2312/gbk read as their superset)."""
from __future__ import annotations

from pipelines.parse import parse_document
from pipelines.encoding import decode_bytes as decode, normalise as canonical


def test_gbk_bytes_declared_gb2312_keep_characters_outside_gb2312():
    html = '<html><head><meta charset="gb2312"><title>t</title></head><body><p>朱镕基 镕</p></body></html>'
    data = html.encode("gbk")  # 镕 exists in GBK but not in GB2312
    text, enc = decode(data)
    assert enc == "gb18030"
    assert "朱镕基" in text


def test_http_header_charset_wins_over_guessing():
    data = "<p>信息公开</p>".encode("gbk")
    text, enc = decode(data, "text/html; charset=GBK")
    assert text == "<p>信息公开</p>" and enc == "gb18030"


def test_bom_then_utf8_then_gb18030():
    assert decode("\ufeff年度报告".encode("utf-8"))[0] == "年度报告"
    assert decode("年度报告".encode("utf-8")) == ("年度报告", "utf-8")
    assert decode("年度报告".encode("gb18030")) == ("年度报告", "gb18030")


def test_wrong_declaration_falls_back():
    data = '<meta charset="utf-8"><p>政府信息公开</p>'.encode("gbk")
    text, _ = decode(data)
    assert "政府信息公开" in text


def test_aliases():
    assert canonical("GB2312") == canonical("gbk") == "gb18030"
    assert canonical("no-such-charset") is None


def test_gbk_page_parses_end_to_end():
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
            '<div id="zoom"><p>某某市某某局2020年政府信息公开工作年度报告</p></div></body></html>')
    out = parse_document(html.encode("gbk"), filename="a.html")
    assert out["title"] == "某某市某某局2020年政府信息公开工作年度报告"
    assert out["report_year"] == 2020
