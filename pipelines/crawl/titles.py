"""Does a link title look like a 政府信息公开工作年度报告? And which year does it name?"""
from __future__ import annotations

import re

_REPORT_RES = [
    re.compile(r"信息公开.{0,6}(年度报告|年报|年度工作报告|工作报告|工作汇报|年度汇报)"),
    re.compile(r"政务信息公开.{0,10}(报告|汇报|年报)"),
    re.compile(r"政务公开.{0,6}(年度报告|年报)"),
    re.compile(r"(19|20)\d\d\s*年?度?\s*(工作)?年度报告"),
    re.compile(r"[〇零一二三四五六七八九]{4}\s*年.{0,20}年度报告"),
]
# titles that talk *about* reports rather than being one
_EXCLUDE_RE = re.compile(r"(通知|报送|编制|填报|模板|格式规范|的函|征集|企业年度报告|年报公示|统计年报)")

_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_CN_YEAR_RE = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})\s*年")
_WS_RE = re.compile(r"\s+")


def clean_title(t: str | None) -> str:
    return _WS_RE.sub(" ", (t or "").replace("\u3000", " ")).strip()


def is_report_title(title: str | None) -> bool:
    t = clean_title(title).replace(" ", "")
    if not t or len(t) > 120:
        return False
    if _EXCLUDE_RE.search(t):
        return False
    return any(r.search(t) for r in _REPORT_RES)


def year_hint(title: str | None) -> int | None:
    t = clean_title(title).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    m = _YEAR_RE.search(t)
    if m:
        return int(m.group(1))
    m = _CN_YEAR_RE.search(t)
    if m:
        return int("".join(_CN_DIGITS[c] for c in m.group(1)))
    return None
