"""The content container is found without page chrome; page meta gives title and date."""
from __future__ import annotations

import pytest

from pipelines.parse import parse_document
from pipelines.parse.readers.html import read_html

TITLE = "某某市某某局2020年政府信息公开工作年度报告"
CHROME = '<div class="nav"><p>首页</p><p>网站地图 无障碍</p></div>'
FOOT = '<div class="footer"><p>主办单位：某某市人民政府办公室 2020年12月31日</p></div>'


@pytest.mark.parametrize("body", [
    f'<div id="zoom"><p>{TITLE}</p></div>',
    f"<div><!--<ContentStart>--><p>{TITLE}</p><!--<ContentEnd>--></div>",
    f'<div><meta name="ContentStart"><p>{TITLE}</p><meta name="ContentEnd"></div>',
    f'<div class="TRS_Editor"><p>{TITLE}</p></div>',
    f'<div class="article-content"><p>{TITLE}</p></div>',
    f"<div class=WordSection1><p class=MsoNormal><span lang=EN-US>{TITLE}</span></p></div>",
])
def test_container_without_chrome(body):
    doc = read_html(f"<html><head><title>x</title></head><body>{CHROME}{body}{FOOT}</body></html>")
    assert doc.lines == [TITLE]


def test_meta_title_date_and_word_split_numbers():
    html = (f'<html><head><meta name="ArticleTitle" content="{TITLE}">'
            '<meta name="PubDate" content="2021-01-22 09:42"></head><body><div id="zoom">'
            f"<p>{TITLE}</p><table><tr><td>信息内容</td><td>本年新制作数量</td></tr>"
            "<tr><td><p class=MsoNormal><span>规章</span></p></td>"
            "<td><p class=MsoNormal><span lang=EN-US>1</span><span lang=EN-US>2</span></p></td></tr>"
            "</table></div></body></html>")
    out = parse_document(html.encode(), filename="a.html")
    assert out["title"] == TITLE and out["published_on"] == "2021-01-22"
    got = {m["metric_code"]: m["value"] for m in out["metrics"]}
    assert got["t2_regulation_new_made"] == 12    # a number Word split into two runs


def test_published_date_printed_in_the_page():
    html = (f"<html><body><div class='info'>发布日期：<span>2020-01-17</span></div>"
            f"<div id='zoom'><p>{TITLE}</p></div></body></html>")
    assert parse_document(html.encode(), filename="a.html")["published_on"] == "2020-01-17"
