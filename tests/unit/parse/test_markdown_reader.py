"""The Markdown / pipe-table reader (readers/markdown.py) and its sniffing: hand-built inputs."""
from __future__ import annotations

from _md_synth import TITLE, render_markdown
from _parse_synth import expected_value, random_values

from pipelines.parse import parse_document
from pipelines.parse.readers.markdown import read_markdown
from pipelines.parse.sniff import sniff


def _metrics(out: dict) -> dict:
    return {m["metric_code"]: (m["value"], m["value_raw"], m["semantic"]) for m in out["metrics"]}


def test_pipe_rows_separators_escaped_pipes_ragged_and_blank_cells():
    doc = read_markdown("\n".join([
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "|:---|:--:|---:|---|",
        "| 规章 | 1 |  | 3 |",
        "| a \\| b | 2 |",             # escaped pipe inside a cell; ragged: trailing cells dropped
        "|  |  |  |  |",
    ]))
    assert doc.rows == [
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "1", "", "3"],
        ["a | b", "2", "", ""],
        ["", "", "", ""],
    ]
    assert doc.lines == []


def test_invented_and_blank_header_rows_are_no_rows_but_real_headers_are():
    doc = read_markdown("\n".join([
        "| 数据1 | 数据2 | 数据3 |", "|---|---|---|", "| 规章 | 0 | 5 |", "",
        "|  |  |  |", "|---|---|---|", "| 行政许可 | 7 | 8 |", "",
        "| Column 1 | Column 2 |", "|---|---|", "| 行政处罚 | 9 |", "",
        "| 0 | 1 | 5 |", "|---|---|---|", "| 行政强制 | 2 | 2 |",   # numbers not counting on: a row
    ]))
    assert doc.rows == [["规章", "0", "5"], ["行政许可", "7", "8"], ["行政处罚", "9"],
                        ["0", "1", "5"], ["行政强制", "2", "2"]]


def test_text_lines_lose_their_markup_and_footers():
    doc = read_markdown("\n".join([
        "# 某某县某某局2022年政府信息公开工作年度报告 #", "", "## 一、总体情况", "",
        "> **本报告**统计期限自2022年1月1日起至2022年12月31日止。", "",
        "- 详见[附件](http://127.0.0.1/a.pdf)![图](x.png)", "", "— 3 —", "", "第 4 页", "",
        "联系人：张三 \\| 电话：0571-1234567", "", "---", "",
    ]))
    assert doc.lines == ["某某县某某局2022年政府信息公开工作年度报告", "一、总体情况",
                         "本报告统计期限自2022年1月1日起至2022年12月31日止。", "详见附件",
                         "联系人：张三 | 电话：0571-1234567"]
    assert doc.n_images == 1


def test_a_short_caption_above_a_table_is_also_its_first_row():
    doc = read_markdown("四、政府信息公开行政复议、行政诉讼情况\n\n行政复议\n\n"
                        "| 结果维持 | 结果纠正 |\n|---|---|\n| 1 | 2 |\n\n本段是一句完整的叙述。\n\n| a | b |\n|---|---|\n| 3 | 4 |\n")
    assert doc.rows == [["行政复议"], ["结果维持", "结果纠正"], ["1", "2"], ["a", "b"], ["3", "4"]]
    assert "行政复议" in doc.lines  # still running text too


def test_a_header_row_without_outer_pipes():
    doc = read_markdown("信息内容 | 本年处理决定数量\n--- | ---\n行政许可 | 12\n")
    assert doc.rows == [["信息内容", "本年处理决定数量"], ["行政许可", "12"]]


def test_sniffing_markdown_and_plain_text():
    md = "# 标题\n\n| a | b |\n|---|---|\n| 1 | 2 |\n".encode("utf-8")
    assert sniff(md) == "markdown"
    assert sniff(b"plain text only\nsecond line\n", filename="r.md") == "markdown"
    assert sniff(b"plain text only\n", media_type="text/markdown; charset=utf-8") == "markdown"
    assert sniff("## 一、总体情况\n正文\n## 二、主动公开\n".encode("utf-8")) == "markdown"
    assert sniff("一、总体情况\n规章\t1\t2\n".encode("utf-8")) == "text"
    assert sniff("| 只有一行竖线 |\n".encode("utf-8")) == "text"
    assert sniff(b"<html><body><p>x</p></body></html>", filename="r.md") == "markdown"  # the name says so
    assert sniff("<p>段落</p>\n".encode("utf-8")) == "html"


def test_a_markdown_report_parses_exactly_with_blank_cells_null():
    values = random_values(5)
    values["t3_new_received__research_institution"] = None  # a blank cell: null, never 0
    values["t3_new_received__total"] = sum(values[f"t3_new_received__{c}"] or 0 for c in
                                           ("natural_person", "commercial_enterprise", "social_welfare_org",
                                            "legal_service_org", "other_org"))
    out = parse_document(render_markdown(values).encode("utf-8"), filename="r.md")
    got = _metrics(out)
    assert out["parse_status"] == "parsed" and out["era"] == "y2021"
    assert out["title"] == TITLE  # the heading marker is not part of it
    for code, v in values.items():
        if v is None:
            assert got[code] == (None, "", "empty"), code
        else:
            assert got[code][0] == expected_value(code, values), code
    assert not [w for w in out["warnings"] if "tolerant" in w or "placed" in w]  # nothing but exact labels
