"""An agency name as printed → its parts: place (division names of the national table, longest match),
special area, department (lexicon, whole parts only), and the canonical full name from them.

    淮安市洪泽区人民政府  → place 淮安市 › 洪泽区 (320813), department 人民政府
    市科委                → bare level 市, department 科学技术委员会 (the place comes from other evidence)
    平潭综合实验区管委会  → special area 平潭综合实验区, department 管理委员会
    胡集镇人民政府        → a place the table does not have (towns are below it), department 人民政府

Nothing here rewrites text inside a word: a short form is expanded only when it is the whole
department part of the name (上海市人民政府办公厅 stays exactly that).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, NamedTuple

from .refdata import Department, Divisions, SpecialArea, divisions, lexicon, special_areas

# what a bare level is printed as (市科委, 县政府, 区人民政府, 省发改委)
BARE_LEVELS: Final = ("自治区", "省", "市", "县", "区", "州", "旗")
# a place the table does not know ends with one of these (towns, or a place outside the table)
_OPEN_PLACE_END: Final = ("街道", "镇", "乡", "市", "县", "区", "省")
# a department the lexicon does not know is kept as printed when its name ends like an organ;
# an abbreviation (…委, …办) is not, since expanding it would be a guess
_ORGAN_END: Final = ("委员会", "局", "办公室", "办事处", "厅", "中心", "署", "院")
_GOV_PREFIXES: Final = ("人民政府", "政府")
# a part printed as a name (a place, an area, an organ's stem): Chinese characters only, and none of
# the characters organ names end with (that would be two names run together, or a sentence)
_NAME_PART: Final = re.compile(r"[\u4e00-\u9fa5（）]+")
_ORGAN_CHARS: Final = frozenset("局厅办委府室会署院")
_LEVEL_START: Final = tuple("省市县区镇乡州旗")

_MARKUP_HEAD: Final = re.compile(r"^[\s#>*+=~`|·•\-\u3000\"'“”‘’《【\[]+")
_MARKUP_TAIL: Final = re.compile(r"[\s#*`|\u3000\"'“”‘’》】\]:：,，。;；]+$")
_SPACES: Final = re.compile(r"[\s\u3000\xa0]+")


@lru_cache(maxsize=1024)
def _clean(printed: str) -> str:
    return _SPACES.sub("", _MARKUP_TAIL.sub("", _MARKUP_HEAD.sub("", printed)))


def clean(printed: str | None) -> str:
    """A printed name without markup or spacing: '# 沭阳县人民政府' → '沭阳县人民政府', '**市科委**' → '市科委'."""
    return _clean(printed) if printed else ""


class NameParse(NamedTuple):
    printed: str  # the cleaned name
    places: tuple[str, ...]  # division names as printed, in order (江苏省, 淮安市, 洪泽区)
    codes: tuple[str, ...]  # candidate codes of the last place (several when the name is ambiguous)
    bare: str  # a bare level (市, 县 …) when the name has no place
    open_place: str  # a place the table does not know (胡集镇, 某某市), after the known ones
    area: SpecialArea | None  # a special area of the data file
    area_text: str  # the special area as printed (also for one not in the file)
    dept: Department | None  # the lexicon department (None: none, or kept as printed)
    dept_full: str  # the department's full name ('' for a bare special area)
    dept_text: str  # the department part as printed

    @property
    def is_special_area(self) -> bool:
        return bool(self.area_text)

    @property
    def kind(self) -> str | None:
        if self.area_text and (not self.dept_full or self.dept_full == "管理委员会"):
            return "special_area"
        if self.dept is not None:
            return "department" if self.dept.kind == "special_area" else self.dept.kind
        return "department" if self.dept_full else None


def _division_at(s: str, i: int, divs: Divisions) -> tuple[str, tuple[str, ...]] | None:
    """The longest full division name starting at s[i]."""
    for j in range(min(len(s), i + divs.max_len), i + 1, -1):
        codes = divs.by_name.get(s[i:j])
        if codes:
            return s[i:j], codes
    return None


def _current(codes: tuple[str, ...], divs: Divisions) -> tuple[str, ...]:
    """Abolished codes only when no current division has the name."""
    cur = tuple(c for c in codes if divs.by_code[c].current)
    return cur or codes


def _dept(rest: str) -> tuple[Department | None, str] | None:
    """The department part (the whole rest): a lexicon form, 政府 + a form (市政府国资委), or an
    organ name the lexicon does not know (kept as printed). None when rest is no department."""
    lex = lexicon()
    dep = lex.forms.get(rest)
    if dep is not None:
        return dep, dep.full
    for g in _GOV_PREFIXES:
        if rest.startswith(g) and len(rest) > len(g):
            dep = lex.forms.get(rest[len(g):])
            if dep is not None and dep.kind == "department":
                return dep, "人民政府" + dep.full
    if len(rest) >= 2 and rest not in lex.shorts and len(rest) <= 16:
        for end in _ORGAN_END:
            if rest.endswith(end) and _name_part(rest[: -len(end)]):
                return None, rest
    return None


def _name_part(s: str, level_start: bool = True) -> bool:
    """True for text that can be part of a name (港航管理 of 港航管理局, 某某 of 某某镇)."""
    return (not s or _NAME_PART.fullmatch(s) is not None) and not _ORGAN_CHARS.intersection(s) and (
        level_start or not s.startswith(_LEVEL_START))


def _area_by_suffix(rest: str, placed: bool) -> tuple[str, tuple[Department | None, str] | None] | None:
    """A special area the file does not list, by its suffix (…开发区, …新区): (area text, department
    after it or None for a bare area). Needs a name in front of the suffix unless a place precedes."""
    for suffix in special_areas().suffixes:
        start = 0
        while True:
            k = rest.find(suffix, start)
            if k < 0:
                break
            start = k + 1
            end = k + len(suffix)
            if k < (0 if placed else 2) or not _name_part(rest[:k], placed):
                continue
            tail = rest[end:]
            if not tail:
                return rest, None
            d = _dept(tail)
            if d is not None:
                return rest[:end], d
    return None


def _known_area(s: str, i: int) -> SpecialArea | None:
    areas = special_areas()
    for j in range(min(len(s), i + areas.max_len), i + 1, -1):
        a = areas.by_name.get(s[i:j])
        if a is not None:
            return a
    return None


@lru_cache(maxsize=1024)
def parse_name(name: str) -> NameParse | None:
    """The parts of a cleaned agency name, or None when it is no agency name."""
    s = name
    if len(s) < 2:
        return None
    divs = divisions()
    lex = lexicon()
    whole = lex.forms.get(s)
    if whole is not None and whole.national:
        return NameParse(s, (), (), "", "", None, "", whole, whole.full, s)
    places: list[str] = []
    codes: tuple[str, ...] = ()
    i = 0
    area = _known_area(s, 0)
    end = len(area.name) if area is not None else 0
    if area is None:
        for k in range(2, 5):  # a short name in front of a full one: 浙江嘉兴市…, 江苏淮安市…
            sc = divs.by_short.get(s[:k])
            if sc:
                m0 = _division_at(s, k, divs)
                if m0 is not None and any(divs.within(c, p) for c in m0[1] for p in sc):
                    places.append(s[:k])
                    codes = sc
                    i = k
                break
        while True:
            m = _division_at(s, i, divs)
            if m is None:
                break
            pname, pcodes = m
            if codes:  # the next place must lie in the one before (江苏省淮安市)
                pcodes = tuple(c for c in pcodes if any(divs.within(c, p) for p in codes))
                if not pcodes:
                    break
            places.append(pname)
            codes = pcodes
            i += len(pname)
        area = _known_area(s, i)
        end = i + len(area.name) if area is not None else 0
        if area is None and places:  # 南京市江北新区 → the file's 南京江北新区
            short = divs.by_code[codes[0]].short
            if short:
                area = _known_area(short + s[i:], 0)
                if area is not None:
                    end = i + len(area.name) - len(short)
    if area is not None:
        rest = s[end:]
        d = _dept(rest) if rest else (None, "")
        if d is None:
            return None
        return NameParse(s, tuple(places), _current(codes, divs), "", "", area, s[:end], d[0], d[1], rest)
    rest = s[i:]
    if not rest:
        return None  # a place alone is no agency
    d = _dept(rest)
    if d is not None and places:
        return NameParse(s, tuple(places), _current(codes, divs), "", "", None, "", d[0], d[1], rest)
    # a special area not in the file: 苏州高新区管委会 (place from a short name), XX经济开发区
    short_codes: tuple[str, ...] = ()
    j = i
    if not places:
        for k in range(min(len(s) - 2, 4), 1, -1):
            sc = divs.by_short.get(s[:k])
            if sc:
                short_codes, j = sc, k
                break
    found = _area_by_suffix(s[j:], bool(places or short_codes))
    if found is None and j != i:
        found = _area_by_suffix(rest, bool(places))
        short_codes, j = (), i
    if found is not None:
        area_text, dd = found
        if dd is None:
            dd = (None, "")
        area_codes = _current(codes, divs) if places else (short_codes if len(short_codes) == 1 else ())
        dept_text = s[j + len(area_text):]
        return NameParse(s, tuple(places), area_codes, "", "", None, s[i:j] + area_text, dd[0], dd[1],
                         dept_text)
    if places:
        # a known place, then one the table does not have (沭阳县胡集镇人民政府)
        op = _open_place(rest)
        if op is not None:
            return NameParse(s, tuple(places), _current(codes, divs), "", op[0], None, "", op[1], op[2],
                             rest[len(op[0]):])
        return None
    if d is not None and d[0] is not None:  # a department with no place at all (市场监督管理局)
        return NameParse(s, (), (), "", "", None, "", d[0], d[1], rest)
    for lv in BARE_LEVELS:
        if rest.startswith(lv) and len(rest) > len(lv):
            bd = _dept(rest[len(lv):])  # a bare level only before a lexicon department
            if bd is not None and bd[0] is not None and not bd[0].national:
                return NameParse(s, (), (), lv, "", None, "", bd[0], bd[1], rest[len(lv):])
    op = _open_place(rest)
    if op is not None:
        return NameParse(s, (), (), "", op[0], None, "", op[1], op[2], rest[len(op[0]):])
    return None


def _open_place(rest: str) -> tuple[str, Department | None, str] | None:
    """某某镇人民政府 → (某某镇, 人民政府): a 2–6 character place ending like a place, then a lexicon
    department (only a lexicon one: an unknown place before an unknown word is no name)."""
    lex = lexicon()
    for k in range(2, min(len(rest) - 1, 8)):
        dep = lex.forms.get(rest[k:])
        if dep is None or dep.national:
            continue
        head = rest[:k]
        if not _name_part(head, False):
            continue
        if head.endswith(_OPEN_PLACE_END) or dep.full == "街道办事处" and len(head) >= 2:
            return head, dep, dep.full
    return None


def place_prefix(code: str) -> str:
    """How a division is named in front of its agencies: a 市辖区 with its city (淮安市洪泽区,
    北京市朝阳区), every other division alone (沭阳县, 慈溪市, 江苏省)."""
    divs = divisions()
    d = divs.by_code[code]
    if d.type == "市辖区" and d.parent in divs.by_code:
        return divs.by_code[d.parent].name + d.name
    return d.name


def with_level_name(code: str, level: str) -> str | None:
    """The division in `code`'s line (itself, its parent, its province) that a bare level names:
    市 → the first whose name ends with 市 (淮安市 for 洪泽区), 区 → a district, 县 → a county …"""
    divs = divisions()
    for c in divs.ancestors(code):
        d = divs.by_code[c]
        if d.name.endswith(level) and not (level in ("区", "县", "州", "旗") and d.level == "province"):
            return c
    return None


def canonical_name(p: NameParse, code: str | None) -> str | None:
    """The canonical full name of a parsed name once its division is chosen (None: cannot be named)."""
    if p.area is not None:
        a = p.area
        if not p.dept_full:
            return a.agency_name
        if p.dept_full == "管理委员会" and a.agency_name == a.area_name + "管理委员会":
            return a.agency_name
        return a.area_name + p.dept_full
    if p.area_text:  # not in the file: kept as printed, 管委会 and the department expanded
        return "".join(p.places) + p.area_text + p.dept_full
    if p.dept is not None and p.dept.national and not p.places:
        return p.dept_full
    if code is not None:
        return place_prefix(code) + p.open_place + p.dept_full
    if p.open_place and not p.places:
        return p.open_place + p.dept_full
    return None


def expand_short(name: str) -> str:
    """The printed name with its department part written in full (the place as printed):
    平湖市经信局 → 平湖市经济和信息化局, 某市政府 → 某市人民政府; anything else unchanged."""
    p = parse_name(clean(name))
    if p is None or not p.dept_text:
        return name
    return p.printed[: len(p.printed) - len(p.dept_text)] + p.dept_full
