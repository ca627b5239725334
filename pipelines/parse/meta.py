"""Title, report year, agency as printed and publication date."""
from __future__ import annotations

import datetime as _dt
import re
from typing import Final

_CN_DIGITS: Final = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
_TITLE_WORDS: Final = re.compile(r"报告|年报|汇报")
_AGENCY_END: Final = re.compile(
    r"(局|委|委员会|办|办公室|政府|院|会|中心|所|厅|部|署|处|队|站|馆|公司|街道|镇|乡|管委会|集团|行|社)$")
_SENTENCE: Final = re.compile(r"[，。；：:,;！？!?、]")
_YEAR: Final = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE_YEAR: Final = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_PERIOD: Final = re.compile(r"统计(?:期限|时限|期间|时间)[^0-9〇零一二三四五六七八九]{0,12}((?:19|20)\d{2})\s*年")
_KEYWORDS: Final = re.compile(r"政府信息公开|政务信息公开|政务公开|信息公开|政府信息|工作年度报告|年度报告|年报|工作报告|工作汇报")
DATE: Final = r"((?:19|20)\d{2})\s*[年.\-/．]\s*(\d{1,2})\s*[月.\-/．]\s*(\d{1,2})\s*日?"
_DATE_LINE: Final = re.compile(r"^\s*(?:(?:填报|发布|印发|成文)?日期\s*[:：]?\s*)?(?:[\u4e00-\u9fa5（）()]{2,40}?\s*)?" + DATE + r"\s*$")
_DATE_LABELLED: Final = re.compile(r"(?:填报日期|发布日期|发布时间)\s*[:：]?\s*" + DATE)
_DATE_ANY: Final = re.compile(DATE)
_SECTION: Final = re.compile(r"^\s*[一1][、.．]")
# compiled once (these ran through re's pattern cache on every call)
_CN_DIGIT: Final = re.compile(r"[〇○零一二三四五六七八九十]")
_CN_DATE_NUMBER: Final = re.compile(r"[〇○零一二三四五六七八九十]+(?=[年月日])")
_DIGIT: Final = re.compile(r"\d")
_SPACES: Final = re.compile(r"\s+")
_PAGE_TITLE_SEP: Final = re.compile(r"\s*[_|－—–-]{1,2}\s*")
_BODY_YEAR: Final = re.compile(r"((?:19|20)\d{2})\s*年度")
_TITLE_YEAR_WORDS: Final = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)\s*(?:年\s*度?)?")
_ABOUT: Final = re.compile(r"^\s*关于")


def _cn_numbers(text: str) -> str:
    """二〇二〇年一月十七日 → 2020年1月17日 (dates only need 0–31)."""
    def small(m):
        s = m.group(0)
        if "十" in s:
            a, _, b = s.partition("十")
            return str((int(a.translate(_CN_DIGITS)) if a else 1) * 10 + (int(b.translate(_CN_DIGITS)) if b else 0))
        return s.translate(_CN_DIGITS)

    if not _CN_DIGIT.search(text):
        return text
    return _CN_DATE_NUMBER.sub(small, text)


def _date(m) -> str | None:
    y, mo, d = (int(x) for x in m.groups()[:3])
    try:
        return _dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def agency_like(line: str) -> bool:
    s = line.strip()
    return 3 <= len(s) <= 30 and not _SENTENCE.search(s) and bool(_AGENCY_END.search(s)) and not _DIGIT.search(s)


def find_title(lines: list[str], meta: dict) -> str | None:
    if meta.get("title"):
        return _SPACES.sub(" ", meta["title"]).strip()
    head = [l.strip() for l in lines[:12] if l.strip()][:8]
    for i, line in enumerate(head):
        if _TITLE_WORDS.search(line) and len(line) <= 80 and not line.endswith(("。", "：", ":")):
            title = line
            if i > 0:
                prev = head[i - 1]
                if agency_like(prev) or (len(prev) <= 30 and "公开" in prev and not _SENTENCE.search(prev)):
                    title = prev + title
            return title
    page = meta.get("page_title")
    if page:
        return _PAGE_TITLE_SEP.split(page)[0].strip() or page
    return None


def find_year(title: str | None, text: str, hint: int | None) -> tuple[int | None, str]:
    if title:
        m = _YEAR.search(_cn_numbers(title)) or _TITLE_YEAR.search(_cn_numbers(title))
        if m:
            return int(m.group(1)), "title"
    m = _PERIOD.search(text)
    if m:
        return int(m.group(1)), "reporting period"
    if hint:
        return int(hint), "--year"
    years = _BODY_YEAR.findall(text[:5000])
    if years:
        return int(max(set(years), key=years.count)), "body"
    return None, ""


def agency_from_title(title: str | None) -> str | None:
    if not title:
        return None
    s = _TITLE_YEAR_WORDS.sub(" ", _cn_numbers(title))
    m = _KEYWORDS.search(s)
    head = s[: m.start()] if m else s
    head = _ABOUT.sub("", head).strip(" 　\t-—_·")
    head = _SPACES.sub("", head)
    if head and agency_like(head):
        return head
    return None


def agency_from_body(lines: list[str]) -> str | None:
    """An agency line in the header block under the title (before 一、…)."""
    head = [l.strip() for l in lines[:10] if l.strip()]
    for line in head[1:8]:
        if _SECTION.match(line):
            break
        if agency_like(line):
            return line
    return None


def agency_from_signature(lines: list[str]) -> str | None:
    """The signing agency above the date at the end of the report."""
    for line in [l.strip() for l in lines[-6:] if l.strip()][::-1]:
        if agency_like(line):
            return line
    return None


def find_published(lines: list[str], rows: list, meta: dict) -> str | None:
    if meta.get("published"):
        m = _DATE_ANY.search(_cn_numbers(meta["published"]))
        if m and _date(m):
            return _date(m)
    tail = [l.strip() for l in lines[-8:] if l.strip()]
    for line in reversed(tail):
        m = _DATE_LINE.match(_cn_numbers(line)) or _DATE_LABELLED.search(_cn_numbers(line))
        if m and _date(m):
            return _date(m)
    for row in rows[-4:]:
        text = " ".join(c for c in row if c)
        m = _DATE_LABELLED.search(_cn_numbers(text))
        if m and _date(m):
            return _date(m)
    for line in [l.strip() for l in lines[:10] if l.strip()][:6]:
        if _SECTION.match(line):
            break
        m = _DATE_LINE.match(_cn_numbers(line))
        if m and _date(m):
            return _date(m)
    return None
