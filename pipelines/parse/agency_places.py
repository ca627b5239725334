"""Where an agency lies, from the evidence of its document: the place of a bare level (市科委 →
上海市, from the signature / 发布机构 / ContentSource, the division hint, SiteName, a fuller mention in
the body) and the one division an ambiguous place name stands for (朝阳区 → 北京市 or 长春市)."""
from __future__ import annotations

from typing import Final

from .agency_names import NameParse, parse_name, with_level_name
from .refdata import divisions, lexicon

# confidence of a place taken from other evidence (agency_resolve.py has the rest of the scale)
CONF_PLACE_IDENTITY: Final = 0.85  # place from the signature / 发布机构 / ContentSource
CONF_PLACE_CONTEXT: Final = 0.75  # place from the division hint or the site name
CONF_PLACE_BODY: Final = 0.8  # place from a fuller mention in the body
_IDENTITY: Final = ("signature", "meta_publisher", "meta_source")
_MAX_MENTIONS: Final = 64  # occurrences of a department looked at in the body


class Ctx:
    """The evidence of one document, parsed once."""

    def __init__(self, items: list[tuple[str, str]], text: str, site: str, division: str | None):
        self.items = items  # (field, cleaned printed name) of the agency evidence, in priority order
        self.text = text
        self.site = site
        self.division = division
        self.warnings: list[str] = []


def place_for(p: NameParse, ctx: Ctx) -> tuple[str, str, str, float] | None:
    """(code, field, text, confidence) of the division a bare level names, or None."""
    lv = p.bare
    for field, printed in ctx.items:
        if field not in _IDENTITY:
            continue
        q = parse_name(printed)
        code = own_code(q)
        if code is not None:
            c = with_level_name(code, lv)
            if c is not None:
                return c, field, printed, CONF_PLACE_IDENTITY
    if ctx.division:
        c = with_level_name(ctx.division, lv)
        if c is not None:
            return c, "division_hint", ctx.division, CONF_PLACE_CONTEXT
    if ctx.site:
        code = own_code(parse_name(ctx.site))
        if code is not None:
            c = with_level_name(code, lv)
            if c is not None:
                return c, "meta_site", ctx.site, CONF_PLACE_CONTEXT
    got = mentions(p, ctx.text)
    if got is not None:
        return got[0], "body", got[1], CONF_PLACE_BODY
    return None


def own_code(q: NameParse | None) -> str | None:
    """The division a parsed name places itself in, when it does so unambiguously."""
    if q is None:
        return None
    if q.area is not None:
        return q.area.division
    return q.codes[0] if len(q.codes) == 1 else None


def mentions(p: NameParse, text: str) -> tuple[str, str] | None:
    """The division a fuller mention of the same department in the body names (上海市科委 for 市科委):
    (code, the mention) of the one mentioned most, None when none or a tie."""
    if not text or p.dept is None:
        return None
    divs = divisions()
    lv = p.bare
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    seen = 0
    for form in lexicon().variants.get(p.dept.full, (p.dept.full,)):
        needle = lv + form
        start = 0
        while seen < _MAX_MENTIONS:
            k = text.find(needle, start)
            if k < 0:
                break
            start = k + len(needle)
            seen += 1
            end = k + len(lv)
            for n in range(min(divs.max_len, end), len(lv), -1):
                codes = divs.by_name.get(text[end - n:end])
                if codes:
                    cur = [c for c in codes if divs.by_code[c].current] or list(codes)
                    if len(cur) > 1:  # 朝阳区: only with its city printed in front
                        cur = [c for c in cur if text[:end - n].endswith(
                            divs.by_code[divs.by_code[c].parent].name if divs.by_code[c].parent else "\0")]
                    if len(cur) == 1 and with_level_name(cur[0], lv) == cur[0]:
                        counts[cur[0]] = counts.get(cur[0], 0) + 1
                        shown.setdefault(cur[0], text[end - n:start])
                    break
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0], shown[ranked[0][0]]


def disambiguate(p: NameParse, ctx: Ctx, quiet: bool) -> tuple[str, list] | None:
    """One of the divisions an ambiguous place name (朝阳区) stands for, from evidence only: the
    division hint, a place in the other evidence, or a mention of the candidate's city."""
    divs = divisions()
    cands = p.codes
    if ctx.division:
        hit = [c for c in cands if nested(c, ctx.division)]
        if len(hit) == 1:
            return hit[0], [("division_hint", ctx.division)]
    for field, printed in ctx.items + [("meta_site", ctx.site)]:
        code = own_code(parse_name(printed)) if printed and printed != p.printed else None
        if code is not None:
            hit = [c for c in cands if nested(c, code)]
            if len(hit) == 1:
                return hit[0], [(field, printed)]
    mentioned = []
    for c in cands:
        d = divs.by_code[c]
        parent = divs.by_code.get(d.parent)
        if parent is not None and parent.name in ctx.text:
            mentioned.append((c, parent.name))
    if len(mentioned) == 1:
        return mentioned[0][0], [("body", mentioned[0][1])]
    if not quiet:
        shown = ", ".join(f"{c} {divs.by_code[divs.by_code[c].parent].name if divs.by_code[c].parent else ''}"
                          for c in cands)
        ctx.warnings.append(f"agency place ambiguous: {p.places[-1] if p.places else p.printed} "
                            f"({shown}); no evidence decides, agency left unresolved")
    return None


def nested(a: str, b: str) -> bool:
    """True when one of two divisions lies in the other."""
    divs = divisions()
    return divs.within(a, b) or divs.within(b, a)


def division_hint(division: str | None, warnings: list[str]) -> str | None:
    if not division:
        return None
    code = str(division).strip()
    if code.isdigit() and len(code) in (2, 4):
        code = code.ljust(6, "0")
    if code in divisions().by_code:
        return code
    warnings.append(f"division hint {division} is not a GB/T 2260 code; ignored")
    return None
