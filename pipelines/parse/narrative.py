"""Figures stated in the prose, under their own codes (only patterns that name the figure exactly)."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from .numbers import clean

_NUM: Final = r"([0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万]+)"
REQUESTS: Final = re.compile(
    r"(?:收到|受理|接到|接收)(?:各类)?(?:政府信息公开|依申请公开|信息公开)(?:申请)?(?:事项|件数|件)?"
    r"(?:共计|共|总计|合计)?\s*" + _NUM + r"\s*件")
REQUESTS_NONE: Final = re.compile(r"(?:没有|未|无)(?:收到|受理|接到)(?:到)?(?:任何)?(?:政府信息公开|依申请公开|信息公开)(?:的)?申请")
PROACTIVE: Final = re.compile(
    r"(?:主动公开|公开|公布|发布)(?:各类)?政府信息(?:共计|共|总计|合计)?\s*([0-9]+)\s*条")
FEE: Final = re.compile(r"收取(?:政府信息公开)?信息处理费(?:共计|共|合计)?\s*([0-9]+(?:\.[0-9]+)?)\s*(万元|元)")
FEE_NONE: Final = re.compile(r"(?:未|没有|无|不)收取(?:任何)?(?:政府信息公开)?(?:信息处理费|费用)|信息处理费\s*(?:为)?\s*0\s*元")


def _number(s: str):
    if s.replace(".", "", 1).isdigit():
        return float(s) if "." in s else int(s)
    try:
        import cn2an

        return int(cn2an.cn2an(s.replace("两", "二"), "smart"))
    except Exception:
        return None


def narrative_metrics(text: str) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    m = REQUESTS.search(text)
    if m:
        v = _number(m.group(1))
        if v is not None:
            out["n_requests_received"] = (v, clean(m.group(0)), "zero" if v == 0 else "numeric")
    elif (m := REQUESTS_NONE.search(text)):
        out["n_requests_received"] = (0, clean(m.group(0)), "zero")
    m = PROACTIVE.search(text)
    if m:
        v = int(m.group(1))
        out["n_proactive_items_total"] = (v, clean(m.group(0)), "zero" if v == 0 else "numeric")
    m = FEE.search(text)
    if m:
        v = float(Decimal(m.group(1)) * (10000 if m.group(2) == "万元" else 1))
        out["n_info_fee_collected_cny"] = (v, clean(m.group(0)), "zero" if v == 0 else "numeric")
    elif ("收取" in text or "信息处理费" in text) and (m := FEE_NONE.search(text)):  # (words FEE_NONE needs)
        out["n_info_fee_collected_cny"] = (0.0, clean(m.group(0)), "zero")
    return out
