"""Chinese / English labels for every code the dashboard shows, read from `labels.csv` beside this
file (columns kind, code, zh, en). The CSV is the source of truth: add a row there, not here.

    label("metric", "t3_new_received__total")         -> "本年新收政府信息公开申请数量（总计）"
    label("sector", "industry_it", "en")              -> "industry & IT"
    check_label("t3_identity__natural_person", "zh")  -> "申请数量平衡（自然人）"

A code without a row falls back to the code itself, so a missing label is visible on the page
(and `missing()` lists them for the tests) instead of a blank.
"""
from __future__ import annotations

import csv
import functools
from pathlib import Path

LABELS_CSV = Path(__file__).with_name("labels.csv")
LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

# check codes are "<family>__<suffix>": the suffix is an applicant column, a table 三 row, a
# table 四 proceeding, a table 二 item or a metric code, looked up in these kinds in turn
_SUFFIX_KINDS = ("applicant", "t3_row", "proceeding", "item", "metric")


@functools.lru_cache(maxsize=4)
def _table(path: str = str(LABELS_CSV)) -> dict[tuple[str, str], dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return {(r["kind"], r["code"]): {"zh": r["zh"], "en": r["en"]} for r in csv.DictReader(f)}


def has(kind: str, code: str) -> bool:
    return (kind, code) in _table()


def label(kind: str, code, lang: str = DEFAULT_LANG) -> str:
    """The label of `code` in `lang`; the code itself when the file has no row for it."""
    if code is None:
        return "—"
    row = _table().get((kind, str(code)))
    if row is None:
        return str(code)
    return row.get(lang) or row["zh"] or str(code)


def codes(kind: str) -> list[str]:
    return [c for k, c in _table() if k == kind]


def _split_check(code: str) -> tuple[str, str | None]:
    family, sep, suffix = code.partition("__")
    return family, (suffix if sep else None)


def check_known(code: str) -> bool:
    """True when `check_label` can name the check without falling back to its code."""
    if has("check", code):
        return True
    family, suffix = _split_check(code)
    if not has("check", family):
        return False
    return suffix is None or any(has(k, suffix) for k in _SUFFIX_KINDS)


def check_label(code: str, lang: str = DEFAULT_LANG) -> str:
    """A check code in words: the family's label, with its column / row / item in brackets."""
    if code is None:
        return "—"
    if has("check", code):
        return label("check", code, lang)
    family, suffix = _split_check(code)
    if not has("check", family):
        return code
    name = label("check", family, lang)
    if suffix is None:
        return name
    part = next((label(k, suffix, lang) for k in _SUFFIX_KINDS if has(k, suffix)), suffix)
    return f"{name}（{part}）" if lang == "zh" else f"{name} ({part})"


def check_explanation(code: str, lang: str = DEFAULT_LANG) -> str:
    """What the check compares, in a sentence ("" when the file does not explain the family)."""
    family, _ = _split_check(code or "")
    for key in (code, family):
        if has("check_explain", key):
            return label("check_explain", key, lang)
    return ""


def missing(kind: str, values) -> list[str]:
    """The values of `kind` the file has no label for (for checks: that check_label cannot name)."""
    known = check_known if kind == "check" else (lambda v: has(kind, v))
    return sorted({str(v) for v in values if v is not None and not known(str(v))})


def tr(zh: str, en: str, lang: str = DEFAULT_LANG) -> str:
    """Interface prose that is not a code: both texts written where they are used."""
    return en if lang == "en" else zh
