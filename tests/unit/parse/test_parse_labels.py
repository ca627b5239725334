"""Labels are matched tolerantly: spacing, bracket width, list numbering, quotes, synonyms."""
from __future__ import annotations

import pytest

from pipelines.parse.labels import core, norm
from pipelines.parse.pre2019 import match_label
from pipelines.parse.tables import _t3_key


def test_norm_unifies_width_spacing_and_quotes():
    assert norm("第二十条 第(一)项") == norm("第二十条第（一）项")
    assert norm("3.危及“三安全一稳定”") == norm('3.危及"三安全一稳定"') == norm("3、危及三安全一稳定")
    assert norm("商 业 企\n业") == "商业企业"


def test_core_drops_numbering_and_notes():
    assert core("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）") == "主动公开政府信息数"
    assert core("1、 本机关不掌握相关政府信息") == "本机关不掌握相关政府信息"
    assert core("其中：主动公开规范性文件数") == "主动公开规范性文件数"


@pytest.mark.parametrize("labels, prev, key", [
    (["一、本年新收政府信息公开申请数量"], None, "new_received"),
    (["三、本年度办理结果", "（一）予以公开"], None, "res_granted"),
    (["（二）部分公开（区分处理）"], None, "res_partially_granted"),
    (["(三) 不予公开", "1. 属于国家秘密"], None, "res_denied_state_secret"),
    (["3.危及\"三安全一稳定\""], None, "res_denied_three_safety_one_stability"),
    (["（四）无", "1.本机关不掌握相关政府信息"], None, "res_unable_not_held"),
    (["法提供", "2.没有现成信息需要另行制作"], None, "res_unable_needs_creation"),  # label cut by a page break
    (["（六）其他处理"], None, "res_other"),
    (["（六）其他处理", "1、申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请"], None,
     "res_other_overdue_correction"),
    (["3、其他"], "res_other_fee_unpaid", "res_other_other"),
    (["（七）合计"], None, "res_total"),
    (["四、结转下一年度继续办理"], None, "carried_to_next"),
])
def test_table3_rows(labels, prev, key):
    assert _t3_key(labels, prev) == key


@pytest.mark.parametrize("label, parent, code", [
    ("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", None, "pre_proactive_items"),
    ("主动公开信息数", None, "pre_proactive_items"),
    ("4. 不同意公开答复数", None, "pre_replies_denied"),
    ("2. 同意公开答复数", None, "pre_replies_granted"),
    ("否决公开答复数", None, "pre_replies_denied"),
    ("其中：涉及国家秘(密)", None, "pre_denied_state_secret"),   # a label cut short
    ("（二）被依法纠错数", "pre_review_", "pre_review_corrected"),
    ("（二）被依法纠错数", "pre_litigation_", "pre_litigation_corrected"),
    ("受理政府信息依申请公开总数", None, "pre_requests_received"),
    ("一、主动公开情况", None, None),
])
def test_pre2019_labels(label, parent, code):
    assert match_label(label, parent) == code
