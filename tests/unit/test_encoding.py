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


BOM_CASES = [("utf-16-le", "\ufeff"), ("utf-16-be", "\ufeff"), ("utf-32-le", "\ufeff"), ("utf-32-be", "\ufeff")]


def test_utf16_and_utf32_with_a_bom_are_decoded():
    page = '<html><head><meta charset="gb2312"></head><body><p>朱镕基 政府信息公开</p></body></html>'
    for enc, bom in BOM_CASES:
        data = (bom + page).encode(enc)
        # the BOM wins over a contradicting header and <meta> (which cannot be found in UTF-16 bytes)
        assert decode(data, "text/html; charset=GBK") == (page, enc), enc
        assert decode(data) == (page, enc), enc
    bad = "\ufeff年报".encode("utf-16-le") + b"\x00\xd8"      # a lone surrogate at the end
    text, enc = decode(bad)
    assert text.startswith("年报") and enc == "utf-16-le+replace"


def test_sniff_reads_utf16_as_text_not_binary():
    from pipelines.parse.sniff import sniff
    page = "\ufeff<html><body><table><tr><td>收到申请数</td></tr></table></body></html>"
    plain = "\ufeff某某局2020年政府信息公开工作年度报告\n一、总体情况\n" * 50
    for enc, _ in BOM_CASES:
        assert sniff(page.encode(enc)) == "html", enc
        assert sniff(plain.encode(enc)) == "text", enc
    assert sniff(b"\x00\x01\x02\x03" * 100) == "binary"            # real binary stays binary


def test_utf16_page_parses_end_to_end():
    html = ('\ufeff<html><head><title>x</title></head><body>'
            '<div id="zoom"><p>某某市某某局2020年政府信息公开工作年度报告</p></div></body></html>')
    for enc in ("utf-16-le", "utf-16-be"):
        out = parse_document(html.encode(enc), filename="a.html")
        assert out["title"] == "某某市某某局2020年政府信息公开工作年度报告" and out["report_year"] == 2020
