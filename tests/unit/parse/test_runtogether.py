"""Run-together digits (issue 12 point 3): flattened text where a row's cells ran into one digit run.

Values are recovered only when exactly one cut of the run satisfies every identity that applies
(V3 per table-三 row, V1/V2 across table 三, V4 per table-四 block; table 二 has none); every
other row stays null with a warning naming it and the number of cuts. Inputs are written here."""
from __future__ import annotations

import itertools
import random
import time

import pytest

from pipelines.parse import parse_document
from pipelines.parse.runtogether_solve import (MAX_RUN, Run, TooMany, plain_cuts, solve_t3, sum_group_cuts,
                                               t3_cuts, t4_cuts)

APPL = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
        "legal_service_org", "other_org", "total")
T4_COLS = ("maintained", "corrected", "other", "pending", "total")
T4_BLOCKS = ("review", "lit_direct", "lit_after_review")

# table 三 as the templates print it, one label per row (2019: （六） is a row of its own)
T3_HEAD = [("new_received", "一、本年新收政府信息公开申请数量"), ("carried_over_from_prev", "二、上年结转政府信息公开申请数量"),
           ("res_granted", "三、本年度办理结果（一）予以公开"),
           ("res_partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
           ("res_denied_state_secret", "（三）不予公开1.属于国家秘密"), ("res_denied_prohibited_by_law", "2.其他法律行政法规禁止公开"),
           ("res_denied_three_safety_one_stability", "3.危及“三安全一稳定”"),
           ("res_denied_third_party_rights", "4.保护第三方合法权益"), ("res_denied_internal_affairs", "5.属于三类内部事务信息"),
           ("res_denied_process_info", "6.属于四类过程性信息"), ("res_denied_enforcement_file", "7.属于行政执法案卷"),
           ("res_denied_admin_query", "8.属于行政查询事项"), ("res_unable_not_held", "（四）无法提供1.本机关不掌握相关政府信息"),
           ("res_unable_needs_creation", "2.没有现成信息需要另行制作"),
           ("res_unable_unclear_after_correction", "3.补正后申请内容仍不明确"),
           ("res_not_processed_petition", "（五）不予处理1.信访举报投诉类申请"), ("res_not_processed_repeat", "2.重复申请"),
           ("res_not_processed_publication", "3.要求提供公开出版物"), ("res_not_processed_excessive", "4.无正当理由大量反复申请"),
           ("res_not_processed_confirm_reissue", "5.要求行政机关确认或重新出具已获取信息")]
T3_OTHER_2019 = [("res_other", "（六）其他处理")]
T3_OTHER_2021 = [("res_other_overdue_correction", "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
                 ("res_other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
                 ("res_other_other", "3.其他")]
T3_TAIL = [("res_total", "（七）总计"), ("carried_to_next", "四、结转下年度继续办理")]
ZERO = "0000000"


def _doc(era: str = "y2019", t2=(), t3: dict | None = None, t4: str | None = None, t3_lines=None,
         subtotal: bool = False) -> str:
    year = 2019 if era == "y2019" else 2022
    header = ("信息内容 本年新制作数量 本年新公开数量 对外公开总数量" if era == "y2019"
              else "信息内容 本年制发件数 本年废止件数 现行有效件数")
    lines = [f"某市某局{year}年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第（一）项", header, *t2]
    if t3 is not None or t3_lines is not None:
        lines += ["三、收到和处理政府信息公开申请情况", "申请人情况", "自然人 法人或其他组织 总计",
                  "商业企业 科研机构 社会公益组织 法律服务机构 其他" + (" 小计" if subtotal else "")]
        if t3_lines is not None:
            lines += t3_lines
        else:
            other = T3_OTHER_2019 if era == "y2019" else T3_OTHER_2021
            lines += [label + t3.get(key, ZERO) for key, label in T3_HEAD + other + T3_TAIL]
    if t4 is not None:
        lines += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼",
                  "结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
                  "结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计", t4]
    lines += ["五、存在的主要问题及改进情况", "工作仍有不足。"]
    return "\n".join(lines) + "\n"


def _parse(text: str) -> tuple[dict, dict]:
    out = parse_document(text.encode("utf-8"), filename="copy.txt")
    return {m["metric_code"]: (m["value"], m["value_raw"], m["semantic"]) for m in out["metrics"]}, out


def _vals(m: dict, codes) -> list:
    return [m.get(c, (None,))[0] for c in codes]


def _raws(m: dict, codes) -> list:
    return [m.get(c, (None, None))[1] for c in codes]


def _t3(key: str) -> list[str]:
    return [f"t3_{key}__{c}" for c in APPL]


def _warned(out: dict, *words: str) -> list[str]:
    return [w for w in out["warnings"] if all(x in w for x in words)]


def _cut_texts(run: Run, cuts) -> list[tuple]:
    return [tuple(run.text[a:b] for a, b in c) for c in cuts]


# ---- the two examples of the issue ---------------------------------------------------------------

def test_licence_row_of_the_issue_has_eleven_cuts_and_stays_null():
    """行政许可3960181 is 396 | 0 | 181, but table 二 has no identity and the digits allow ten other
    cuts (3 | 9 | 60181, 39 | 60 | 181 …): the row stays null, the warning says so."""
    run = Run("3960181")
    cuts = _cut_texts(run, plain_cuts(run, ("count", "signed", "count"), True))
    assert ("396", "0", "181") in cuts and len(cuts) == 11
    m, out = _parse(_doc(t2=["第二十条第（五）项", "信息内容 上一年项目数量 本年增/减 处理决定数量", "行政许可3960181"],
                         t4="000000000000000"))
    assert out["era"] == "y2019"
    for col in ("items_prev_year", "items_change", "decisions"):
        assert m.get(f"t2_license_{col}", (None,))[0] is None
    assert _warned(out, "t2_license", "'3960181'", "11 segmentations", "left null")


def test_table4_row_of_the_issue_exact_with_raw_digits():
    m, out = _parse(_doc(t4="21317000001324019"))
    codes = [f"t4_{b}_{c}" for b in T4_BLOCKS for c in T4_COLS]
    assert _vals(m, codes) == [2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19]
    assert _raws(m, codes) == ["2", "1", "3", "1", "7", "0", "0", "0", "0", "0", "13", "2", "4", "0", "19"]
    assert m["t4_lit_direct_total"][2] == "zero" and m["t4_review_total"][2] == "numeric"
    assert _warned(out, "table 四", "15 cells", "run-together digits", "21317000001324019")
    assert not [c for c in out["checks"] if c["code"].startswith("t4_") and c["status"] != "pass"]


# ---- table 二 -------------------------------------------------------------------------------------

def test_signed_cells_the_sign_separates():
    t2 = ["第二十条第（五）项", "信息内容 上一年项目数量 本年增/减 处理决定数量",
          "行政许可12-10", "其他对外管理服务事项6＋60",
          "第二十条第（六）项", "信息内容 上一年项目数量 本年增/减 处理决定数量",
          "行政处罚141-2268", "行政强制2+54"]
    m, out = _parse(_doc(t2=t2, t4="000000000000000"))
    assert m["t2_license_items_prev_year"][:2] == (12, "12")
    assert m["t2_license_items_change"] == (-1, "-1", "numeric")
    assert m["t2_license_decisions"] == (0, "0", "zero")
    assert m["t2_other_service_items_change"] == (6, "＋6", "numeric")   # full width: raw as printed
    assert m["t2_other_service_decisions"][0] == 0
    assert _vals(m, ["t2_coercion_items_prev_year", "t2_coercion_items_change", "t2_coercion_decisions"]) == [2, 5, 4]
    # 141 | -2 | 268, 141 | -22 | 68, 141 | -226 | 8
    assert all(m.get(f"t2_penalty_{c}", (None,))[0] is None for c in ("items_prev_year", "items_change", "decisions"))
    assert _warned(out, "t2_penalty", "3 segmentations")


def test_money_cells_units_and_spaces():
    m, out = _parse(_doc(t2=["第二十条第（九）项", "信息内容 采购项目数量 采购总金额", "政府集中采购 16 9163.61万元"],
                         t4="000000000000000"))
    assert m["t2_procurement_projects"][:2] == (16, "16")
    assert m["t2_procurement_amount"][:2] == (91636100.0, "9163.61万元")
    m, out = _parse(_doc(t2=["第二十条第（九）项", "信息内容 采购项目数量 采购总金额", "政府集中采购415984852.16元"],
                         t4="000000000000000"))
    assert "t2_procurement_amount" not in m and _warned(out, "t2_procurement", "8 segmentations")
    m, _ = _parse(_doc("y2021", t2=["规章 1 0 3", "行政规范性文件0026", "第二十条第（八）项",
                                     "信息内容 本年收费金额（单位：万元）", "行政事业性收费96171.6"], t4="000000000000000"))
    assert m["t2_fee_amount"][:2] == (961716000.0, "96171.6")            # 万元 by the template's header
    assert _vals(m, ["t2_regulation_issued", "t2_regulation_repealed", "t2_regulation_in_force"]) == [1, 0, 3]
    assert _vals(m, ["t2_normative_doc_issued", "t2_normative_doc_repealed", "t2_normative_doc_in_force"]) == [0, 0, 26]


def test_matcher_cells_are_never_overwritten():
    text = ("某市某局2019年政府信息公开工作年度报告\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政许可\t5\t+1\t7\n"
            "附：网页文本\n行政许可3960181\n行政处罚12-10\n")
    m, out = _parse(text)
    assert _vals(m, ["t2_license_items_prev_year", "t2_license_items_change", "t2_license_decisions"]) == [5, 1, 7]
    assert _vals(m, ["t2_penalty_items_prev_year", "t2_penalty_items_change", "t2_penalty_decisions"]) == [12, -1, 0]
    assert not _warned(out, "t2_license", "segmentations")


# ---- table 三 -------------------------------------------------------------------------------------

def test_table3_block_rows_ambiguous_alone_pinned_by_v1_v2():
    """120001013 cuts two ways under V3 (1,2,0,0,0,10,13 / 12,0,0,0,1,0,13); V1 (with 总计 printed
    spaced) and V2 (the only non-zero leaf) settle both rows."""
    run = Run("120001013")
    assert sorted(_cut_texts(run, t3_cuts(run, False))) == [("1", "2", "0", "0", "0", "10", "13"),
                                                            ("12", "0", "0", "0", "1", "0", "13")]
    m, out = _parse(_doc(t3={"new_received": "120001013", "res_granted": "120001013", "res_total": " 12 0 0 0 1 0 13"},
                         t4="000000000000000"))
    want = [12, 0, 0, 0, 1, 0, 13]
    for key in ("new_received", "res_granted", "res_total"):
        assert _vals(m, _t3(key)) == want, key
    assert _raws(m, _t3("new_received")) == ["12", "0", "0", "0", "1", "0", "13"]
    assert _vals(m, _t3("res_denied_admin_query")) == [0] * 7
    assert _vals(m, _t3("res_other")) == [0] * 7                    # 2019: （六）其他处理 is a leaf row
    assert _warned(out, "table 三: ", "cells recovered", "t3_new_received '120001013'")
    assert {c["status"] for c in out["checks"] if c["code"].startswith("t3_")} == {"pass"}


def test_table3_block_that_stays_ambiguous_is_left_null():
    """新收, 办理结果 (七)总计 and 予以公开 all print 120001013: both readings satisfy V1-V3 together."""
    m, out = _parse(_doc(t3={"new_received": "120001013", "res_granted": "120001013", "res_total": "120001013"},
                         t4="000000000000000"))
    for key in ("new_received", "res_granted", "res_total"):
        assert _vals(m, _t3(key)) == [None] * 7, key
        assert _warned(out, f"t3_{key} ", "'120001013'", "2 segmentations", "left null")
    assert _vals(m, _t3("carried_to_next")) == [0] * 7               # unique rows are still read


def test_table3_leaves_that_swap_stay_null():
    """予以公开 and 部分公开 print the same run: either reading of one fits with the other reading of the
    other, so the total alone cannot say which is which."""
    total = " 13 2 0 0 1 10 26"
    m, out = _parse(_doc(t3={"new_received": total, "res_granted": "120001013", "res_partially_granted": "120001013",
                             "res_total": total}, t4="000000000000000"))
    assert _vals(m, _t3("res_total")) == [13, 2, 0, 0, 1, 10, 26]
    assert _vals(m, _t3("res_granted")) == [None] * 7 and _vals(m, _t3("res_partially_granted")) == [None] * 7
    assert _warned(out, "t3_res_granted ", "2 segmentations") and _warned(out, "t3_res_partially_granted ", "2 segmentations")


def test_run_no_cut_satisfies_stays_null_with_warning():
    m, out = _parse(_doc(t3={"res_granted": "1000002"}, t4="100000000000000"))
    assert _vals(m, _t3("res_granted")) == [None] * 7
    assert _warned(out, "t3_res_granted", "no segmentation", "'1000002'")
    assert not [k for k in m if k.startswith("t4_")]
    assert _warned(out, "t4_review", "t4_lit_direct", "no segmentation")


def test_label_on_the_line_before_its_bare_run():
    lines = [label + ZERO for _k, label in T3_HEAD + T3_OTHER_2019]
    lines += ["（七）总计", "0000000", "四、结转下年度继续办理", "0 0 0 0 0 0 0"]
    m, out = _parse(_doc(t3_lines=lines, t4="000000000000000"))
    assert _vals(m, _t3("res_total")) == [0] * 7 and _vals(m, _t3("carried_to_next")) == [0] * 7


def test_2021_other_subrows_and_the_derived_row():
    m, out = _parse(_doc("y2021", t3={"new_received": "3003", "res_other_other": "1000001", "res_granted": "2000002",
                                      "res_total": "3000003"}, t4="000000000000000"))
    # 3003 is no seven-cell run: 新收 is lost, and V1 with it; V2 still ties 总计 to the leaves
    assert _vals(m, _t3("new_received")) == [None] * 7
    assert _vals(m, _t3("res_other_other")) == [1, 0, 0, 0, 0, 0, 1]
    assert _vals(m, _t3("res_other")) == [1, 0, 0, 0, 0, 0, 1]        # derived from its three sub-rows
    assert _vals(m, _t3("res_total")) == [3, 0, 0, 0, 0, 0, 3]


def test_2021_other_printed_as_one_row_is_its_leaf():
    lines = [label + ZERO for _k, label in T3_HEAD]
    lines[2] = T3_HEAD[2][1] + "2000002"
    lines += ["（六）其他处理 1 0 0 0 0 0 1", "（七）总计3000003", "四、结转下年度继续办理" + ZERO]
    lines[0] = T3_HEAD[0][1] + "3000003"
    m, _ = _parse(_doc("y2021", t3_lines=lines, t4="000000000000000"))
    assert _vals(m, _t3("res_other")) == [1, 0, 0, 0, 0, 0, 1]
    assert _vals(m, _t3("res_other_overdue_correction")) == [None] * 7
    assert _vals(m, _t3("new_received")) == [3, 0, 0, 0, 0, 0, 3]


def test_subtotal_column_layout():
    lines = [label + ZERO + "0" for _k, label in T3_HEAD + T3_OTHER_2019 + T3_TAIL]
    lines[0] = T3_HEAD[0][1] + "51000016"          # 5 | 1 0 0 0 0 | 小计 1 | 总计 6
    lines[2] = T3_HEAD[2][1] + "51000016"
    lines[-2] = "（七）总计51000016"
    m, out = _parse(_doc(t3_lines=lines, subtotal=True, t4="000000000000000"))
    assert _vals(m, _t3("new_received")) == [5, 1, 0, 0, 0, 0, 6]
    assert _raws(m, _t3("res_total")) == ["5", "1", "0", "0", "0", "0", "6"]
    assert "t3_legal_person_subtotal" not in m


def test_prose_numbers_and_footers_are_not_rows():
    """A mention of 行政复议 in the prose before the tables does not open table 四, a phone number is
    no row, and a page footer between a label and its bare run is skipped."""
    text = _doc(t2=["第二十条第（五）项", "信息内容 上一年项目数量 本年增/减 处理决定数量", "行政许可12-10"],
                t3_lines=[label + ZERO for _k, label in T3_HEAD + T3_OTHER_2019]
                + ["（七）总计", "- 3 -", "2000003", "四、结转下年度继续办理0000000"],
                t4="000110000000000")
    text = text.replace("二、主动公开政府信息情况", "一、总体情况\n本年度未发生政府信息公开行政复议、行政诉讼案件\n"
                        "联系电话：0573-82345678\n二、主动公开政府信息情况")
    m, out = _parse(text)
    assert _vals(m, ["t2_license_items_prev_year", "t2_license_items_change", "t2_license_decisions"]) == [12, -1, 0]
    assert _vals(m, _t3("res_total")) == [None] * 7                  # 2 | 0 … | 3 breaks V3: no cut
    assert _warned(out, "t3_res_total", "no segmentation")
    assert _vals(m, [f"t4_review_{c}" for c in T4_COLS]) == [0, 0, 0, 1, 1]
    assert not [w for w in out["warnings"] if "82345678" in w]


# ---- bounds ---------------------------------------------------------------------------------------

def test_overlong_run_is_refused_with_a_warning():
    m, out = _parse(_doc(t3={"res_granted": "1" * (MAX_RUN + 1)}, t4="000000000000000"))
    assert _vals(m, _t3("res_granted")) == [None] * 7
    assert _warned(out, "t3_res_granted", f"longer than {MAX_RUN}")


def test_enumeration_is_bounded():
    """The worst rows (random runs of the longest length) end within the step budget, and a
    document of such rows within the document's budget: refused rows, warned."""
    rng = random.Random(7)
    runs = ["".join(rng.choice("0123456789") for _ in range(MAX_RUN - 4)) for _ in range(4)]
    for run in runs[:2]:
        for fn in (lambda r: t3_cuts(r, False), lambda r: t3_cuts(r, True), t4_cuts):
            r = Run(run)
            t = time.perf_counter()
            try:
                fn(r)
            except TooMany:
                pass
            assert time.perf_counter() - t < 3.0
    t = time.perf_counter()
    m, out = _parse(_doc(t3={key: runs[i % 4] for i, (key, _l) in enumerate(T3_HEAD)}, t4="1" * 40))
    assert time.perf_counter() - t < 6.0
    assert _warned(out, "too many segmentations", "left null")


# ---- the solver against brute force ---------------------------------------------------------------

def _brute(run: Run, n: int, ok) -> set:
    cuts = plain_cuts(run, ("count",) * n, False)
    return {c for c in cuts if ok([int(run.text[a:b]) for a, b in c])}


def test_identity_cuts_equal_brute_force():
    rng = random.Random(3)
    for _ in range(300):
        s = "".join(rng.choice("0011123459") for _ in range(rng.randint(7, 13)))
        r = Run(s)
        assert set(t3_cuts(r, False)) == _brute(r, 7, lambda v: sum(v[:6]) == v[6]), s
        if len(s) >= 8:
            assert set(t3_cuts(r, True)) == _brute(
                r, 8, lambda v: sum(v[1:6]) == v[6] and v[0] + v[6] == v[7]), s
    for _ in range(150):
        s = "".join(rng.choice("00011123") for _ in range(rng.randint(15, 18)))
        r = Run(s)
        assert set(t4_cuts(r)) == _brute(r, 15, lambda v: all(sum(v[b:b + 4]) == v[b + 4] for b in (0, 5, 10))), s
    r = Run("1 12 0 0 0 1 14")   # a printed space is a cut: 11 | 2 … is not one
    assert _cut_texts(r, sum_group_cuts(r, 0, len(r.text), 6)) == [("1", "12", "0", "0", "0", "1", "14")]


def test_joint_solve_equals_brute_force():
    rng = random.Random(11)
    leaves = ("a", "b", "c")
    for _ in range(200):
        def cand():
            return [tuple(rng.randint(0, 2) for _ in range(7)) for _ in range(rng.randint(1, 3))]
        rows = {k: cand() for k in ("new_received", "carried_over_from_prev", "res_total", "carried_to_next", *leaves)}
        keys = list(rows)
        sols = []
        for choice in itertools.product(*(rows[k] for k in keys)):
            v = dict(zip(keys, choice))
            v1 = all(v["new_received"][i] + v["carried_over_from_prev"][i] == v["res_total"][i] + v["carried_to_next"][i]
                     for i in range(7))
            v2 = all(sum(v[x][i] for x in leaves) == v["res_total"][i] for i in range(7))
            if v1 and v2:
                sols.append(v)
        n, used = solve_t3(rows, leaves)
        assert n == len(sols)
        for k in keys:
            assert used[k] == {s[k] for s in sols}


# ---- the fast path ---------------------------------------------------------------------------------

def test_complete_tables_never_reach_the_hook(monkeypatch):
    import pipelines.parse.runtogether as rt

    def boom(*_a, **_k):
        raise AssertionError("recover() ran although no cell was missing")

    monkeypatch.setattr(rt, "recover", boom)
    rows = ["第二十条第（一）项", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数", "规章\t1\t0\t3", "行政规范性文件\t2\t0\t5",
            "第二十条第（五）项", "信息内容\t本年处理决定数量", "行政许可\t9", "第二十条第（六）项", "信息内容\t本年处理决定数量",
            "行政处罚\t4", "行政强制\t0", "第二十条第（八）项", "信息内容\t本年收费金额（单位：万元）", "行政事业性收费\t0",
            "申请人情况\t\t\t\t\t\t\t", "\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计"]
    for _k, label in T3_HEAD + T3_OTHER_2021 + T3_TAIL:
        rows.append(label + "\t" + "\t".join("0" * 7))
    rows += ["行政复议\t行政诉讼", "\t".join(["结果维持"] * 15), "\t".join("0" * 15)]
    m, out = _parse("某市某局2022年政府信息公开工作年度报告\n" + "\n".join(rows) + "\n")
    assert out["era"] == "y2021" and not _warned(out, "metrics not found")


# ---- the demo's flattened copies ---------------------------------------------------------------------

@pytest.mark.slow
def test_demo_flat_runtogether_copies():
    generator = pytest.importorskip("pipelines.demo.generator")
    from pipelines.demo.roundtrip import compare

    corpus = generator.generate_corpus(seed=0)
    copies = [r for r in corpus.copies if r.layout == "flat_runtogether"]
    assert len(copies) >= 3
    pinned = must = 0
    for rep in copies:
        doc = rep.documents[0]
        out = parse_document(doc.body, filename=doc.filename, media_type=doc.media_type)
        got = {x["metric_code"]: (x["value"], x["value_raw"], x["semantic"]) for x in out["metrics"]}
        res = compare(rep, doc, out)
        assert not res.wrong and not res.missing and not res.raw_diff, (rep.agency_id, res.wrong[:3], res.missing[:3])
        for code in rep.truth_must_be_null:
            assert got.get(code, (None,))[0] is None, code
            must += 1
        for code, truth in rep.truth.items():
            if code not in rep.truth_null_ok:
                assert got.get(code) == tuple(truth), code
        for seg in rep.segmentations:       # rows that only the table's identities settle
            if seg["n_row"] > 1 and seg["n_table"] == 1:
                assert all(got[c][:2] == tuple(rep.truth[c][:2]) for c in seg["codes"])
                pinned += 1
    assert must and pinned
