"""Cell values: blanks, 'not applicable' markers, signed counts and money (stored in yuan)."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Final

from .memo import memo

# characters that only pad a cell
_PAD: Final = str.maketrans({"\u3000": " ", "\xa0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ",
                      "\u200b": "", "\ufeff": "", "\t": " ", "\r": " ", "\n": " "})
NA_MARKERS: Final = frozenset({"/", "-", "—", "——", "–", "--", "―", "―", "空", "／", "－", "\\", "n/a", "N/A", "－－", "—-"})
_DASH_SIGN: Final = str.maketrans({"—": "-", "–": "-", "−": "-", "－": "-", "＋": "+"})
_NUM: Final = re.compile(
    r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
    r"(万元|亿元|元|万|件|项|个|条|次|人次|人|篇|期|场)?$"
)
_SCALE: Final = {"万元": 10000, "万": 10000, "亿元": 100000000, "元": 1}


@lru_cache(maxsize=4096)
def clean(raw: str | None) -> str:
    """The cell text as printed, without surrounding padding (ideographic spaces, nbsp)."""
    if not raw:
        return ""
    return raw.translate(_PAD).strip()


@lru_cache(maxsize=4096)
def parse_value(raw: str | None, unit: str = "count", scale: int | None = None):
    """Return ``(value, semantic)`` for one cell.

    unit: ``count`` / ``count_signed`` / ``cny``. scale: multiplier for money cells that carry no
    unit suffix (10000 when the header says 万元). A blank cell is ``(None, "empty")``, never 0.
    """
    s = clean(raw)
    if not s:
        return None, "empty"
    if s in NA_MARKERS:
        return None, "na"
    s = unicodedata.normalize("NFKC", s)
    s = s.translate(_DASH_SIGN).replace(" ", "")
    if not s:
        return None, "empty"
    if s in NA_MARKERS or set(s) <= {"-", "/", "—"}:
        return None, "na"
    m = _NUM.match(s)
    if m is None:
        return None, "text"
    sign, whole, frac, suffix = m.groups()
    try:
        d = Decimal(whole.replace(",", "") + (frac or ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return None, "text"
    if sign == "-":
        d = -d
    value: object
    if unit == "cny":
        mult = _SCALE.get(suffix or "", None)
        if mult is None:
            mult = scale or 1
        value = float(d * mult)
    elif d == d.to_integral_value():
        value = int(d)
    else:
        value = float(d)
    return value, ("zero" if d == 0 else "numeric")


@memo(1024)
def _cell(key: tuple) -> tuple:
    raw, unit, scale = key
    value, sem = parse_value(raw, unit, scale)
    return value, clean(raw), sem


def cell(raw: str | None, unit: str = "count", scale: int | None = None) -> tuple:
    """``(value, value_raw, semantic)`` of one cell: parse_value plus the cleaned text, one memo hit."""
    return _cell((raw, unit, scale))


def is_value_like(raw: str | None) -> bool:
    """True when a cell holds a number, a blank or a 'not applicable' marker (not a label)."""
    return parse_value(raw, "cny")[1] != "text"
