"""Plain-text tables: one cell per line, tab-separated rows, lost tabs, and the pre-2019 table."""
from __future__ import annotations

from pipelines.parse import parse_document


def _metrics(text: str, name: str = "r.txt") -> dict:
    out = parse_document(text.encode("utf-8"), filename=name)
    return {m["metric_code"]: (m["value"], m["semantic"]) for m in out["metrics"]}, out


def test_one_cell_per_line_with_split_headers_and_padding():
    text = "\n".join([
        "某某局2019年政府信息公开工作年度报告", "二、主动公开政府信息情况",
        "\t第二十条第（一）项", "",
        "\t信息内容", "\t本年新", "制作数量", "\t本年新", "公开数量", "\t对外公开总数量", "",
        "\t规章", "\t\u3000\u30002", "\t\xa00", "\t\u30005", "",
        "\t第二十条第（五）项", "",
        "\t信息内容", "\t上一年项目数量", "\t本年增/减", "\t处理决定数量", "",
        "\t行政许可", "\t\u30008", "\t\u3000-2", "\t\u300016", "",
        "\t第二十条第（九）项", "",
        "\t信息内容", "\t采购项目数量", "\t采购总金额", "",
        "\t政府集中采购", "\t\u300044", "\t716.91万元", "",
    ])
    m, out = _metrics(text)
    assert out["era"] == "y2019"
    assert m["t2_regulation_new_made"] == (2, "numeric")
    assert m["t2_regulation_new_published"] == (0, "zero")
    assert m["t2_regulation_published_total"] == (5, "numeric")
    assert m["t2_license_items_change"] == (-2, "numeric")
    assert m["t2_license_decisions"] == (16, "numeric")
    assert m["t2_procurement_amount"] == (7169100.0, "numeric")


def test_tab_rows_with_lost_leading_tabs_and_blank_cells():
    rows = [
        "第二十条第（一）项\t\t\t",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "规章\t1\t0\t3",
        "",
        "一、本年新收政府信息公开申请数量\t\t4\t\t\t\t\t\t4\t",
        "二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0\t",
        "\t(五) 不予处理\t1. 信访举报投诉类申请\t1\t0\t0\t0\t0\t0\t1",
        "2. 重复申请\t\t2\t0\t0\t0\t0\t0\t2\t",               # leading tabs lost
        "\t\t3. 要求提供公开出版物\t0\t0\t0\t0\t0\t0\t0",
    ]
    m, out = _metrics("某某局2022年政府信息公开工作年度报告\n" + "\n".join(rows))
    assert out["era"] == "y2021"
    assert m["t2_regulation_in_force"] == (3, "numeric")
    assert m["t3_new_received__natural_person"] == (4, "numeric")
    assert m["t3_new_received__commercial_enterprise"] == (None, "empty")
    assert m["t3_new_received__total"] == (4, "numeric")
    assert m["t3_res_not_processed_repeat__natural_person"] == (2, "numeric")
    assert m["t3_res_not_processed_repeat__total"] == (2, "numeric")
    assert m["t3_res_not_processed_publication__total"] == (0, "zero")


def test_pre2019_national_table_in_wan_yuan():
    rows = ["统计指标\t单位\t统计数", "一、主动公开情况\t——\t——",
            "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）\t条\t61",
            "其中：主动公开规范性文件数\t条\t0", "四、行政复议数量\t件\t2", "（二）被依法纠错数\t件\t1",
            "五、行政诉讼数量\t件\t3", "（二）被依法纠错数\t件\t", "七、依申请公开信息收取的费用\t万元\t0.35"]
    m, out = _metrics("某某局2017年度政府信息公开工作年度报告\n" + "\n".join(rows))
    assert out["era"] == "pre2019" and out["report_year"] == 2017
    assert m["pre_proactive_items"] == (61, "numeric")
    assert m["pre_proactive_normative_docs"] == (0, "zero")
    assert m["pre_review_corrected"] == (1, "numeric")
    assert m["pre_litigation_corrected"] == (None, "empty")     # keyed by its parent row
    assert m["pre_fees_collected"] == (3500.0, "numeric")


def test_pre2019_annual_column_not_the_cumulative_one():
    rows = ["指标名称\t计量单位\t2015年度\t历年累计", "主动公开政府信息数\t条\t120\t3456",
            "受理依申请公开信息总数\t件\t7\t88"]
    m, _ = _metrics("某某局2015年政府信息公开工作年度报告\n" + "\n".join(rows))
    assert m["pre_proactive_items"] == (120, "numeric")
    assert m["pre_requests_received"] == (7, "numeric")
    rows = ["指标名称\t计量单位\t代码\t本期实际\t本年累计", "主动公开信息数\t条\t1\t45\t45",
            "行政复议数量\t件\t17\t0\t0"]
    m, _ = _metrics("某某局2014年政府信息公开工作年度报告\n" + "\n".join(rows))
    assert m["pre_proactive_items"] == (45, "numeric")
    assert m["pre_review_cases"] == (0, "zero")


def test_flattened_cells_rebuilt_from_template_labels():
    cells = ["某某局2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第（一）项",
             "信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "规章", "1", "0", "9",
             "行政规范性文件", "2", "&nbsp;", "7"]
    html = "<html><body>" + "".join(f"<p>{c}</p>" for c in cells) + "</body></html>"
    m, out = _metrics(html, "r.html")
    assert m["t2_regulation_in_force"] == (9, "numeric")
    assert m["t2_normative_doc_repealed"] == (None, "empty")
    assert m["t2_normative_doc_in_force"] == (7, "numeric")
    assert any("rebuilt" in w for w in out["warnings"])


def test_legal_person_subtotal_column_is_skipped():
    rows = [
        "（本列勾稽关系）\t申请人情况",
        "\t自然人\t法人或其他组织\t\t\t\t\t\t总计",
        "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t小计\t",
        "一、本年新收政府信息公开申请数量\t5\t1\t0\t0\t2\t0\t3\t8",
        "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\t0",
    ]
    m, _ = _metrics("某某局2022年政府信息公开工作年度报告\n" + "\n".join(rows))
    assert m["t3_new_received__natural_person"] == (5, "numeric")
    assert m["t3_new_received__legal_service_org"] == (2, "numeric")
    assert m["t3_new_received__other_org"] == (0, "zero")
    assert m["t3_new_received__total"] == (8, "numeric")
