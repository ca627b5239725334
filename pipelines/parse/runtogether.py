"""Rows whose cell digits ran together (an archive's page text, a copy-paste, a PDF text layer
without ruling lines): ``行政许可3960181``, a table-四 line ``21317000001324019``.

    recover(lines, rows, era, res) -> int   # cells added to res (never one the matcher filled)

Each printed row is mapped to its template row by the matcher's own label functions, its run is
cut into exactly the template's number of cells (runtogether_solve.py) and a row's values are
emitted only when one cut alone satisfies every identity that applies: V3 per table-三 row, V1/V2
across table 三 jointly, V4 per table-四 block. Table 二 has no identity inside one report, so a
row there is recovered only when its digits allow one cut. Everything else stays null, with a
warning naming the row and how many cuts remained. Never a guess.
"""
from __future__ import annotations

import re
from typing import Final

from .catalog import APPLICANTS, METRICS, unit_of
from .labels import core, is_label, norm
from .runtogether_solve import MAX_RUN, MAX_STEPS, Run, TooMany, plain_cuts, solve_t3, t3_cuts, t4_cuts
from .tables import (T2_DEFAULT_COLS, T2_ROWS, T3_LEAVES_2019, T3_OTHER_SUBROWS, T3_ROW_KEYS, T4_CODES, Result,
                     _t2_code, _t2_col, _t3_key)

# the value part at the end of a printed row: digits, signs, decimals, '/', spaces, a money unit
_TAIL: Final = re.compile(r"[0-9０-９+\-＋－−.．/／ \t\u3000\xa0]*[0-9０-９/／](?:万元|元)?[ \t\u3000\xa0]*$")
_PAGE_FOOTER: Final = re.compile(r"^[-—–－]\s*\d+\s*[-—–－]$|^第\d+页")
_T4_WORDS: Final = ("未经复议直接起诉", "复议后起诉", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
                    "行政复议", "行政诉讼")
_T4_BLOCKS: Final = ("review", "lit_direct", "lit_after_review")
_T3_HEADER_WORDS: Final = ("自然人", "商业企业", "法人或其他组织", "法律服务机构")
_T3_CODES: Final = {k: tuple(f"t3_{k}__{c}" for c in APPLICANTS) for k in T3_ROW_KEYS}
_TABLE_NAME: Final = {"t2": "table 二", "t3": "table 三", "t4": "table 四"}
_SHOWN: Final = 6  # rows named in a table's summary warning
DOC_STEPS: Final = 3 * MAX_STEPS  # enumeration steps of one document (a few adversarial rows at most)


class Hit:
    """One printed row with a value part: which template row, its label and run."""

    __slots__ = ("table", "key", "label", "printed", "run", "cols", "wan")

    def __init__(self, table: str, key: str, label: str, printed: str, cols: tuple = (), wan: tuple = ()) -> None:
        self.table, self.key, self.label, self.printed = table, key, label, printed
        self.run = Run(printed)
        self.cols = cols  # table 二: the row's column keys
        self.wan = wan  # table 二: its header says 万元, per column


def _split_line(line: str) -> tuple[str, str] | None:
    """(label, value part) of a line ending in a number, else None."""
    if not line or line[-1] not in "0123456789０１２３４５６７８９/／元 \u3000\t\xa0":
        return None
    m = _TAIL.search(line)
    if m is None or not any(ch.isdigit() for ch in m.group()):
        return None
    return line[: m.start()].strip(" \t\u3000\xa0"), m.group().strip(" \t\u3000\xa0")


def _t2_header(line: str) -> tuple | None:
    """(column keys, 万元 per column) of a table-二 header line (信息内容 本年新制作数量 …) whose
    words each name a column; None otherwise (the template's columns apply)."""
    words = line.split()
    if len(words) < 2 or norm(words[0]) != "信息内容":
        return None
    cols: list = []
    for w in words[1:]:
        c = _t2_col(w, [x for x in cols if x])
        if c is None:
            return None
        cols.append(c)
    return tuple(cols), tuple("万元" in norm(w) for w in words[1:])


def _is_t4_header(label: str) -> bool:
    rest = norm(label)
    for w in _T4_WORDS:
        rest = rest.replace(w, "")
    return not rest.strip(".:;()")


def scan(lines, era: str) -> list[Hit]:
    """The printed rows of tables 二, 三 and 四 among text lines, in order (a row's label may be
    on the line before its bare run)."""
    hits: list[Hit] = []
    defaults = T2_DEFAULT_COLS.get(era, {})
    header: tuple | None = None  # table 二: (column keys, 万元 per column) of the last header line
    t3 = 0  # 0 before table 三, 1 in it (after its header or its first row), 2 after it
    t4 = False  # past the table-四 heading or header
    pending: tuple[str, str] | None = None  # a label-only line naming a row: (table, key)
    prev_key: str | None = None
    for line in lines:
        line = line.strip(" \t\u3000\xa0")
        if not line or _PAGE_FOOTER.match(line):
            continue
        parts = _split_line(line)
        label, printed = parts if parts else (line, "")
        n = norm(label)
        if "行政复议" in n and ("行政诉讼" in n or t3):
            t4 = True
            if t3 == 1:
                t3 = 2
        if t3 == 0 and "申请人情况" in n:
            t3 = 1
        t3_header = t3 == 1 and any(w in n for w in _T3_HEADER_WORDS)
        if not printed:
            pending = None
            if t3 == 0:
                if n.startswith("信息内容"):
                    header = _t2_header(line)
                elif "第二十条" in n:
                    header = None
                row = T2_ROWS.get(core(label))
                if row:
                    pending = ("t2", row)
            elif t3 == 1 and not t3_header and is_label(label):
                key = _t3_key((label,), prev_key)
                if key:
                    pending, prev_key = ("t3", key), key
            continue
        target: tuple[str, str] | None = None
        if not label:
            target, pending = pending, None
        elif is_label(label):
            pending = None
            row = T2_ROWS.get(core(label)) if t3 == 0 else None
            if row:
                target = ("t2", row)
            elif t3 < 2 and not t3_header:
                key = _t3_key((label,), prev_key)
                if key and (t3 == 1 or key == "new_received"):
                    target = ("t3", key)
        if target is None and t4 and (not label or _is_t4_header(label)):
            target = ("t4", "t4")
        if target is None:
            continue
        table, key = target
        if table == "t2":
            cols = tuple(defaults.get(key) or T2_DEFAULT_COLS["y2019"].get(key, []))
            wan: tuple = ()
            # the header line's columns, unless it is another sub-table's (a column without a metric)
            if header and all(_t2_code(key, c) in METRICS for c in header[0]):
                cols, wan = header
            hit = Hit("t2", key, label, printed, cols, wan)
        else:
            hit = Hit(table, key, label, printed)
        # a run shorter than the row's cells is some other number (a page or phone number, prose)
        if len(hit.run.text) < {"t2": len(hit.cols), "t3": 7, "t4": 15}[table]:
            continue
        hits.append(hit)
        # one table 四, after 二 and 三 (a mention of it before them was prose)
        t4 = False
        if table == "t3":
            t3, prev_key = 1, key
            if key == "carried_to_next":
                t3 = 2
    return hits


def _cell_lines(rows) -> list[str]:
    """Table rows that hold one cell only (a row printed into a single cell): read as lines."""
    out = []
    for row in rows:
        cells = [c for c in row if c and c.strip()]
        if len(cells) == 1:
            out.append(cells[0])
    return out


def _pieces(hit: Hit, cut: tuple) -> list[str]:
    return [hit.run.raw[a:b] for a, b in cut]


def _ints(hit: Hit, cut: tuple) -> tuple:
    return tuple(int(hit.run.text[a:b]) for a, b in cut)


class _Report:
    """What one table's recovery did, for its warnings."""

    def __init__(self) -> None:
        self.cells = 0
        self.rows: list[str] = []

    def add(self, name: str, hit: Hit, n: int) -> None:
        self.cells += n
        self.rows.append(f"{name} {hit.printed!r}")


def _t2(hits: list[Hit], res: Result, rep: _Report, budget: list) -> None:
    for hit in hits:
        codes = [_t2_code(hit.key, c) for c in hit.cols]
        if not codes or any(c in res.metrics for c in codes):
            continue
        name = f"t2_{hit.key}"
        kinds = tuple({"count_signed": "signed", "cny": "money"}.get(unit_of(c), "count") for c in codes)
        cuts = _cuts(hit, lambda r: plain_cuts(r, kinds, True), res, name, budget)
        if cuts is None:
            continue
        if len(cuts) != 1:
            _ambiguous(res, name, hit, len(cuts), "the digits alone (table 二 has no identity)")
            continue
        for i, (code, raw) in enumerate(zip(codes, _pieces(hit, cuts[0]))):
            scale = 10000 if i < len(hit.wan) and hit.wan[i] else None
            if unit_of(code) == "cny" and scale is None:
                if code == "t2_fee_amount":
                    scale = 10000  # the template prints 本年收费金额（单位：万元）
                elif raw != "/" and not any(u in raw for u in ("元", "万")):
                    res.warnings.append(f"{code}: no unit printed; read as 元")
            res.put(code, raw, scale)
        rep.add(name, hit, len(codes))


def _cuts(hit: Hit, fn, res: Result, name: str, budget: list) -> list | None:
    """fn(run) within the row's and the document's budget (budget[0]: steps left), else None."""
    if len(hit.run.text) > MAX_RUN:
        res.warnings.append(f"{name} ({hit.label}): run-together digits {hit.printed!r} longer than {MAX_RUN}"
                            " characters; cells left null")
        return None
    run = hit.run
    run.steps = start = max(0, MAX_STEPS - budget[0])  # a row may use what the document has left
    try:
        return fn(run)
    except TooMany:
        res.warnings.append(f"{name} ({hit.label}): run-together digits {hit.printed!r} allow too many"
                            " segmentations to enumerate; cells left null")
        return None
    finally:
        budget[0] -= run.steps - start


def _ambiguous(res: Result, name: str, hit: Hit, n: int, by: str) -> None:
    if n == 0:
        res.warnings.append(f"{name} ({hit.label}): no segmentation of run-together digits {hit.printed!r}"
                            f" satisfies {by}; cells left null")
    else:
        res.warnings.append(f"{name} ({hit.label}): run-together digits {hit.printed!r} allow {n}"
                            f" segmentations under {by}; cells left null")


def _t4(hits: list[Hit], res: Result, rep: _Report, budget: list) -> None:
    if not hits or any(c in res.metrics for c in T4_CODES):
        return
    hit = hits[0]
    name = "t4 (" + ", ".join(f"t4_{b}" for b in _T4_BLOCKS) + ")"
    cuts = _cuts(hit, t4_cuts, res, name, budget)
    if cuts is None:
        return
    if len(cuts) != 1:
        _ambiguous(res, name, hit, len(cuts), "V4 (维持+纠正+其他+尚未审结 = 总计 per block)")
        return
    res.put_all(tuple(T4_CODES), _pieces(hit, cuts[0]))
    rep.add("t4", hit, len(T4_CODES))


def _matcher_has(res: Result, key: str) -> bool:
    return not res.metrics.keys().isdisjoint(_T3_CODES[key])


def _fixed_t3(res: Result, key: str) -> list[tuple] | None:
    """A row the matcher read: [its values] when all seven are whole numbers that satisfy V3, else
    None (printed, but no constraint)."""
    vals: list[int] = []
    for code in _T3_CODES[key]:
        got = res.metrics.get(code)
        v = got[0] if got is not None else None
        if v is None or not float(v).is_integer():
            return None
        vals.append(int(v))
    if sum(vals[:6]) != vals[6]:  # a row that breaks V3 constrains nothing
        return None
    return [tuple(vals)]


def _t3(hits: list[Hit], res: Result, rep: _Report, subtotal: bool, budget: list) -> None:
    by_key: dict[str, Hit] = {}
    for hit in hits:
        if hit.key in by_key:
            res.warnings.append(f"t3_{hit.key}: printed twice in flattened text; kept the first")
            continue
        by_key[hit.key] = hit
    # (六)其他处理: its three sub-rows when printed (the row itself is then derived), else the row
    group6 = T3_OTHER_SUBROWS if any(k in by_key or _matcher_has(res, k) for k in T3_OTHER_SUBROWS) \
        else ("res_other",)
    if group6 is T3_OTHER_SUBROWS:
        by_key.pop("res_other", None)
    leaves = T3_LEAVES_2019 + group6
    rows: dict[str, list[tuple] | None] = {}
    cut_of: dict[str, dict[tuple, tuple]] = {}  # row → values → its cut
    mine: list[str] = []  # rows this module may fill
    for key in T3_ROW_KEYS:
        if _matcher_has(res, key):  # the matcher's: a constraint, never overwritten
            rows[key] = _fixed_t3(res, key)
    for key, hit in by_key.items():  # document order
        if key in rows:
            continue
        mine.append(key)
        cuts = _cuts(hit, lambda r: t3_cuts(r, subtotal), res, f"t3_{key}", budget)
        if cuts is None:
            rows[key] = None
            continue
        vals = {}
        for cut in cuts:
            v = _ints(hit, cut)
            vals[v[:6] + v[-1:] if subtotal else v] = cut
        if not vals:
            _ambiguous(res, f"t3_{key}", hit, 0, "V3 (Σ applicant columns = 总计)")
            rows[key] = None
            continue
        cut_of[key] = vals
        rows[key] = list(vals)
    if not mine:
        return
    try:
        n_joint, used = solve_t3(rows, leaves)
    except TooMany:
        n_joint, used = 0, {}
        res.warnings.append("table 三: too many joint segmentations to enumerate; only rows with one"
                            " segmentation of their own are read")
    if n_joint == 0 and used:
        res.warnings.append("table 三: no joint segmentation satisfies V1/V2; only rows with one segmentation"
                            " of their own are read")
    for key in mine:
        hit = by_key[key]
        name = f"t3_{key}"
        if rows.get(key) is None:
            continue
        cands = used.get(key, set()) if n_joint else set(rows[key] or ())
        if len(cands) != 1:
            by = "V1-V3 (the table's identities)" if n_joint else "V3 (Σ applicant columns = 总计)"
            _ambiguous(res, name, hit, len(cands), by)
            continue
        cut = cut_of[key][next(iter(cands))]
        pieces = _pieces(hit, cut)
        if subtotal:
            pieces = pieces[:6] + pieces[7:]  # the 法人或其他组织 小计 column has no metric
        res.put_all(_T3_CODES[key], pieces)
        rep.add(name, hit, 7)


def recover(lines, rows, era: str, res: Result) -> int:
    """Fill the cells the matcher left missing from rows printed with run-together digits."""
    cells = _cell_lines(rows)
    hits = scan(lines, era) + (scan(cells, era) if cells else [])  # each in its own order
    if not hits:
        return 0
    source = [*lines, *cells]
    # a layout with a 法人或其他组织 小计 column says so in the header of table 三
    subtotal = any("小计" in x and any(w in x for w in _T3_HEADER_WORDS) for x in source)
    reports = {t: _Report() for t in ("t2", "t3", "t4")}
    budget = [DOC_STEPS]
    _t2([h for h in hits if h.table == "t2"], res, reports["t2"], budget)
    _t3([h for h in hits if h.table == "t3"], res, reports["t3"], subtotal, budget)
    _t4([h for h in hits if h.table == "t4"], res, reports["t4"], budget)
    added = 0
    for table, rep in reports.items():
        if rep.cells:
            added += rep.cells
            shown = "; ".join(rep.rows[:_SHOWN]) + (" …" if len(rep.rows) > _SHOWN else "")
            res.warnings.append(f"{_TABLE_NAME[table]}: {rep.cells} cells recovered from flattened text rows"
                                f" (run-together digits segmented by the template's cell counts and identities;"
                                f" {len(rep.rows)} rows: {shown})")
            res.found.add(table)
    return added
