"""The pre-2019 statistics table (统计指标 | 单位 | 统计数 and provincial variants), mapped by label."""
from __future__ import annotations

from typing import Final

from .catalog import METRICS
from .labels import core, norm
from .memo import memo
from .numbers import clean

# verified label variants (report-templates.md §2.3) on top of the catalog's own row labels; every
# target code is a row of metrics.csv and of the dbt seed (tests/unit/test_metric_catalog.py)
SYNONYMS: Final = {
    "pre_proactive_items": ["主动公开信息数", "主动公开文件数"],
    "pre_normative_docs_issued": ["新增的行政规范性文件数"],
    "pre_via_website": ["网站公开", "政府网站公开数"],
    "pre_via_gazette": ["政府公报公开", "政府公报公开数"],
    "pre_requests_received": ["受理依申请公开信息总数", "受理政府信息依申请公开总数", "申请总数"],
    "pre_requests_online": ["网上申请数", "电子邮件申请数"],
    "pre_requests_letter": ["信函、传真申请数"],
    "pre_requests_other_channel": ["其它形式申请数", "其他形式申请数"],
    "pre_replies_total": ["对申请的答复数", "对申请的答复总数"],
    "pre_replies_denied": ["否决公开答复数", "否决公开答复总数", "不予公开答复数"],
    "pre_replies_other": ["其他类型答复数"],
    "pre_review_cases": ["行政复议数"],
    "pre_litigation_cases": ["行政诉讼数"],
    "pre_complaints": ["行政申诉数", "接受行政诉讼、举报数"],
    "pre_site_visits": ["网站专栏页面访问量"],
    "pre_onsite_visitors": ["现场接待人数"],
    "pre_online_consultations": ["网上咨询数"],
    "pre_phone_consultations": ["咨询电话接听数"],
}
_PARENTS: Final = {"pre_review_cases": "pre_review_", "pre_litigation_cases": "pre_litigation_"}
_SECTION_UNITS: Final = {"——", "—", "--", "-", ""}
_SECTION_MARKS: Final = _SECTION_UNITS - {""}


def _index() -> dict[str, list[str]]:
    idx: dict[str, list[str]] = {}
    for code, m in METRICS.items():
        if m.table == "stat":
            idx.setdefault(core(m.row_label), []).append(code)
    for code, labels in SYNONYMS.items():
        for label in labels:
            lst = idx.setdefault(core(label), [])
            if code not in lst:
                lst.append(code)
    return idx


INDEX: Final = _index()
_KEYS: Final = sorted(INDEX, key=len, reverse=True)


def match_label(label: str, parent: str | None = None) -> str | None:
    return _match_label((label, parent))


@memo(1024)
def _match_label(key: tuple) -> str | None:
    label, parent = key
    c = core(label)
    if len(c) < 2:
        return None
    codes = INDEX.get(c)
    if not codes:
        inside = [k for k in _KEYS if len(k) >= 4 and k in c]
        if inside:
            codes = INDEX[inside[0]]  # the longest catalog label inside the printed one
        elif len(c) >= 4:
            prefix = [k for k in _KEYS if k.startswith(c)]  # a label cut short (涉及国家秘(密))
            if prefix:
                codes = INDEX[prefix[-1]]
    if not codes:
        return None
    if len(codes) > 1 and parent:
        for code in codes:
            if code.startswith(parent):
                return code
    return codes[0]


_LABEL_CODES: Final = _match_label.cache  # read directly in the row loop (a miss goes through the memo)


_HEADER_NAMES: Final = ("统计指标", "指标名称")
_MISS: Final = object()
# norm(cell) in _HEADER_NAMES for the short cells seen first (fill-once, memo.py's policy; a plain
# dict so that a row's cells are looked up with one map() in C)
_HEADER_OF: Final[dict] = {}


def _header_flags(cells: list) -> list:
    out = list(map(_HEADER_OF.get, cells))
    if None in out:
        for i, v in enumerate(out):
            if v is None:
                cell = cells[i]
                v = out[i] = norm(cell) in _HEADER_NAMES
                if len(cell) <= 12 and len(_HEADER_OF) < 1024:  # long cells are one-offs
                    _HEADER_OF[cell] = v
    return out


def match_pre2019(rows, res) -> None:
    value_idx = 2
    unit_idx = 1
    started = False
    parent = None
    for row in rows:
        cells = [c for c in row if c is not None]
        if not cells:
            continue
        if True in _header_flags(cells):
            norms = [norm(c) for c in cells]
            started = True
            unit_idx = next((i for i, n in enumerate(norms) if "单位" in n), 1)
            found: int | None = None
            for i, n in enumerate(norms):
                if ("统计数" in n or "本期实际" in n or n.endswith("年度") or n == "本年") and "累计" not in n:
                    found = i
                    break
            if found is None:
                found = next((i for i, n in enumerate(norms) if i > unit_idx and "代码" not in n), 2)
            value_idx = found
            continue
        if not started or len(cells) < 2:
            continue
        label = cells[0]
        unit = clean(cells[unit_idx]) if unit_idx < len(cells) else ""
        raw = cells[value_idx] if value_idx < len(cells) else ""
        if unit in _SECTION_UNITS and clean(raw) in _SECTION_MARKS:
            continue  # a section heading row (一、主动公开情况 —— ——)
        code = _LABEL_CODES.get((label, parent), _MISS)
        if code is _MISS:
            code = _match_label((label, parent))
        if code is None:
            if 0 < len(unit) <= 4 and len(core(label)) >= 4 and any(ch.isdigit() for ch in clean(raw)):
                res.warnings.append(f"statistics row not mapped: {clean(label)[:40]!r}")
            continue
        if code in _PARENTS:
            parent = _PARENTS[code]
        elif not code.startswith(("pre_review_", "pre_litigation_")):
            parent = None
        res.found.add("pre")
        scale = 10000 if "万元" in unit else None
        res.put(code, raw, scale)
