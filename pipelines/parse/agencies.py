"""Agency names: short forms printed in reports → canonical full names (catalog agencies.yaml)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

CATALOG = Path(__file__).resolve().parents[1] / "sources" / "agencies.yaml"

# short form → full form, longest first when applied
SHORT_FORMS = {
    "经信局": "经济和信息化局", "经信委": "经济和信息化委员会", "发改局": "发展和改革局",
    "发改委": "发展和改革委员会", "科技局": "科学技术局", "市场监管局": "市场监督管理局",
    "环保局": "环境保护局", "人社局": "人力资源和社会保障局", "住建局": "住房和城乡建设局",
    "卫健委": "卫生健康委员会", "卫健局": "卫生健康局", "交通局": "交通运输局", "应急局": "应急管理局",
    "医保局": "医疗保障局", "农业局": "农业农村局", "资规局": "自然资源和规划局",
    "文广旅局": "文化广电旅游局", "文旅局": "文化和旅游局", "退役军人局": "退役军人事务局",
    "政府办": "人民政府办公室", "政府办公室": "人民政府办公室", "政府": "人民政府",
}
_SHORT_RE = re.compile("|".join(sorted(map(re.escape, SHORT_FORMS), key=len, reverse=True)) + "$")
LEVELS = ("市", "县", "区", "省", "镇", "乡", "街道")


def expand_short(name: str) -> str:
    """市经信局 → 市经济和信息化局; 淮安市政府 → 淮安市人民政府 (full forms are left alone)."""
    if name.endswith(("人民政府", "人民政府办公室")):
        return name
    return _SHORT_RE.sub(lambda m: SHORT_FORMS[m.group(0)], name)


@lru_cache(maxsize=1)
def _catalog() -> tuple[dict[str, str], dict[str, list[str]]]:
    names: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}
    try:
        import yaml

        data = yaml.safe_load(CATALOG.read_text(encoding="utf-8")) or {}
    except Exception:  # the parser works without the catalog
        return names, aliases
    for a in data.get("agencies") or []:
        name = a.get("name")
        if not name:
            continue
        names[name] = name
        for alias in [a.get("short_name")] + list(a.get("aliases") or []) + [
                f.get("name") for f in (a.get("former_names") or []) if isinstance(f, dict)]:
            if alias and name not in aliases.setdefault(alias, []):
                aliases[alias].append(name)
    return names, aliases


@lru_cache(maxsize=1)
def _placed_names() -> tuple[str, ...]:
    """Catalog names and unambiguous aliases that start with a place."""
    names, aliases = _catalog()
    return tuple(n for n in list(names) + [a for a in aliases if len(aliases[a]) == 1] if has_place(n))


def has_place(name: str) -> bool:
    """True when the name starts with a place (嘉兴市…, 嘉善县…), not a bare level (市经信局)."""
    return bool(name) and not name.startswith(LEVELS) and any(l in name[:8] for l in LEVELS)


def _place_of(name: str) -> str:
    m = re.match(r"[\u4e00-\u9fa5]{2,4}?[省市县区]", name)
    return m.group(0) if m else ""


def find_place(short: str, text: str) -> str | None:
    """The place a bare 市经信局 belongs to, from a fuller mention in the body (嘉兴市经信局)."""
    level = short[0]
    rest = short[1:]
    if not rest:
        return None
    variants = {rest, expand_short(short)[1:]}
    best: dict[str, int] = {}
    for v in variants:
        for m in re.finditer(r"([\u4e00-\u9fa5]{2,4}?)" + re.escape(level + v), text):
            place = m.group(1)
            best[place] = best.get(place, 0) + 1
    if not best:
        return None
    return max(best, key=lambda k: best[k])


def canonical(printed: str | None, text: str = "", hint: str | None = None) -> str | None:
    """Canonical full name for an agency as printed; hint is caller context (--agency)."""
    names, aliases = _catalog()
    if hint:
        h = hint.strip()
        if h in names:
            return h
        cands = aliases.get(h) or aliases.get(expand_short(h))
        if cands and len(cands) == 1:
            return cands[0]
        return expand_short(h)
    if not printed:
        return None
    p = printed.strip()
    if p in names:
        return p
    full = expand_short(p)
    if full in names:
        return full
    if not has_place(p):
        place = find_place(p, text)
        if place:
            q = place + p
            if q in names:
                return q
            cands = aliases.get(q) or []
            if len(cands) == 1:
                return cands[0]
            return expand_short(q)
        cands = list(dict.fromkeys((aliases.get(p) or []) + (aliases.get(full) or [])))
        if len(cands) == 1:
            return cands[0]
        scored = sorted(((text.count(_place_of(c)), c) for c in cands if _place_of(c)), reverse=True)
        if scored and scored[0][0] > 0 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
            return scored[0][1]
        return None
    cands = aliases.get(p) or aliases.get(full) or []
    if len(cands) == 1:
        return cands[0]
    return full


_FULL_NAME = re.compile(
    r"([\u4e00-\u9fa5]{2,4}[省市县区](?:人民政府办公室|人民政府|[\u4e00-\u9fa5]{2,12}?(?:委员会|局|办公室)))")


@lru_cache(maxsize=1)
def _placed_probes() -> tuple[tuple[str, str], ...]:
    """(name, probe) for _placed_names(): the probe (the name's first three characters) must occur
    for the name to occur, so one search of a shared probe rules out a whole place."""
    return tuple((n, n[:3]) for n in _placed_names())


def from_text(text: str) -> str | None:
    """Agency named only in the body (a title without agency): the catalog name mentioned most,
    else the first full agency name in the opening text."""
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
    return expand_short(m.group(1)) if m else None


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
