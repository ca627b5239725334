"""Label normalisation: spacing, full/half-width brackets, quotes, list numbering."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

_DROP: Final = dict.fromkeys(map(ord, " \t\r\n\u3000\xa0\u200b\ufeff\u2002\u2003\"'“”‘’「」『』《》<>"), None)
_PUNCT: Final = str.maketrans({"、": ".", "，": ".", ",": ".", "．": ".", "：": ":", "；": ";",
                        "【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")"})
_ENUM: Final = re.compile(
    r"^(?:其中:?|\((?:[一二三四五六七八九十]+|\d+)\)|[一二三四五六七八九十]+[.:]|\d+[.:)]|第[一二三四五六七八九十]+[部分项]?[.:]?)+"
)
_PAREN: Final = re.compile(r"\([^()]*\)?")


def norm(text: str | None) -> str:
    """NFKC, no whitespace or quotes, 、，, → '.', （） → ()."""
    if not text:
        return ""
    if len(text) > 80:  # long text: not worth a cache slot
        return _norm(text)
    return _norm_cached(text)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_DROP).translate(_PUNCT)


_norm_cached: Final = lru_cache(maxsize=4096)(_norm)


@lru_cache(maxsize=4096)
def core(text: str | None) -> str:
    """norm() without leading numbering (一、 (一) 1. 其中：) and parenthetical notes."""
    s = norm(text)
    prev = None
    while prev != s:
        prev = s
        s = _ENUM.sub("", s)
    s = _PAREN.sub("", s)
    return s.strip(".:;")


@lru_cache(maxsize=4096)
def is_label(cell: str | None) -> bool:
    """A cell that names something (not a number, blank or one-character marker)."""
    if not cell:
        return False
    from .numbers import parse_value

    value, sem = parse_value(cell, "cny")
    if sem != "text":
        return False
    return len(norm(cell)) >= 2
