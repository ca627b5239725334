"""The agency catalog (pipelines/sources/agencies.yaml) and the small API the rest of the project uses:
canonical(), expand_short(), has_place(), from_text(). The resolution from a document's evidence is in
agency_resolve.py; names are taken apart in agency_names.py."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .agency_names import clean, parse_name
from .agency_names import expand_short as expand_short

CATALOG = Path(__file__).resolve().parents[1] / "sources" / "agencies.yaml"
LEVELS = ("市", "县", "区", "省", "镇", "乡", "街道")


class CatalogAgency(NamedTuple):
    name: str
    division: str | None
    kind: str | None
    admin_level: str | None
    sector: str | None


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, CatalogAgency], dict[str, list[str]]]:
    entries: dict[str, CatalogAgency] = {}
    aliases: dict[str, list[str]] = {}
    try:
        import yaml

        data = yaml.safe_load(CATALOG.read_text(encoding="utf-8")) or {}
    except Exception:  # the parser works without the catalog
        return entries, aliases
    for a in data.get("agencies") or []:
        name = a.get("name")
        if not name:
            continue
        code = a.get("division_code")
        entries[name] = CatalogAgency(name, str(code) if code else None, a.get("kind"), a.get("admin_level"),
                                      a.get("sector"))
        for alias in [a.get("short_name")] + list(a.get("aliases") or []) + [
                f.get("name") for f in (a.get("former_names") or []) if isinstance(f, dict)]:
            if alias and name not in aliases.setdefault(alias, []):
                aliases[alias].append(name)
    return entries, aliases


def _catalog() -> tuple[dict[str, str], dict[str, list[str]]]:
    """(name → name, alias → names) of the catalog."""
    entries, aliases = _load()
    return {n: n for n in entries}, aliases


def catalog_entry(name: str) -> CatalogAgency | None:
    return _load()[0].get(name)


def catalog_matches(printed: str) -> list[str]:
    """Catalog names a printed name stands for: itself, or the agencies with it as alias / former name."""
    entries, aliases = _load()
    if printed in entries:
        return [printed]
    return list(aliases.get(printed) or ())


def has_place(name: str) -> bool:
    """True when the name starts with a place (嘉兴市…, 嘉善县…, 平潭综合实验区…), not a bare level (市经信局)."""
    s = clean(name)
    p = parse_name(s) if s else None
    if p is not None:
        return bool(p.places or p.area_text or p.open_place)
    return bool(s) and not s.startswith(LEVELS) and any(lv in s[:8] for lv in LEVELS)


def canonical(printed: str | None, text: str = "", hint: str | None = None) -> str | None:
    """Canonical full name for an agency as printed, with `text` as the only other evidence; hint is
    caller context (--agency). (parse_document resolves with all the evidence: agency_resolve.resolve.)"""
    from .agency_resolve import resolve

    return resolve(title_agency=printed, text=text, agency=hint).name


@lru_cache(maxsize=1)
def _placed_names() -> tuple[str, ...]:
    """Catalog names and unambiguous aliases that start with a place."""
    names, aliases = _catalog()
    return tuple(n for n in list(names) + [a for a in aliases if len(aliases[a]) == 1] if has_place(n))


_FULL_NAME = re.compile(
    r"([\u4e00-\u9fa5]{2,4}[省市县区](?:人民政府办公室|人民政府|[\u4e00-\u9fa5]{2,12}?(?:委员会|局|办公室)))")


@lru_cache(maxsize=1)
def _placed_probes() -> tuple[tuple[str, str], ...]:
    """(name, probe) for _placed_names(): the probe (the name's first three characters) must occur
    for the name to occur, so one search of a shared probe rules out a whole place."""
    return tuple((n, n[:3]) for n in _placed_names())


def from_text(text: str) -> str | None:
    """Agency named only in the body (no title, header, signature or page meta names one): the
    catalog name mentioned most, else the first full agency name of the opening text when the text
    names it again (as printed)."""
    names, aliases = _catalog()
    head = text[:4000]
    best, best_n = None, 0
    present: dict[str, bool] = {}
    for name, probe in _placed_probes():
        hit = present.get(probe)
        if hit is None:
            hit = present[probe] = probe in head
        if not hit:
            continue  # count 0: never changes best
        n = head.count(name)
        if n > best_n or (n == best_n and n and best and len(name) > len(best)):
            best, best_n = name, n
    if best:
        return names.get(best) or aliases[best][0]
    m = _first_full_name(text[:1500])
    if m is None:
        return None
    # the regex stops at the first organ word (江苏省人民政府|办公厅): the longest name that parses,
    # and only a name the text repeats (a single mention is as often a superior agency's)
    start, name = m.start(1), m.group(1)
    for k in range(8, 0, -1):
        longer = text[start:m.end(1) + k]
        if parse_name(longer) is not None:
            name = longer
            break
    return name if head.count(name) >= 2 else None


_LEVEL_CHAR = re.compile("[省市县区]")


def _first_full_name(head: str):
    """_FULL_NAME.search(head), tried only where a name can start: 2–4 characters before a 省市县区
    (a search tries every position of the CJK text, several times slower)."""
    tried = -1  # starts below this are done
    for level in _LEVEL_CHAR.finditer(head, 2):
        p = level.start()
        for start in range(max(p - 4, tried + 1), p - 1):
            m = _FULL_NAME.match(head, start)
            if m:
                return m
        tried = p - 2
    return None
