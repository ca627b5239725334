"""What a rendering adds around the tables and is no part of them: page footers (— 3 —, 第 3 页) and
the placeholder header rows converters invent for a table piece (数据1 … 数据6). The shapes are
data (data/page_footers.csv, data/placeholder_headers.csv): `{n}` stands for a number."""
from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"
_DASHES = str.maketrans({c: "—" for c in "-–－―‐−‒"})
_SPACE = re.compile(r"\s+")


def _key(text: str) -> str:
    """NFKC, lower case, no whitespace, every dash as —: the form the patterns are written in."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).lower().translate(_DASHES)


def _compile(name: str) -> re.Pattern:
    with (_DATA / name).open(encoding="utf-8", newline="") as fh:
        pats = [row["pattern"].strip() for row in csv.DictReader(fh) if (row.get("pattern") or "").strip()]
    alts = [re.escape(_key(p).replace("{n}", "\x00")).replace("\x00", r"\d{1,4}") for p in pats]
    return re.compile("(?:" + "|".join(alts) + ")")


_FOOTER = _compile("page_footers.csv")
_PLACEHOLDER = _compile("placeholder_headers.csv")


@lru_cache(maxsize=1024)
def is_page_footer(text: str | None) -> bool:
    """A line (or a row's only cell) that is a page number: — 3 —, - 3 -, 第 3 页, 3 / 10."""
    if not text or len(text) > 24:
        return False
    return _FOOTER.fullmatch(_key(text)) is not None


_NUMBER = re.compile(r"\d+")


@lru_cache(maxsize=1024)
def _placeholder_no(text: str) -> int | None:
    """The number of a placeholder name (数据3 → 3), None for any other text."""
    key = _key(text)
    if len(key) > 16 or _PLACEHOLDER.fullmatch(key) is None:
        return None
    return int(_NUMBER.findall(key)[-1])


def is_placeholder_header(cells) -> bool:
    """A header row of invented names only, numbered on (数据1 | 数据2 | …, or 1 | 2 | 3; blank cells
    allowed, at least two named). The run of numbers keeps a row of values (0 | 1 | 5) a row."""
    nos = [_placeholder_no(c) for c in cells if c and c.strip()]
    if len(nos) < 2 or None in nos:
        return False
    return all(b == a + 1 for a, b in zip(nos, nos[1:]))  # type: ignore[operator]
