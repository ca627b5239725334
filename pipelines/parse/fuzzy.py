"""Fuzzy label matching: edit distance over look-alike characters (data/label_confusables.csv)
against the template's labels (data/label_synonyms.csv).

Used only by the tolerant pass, and always against a small set of labels the template allows at
that point of the table: a printed label is matched when exactly one allowed label is clearly the
closest (`best`), never by the nearest label of the whole catalog.
"""
from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache
from pathlib import Path

from .labels import core

_DATA = Path(__file__).resolve().parent / "data"

THRESHOLD = 0.6  # similarity the best label must reach (1 - distance / longer length)
MARGIN = 0.15  # and by which it must beat the second best


def _load_confusables() -> dict[str, str]:
    """character → the first character of its look-alike group."""
    out: dict[str, str] = {}
    with (_DATA / "label_confusables.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            chars = (row.get("chars") or "").strip()
            for ch in chars:
                if ch in out and out[ch] != chars[0]:
                    raise ValueError(f"label_confusables.csv: {ch!r} is in two groups")
                out[ch] = chars[0]
    return out


def _load_synonyms() -> dict[str, tuple[str, ...]]:
    """template row (t3_<key> / t2_<row>) → its labels, the national one first."""
    out: dict[str, list[str]] = {}
    with (_DATA / "label_synonyms.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["row"].strip(), []).append(row["label"].strip())
    return {k: tuple(v) for k, v in out.items()}


_SKELETON = str.maketrans(_load_confusables())
SYNONYMS: dict[str, tuple[str, ...]] = _load_synonyms()


@lru_cache(maxsize=4096)
def skeleton(text: str) -> str:
    """core() of the label with every look-alike character replaced by its group's first."""
    return core(unicodedata.normalize("NFKC", text).translate(_SKELETON)).translate(_SKELETON)


def distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance (labels are short: the plain O(len·len) table is enough). With `limit`:
    any distance above it comes back as limit + 1, found early (a prose line against a label)."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    if limit is not None and len(a) - len(b) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if limit is not None and min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


# below this similarity a label cannot be the best nor within MARGIN of it: computed no further
_FLOOR = THRESHOLD - MARGIN


@lru_cache(maxsize=8192)
def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    longer = max(len(a), len(b))
    limit = int((1.0 - _FLOOR) * longer)
    common = sum(min(a.count(ch), b.count(ch)) for ch in set(a) if ch in b)
    if longer - common > limit:  # every character not in common costs an edit at least
        return 0.0
    d = distance(a, b, limit)
    return 0.0 if d > limit else 1.0 - d / longer


def similarity(printed: str, label: str) -> float:
    """1 − distance / longer length, on skeletons (0 … 1; 0 for anything below THRESHOLD − MARGIN)."""
    return _similarity(skeleton(printed), skeleton(label))


def score(printed: str, row: str) -> float:
    """How well a printed label names a template row: its best label."""
    return max((similarity(printed, lab) for lab in SYNONYMS.get(row, ())), default=0.0)


def best(printed, rows) -> tuple[str | None, float]:
    """(the row among `rows` that the printed label(s) name, its score), or (None, best score) when
    no row reaches THRESHOLD or two are within MARGIN of each other. `printed`: one label or
    several readings of it (leaf, whole path); the best reading of each row counts."""
    texts = [printed] if isinstance(printed, str) else [t for t in printed if t]
    scored = sorted(((max(score(t, r) for t in texts) if texts else 0.0, r) for r in rows), reverse=True)
    if not scored or scored[0][0] < THRESHOLD:
        return None, scored[0][0] if scored else 0.0
    if len(scored) > 1 and scored[0][0] - scored[1][0] < MARGIN:
        return None, scored[0][0]
    return scored[0][1], scored[0][0]
