"""A small renderer of synthetic 2021-format reports for the parser's unit tests.

Labels come from the metric catalog (the national template), values from the caller, so every test
knows the truth it parses back. Layouts: an HTML grid with rowspan/colspan (like the official
template) and plain text with tab-separated rows.
"""
from __future__ import annotations

import random
from html import escape

from pipelines.parse.catalog import APPLICANTS, METRICS

T2_LAYOUT = [
    ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"],
     [("规章", ["t2_regulation_issued", "t2_regulation_repealed", "t2_regulation_in_force"]),
      ("行政规范性文件", ["t2_normative_doc_issued", "t2_normative_doc_repealed", "t2_normative_doc_in_force"])]),
    ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", ["t2_license_decisions"])]),
    ("第二十条第（六）项", ["本年处理决定数量"],
     [("行政处罚", ["t2_penalty_decisions"]), ("行政强制", ["t2_coercion_decisions"])]),
    ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", ["t2_fee_amount"])]),
]
# 2021 result rows: (group label or None, row code); （六） has no row of its own in 2021
T3_RESULT_GROUPS = [
    (None, ["t3_res_granted"]), (None, ["t3_res_partially_granted"]),
    ("（三）不予公开", ["t3_res_denied_state_secret", "t3_res_denied_prohibited_by_law",
                   "t3_res_denied_three_safety_one_stability", "t3_res_denied_third_party_rights",
                   "t3_res_denied_internal_affairs", "t3_res_denied_process_info",
                   "t3_res_denied_enforcement_file", "t3_res_denied_admin_query"]),
    ("（四）无法提供", ["t3_res_unable_not_held", "t3_res_unable_needs_creation",
                   "t3_res_unable_unclear_after_correction"]),
    ("（五）不予处理", ["t3_res_not_processed_petition", "t3_res_not_processed_repeat",
                   "t3_res_not_processed_publication", "t3_res_not_processed_excessive",
                   "t3_res_not_processed_confirm_reissue"]),
    ("（六）其他处理", ["t3_res_other_overdue_correction", "t3_res_other_fee_unpaid", "t3_res_other_other"]),
]
T4_CODES = [f"t4_{b}_{c}" for b in ("review", "lit_direct", "lit_after_review")
            for c in ("maintained", "corrected", "other", "pending", "total")]
LEGAL5 = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


def leaf_label(row_code: str) -> str:
    """The printed leaf label of a table 三 row (the catalog label without its group prefix)."""
    label = METRICS[f"{row_code}__total"].row_label
    return label.split(" ")[-1].replace("（三）", "").replace("（四）", "").replace("（五）", "").replace("（六）", "")


def random_values(seed: int = 0) -> dict[str, int | float]:
    """A consistent set of values: every identity of the tables holds."""
    rng = random.Random(seed)
    v: dict[str, int | float] = {}
    for _, _, rows in T2_LAYOUT:
        for _, codes in rows:
            for code in codes:
                v[code] = rng.randint(0, 40)
    v["t2_fee_amount"] = rng.randint(0, 99999) / 100  # 万元 as printed
    leaves = [c for _, codes in T3_RESULT_GROUPS for c in codes]
    for col in APPLICANTS[:-1]:
        per = {c: (rng.randint(0, 5) if rng.random() < 0.4 else 0) for c in leaves}
        total = sum(per.values())
        pending = rng.randint(0, 3)
        carried = rng.randint(0, min(2, total + pending))
        v[f"t3_new_received__{col}"] = total + pending - carried
        v[f"t3_carried_over_from_prev__{col}"] = carried
        for c, n in per.items():
            v[f"{c}__{col}"] = n
        v[f"t3_res_total__{col}"] = total
        v[f"t3_carried_to_next__{col}"] = pending
    for row in ["t3_new_received", "t3_carried_over_from_prev", *leaves, "t3_res_total", "t3_carried_to_next"]:
        v[f"{row}__total"] = sum(v[f"{row}__{c}"] for c in APPLICANTS[:-1])
    for block in ("review", "lit_direct", "lit_after_review"):
        parts = [rng.randint(0, 9) for _ in range(4)]
        for name, n in zip(("maintained", "corrected", "other", "pending"), parts):
            v[f"t4_{block}_{name}"] = n
        v[f"t4_{block}_total"] = sum(parts)
    return v


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _t3_rows(values: dict) -> list[tuple[list[tuple[str, int, int]], str]]:
    """Rows of table 三 as (label cells with (text, rowspan, colspan), row code)."""
    rows = [([("一、本年新收政府信息公开申请数量", 1, 3)], "t3_new_received"),
            ([("二、上年结转政府信息公开申请数量", 1, 3)], "t3_carried_over_from_prev")]
    n_result = sum(len(codes) for _, codes in T3_RESULT_GROUPS) + 1
    first = True
    for group, codes in T3_RESULT_GROUPS:
        for i, code in enumerate(codes):
            cells = []
            if first:
                cells.append(("三、本年度办理结果", n_result, 1))
                first = False
            if group is None:
                cells.append((METRICS[f"{code}__total"].row_label, 1, 2))
            else:
                if i == 0:
                    cells.append((group, len(codes), 1))
                cells.append((leaf_label(code), 1, 1))
            rows.append((cells, code))
    rows.append(([("（七）总计", 1, 2)], "t3_res_total"))
    rows.append(([("四、结转下年度继续办理", 1, 3)], "t3_carried_to_next"))
    return rows


def render_html(values: dict, *, title: str = "某某市某某局2023年政府信息公开工作年度报告",
                charset: str = "utf-8", published: str = "2024-01-20") -> str:
    out = [f'<html><head><meta charset="{charset}"><meta name="PubDate" content="{published} 09:00">'
           f"<title>{escape(title)}</title></head><body>",
           '<div class="nav">首页 &gt; 政务公开</div><div id="zoom">',
           f'<p style="text-align:center">{escape(title)}</p>',
           "<p>一、总体情况</p><p>本报告统计期限自2023年1月1日起至2023年12月31日止。</p>",
           "<p>二、主动公开政府信息情况</p>", '<table border="1">']
    for caption, headers, rows in T2_LAYOUT:
        span = 3 if len(headers) == 1 else 1
        out.append(f'<tr><td colspan="4">{caption}</td></tr>')
        out.append("<tr><td>信息内容</td>" + "".join(
            f'<td colspan="{span}">{escape(h)}</td>' for h in headers) + "</tr>")
        for label, codes in rows:
            out.append(f"<tr><td>{label}</td>" + "".join(
                f'<td colspan="{span}">{_fmt(values.get(c))}</td>' for c in codes) + "</tr>")
    out.append("</table><p>三、收到和处理政府信息公开申请情况</p><table border=\"1\">")
    out.append('<tr><td rowspan="3" colspan="3">（本列勾稽关系：第一项加第二项之和等于第三项加第四项之和）'
               '</td><td colspan="7">申请人情况</td></tr>')
    out.append('<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>')
    out.append("<tr>" + "".join(f"<td>{x}</td>" for x in LEGAL5) + "</tr>")
    for cells, code in _t3_rows(values):
        tds = "".join(f'<td rowspan="{rs}" colspan="{cs}">{escape(t)}</td>' for t, rs, cs in cells)
        tds += "".join(f"<td>{_fmt(values.get(f'{code}__{col}'))}</td>" for col in APPLICANTS)
        out.append(f"<tr>{tds}</tr>")
    out.append("</table><p>四、政府信息公开行政复议、行政诉讼情况</p><table border=\"1\">")
    out.append('<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>')
    heads = ["结果维持", "结果<br>纠正", "其他结果", "尚未审结", "总计"]
    out.append("<tr>" + "".join(f'<td rowspan="2">{h}</td>' for h in heads)
               + '<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>')
    out.append("<tr>" + "".join(f"<td>{h}</td>" for h in heads * 2) + "</tr>")
    out.append("<tr>" + "".join(f"<td>{_fmt(values.get(c))}</td>" for c in T4_CODES) + "</tr></table>")
    out.append("<p>五、存在的主要问题及改进情况</p><p>无。</p><p>六、其他需要报告的事项</p><p>无。</p>")
    out.append("</div><div class=\"footer\">版权所有</div></body></html>")
    return "\n".join(out)


def render_text(values: dict, *, title: str = "某某县某某局2023年度政府信息公开工作年度报告") -> str:
    """Plain text with tab-separated rows (merged cells leave empty cells behind)."""
    lines = [title, "", "一、总体情况", "本报告统计期限自2023年1月1日起至2023年12月31日止。", "",
             "二、主动公开政府信息情况"]
    for caption, headers, rows in T2_LAYOUT:
        lines.append(caption + "\t\t\t")
        lines.append("\t".join(["信息内容", *headers]))
        for label, codes in rows:
            lines.append("\t".join([label, *(_fmt(values.get(c)) for c in codes)]))
    lines += ["", "三、收到和处理政府信息公开申请情况",
              "（本列勾稽关系：第一项加第二项之和等于第三项加第四项之和）\t\t\t申请人情况",
              "\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计", "\t\t\t\t" + "\t".join(LEGAL5) + "\t"]
    for cells, code in _t3_rows(values):
        labels = [t for t, _, _ in cells]
        labels = (labels + ["", "", ""])[:3] if len(labels) < 3 else labels
        lines.append("\t".join([*labels, *(_fmt(values.get(f"{code}__{col}")) for col in APPLICANTS)]))
    lines += ["", "四、政府信息公开行政复议、行政诉讼情况", "行政复议\t\t\t\t\t行政诉讼",
              "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉",
              "\t".join([""] * 5 + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2),
              "\t".join(_fmt(values.get(c)) for c in T4_CODES), "", "五、存在的主要问题及改进情况", "无。"]
    return "\n".join(lines)


def expected_value(code: str, values: dict):
    """What the parser must return for a printed value (money printed in 万元 is stored in yuan)."""
    v = values.get(code)
    if v is None:
        return None
    if code == "t2_fee_amount":
        from decimal import Decimal

        return float(Decimal(_fmt(v)) * 10000)
    return v
