"""Who published a document, from all the evidence it carries: the title, the header line under it,
the signature, the page meta (发布机构 / ContentSource / SiteName), fuller mentions in the body, and
the caller's context (agency= hint, division= hint: the jurisdiction of the source).

The result is a canonical full name with its GB/T 2260 division, kind, level, sector, a confidence
and the evidence used; or no name (as printed kept) when the evidence does not establish one. A
wrong name is worse than none: places are never guessed, and disagreeing evidence is reported
("agency evidence conflicts: …").

Order of the evidence for the agency itself: hint > title > header > signature > 发布机构 >
ContentSource > body. A bare level (市科委) takes its place from: the signature / 发布机构 /
ContentSource, the division hint, SiteName, then a fuller mention of the same department in the body.
"""
from __future__ import annotations

import re
from typing import Final, NamedTuple

from . import agencies as _cat
from .agency_names import (NameParse, canonical_name, clean, parse_name, place_prefix,
                           with_level_name)
from .agency_places import (CONF_PLACE_BODY, CONF_PLACE_CONTEXT, Ctx, disambiguate, division_hint, nested,
                            place_for)
from .refdata import divisions

# how much each way of establishing the agency is trusted (1.0: printed in full, or catalog/hint)
_CONF_EXPANDED: Final = 0.95  # the document prints the place; a short form was written in full
_CONF_PREFIXED: Final = 0.9  # a district named without its city, unique nationwide (洪泽区)
_CONF_OPEN: Final = 0.6  # a place below or outside the table (镇, 街道), or named only in the body
_CONF_AREA_OPEN: Final = 0.7  # a special area not in the data file
_CONF_CONFLICT: Final = 0.5


# a title's agency part when meta.agency_from_title finds none (平潭综合实验区2022年… ends in 区)
_TITLE_YEAR: Final = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)\s*(?:年\s*度?)?|[〇○零一二三四五六七八九]{4}\s*年\s*度?")
_TITLE_KEYWORDS: Final = re.compile(r"政府信息公开|政务信息公开|政务公开|信息公开|年度报告|年报|工作报告")
_MARKUP: Final = re.compile(r"[#*`>|【】\[\]“”\"]")


class Resolved(NamedTuple):
    name: str | None
    as_printed: str | None
    division: str | None
    kind: str | None
    admin_level: str | None
    sector: str | None
    confidence: float | None
    evidence: list
    warnings: list


class _Found(NamedTuple):
    name: str
    division: str | None
    kind: str | None
    sector: str | None
    confidence: float
    evidence: list  # [(field, text)]
    township: bool = False  # below the county level (镇/乡/街道): no admin level of the table


# --------------------------------------------------------------------------- entry points

def resolve(*, title_agency: str | None = None, header: str | None = None, signature: str | None = None,
            meta: dict | None = None, text: str = "", title: str | None = None, agency: str | None = None,
            division: str | None = None) -> Resolved:
    """Combine the evidence of one document (any part may be missing) into its agency."""
    meta = meta or {}
    warnings: list[str] = []
    hint_div = division_hint(division, warnings)
    printed_title = clean(title_agency) or _title_head(title)
    printed_header = clean(header)
    items = [(f, v) for f, v in (("title", printed_title), ("header", printed_header),
                                 ("signature", clean(signature)),
                                 ("meta_publisher", clean(meta.get("publisher"))),
                                 ("meta_source", clean(meta.get("source")))) if v]
    as_printed = printed_title or printed_header or None
    ctx = Ctx(items, text, clean(meta.get("site")), hint_div)

    found = _from_document(ctx)
    if agency:
        h = clean(agency)
        own = found
        ctx.warnings = []
        hinted = _identify(h, ctx) if h else None
        found = (hinted._replace(confidence=1.0, evidence=[("hint", agency)] + hinted.evidence)
                 if hinted is not None else None)
        if found is None and h and parse_name(h) is None:
            found = _Found(h, None, None, None, 1.0, [("hint", agency)])  # the caller's name, as given
        if found is None:
            ctx.warnings.append(f"agency unresolved: --agency {agency} names no place and the document gives none")
        if own is not None and found is not None and own.name != found.name and as_printed:
            warnings.append(f"--agency {agency} differs from the document's {own.name}")
    if found is not None and hint_div and found.division and not nested(found.division, hint_div):
        ctx.warnings.append(f"agency evidence conflicts: division hint {hint_div} "
                            f"({divisions().by_code[hint_div].name}) vs {found.name} ({found.division})")
        found = found._replace(confidence=min(found.confidence, _CONF_CONFLICT))
    warnings.extend(dict.fromkeys(ctx.warnings))  # (each item of evidence may hit the same ambiguity)
    if found is None:
        if as_printed and not ctx.warnings:
            bp = parse_name(as_printed)
            why = (f"a bare {bp.bare} and no place in the evidence" if bp is not None and bp.bare else
                   "no place in the name or the evidence" if bp is not None else
                   "not a name the division table and the department lexicon make canonical")
            warnings.append(f"agency unresolved: {as_printed} ({why})")
        return Resolved(None, as_printed, None, None, None, None, None, [], warnings)
    level = None
    if found.division and not found.township:
        d = divisions().by_code.get(found.division)
        level = d.level if d is not None else None
    entry = _cat.catalog_entry(found.name)
    if entry is not None and entry.admin_level:
        level = entry.admin_level
    evidence = [{"field": f, "text": t} for f, t in dict.fromkeys(found.evidence)]
    return Resolved(found.name, as_printed, found.division, found.kind, level, found.sector,
                    round(found.confidence, 2), evidence, warnings)


def _from_document(ctx: Ctx) -> _Found | None:
    """The agency the document's own evidence establishes (first item that names one), checked
    against the other items."""
    found: _Found | None = None
    primary = ""
    anchor: NameParse | None = None  # what the title/header prints when it cannot be established alone
    for field, printed in ctx.items:
        f = _identify(printed, ctx)
        if f is not None and (anchor is None or _fits(anchor, f)):
            found = f._replace(evidence=[(field, printed)] + f.evidence)
            primary = field
            break
        if anchor is None and field in ("title", "header"):
            anchor = parse_name(printed)
    if found is None:
        named = _cat.from_text(ctx.text)
        if named:
            f = _identify(_strip_lead(named), ctx, complete=False)
            if f is not None and (anchor is None or _fits(anchor, f)):
                return f._replace(confidence=min(f.confidence, _CONF_OPEN), evidence=[("body", named)] + f.evidence)
        return None
    said = {p for f, p in ctx.items if f == primary}
    for field, printed in ctx.items:
        if printed in said:  # (the same words as the primary evidence say the same)
            continue
        said.add(printed)
        other = _identify(printed, ctx, complete=False, quiet=True)
        if other is not None and not _same_agency(found.name, other.name):
            ctx.warnings.append(f"agency evidence conflicts: {primary} {found.name} vs {field} {other.name}")
            found = found._replace(confidence=min(found.confidence, _CONF_CONFLICT))
    return found


# --------------------------------------------------------------------------- one printed name

def _identify(printed: str, ctx: Ctx, complete: bool = True, quiet: bool = False) -> _Found | None:
    """The agency one printed name stands for. complete=False: only when the name says it by itself
    (no place taken from elsewhere, no ambiguity decided)."""
    p = parse_name(printed)
    names = _cat.catalog_matches(printed)
    if not names and p is not None and p.dept_text:
        names = _cat.catalog_matches(printed[: len(printed) - len(p.dept_text)] + p.dept_full)
    if p is not None and p.bare:  # 市发改委: the catalog's agency only if the evidence places it there
        return _complete(p, names, ctx) if complete else None
    if len(names) == 1:
        return _catalog_found(names[0], printed)
    if p is None:
        return None
    if p.area is not None:
        name = canonical_name(p, None) or printed
        return _with_catalog(_Found(name, p.area.division, p.kind, _sector(p), 1.0 if name == printed else
                                    _CONF_EXPANDED, []))
    if p.area_text:
        name = canonical_name(p, None) or printed
        code = p.codes[0] if len(p.codes) == 1 else None
        return _Found(name, code, p.kind, _sector(p), _CONF_AREA_OPEN, [])
    if p.dept is not None and p.dept.national and not p.places:
        return _Found(p.dept_full, None, p.kind, _sector(p), 1.0 if p.dept_full == printed else _CONF_EXPANDED, [])
    if p.codes:
        ev: list[tuple[str, str]] = []
        if len(p.codes) == 1:
            code = p.codes[0]
        else:
            if not complete:
                return None
            picked = disambiguate(p, ctx, quiet)
            if picked is None:
                return None
            code, ev = picked
        placed_name = canonical_name(p, code)
        if placed_name is None:
            return None
        if placed_name == printed:
            conf = 1.0
        elif place_prefix(code) in printed:
            conf = _CONF_EXPANDED
        else:
            conf = _CONF_PREFIXED
        if ev:
            conf = min(conf, CONF_PLACE_CONTEXT)
        return _with_catalog(_Found(placed_name, code, p.kind, _sector(p), conf, ev, bool(p.open_place)))
    if p.open_place:
        open_name = canonical_name(p, None)
        return _Found(open_name, None, p.kind, _sector(p), _CONF_OPEN, [], True) if open_name else None
    return None


def _complete(p: NameParse, catalog_names: list[str], ctx: Ctx) -> _Found | None:
    """A bare level (市科委) with its place from the other evidence; a catalog alias several agencies
    share (市经信局) also by which agency's place the document mentions."""
    placed = place_for(p, ctx)
    if placed is not None:
        code, field, text, conf = placed
        name = canonical_name(p, code)
        if name:
            return _with_catalog(_Found(name, code, p.kind, _sector(p), conf, [(field, text)]))
    if catalog_names:  # as the catalog resolution always did: the one place mentioned most
        divs = divisions()
        scored = []
        for n in catalog_names:
            e = _cat.catalog_entry(n)
            d = divs.by_code.get(e.division or "") if e is not None else None
            if d is not None:
                scored.append((ctx.text.count(d.name) + ctx.site.count(d.name), n, d.name))
        scored.sort(reverse=True)
        if scored and scored[0][0] > 0 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
            f = _catalog_found(scored[0][1], p.printed)
            return f._replace(confidence=CONF_PLACE_BODY, evidence=[("body", scored[0][2])] + f.evidence)
    return None


# --------------------------------------------------------------------------- helpers

def _catalog_found(name: str, printed: str) -> _Found:
    e = _cat.catalog_entry(name)
    assert e is not None
    ev = [] if name == printed else [("catalog", name)]
    return _Found(name, e.division, e.kind, e.sector, 1.0, ev)


def _with_catalog(f: _Found) -> _Found:
    """A name the catalog knows (as a name, alias or former name) takes the catalog's agency."""
    names = _cat.catalog_matches(f.name)
    if len(names) != 1:
        return f
    e = _cat.catalog_entry(names[0])
    assert e is not None
    ev = f.evidence + ([("catalog", e.name)] if e.name != f.name else [])
    return _Found(e.name, e.division or f.division, e.kind or f.kind, e.sector or f.sector, f.confidence, ev)


def _sector(p: NameParse) -> str | None:
    return p.dept.sector or None if p.dept is not None else ("general_government" if p.kind == "special_area" else None)


def _fits(anchor: NameParse, f: _Found) -> bool:
    """Whether an agency found in later evidence can be the one the title prints without a place
    (市场监督管理局, 市经信局, 朝阳区人民政府): the same department, at a place the printed name allows."""
    q = parse_name(f.name)
    if q is None or q.dept_full != anchor.dept_full or bool(q.area_text) != bool(anchor.area_text):
        return False
    if anchor.bare:
        return f.division is not None and with_level_name(f.division, anchor.bare) == f.division
    if anchor.codes:
        return f.division in anchor.codes
    return True


def _same_agency(a: str, b: str) -> bool:
    """The same agency, or a government and its general office (reports of 县人民政府 are often signed
    by 县人民政府办公室)."""
    if a == b:
        return True
    for x, y in ((a, b), (b, a)):
        if y.startswith(x) and y[len(x):] in ("办公室", "办公厅") and x.endswith("人民政府"):
            return True
    return False


def _strip_lead(name: str) -> str:
    """A name read out of running text may carry a few characters of the sentence in front
    (安排平湖市发展和改革局): the first start at which it parses with a known place."""
    for k in range(0, min(5, len(name) - 3)):
        p = parse_name(name[k:])
        if p is not None and (p.places or p.area is not None):
            return name[k:]
    return name


def _title_head(title: str | None) -> str:
    """The agency a title names when meta.agency_from_title finds none: a special area
    (平潭综合实验区2022年… ends in 区) or a name inside markup (**江苏省人民政府办公厅**2021年…)."""
    if not title:
        return ""
    special = "区" in title or "港" in title  # every special-area suffix ends so
    if not special and not _MARKUP.search(title):
        return ""
    s = _TITLE_YEAR.sub(" ", title)
    m = _TITLE_KEYWORDS.search(s)
    if m is None:
        return ""
    head = clean(s[: m.start()])
    if head.startswith("关于"):
        head = head[2:]
    p = parse_name(head) if 3 <= len(head) <= 30 else None
    return head if p is not None and (p.kind is not None) else ""
