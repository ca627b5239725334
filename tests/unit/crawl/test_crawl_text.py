"""Title matching, year hints and byte decoding."""
import pytest

from pipelines.crawl.client import disposition_filename, is_challenge
from pipelines.encoding import decode_bytes
from pipelines.crawl.titles import is_report_title, year_hint


@pytest.mark.parametrize("title, year", [
    ("嘉兴市经济和信息化局2022年度政府信息公开工作年度报告", 2022),
    ("慈溪市人民政府2019年政府信息公开工作年度报告", 2019),
    ("舟山市人民政府政府信息公开工作年度报告（2020年度）", 2020),
    ("浙江省经济和信息化厅2022政府信息公开工作年度报告", 2022),
    ("工业和信息化部政府信息公开工作2011年度报告", 2011),
    ("2018年政府信息公开工作年度报告", 2018),
    ("杭州钱江经济开发区2022年度政府信息公开工作报告", 2022),
    ("舒兰市市场监督管理局2016年政务信息公开年度报告", 2016),
    ("2018 年度政务信息公开工作汇报", 2018),
    ("宿州市人民政府2019年政府信息公开工作年度报告（图片版）", 2019),
    ("示例区政府信息公开年报（2022年）", 2022),
    ("二〇二一年政府信息公开工作年度报告", 2021),
    ("2021年度报告", 2021),
])
def test_report_titles(title, year):
    assert is_report_title(title) and year_hint(title) == year


@pytest.mark.parametrize("title", ["关于做好2022年政府信息公开工作年度报告编制工作的通知", "区政府工作报告",
                                   "2023年政务公开工作要点", "企业年度报告公示", "新闻动态", ""])
def test_not_report_titles(title):
    assert not is_report_title(title)


def test_decoding_order():
    gbk = "朱镕基 张喆".encode("gbk")
    assert decode_bytes(gbk, "text/html; charset=gb2312") == ("朱镕基 张喆", "gb18030")
    assert decode_bytes(b"<meta charset=gbk>" + gbk, "text/html")[0].endswith("朱镕基 张喆")
    assert decode_bytes("中文".encode("utf-8"), None) == ("中文", "utf-8")
    assert decode_bytes(gbk, None) == ("朱镕基 张喆", "gb18030")                 # utf-8 fails → gb18030
    assert decode_bytes(b"\xef\xbb\xbf" + "年报".encode(), "text/html") == ("年报", "utf-8-sig")
    # header wins over a lying meta when it decodes
    assert decode_bytes(b"<meta charset='utf-8'>" + gbk, "text/html; charset=gbk")[0].endswith("朱镕基 张喆")


def test_content_disposition():
    assert disposition_filename("attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf".encode()) == "年报.pdf"
    assert disposition_filename('attachment; filename="年报.pdf"'.encode("utf-8")) == "年报.pdf"
    assert disposition_filename('attachment; filename="年报.pdf"'.encode("gbk")) == "年报.pdf"


def test_challenge_detection():
    assert is_challenge(412, b"<html><script>$_ts={}</script></html>", "text/html")
    assert is_challenge(521, b"", None)
    assert is_challenge(202, b"<html><script src='/x.js'></script></html>", "text/html")
    assert is_challenge(200, b"<script>location.href='/x'</script>", "text/html")
    assert not is_challenge(200, "<html><script>x=1</script><p>正文内容</p></html>".encode(), "text/html")
    assert not is_challenge(200, b"%PDF-1.4 <script", "application/pdf")
