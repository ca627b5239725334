"""rowspan/colspan are expanded into a rectangular grid before mapping."""
from __future__ import annotations

from pipelines.parse import parse_document
from pipelines.parse.grid import expand
from pipelines.parse.readers.html import read_html

SMALL = """<html><body><div id="zoom"><table>
<tr><td rowspan="2" colspan="2">A</td><td colspan="2">B</td></tr>
<tr><td>b1</td><td>b2</td></tr>
<tr><td>C</td><td rowspan="2">D</td><td>1</td><td>2</td></tr>
<tr><td>E</td><td>3</td><td>4</td></tr>
</table></div></body></html>"""


def test_small_table_grid():
    doc = read_html(SMALL)
    assert doc.rows == [
        ["A", None, "B", None],
        [None, None, "b1", "b2"],
        ["C", "D", "1", "2"],
        ["E", None, "3", "4"],
    ]


def test_expand_guards_hostile_spans():
    grid = expand([[("x", "999999", "abc")], [("y", None, "0")]])
    assert grid[0] == ["x"]
    assert grid[1][0] is None and "y" in grid[1]
    assert len(grid) == 2


def test_header_split_by_br_is_one_label():
    doc = read_html("<table><tr><td>信息内容</td><td>本年新<br/>制作数量</td></tr></table>")
    assert doc.rows == [["信息内容", "本年新制作数量"]]


def test_merged_cells_map_to_the_right_columns():
    # 法人或其他组织 spans five columns, 总计 spans two rows, the row label spans three columns
    html = """<table>
    <tr><td rowspan="3" colspan="3">（本列勾稽关系：第一项加第二项之和等于第三项加第四项之和）</td>
        <td colspan="7">申请人情况</td></tr>
    <tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
    <tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
    <tr><td colspan="3">一、本年新收政府信息公开申请数量</td>
        <td>5</td><td>1</td><td>0</td><td>&nbsp;</td><td>2</td><td>0</td><td>8</td></tr>
    </table>"""
    out = parse_document(html.encode(), filename="t.html")
    got = {m["metric_code"]: (m["value"], m["semantic"]) for m in out["metrics"]}
    assert got["t3_new_received__natural_person"] == (5, "numeric")
    assert got["t3_new_received__commercial_enterprise"] == (1, "numeric")
    assert got["t3_new_received__social_welfare_org"] == (None, "empty")
    assert got["t3_new_received__legal_service_org"] == (2, "numeric")
    assert got["t3_new_received__total"] == (8, "numeric")
