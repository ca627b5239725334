"""Synthetic table values and the official table layouts (tables 二/三/四 and the pre-2019
statistics table) as abstract cell grids.

A table is a list of rows; a row is a list of :class:`Cell` (merged cells appear once, at their
top-left position, with ``rowspan``/``colspan``).  Renderers (HTML layouts, PDF, DOCX) only turn
these grids into markup, so the *truth* (every value cell with its metric code) is decided here.

Truth tuples follow the parser contract: ``(value, value_raw, semantic)`` with
semantic ``numeric`` / ``zero`` / ``empty`` (blank cell, value None) / ``na`` ('/', value None).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

Truth = tuple  # (value: float | None, value_raw: str, semantic: str)

APPLICANTS: list[tuple[str, str]] = [
    ("natural_person", "自然人"),
    ("commercial_enterprise", "商业企业"),
    ("research_institution", "科研机构"),
    ("social_welfare_org", "社会公益组织"),
    ("legal_service_org", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
]
APPLICANT6 = [a for a, _ in APPLICANTS[:6]]
LEGAL_PERSON5 = APPLICANT6[1:]
_APPLICANT_CODES = tuple(a for a, _ in APPLICANTS)
_LEGAL5 = frozenset(LEGAL_PERSON5)

# header text with "\n" where the official template breaks the line (html_grid prints <br />)
APPLICANT_HEADER = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业\n企业",
    "research_institution": "科研\n机构",
    "social_welfare_org": "社会公\n益组织",
    "legal_service_org": "法律服\n务机构",
    "other_org": "其他",
    "total": "总计",
}

# A shortened form of the template's note (agencies word it variously; the parser ignores it).
T3_IDENTITY_NOTE = "（勾稽关系：第一项加第二项之和，等于第三项加第四项之和）"

# table 三 result rows: (group label or None, row code, item label)
T3_DENIED = [
    ("t3_res_denied_state_secret", "1.属于国家秘密"),
    ("t3_res_denied_prohibited_by_law", "2.其他法律行政法规禁止公开"),
    ("t3_res_denied_three_safety_one_stability", "3.危及“三安全一稳定”"),
    ("t3_res_denied_third_party_rights", "4.保护第三方合法权益"),
    ("t3_res_denied_internal_affairs", "5.属于三类内部事务信息"),
    ("t3_res_denied_process_info", "6.属于四类过程性信息"),
    ("t3_res_denied_enforcement_file", "7.属于行政执法案卷"),
    ("t3_res_denied_admin_query", "8.属于行政查询事项"),
]
T3_UNABLE = [
    ("t3_res_unable_not_held", "1.本机关不掌握相关政府信息"),
    ("t3_res_unable_needs_creation", "2.没有现成信息需要另行制作"),
    ("t3_res_unable_unclear_after_correction", "3.补正后申请内容仍不明确"),
]
T3_NOT_PROCESSED = [
    ("t3_res_not_processed_petition", "1.信访举报投诉类申请"),
    ("t3_res_not_processed_repeat", "2.重复申请"),
    ("t3_res_not_processed_publication", "3.要求提供公开出版物"),
    ("t3_res_not_processed_excessive", "4.无正当理由大量反复申请"),
    ("t3_res_not_processed_confirm_reissue", "5.要求行政机关确认或重新出具已获取信息"),
]
T3_OTHER_2021 = [
    ("t3_res_other_overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("t3_res_other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("t3_res_other_other", "3.其他"),
]


def t3_leaf_rows(era: str) -> list[str]:
    """Result leaf row codes (those that carry numbers), in table order, without 总计."""
    rows = ["t3_res_granted", "t3_res_partially_granted"]
    rows += [c for c, _ in T3_DENIED] + [c for c, _ in T3_UNABLE] + [c for c, _ in T3_NOT_PROCESSED]
    rows += ["t3_res_other"] if era == "y2019" else [c for c, _ in T3_OTHER_2021]
    return rows


T4_BLOCKS = ["review", "lit_direct", "lit_after_review"]
T4_KINDS = ["maintained", "corrected", "other", "pending", "total"]
T4_HEAD = {"maintained": "结果\n维持", "corrected": "结果\n纠正", "other": "其他\n结果",
           "pending": "尚未\n审结", "total": "总计"}

# pre-2019 national statistics table: (code or None for a heading row, printed label, unit)
PRE2019_ROWS: list[tuple[str | None, str, str]] = [
    (None, "一、主动公开情况", ""),
    ("pre_proactive_items", "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条"),
    ("pre_proactive_normative_docs", "其中：主动公开规范性文件数", "条"),
    ("pre_normative_docs_issued", "制发规范性文件总数", "件"),
    (None, "（二）通过不同渠道和方式公开政府信息的情况", ""),
    ("pre_via_gazette", "1.政府公报公开政府信息数", "条"),
    ("pre_via_website", "2.政府网站公开政府信息数", "条"),
    ("pre_via_weibo", "3.政务微博公开政府信息数", "条"),
    ("pre_via_wechat", "4.政务微信公开政府信息数", "条"),
    ("pre_via_other", "5.其他方式公开政府信息数", "条"),
    (None, "二、回应解读情况", ""),
    ("pre_hotspot_responses", "（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "次"),
    (None, "（二）通过不同途径和方式回应解读的情况", ""),
    ("pre_press_conferences", "1.参加或举办新闻发布会总次数", "次"),
    ("pre_press_conferences_by_head", "其中：主要负责同志参加新闻发布会次数", "次"),
    ("pre_online_interviews", "2.政府网站在线访谈次数", "次"),
    ("pre_online_interviews_by_head", "其中：主要负责同志参加政府网站在线访谈次数", "次"),
    ("pre_policy_interpretations", "3.政策解读稿件发布数", "篇"),
    ("pre_weibo_wechat_responses", "4.微博微信回应事件数", "次"),
    ("pre_other_responses", "5.其他方式回应事件数", "次"),
    (None, "三、依申请公开情况", ""),
    ("pre_requests_received", "（一）收到申请数", "件"),
    ("pre_requests_in_person", "1.当面申请数", "件"),
    ("pre_requests_fax", "2.传真申请数", "件"),
    ("pre_requests_online", "3.网络申请数", "件"),
    ("pre_requests_letter", "4.信函申请数", "件"),
    ("pre_requests_closed", "（二）申请办结数", "件"),
    ("pre_requests_closed_on_time", "1.按时办结数", "件"),
    ("pre_requests_closed_extended", "2.延期办结数", "件"),
    ("pre_replies_total", "（三）申请答复数", "件"),
    ("pre_replies_already_public", "1.属于已主动公开范围数", "件"),
    ("pre_replies_granted", "2.同意公开答复数", "件"),
    ("pre_replies_partially_granted", "3.同意部分公开答复数", "件"),
    ("pre_replies_denied", "4.不同意公开答复数", "件"),
    ("pre_denied_state_secret", "其中：涉及国家秘密", "件"),
    ("pre_denied_commercial_secret", "涉及商业秘密", "件"),
    ("pre_denied_privacy", "涉及个人隐私", "件"),
    ("pre_denied_endangers_safety", "危及国家安全、公共安全、经济安全和社会稳定", "件"),
    ("pre_denied_not_gov_info", "不是《条例》所指政府信息", "件"),
    ("pre_denied_other_law", "法律法规规定的其他情形", "件"),
    ("pre_replies_not_this_agency", "5.不属于本行政机关公开数", "件"),
    ("pre_replies_not_exist", "6.申请信息不存在数", "件"),
    ("pre_replies_amend", "7.告知作出更改补充数", "件"),
    ("pre_replies_other_channel", "8.告知通过其他途径办理数", "件"),
    ("pre_review_cases", "四、行政复议数量", "件"),
    ("pre_review_upheld", "（一）维持具体行政行为数", "件"),
    ("pre_review_corrected", "（二）被依法纠错数", "件"),
    ("pre_review_other", "（三）其他情形数", "件"),
    ("pre_litigation_cases", "五、行政诉讼数量", "件"),
    ("pre_litigation_upheld", "（一）维持具体行政行为或者驳回原告诉讼请求数", "件"),
    ("pre_litigation_corrected", "（二）被依法纠错数", "件"),
    ("pre_litigation_other", "（三）其他情形数", "件"),
    ("pre_complaints", "六、举报投诉数量", "件"),
    ("pre_fees_collected", "七、依申请公开信息收取的费用", "万元"),
    (None, "八、机构建设和保障经费情况", ""),
    ("pre_dedicated_units", "（一）政府信息公开工作专门机构数", "个"),
    ("pre_reading_points", "（二）设置政府信息公开查阅点数", "个"),
    ("pre_staff", "（三）从事政府信息公开工作人员数", "人"),
    ("pre_staff_fulltime", "1.专职人员数（不包括政府公报及政府网站工作人员数）", "人"),
    ("pre_staff_parttime", "2.兼职人员数", "人"),
    ("pre_budget", "4.政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）", "万元"),
    (None, "九、政府信息公开会议和培训情况", ""),
    ("pre_meetings", "（一）召开政府信息公开工作会议或专题会议数", "次"),
    ("pre_trainings", "（二）举办各类培训班数", "次"),
    ("pre_trainees", "（三）接受培训人员数", "人次"),
]


# --------------------------------------------------------------------------- cells and grids

@dataclass(slots=True)
class Cell:
    text: str                      # printed text; "\n" marks a header line break
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    code: str | None = None        # metric code when this is a value cell


@dataclass(slots=True)
class Table:
    key: str                       # "t2", "t3", "t4", "stat"
    ncols: int
    rows: list[list[Cell]]
    col_weights: list[float] = field(default_factory=list)   # relative widths (PDF/DOCX)


@dataclass(slots=True)
class Style:
    """How numbers are printed in one report."""
    fullwidth: bool = False        # digits and signs as full-width characters
    blank_zeros: bool = False      # zero cells of the legal-person columns of table 三 left blank
    na_slash: bool = False         # some not-applicable cells of table 二 printed '/'
    amount_unit: str = "万元"      # 采购总金额 printed in 万元 or 元
    cumulative: bool = False       # pre-2019 table with an extra 历年累计 column
    pre_blank_rows: bool = False   # pre-2019 table: some rows left blank


_FW = str.maketrans("0123456789+-.", "０１２３４５６７８９＋－．")


def _digits(s: str, style: Style) -> str:
    return s.translate(_FW) if style.fullwidth else s


_COUNT_CACHE: dict[tuple[int, bool, bool], tuple[str, Truth]] = {}


def count_cell(v: int, style: Style, *, signed: bool = False) -> tuple[str, Truth]:
    key = (v, style.fullwidth, signed)
    hit = _COUNT_CACHE.get(key)
    if hit is not None:
        return hit
    if signed and v != 0:
        s = ("+" if v > 0 else "-") + str(abs(v))
    else:
        s = str(v)
    raw = _digits(s, style)
    out = raw, (float(v), raw, "zero" if v == 0 else "numeric")
    if len(_COUNT_CACHE) < 20000:
        _COUNT_CACHE[key] = out
    return out


def blank_cell() -> tuple[str, Truth]:
    return "", (None, "", "empty")


def na_cell() -> tuple[str, Truth]:
    return "/", (None, "/", "na")


def money_cell(yuan: Decimal, unit: str, style: Style, *, unit_in_header: bool = False) -> tuple[str, Truth]:
    """Money cell. ``unit`` is the unit of the printed number ('万元' or '元'); when
    ``unit_in_header`` the cell has no suffix (the header says 万元)."""
    if unit == "万元":
        num = (yuan / Decimal(10000)).normalize()
    else:
        num = yuan.normalize()
    s = format(num, "f")
    if s.endswith(".0"):
        s = s[:-2]
    raw = _digits(s, style) + ("" if unit_in_header else unit)
    value = float(Decimal(s) * (Decimal(10000) if unit == "万元" else Decimal(1)))
    return raw, (value, raw, "zero" if value == 0 else "numeric")


# --------------------------------------------------------------------------- values

@dataclass(slots=True)
class Profile:
    """Size of the agency: drives the magnitude of the generated numbers."""
    kind: str                      # "government" | "department"
    scale: float                   # ~1 small department, ~20 a city government


def _small(rng: random.Random, mean: float, p_zero: float = 0.5) -> int:
    if mean <= 0 or rng.random() < p_zero:
        return 0
    return max(0, int(rng.expovariate(1.0 / mean) + 0.5))


def gen_t3(rng: random.Random, era: str, prof: Profile,
           carried_in: dict[str, int] | None = None) -> dict[str, int]:
    """Raw integer values of table 三 (all rows × 7 columns) satisfying V1–V3.

    ``carried_in`` (applicant → count, the six applicant columns) is the previous year's
    结转下年度继续办理 row; when given it becomes this year's 上年结转 row (V5)."""
    out: dict[str, int] = {}
    leaves = t3_leaf_rows(era)
    weights = {r: 0.15 for r in leaves}
    weights.update({"t3_res_granted": 6.0, "t3_res_partially_granted": 1.2,
                    "t3_res_unable_not_held": 3.0, "t3_res_not_processed_repeat": 0.4,
                    "t3_res_denied_process_info": 0.3, "t3_res_denied_third_party_rights": 0.3,
                    "t3_res_other": 0.6, "t3_res_other_other": 0.5,
                    "t3_res_other_overdue_correction": 0.4})
    col_mean = {"natural_person": 6.0, "commercial_enterprise": 1.5, "research_institution": 0.1,
                "social_welfare_org": 0.1, "legal_service_org": 0.6, "other_org": 0.3}
    col_pzero = {"natural_person": 0.15, "commercial_enterprise": 0.5, "research_institution": 0.93,
                 "social_welfare_org": 0.93, "legal_service_org": 0.75, "other_org": 0.8}
    for col in APPLICANT6:
        new = _small(rng, col_mean[col] * prof.scale, col_pzero[col])
        if carried_in is not None:
            carried = carried_in[col]
        else:
            carried = _small(rng, 0.4 * prof.scale ** 0.5, 0.8) if new else 0
        pending = rng.randint(0, min(2, new + carried)) if (new + carried) and rng.random() < 0.3 else 0
        resolved = new + carried - pending
        vals = {r: 0 for r in leaves}
        for _ in range(resolved):
            r = rng.choices(leaves, weights=[weights[x] for x in leaves])[0]
            vals[r] += 1
        out[f"t3_new_received__{col}"] = new
        out[f"t3_carried_over_from_prev__{col}"] = carried
        for r, v in vals.items():
            out[f"{r}__{col}"] = v
        out[f"t3_res_total__{col}"] = resolved
        out[f"t3_carried_to_next__{col}"] = pending
        if era == "y2021":
            out[f"t3_res_other__{col}"] = sum(vals[c] for c, _ in T3_OTHER_2021)
    rows = ["t3_new_received", "t3_carried_over_from_prev", *leaves, "t3_res_total", "t3_carried_to_next"]
    if era == "y2021":
        rows.append("t3_res_other")
    for r in rows:
        out[f"{r}__total"] = sum(out[f"{r}__{c}"] for c in APPLICANT6)
    return out


def gen_t4(rng: random.Random, prof: Profile) -> dict[str, int]:
    out: dict[str, int] = {}
    for blk in T4_BLOCKS:
        parts = [(_small(rng, 0.3 * prof.scale ** 0.5, 0.8)) for _ in range(4)]
        for k, v in zip(T4_KINDS[:4], parts):
            out[f"t4_{blk}_{k}"] = v
        out[f"t4_{blk}_total"] = sum(parts)
    return out


V7_ITEMS = ("license", "other_service", "penalty", "coercion", "fee")
V6_ITEMS = ("regulation", "normative_doc")


def gen_t2_2019(rng: random.Random, prof: Profile, items_in: dict[str, int] | None = None) -> dict[str, object]:
    """Table 二, 2019 format.  ``items_in`` (item → count) is the previous 2019-format year's
    上一年项目数量 + 本年增/减; when given it becomes this year's 上一年项目数量 (V7)."""
    s = prof.scale
    gov = prof.kind == "government"
    v: dict[str, object] = {}
    v["t2_regulation_new_made"] = rng.randint(0, 3) if gov else 0
    v["t2_regulation_new_published"] = v["t2_regulation_new_made"]
    v["t2_regulation_published_total"] = v["t2_regulation_new_made"] + (rng.randint(5, 40) if gov else 0)
    nd = _small(rng, 2 + s, 0.3)
    v["t2_normative_doc_new_made"] = nd
    v["t2_normative_doc_new_published"] = nd
    v["t2_normative_doc_published_total"] = nd + rng.randint(0, 30)
    for item, mean in (("license", 20), ("other_service", 6), ("penalty", 40), ("coercion", 4), ("fee", 3)):
        prev = _small(rng, mean * (1 + s / 5), 0.3)
        if items_in is not None:
            prev = items_in[item]
        change = rng.randint(-min(prev, 5), 6) if rng.random() < 0.6 else 0
        v[f"t2_{item}_items_prev_year"] = prev
        v[f"t2_{item}_items_change"] = change
        if item != "fee":
            v[f"t2_{item}_decisions"] = _small(rng, mean * 8 * (1 + s / 3), 0.35)
    proj = _small(rng, 10 + 2 * s, 0.15)
    v["t2_procurement_projects"] = proj
    # yuan with cents; printed in 万元 it is rounded to 0.01 万元 (build_t2)
    v["t2_procurement_amount"] = Decimal(rng.randint(500000, 800000000) * proj) / 100 if proj else Decimal(0)
    return v


def gen_t2_2021(rng: random.Random, prof: Profile, in_force_in: dict[str, int] | None = None) -> dict[str, object]:
    """Table 二, 2021 format.  ``in_force_in`` (item → count) is the previous 2021-format year's
    现行有效件数; when given this year's is it + 本年制发 − 本年废止 (V6)."""
    s = prof.scale
    gov = prof.kind == "government"
    v: dict[str, object] = {}
    iss = rng.randint(0, 2) if gov else 0
    v["t2_regulation_issued"] = iss
    v["t2_regulation_repealed"] = rng.randint(0, iss)
    v["t2_regulation_in_force"] = (rng.randint(8, 60) if gov else 0) + iss
    nd = _small(rng, 2 + s, 0.3)
    v["t2_normative_doc_issued"] = nd
    v["t2_normative_doc_repealed"] = _small(rng, 1, 0.6)
    v["t2_normative_doc_in_force"] = nd + rng.randint(0, 40)
    if in_force_in is not None:
        for item in V6_ITEMS:
            base = in_force_in[item] + v[f"t2_{item}_issued"]
            v[f"t2_{item}_repealed"] = min(v[f"t2_{item}_repealed"], base)
            v[f"t2_{item}_in_force"] = base - v[f"t2_{item}_repealed"]
    v["t2_license_decisions"] = _small(rng, 150 * (1 + s / 3), 0.3)
    v["t2_penalty_decisions"] = _small(rng, 300 * (1 + s / 3), 0.35)
    v["t2_coercion_decisions"] = _small(rng, 30 * (1 + s / 3), 0.5)
    # fee amount printed in 万元 with up to 2 decimals
    fee_fen = _small(rng, 500000 * (1 + s), 0.6)    # in units of 0.01 万元
    v["t2_fee_amount"] = Decimal(fee_fen) * 100       # yuan
    return v


def gen_pre2019(rng: random.Random, prof: Profile, proactive: int, fee_yuan: int) -> dict[str, object]:
    s = prof.scale
    v: dict[str, object] = {}
    v["pre_proactive_items"] = proactive
    v["pre_proactive_normative_docs"] = min(proactive, _small(rng, 2 + s, 0.3))
    v["pre_normative_docs_issued"] = v["pre_proactive_normative_docs"] + rng.randint(0, 1)
    web = int(proactive * rng.uniform(0.6, 1.0))
    v["pre_via_gazette"] = _small(rng, 3 * s, 0.7)
    v["pre_via_website"] = web
    v["pre_via_weibo"] = _small(rng, 20 * s, 0.5)
    v["pre_via_wechat"] = _small(rng, 30 * s, 0.4)
    v["pre_via_other"] = _small(rng, 10, 0.6)
    v["pre_hotspot_responses"] = _small(rng, 3 * s, 0.5)
    v["pre_press_conferences"] = _small(rng, 2 * s, 0.5)
    v["pre_press_conferences_by_head"] = min(v["pre_press_conferences"], rng.randint(0, 2))
    v["pre_online_interviews"] = _small(rng, 2, 0.5)
    v["pre_online_interviews_by_head"] = min(v["pre_online_interviews"], rng.randint(0, 1))
    v["pre_policy_interpretations"] = _small(rng, 5 * s, 0.3)
    v["pre_weibo_wechat_responses"] = _small(rng, 3, 0.6)
    v["pre_other_responses"] = _small(rng, 2, 0.7)
    chans = [_small(rng, m * s, pz) for m, pz in ((1, 0.6), (0.2, 0.9), (3, 0.3), (0.5, 0.8))]
    for k, c in zip(("in_person", "fax", "online", "letter"), chans):
        v[f"pre_requests_{k}"] = c
    rec = sum(chans)
    v["pre_requests_received"] = rec
    ext = rng.randint(0, min(1, rec))
    v["pre_requests_closed"] = rec
    v["pre_requests_closed_on_time"] = rec - ext
    v["pre_requests_closed_extended"] = ext
    kinds = ["already_public", "granted", "partially_granted", "denied", "not_this_agency",
             "not_exist", "amend", "other_channel"]
    rep = {k: 0 for k in kinds}
    for _ in range(rec):
        rep[rng.choices(kinds, weights=[2, 6, 1, 0.5, 1.5, 1.5, 0.5, 0.5])[0]] += 1
    v["pre_replies_total"] = rec
    for k in kinds:
        code = "pre_replies_" + k
        v[code] = rep[k]
    dn = ["state_secret", "commercial_secret", "privacy", "endangers_safety", "not_gov_info", "other_law"]
    dv = {k: 0 for k in dn}
    for _ in range(rep["denied"]):
        dv[rng.choice(dn)] += 1
    for k in dn:
        v["pre_denied_" + k] = dv[k]
    for blk, names in (("review", ("upheld", "corrected", "other")), ("litigation", ("upheld", "corrected", "other"))):
        parts = [_small(rng, 0.5, 0.85) for _ in names]
        v[f"pre_{blk}_cases"] = sum(parts)
        for n, p in zip(names, parts):
            v[f"pre_{blk}_{n}"] = p
    v["pre_complaints"] = _small(rng, 0.5, 0.85)
    v["pre_fees_collected"] = Decimal(fee_yuan)
    v["pre_dedicated_units"] = rng.randint(0, 1)
    v["pre_reading_points"] = rng.randint(0, 3)
    ft = rng.randint(0, 2)
    pt = rng.randint(1, 4)
    v["pre_staff"] = ft + pt
    v["pre_staff_fulltime"] = ft
    v["pre_staff_parttime"] = pt
    v["pre_budget"] = Decimal(rng.choice([0, 0, 0, 5000, 10000, 20000, 35000]))
    v["pre_meetings"] = rng.randint(0, 4)
    v["pre_trainings"] = rng.randint(0, 3)
    v["pre_trainees"] = v["pre_trainings"] * rng.randint(5, 30)
    return v


# --------------------------------------------------------------------------- grids + truth

def _hdr(text: str, **kw) -> Cell:
    return Cell(text, header=True, **kw)


def build_t2(era: str, vals: dict, style: Style, truth: dict) -> Table:
    rows: list[list[Cell]] = []

    def val(code: str, *, signed: bool = False, colspan: int = 1, na: bool = False) -> Cell:
        if na:
            text, t = na_cell()
        else:
            text, t = count_cell(int(vals[code]), style, signed=signed)
        truth[code] = t
        return Cell(text, colspan=colspan, code=code)

    def caption(txt: str) -> None:
        rows.append([_hdr(txt, colspan=4)])

    if era == "y2019":
        caption("第二十条第（一）项")
        rows.append([_hdr("信息内容"), _hdr("本年新\n制作数量"), _hdr("本年新\n公开数量"), _hdr("对外公开\n总数量")])
        for item, label in (("regulation", "规章"), ("normative_doc", "规范性文件")):
            rows.append([Cell(label), val(f"t2_{item}_new_made"), val(f"t2_{item}_new_published"),
                         val(f"t2_{item}_published_total")])
        for cap, items in (("第二十条第（五）项", (("license", "行政许可"), ("other_service", "其他对外管理服务事项"))),
                           ("第二十条第（六）项", (("penalty", "行政处罚"), ("coercion", "行政强制")))):
            caption(cap)
            rows.append([_hdr("信息内容"), _hdr("上一年\n项目数量"), _hdr("本年增/减"), _hdr("处理决定\n数量")])
            for item, label in items:
                rows.append([Cell(label), val(f"t2_{item}_items_prev_year"),
                             val(f"t2_{item}_items_change", signed=True), val(f"t2_{item}_decisions")])
        caption("第二十条第（八）项")
        rows.append([_hdr("信息内容"), _hdr("上一年\n项目数量"), _hdr("本年增/减", colspan=2)])
        na = style.na_slash and vals["t2_fee_items_prev_year"] == 0 and vals["t2_fee_items_change"] == 0
        rows.append([Cell("行政事业性收费"), val("t2_fee_items_prev_year", na=na),
                     val("t2_fee_items_change", signed=True, colspan=2, na=na)])
        caption("第二十条第（九）项")
        rows.append([_hdr("信息内容"), _hdr("采购项目数量"), _hdr("采购总金额", colspan=2)])
        proj_cell = val("t2_procurement_projects")
        amount = Decimal(vals["t2_procurement_amount"])
        if style.amount_unit == "万元":
            amount = (amount / 100).quantize(Decimal(1)) * 100
        text, t = money_cell(amount, style.amount_unit, style)
        truth["t2_procurement_amount"] = t
        rows.append([Cell("政府集中采购"), proj_cell, Cell(text, colspan=2, code="t2_procurement_amount")])
    else:
        caption("第二十条第（一）项")
        rows.append([_hdr("信息内容"), _hdr("本年制发\n件数"), _hdr("本年废止\n件数"), _hdr("现行有效\n件数")])
        for item, label in (("regulation", "规章"), ("normative_doc", "行政规范性文件")):
            rows.append([Cell(label), val(f"t2_{item}_issued"), val(f"t2_{item}_repealed"), val(f"t2_{item}_in_force")])
        caption("第二十条第（五）项")
        rows.append([_hdr("信息内容"), _hdr("本年处理决定数量", colspan=3)])
        rows.append([Cell("行政许可"), val("t2_license_decisions", colspan=3)])
        caption("第二十条第（六）项")
        rows.append([_hdr("信息内容"), _hdr("本年处理决定数量", colspan=3)])
        rows.append([Cell("行政处罚"), val("t2_penalty_decisions", colspan=3)])
        rows.append([Cell("行政强制"), val("t2_coercion_decisions", colspan=3)])
        caption("第二十条第（八）项")
        rows.append([_hdr("信息内容"), _hdr("本年收费金额（单位：万元）", colspan=3)])
        text, t = money_cell(Decimal(vals["t2_fee_amount"]), "万元", style, unit_in_header=True)
        truth["t2_fee_amount"] = t
        rows.append([Cell("行政事业性收费"), Cell(text, colspan=3, code="t2_fee_amount")])
    return Table("t2", 4, rows, [2.2, 1, 1, 1])


def build_t3(era: str, vals: dict, style: Style, truth: dict) -> Table:
    rows: list[list[Cell]] = []
    rows.append([_hdr(T3_IDENTITY_NOTE, rowspan=3, colspan=3), _hdr("申请人情况", colspan=7)])
    rows.append([_hdr("自然人", rowspan=2), _hdr("法人或其他组织", colspan=5), _hdr("总计", rowspan=2)])
    rows.append([_hdr(APPLICANT_HEADER[a]) for a in LEGAL_PERSON5])

    blank_zeros = style.blank_zeros

    def values(row: str) -> list[Cell]:
        cells = []
        for col in _APPLICANT_CODES:
            code = row + "__" + col
            v = vals[code]
            if v == 0 and blank_zeros and col in _LEGAL5:
                text, t = "", (None, "", "empty")
            else:
                text, t = count_cell(v, style)
            truth[code] = t
            cells.append(Cell(text, code=code))
        return cells

    rows.append([Cell("一、本年新收政府信息公开申请数量", colspan=3), *values("t3_new_received")])
    rows.append([Cell("二、上年结转政府信息公开申请数量", colspan=3), *values("t3_carried_over_from_prev")])
    n_result_rows = 20 if era == "y2019" else 22
    group = Cell("三、本年度办理结果", rowspan=n_result_rows)
    rows.append([group, Cell("（一）予以公开", colspan=2), *values("t3_res_granted")])
    rows.append([Cell("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", colspan=2),
                 *values("t3_res_partially_granted")])
    subgroups = [("（三）不予公开", T3_DENIED), ("（四）无法提供", T3_UNABLE), ("（五）不予处理", T3_NOT_PROCESSED)]
    if era == "y2021":
        subgroups.append(("（六）其他处理", T3_OTHER_2021))
    for glabel, items in subgroups:
        for i, (code, label) in enumerate(items):
            lead = [Cell(glabel, rowspan=len(items))] if i == 0 else []
            rows.append([*lead, Cell(label), *values(code)])
    if era == "y2019":
        rows.append([Cell("（六）其他处理", colspan=2), *values("t3_res_other")])
    else:
        # the (六) parent has no cells of its own in 2021: truth carries the derived sum
        for col, _ in APPLICANTS:
            v = int(vals[f"t3_res_other__{col}"])
            truth[f"t3_res_other__{col}"] = (float(v), str(v), "zero" if v == 0 else "numeric")
    rows.append([Cell("（七）总计", colspan=2), *values("t3_res_total")])
    rows.append([Cell("四、结转下年度继续办理", colspan=3), *values("t3_carried_to_next")])
    return Table("t3", 10, rows, [0.9, 1.1, 3.6, 1, 1, 1, 1, 1, 1, 1])


def build_t4(vals: dict, style: Style, truth: dict) -> Table:
    rows: list[list[Cell]] = []
    rows.append([_hdr("行政复议", colspan=5), _hdr("行政诉讼", colspan=10)])
    rows.append([*[_hdr(T4_HEAD[k], rowspan=2) for k in T4_KINDS],
                 _hdr("未经复议直接起诉", colspan=5), _hdr("复议后起诉", colspan=5)])
    rows.append([_hdr(T4_HEAD[k]) for k in T4_KINDS] * 2)
    data = []
    for blk in T4_BLOCKS:
        for k in T4_KINDS:
            code = f"t4_{blk}_{k}"
            text, t = count_cell(int(vals[code]), style)
            truth[code] = t
            data.append(Cell(text, code=code))
    rows.append(data)
    return Table("t4", 15, rows, [1] * 15)


def build_pre2019(vals: dict, style: Style, truth: dict, rng: random.Random) -> Table:
    cum = style.cumulative
    ncols = 4 if cum else 3
    rows: list[list[Cell]] = [[_hdr("统计指标"), _hdr("单位"), _hdr("统计数"), *([_hdr("历年累计")] if cum else [])]]
    for code, label, unit in PRE2019_ROWS:
        if code is None:
            rows.append([Cell(label), Cell(""), Cell(""), *([Cell("")] if cum else [])])
            continue
        v = vals[code]
        if style.pre_blank_rows and v == 0 and rng.random() < 0.35:
            text, t = (blank_cell() if rng.random() < 0.5 else na_cell())
        elif unit == "万元":
            text, t = money_cell(Decimal(v), "万元", style, unit_in_header=True)
        else:
            text, t = count_cell(int(v), style)
        truth[code] = t
        row = [Cell(label), Cell(unit), Cell(text, code=code)]
        if cum:
            if unit == "万元":
                ctext = _digits(format((Decimal(v) / 10000 * rng.randint(3, 9)).normalize(), "f"), style)
            else:
                ctext = _digits(str(int(v) * rng.randint(3, 9) + rng.randint(1, 50)), style)
            row.append(Cell(ctext))      # cumulative column: never the value
        rows.append(row)
    return Table("stat", ncols, rows, [5, 1, 1.2, 1.2][:ncols])


# --------------------------------------------------------------------------- checks

T3_ERAS = ("y2019", "y2021")


def cross_year_checks(prev_truth: dict, prev_era: str, truth: dict, era: str) -> list[str]:
    """V5–V7 of report-templates.md §2.4 between the truth of year Y−1 (``prev_*``) and year Y of
    the same agency, with the warehouse's semantics (marts.fct_quality_issue): a pair is compared
    only when every value involved is printed (blank / '/' → not compared).  The caller makes sure
    the two reports are consecutive years.

    Check codes as the warehouse names them: ``v5_carried_over__<applicant>`` (both reports in a
    table-三 era), ``v6_in_force__<regulation|normative_doc>`` (both y2021),
    ``v7_items_prev_year__<item>`` (both y2019)."""
    if not prev_truth or not truth:
        return []

    def val(t: dict, code: str):
        x = t.get(code)
        return None if x is None else x[0]

    fails: list[str] = []
    if era in T3_ERAS and prev_era in T3_ERAS:
        for col in _APPLICANT_CODES:
            cur, prv = val(truth, f"t3_carried_over_from_prev__{col}"), val(prev_truth, f"t3_carried_to_next__{col}")
            if cur is not None and prv is not None and cur != prv:
                fails.append(f"v5_carried_over__{col}")
    if era == "y2021" and prev_era == "y2021":
        for item in V6_ITEMS:
            cur = [val(truth, f"t2_{item}_{k}") for k in ("in_force", "issued", "repealed")]
            prv = val(prev_truth, f"t2_{item}_in_force")
            if None not in cur and prv is not None and cur[0] != prv + cur[1] - cur[2]:
                fails.append(f"v6_in_force__{item}")
    if era == "y2019" and prev_era == "y2019":
        for item in V7_ITEMS:
            cur = val(truth, f"t2_{item}_items_prev_year")
            p_prev, p_change = val(prev_truth, f"t2_{item}_items_prev_year"), val(prev_truth, f"t2_{item}_items_change")
            if None not in (cur, p_prev, p_change) and cur != p_prev + p_change:
                fails.append(f"v7_items_prev_year__{item}")
    return fails


def _num(truth: dict, code: str) -> float:
    t = truth.get(code)
    return 0.0 if t is None or t[0] is None else t[0]


def failing_checks(truth: dict, era: str) -> list[str]:
    """V1–V4 of report-templates.md §2.4 evaluated on a truth dict (blank/na counted as 0).

    Check codes: ``t3_identity__<applicant>`` (V1), ``t3_result_total__<applicant>`` (V2),
    ``t3_col_sum__<row without t3_>`` (V3, e.g. t3_col_sum__new_received), ``t4_sum__<block>`` (V4)."""
    if era not in ("y2019", "y2021") or "t3_res_total__total" not in truth:
        return []
    fails: list[str] = []
    leaves = t3_leaf_rows(era)
    for col, _ in APPLICANTS:
        g = lambda r: _num(truth, f"{r}__{col}")  # noqa: E731
        if g("t3_new_received") + g("t3_carried_over_from_prev") != g("t3_res_total") + g("t3_carried_to_next"):
            fails.append(f"t3_identity__{col}")
        if sum(g(r) for r in leaves) != g("t3_res_total"):
            fails.append(f"t3_result_total__{col}")
    for r in ["t3_new_received", "t3_carried_over_from_prev", *leaves, "t3_res_total", "t3_carried_to_next"]:
        if sum(_num(truth, f"{r}__{c}") for c in APPLICANT6) != _num(truth, f"{r}__total"):
            fails.append(f"t3_col_sum__{r[3:]}")
    for blk in T4_BLOCKS:
        if sum(_num(truth, f"t4_{blk}_{k}") for k in T4_KINDS[:4]) != _num(truth, f"t4_{blk}_total"):
            fails.append(f"t4_sum__{blk}")
    return fails
