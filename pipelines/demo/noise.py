"""OCR-like noise: one-character confusions drawn from data/confusables.csv (real look-alike pairs:
沭/沐, 己/已, 末/未, 人/入, 0/O, 1/l, full-width brackets read half-width …).  Applied to labels and
prose only — a confused digit inside a value cell is a separate, deliberate case whose truth must
stay null (copies.py) — and never inside the protected spans (agency names, the narrative
figures, dates)."""
from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CONFUSABLES_FILE = Path(__file__).with_name("data") / "confusables.csv"
KINDS = ("hanzi", "digit", "punct")


@dataclass(frozen=True)
class Pair:
    printed: str
    read_as: str
    kind: str


@lru_cache(maxsize=1)
def load_confusables(path: Path = CONFUSABLES_FILE) -> tuple[Pair, ...]:
    with open(path, encoding="utf-8", newline="") as f:
        return tuple(Pair(r["printed"], r["read_as"], r["kind"]) for r in csv.DictReader(f))


def _table(kinds: tuple[str, ...]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in load_confusables():
        if p.kind in kinds:
            out.setdefault(p.printed, []).append(p.read_as)
    return out


_DIGITS_IN_PROSE = re.compile(r"[0-9０-９]+")


def protected_spans(text: str, names: list[str]) -> list[tuple[int, int]]:
    """Spans OCR noise leaves alone: the names, every number and its two neighbours (dates,
    主动公开政府信息N条, 信息处理费N元)."""
    spans = []
    for n in names:
        if n:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(n), text)]
    spans += [(max(0, m.start() - 8), m.end() + 2) for m in _DIGITS_IN_PROSE.finditer(text)]
    return spans


def confuse(text: str, rng: random.Random, *, rate: float, kinds: tuple[str, ...] = ("hanzi", "punct"),
            protect: list[tuple[int, int]] = (), limit: int = 3) -> tuple[str, list[tuple[int, str, str]]]:
    """Replace up to ``limit`` characters of ``text`` by a look-alike, each with probability
    ``rate``; returns the text and the changes (position, printed, read as)."""
    table = _table(tuple(kinds))
    chars = list(text)
    changes: list[tuple[int, str, str]] = []
    for i, ch in enumerate(chars):
        if len(changes) >= limit:
            break
        alts = table.get(ch)
        if not alts or any(a <= i < b for a, b in protect):
            continue
        if rng.random() < rate:
            new = alts[rng.randrange(len(alts))]
            chars[i] = new
            changes.append((i, ch, new))
    return "".join(chars), changes


def confuse_one(text: str, rng: random.Random, kinds: tuple[str, ...]) -> tuple[str, list[tuple[int, str, str]]]:
    """Exactly one confusion when ``text`` has a confusable character (the first one drawn)."""
    table = _table(tuple(kinds))
    idx = [i for i, ch in enumerate(text) if ch in table]
    if not idx:
        return text, []
    i = idx[rng.randrange(len(idx))]
    alts = table[text[i]]
    new = alts[rng.randrange(len(alts))]
    return text[:i] + new + text[i + 1:], [(i, text[i], new)]
