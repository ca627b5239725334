"""Title, year, agency (short forms expanded) and publication date."""
from __future__ import annotations

import pytest

from pipelines.parse.agencies import canonical, expand_short
from pipelines.parse.meta import agency_from_title, find_published, find_title, find_year


@pytest.mark.parametrize("title, agency", [
    ("市经信局2019年政府信息公开年度报告", "市经信局"),
    ("2020年某某市经济和信息化局信息公开工作年度报告", "某某市经济和信息化局"),
    ("某某市经信局 2021 年度政府信息公开工作 年度报告", "某某市经信局"),
    ("某某市人民政府2019政府信息公开工作年度报告", "某某市人民政府"),
    ("2018 年度政务信息公开工作汇报", None),
])
def test_agency_from_title(title, agency):
    assert agency_from_title(title) == agency


def test_short_forms():
    assert expand_short("平湖市经信局") == "平湖市经济和信息化局"
    assert expand_short("某县发改局") == "某县发展和改革局"
    assert expand_short("某市科技局") == "某市科学技术局"
    assert expand_short("某市政府") == "某市人民政府"
    assert expand_short("某市人民政府") == "某市人民政府"


def test_bare_short_name_takes_the_city_from_the_body():
    assert canonical("市经信局", "……“嘉兴市经信局”微信公众号……") == "嘉兴市经济和信息化局"
    assert canonical("市经信局", "正文没有地名") is None       # two catalog agencies print 市经信局
    assert canonical("市经信局", "", hint="平湖市经信局") == "平湖市经济和信息化局"
    assert canonical("某某市经信局") == "某某市经济和信息化局"


def test_title_joins_an_agency_line_above():
    lines = ["某某市经济和信息化局", "2019年度政府信息公开工作年度报告", "一、总体情况"]
    assert find_title(lines, {}) == "某某市经济和信息化局2019年度政府信息公开工作年度报告"


def test_year_sources():
    assert find_year("某局2019年政府信息公开年度报告", "", None) == (2019, "title")
    assert find_year("政府信息公开工作年度报告", "报告所列数据统计期限自2021年1月1日起至2021年12月31日止", None)[0] == 2021
    assert find_year("政府信息公开工作年度报告", "", 2017) == (2017, "--year")
    assert find_year("二〇二〇年政府信息公开工作年度报告", "", None)[0] == 2020


def test_published_from_meta_signature_or_form():
    assert find_published([], [], {"published": "2020-01-17 09:30"}) == "2020-01-17"
    assert find_published(["正文。", "某某市经济和信息化局", "2020年1月17日"], [], {}) == "2020-01-17"
    assert find_published(["正文。", "二〇二〇年一月十七日"], [], {}) == "2020-01-17"
    assert find_published(["正文"], [["联系电话：", "填报日期：", "2019. 1. 16"]], {}) == "2019-01-16"
    # a reporting period inside a sentence is not a publication date
    assert find_published(["报告所列数据统计期限为 2021 年 1 月 1 日至 12 月 31 日。"], [], {}) is None
