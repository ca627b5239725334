"""The shortcuts taken for speed give exactly what the plain forms give."""
from __future__ import annotations

import random

import pytest

from pipelines.parse import parse_document
from pipelines.parse.agencies import _FULL_NAME, _first_full_name
from pipelines.parse.labels import is_label
from pipelines.parse.numbers import cell, clean
from pipelines.parse.sniff import sniff
from pipelines.parse.tables import Result, _split


@pytest.mark.parametrize("head", [
    "", "市", "嘉兴市人民政府2021年度报告", "关于嘉兴市经济和信息化局的报告，海宁市人民政府办公室",
    "本报告由示范市第5经济和信息化局编制。浙江省嘉兴市生态环境局", "区县市省", "xx市yy局",
    "根据上级关于做好政府信息公开工作的统一安排，平湖市发展和改革局以企业和群众需求为导向",
])
def test_first_full_name_is_the_search(head):
    want = _FULL_NAME.search(head)
    got = _first_full_name(head)
    assert (want and (want.span(), want.group(1))) == (got and (got.span(), got.group(1)))


def test_first_full_name_on_random_text():
    rng = random.Random(5)
    alphabet = "嘉兴市县区省人民政府办公室经济和信息化局委员会发展改革，。0"
    for _ in range(2000):
        head = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        want = _FULL_NAME.search(head)
        got = _first_full_name(head)
        assert (want and (want.span(), want.group(1))) == (got and (got.span(), got.group(1))), head


def _split_plain(row):
    cells = [c for c in row if c is not None]
    last = -1
    for i in range(len(cells) - 1, -1, -1):
        if is_label(cells[i]):
            last = i
            break
    return cells, [c for c in cells[: last + 1] if clean(c)], cells[last + 1:]


@pytest.mark.parametrize("row", [
    [], [None, None], ["规章", "2", "0", "44"], ["一、本年新收", None, None, "3", "1", "0"],
    [None, "（三）不予公开", "1.属于国家秘密", "2", "1", "0", "0", "0", "0", "3"],
    ["0", "0", "1", "2"], ["结果维持", "结果纠正", None, "其他结果"], ["信息内容", "", "／", "无", "——"],
    ["　", "12", "不适用", "5"],
])
def test_split_is_the_plain_scan(row):
    assert _split(row) == _split_plain(row)


def test_put_all_keeps_the_first_value_and_warns_like_put():
    res = Result()
    res.put_all(("t4_review_maintained", "t4_review_corrected"), ["1", "2"])
    res.put_all(("t4_review_maintained", "t4_review_other"), ["9", ""])
    assert res.metrics["t4_review_maintained"] == cell("1", "count")
    assert res.metrics["t4_review_other"] == cell("", "count")
    assert len(res.warnings) == 1 and "printed twice" in res.warnings[0]


def test_whitespace_only_and_padded_pdf():
    assert parse_document(b" \t\r\n")["parse_status"] == "not_a_report"
    assert sniff(b"\n  %PDF-1.7 ...") == "pdf"
    assert sniff(b"<html>%PDF-") == "html"


# --- html: _grid's rows (plain lists of texts when no cell spans) read like each cell alone ------

def _cells_one_by_one(table):
    """The plain reading: every <td>/<th> child of every <tr>, serialised on its own."""
    from lxml import etree

    rows = []
    for tr in table.iter("tr"):
        cells = []
        for td in tr:
            if td.tag in ("td", "th"):
                if len(td):
                    text = etree.tostring(td, method="text", encoding=str, with_tail=False)
                    text = text.replace("\n", "").replace("\r", "")
                else:
                    text = td.text or ""
                    if "\n" in text:
                        text = text.replace("\n", "").replace("\r", "")
                cells.append((text, td.get("rowspan"), td.get("colspan")))
        if cells:
            rows.append(cells)
    return rows


_WORD_ROWS = [
    # every cell holds elements (Word)
    '<tr><td valign=top><p class=MsoNormal><span lang=EN-US>本年新收<o:p></o:p></span></p></td>'
    '<td><p><span>1</span><span>2</span></p></td><td><p><b>3</b><br>4</p></td></tr>',
    # spans on nested cells, a blank nested cell, line breaks inside the markup
    '<tr><td rowspan=2 colspan="2"><p>申请人\n情况</p></td><td><p><span>&nbsp;</span></p></td></tr>'
    '<tr><td><p>7</p></td></tr>',
    # text of the row itself, outside any cell
    '<tr>stray<td><p>a</p></td><td><p>b</p></td></tr>',
    # a private-use character inside a cell
    '<tr><td><p>x\ue002y</p></td><td><p>z</p></td></tr>',
    # mixed plain and nested cells, a single nested cell, th cells
    '<tr><th>h</th><td><p>1</p></td><td>2\n3</td></tr><tr><td><p>only</p></td></tr>',
    # a non-cell element among the cells
    '<tr><td><p>1</p></td><span>s</span><td><p>2</p></td></tr>',
]


@pytest.mark.parametrize("rows", _WORD_ROWS)
def test_html_grid_reads_rows_like_each_cell_alone(rows):
    from lxml import etree

    from pipelines.parse.grid import expand
    from pipelines.parse.readers.html import _grid, _parser

    html = f"<html><body><table>{rows}</table></body></html>"
    plain = next(etree.fromstring(html, _parser(None)).iter("table"))
    fast = next(etree.fromstring(html, _parser(None)).iter("table"))
    assert _grid(fast) == expand(_cells_one_by_one(plain))


def test_expand_keeps_a_text_row_and_spans_into_it():
    from pipelines.parse.grid import expand

    plain = ["a", "b"]
    grid = expand([[("x", "2", None), ("y", None, None)], plain, ["c", "d"]])
    assert grid == [["x", "y"], [None, "a", "b"], ["c", "d"]]
    assert expand([["c", "d"]])[0] == ["c", "d"]


# --- html: the C walks (readers/_html_walk.pyx, built by `make`) give what the Python walks give ---

_PAGES = [
    "<p>a</p>\n<p>b<br>c</p>tail<div>d<span>e</span>f</div>",
    "<div id=zoom><table><tr><td rowspan=2>x</td><td colspan='3'>1</td></tr><tr><td>2\n3</td></tr></table>"
    "after</div>",
    # a layout table around a data table, a table in a list, text after the body
    "<table><tr><td><table><tr><th>h</th></tr><tr><td><p>1</p><p>2</p></td></tr></table></td>"
    "<td>side</td></tr></table><ul><li>one<li>two</ul></body>trailing",
    # Word markup, empty cells, a cell with only a line break, a blank span attribute
    "<div class=WordSection1><table><tr><td><p class=MsoNormal><span lang=EN-US>本年新收<o:p></o:p>"
    "</span></p></td><td><p>&nbsp;</p></td><td></td><td><br></td><td rowspan=''>7</td></tr></table></div>",
    "<h1>标题</h1><section><article>正文\t第一行<pre>a\r\nb</pre></article></section><hr>",
    "<table><caption>表</caption><thead><tr><td>信息内容</td></tr></thead><tbody><tr><td>规章</td></tr>"
    "</tbody><tr><td>\ue001marker</td></tr></table>",
    "just text, no element at all",
    # the content container: rank by id and class, empty candidates passed over, class "content" only
    # alone, the first rank-0 element ends the search
    "<div class='content main'>nav</div><div class=content>  </div><td class=content>表</td>"
    "<div class='x TRS_Editor'>trs</div><section id=content>s</section>",
    "<div id=UCAP-CONTENT><p>u</p></div><article class=article_content>a</article>"
    "<div id=zoom></div><div id=zoom>first</div><div id=zoom>second</div>",
    "<div class=WordSection1><p>w</p></div><div class='article-content'><br></div>",
]


@pytest.mark.parametrize("page", _PAGES + [f"<table>{rows}</table>" for rows in _WORD_ROWS])
def test_html_c_walk_reads_like_the_python_walks(page, monkeypatch):
    import dataclasses

    from pipelines.parse.readers import html as reader

    if reader._walk is None:
        pytest.skip("the C walk is not built here (pure Python parser): make compiled")
    src = f"<html><body>{page}</body></html>"
    fast = dataclasses.asdict(reader.read_html(src))
    monkeypatch.setattr(reader, "_walk", None)
    monkeypatch.setattr(reader, "_container_c", None)
    plain = dataclasses.asdict(reader.read_html(src))
    assert fast == plain
