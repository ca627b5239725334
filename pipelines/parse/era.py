"""Template era from the tables' own headers, never from the year."""
from __future__ import annotations

import re
from itertools import chain
from typing import Final


Y2021_MARKS: Final = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "逾期不补正", "收费通知")
Y2019_MARKS: Final = ("本年新制作", "本年新公开", "对外公开总数", "上一年项目数量", "采购项目数量", "采购总金额",
               "政府集中采购", "其他对外管理服务")
PRE_HEADERS: Final = ("统计指标", "指标名称")
PRE_VALUE_HEADERS: Final = ("统计数", "本期实际", "历年累计", "计量单位")


_SPACES: Final = re.compile("[ \t\r\n\u3000\xa0]+")


def detect_era(rows) -> str | None:
    # header words only: skip numbers and long text
    cells = [c for c in filter(None, chain.from_iterable(rows)) if not (c[0].isdigit() or len(c) > 60)]
    if not cells:
        return None
    # the marks are plain CJK words: no NFKC pass over every cell; spaces are removed only when
    # the plain text shows no mark (PDF text layers space out header words)
    text = "\x00" + "\x00".join(cells) + "\x00"
    y21 = sum(text.count(m) for m in Y2021_MARKS)
    y19 = sum(text.count(m) for m in Y2019_MARKS) + text.count("\x00本年新\x00")
    if not (y21 or y19):
        text = _SPACES.sub("", text)
        y21 = sum(text.count(m) for m in Y2021_MARKS)
        y19 = sum(text.count(m) for m in Y2019_MARKS) + text.count("\x00本年新\x00")
    if y21 or y19:
        return "y2021" if y21 > y19 else "y2019"
    pre = sum(text.count("\x00" + h + "\x00") for h in PRE_HEADERS + PRE_VALUE_HEADERS)
    if pre >= 2:
        return "pre2019"
    return None


# header words cut short or split over lines (OCR reads 本年制发 / 件数 as two rows): the tolerant pass
# only, when detect_era finds no whole mark
Y2021_PARTS: Final = ("本年制发", "本年废止", "现行有效", "收费金额", "逾期不补正", "收费通知")
Y2019_PARTS: Final = ("本年新制作", "本年新公开", "对外公开总", "上一年项目", "采购项目", "采购总金额", "集中采购",
                      "对外管理服务")


def detect_era_loose(rows) -> str | None:
    """detect_era, then parts of the header words, spaces removed (y2019 / y2021 only)."""
    era = detect_era(rows)
    if era is not None:
        return era
    cells = [c for c in filter(None, chain.from_iterable(rows)) if not (c[0].isdigit() or len(c) > 60)]
    text = _SPACES.sub("", "\x00".join(cells))
    y21 = sum(text.count(m) for m in Y2021_PARTS)
    y19 = sum(text.count(m) for m in Y2019_PARTS)
    if y21 == y19:
        return None
    return "y2021" if y21 > y19 else "y2019"
