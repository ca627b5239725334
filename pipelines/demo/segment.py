"""Run-together digits: every way a row's printed cells can be cut back out of one digit run, and
which cuts the tables' identities allow.  The flat_runtogether truth (which cells a parser can
recover, which must stay null) is computed here; tests/unit/demo/test_demo_shapes.py checks it
with an independent brute force.

A cut is valid when every piece is a number as the template prints it (no leading zeros, a sign
only on 本年增/减, decimals only on money, '/' on table 二) and the identities hold:

- table 三, per row: the six applicant columns sum to 总计 (V3);
- table 三, per column: 新收 + 上年结转 = 办理结果总计 + 结转下年度 (V1) and the leaf result rows
  sum to 办理结果总计 (V2);
- table 四, per block: 维持 + 纠正 + 其他 + 尚未审结 = 总计 (V4);
- table 二 has no identity inside one report (V6/V7 need the previous year): every cut is valid.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

_FW = str.maketrans("０１２３４５６７８９＋－．／", "0123456789+-./")
_NUM = r"(?:0|[1-9][0-9]*)"
KIND_PATTERNS = {
    "count": _NUM,
    "signed": r"(?:0|[+-]?[1-9][0-9]*)",          # real reports print +6, -2 and also a bare 6
    "money": _NUM + r"(?:\.[0-9]+)?",
    "money_unit": _NUM + r"(?:\.[0-9]+)?(?:万元|元)",
}
_RX = {k: re.compile(v) for k, v in KIND_PATTERNS.items()}
_RX_NA = {k: re.compile(f"(?:{v}|/)") for k, v in KIND_PATTERNS.items()}


def cell_kind(code: str) -> str:
    """How the template prints the cell of ``code``."""
    if code.endswith("_items_change"):
        return "signed"
    if code == "t2_procurement_amount":
        return "money_unit"
    if code == "t2_fee_amount":
        return "money"
    return "count"


def normalise(run: str) -> str:
    """Full-width digits and signs as ASCII (one character for one: positions are kept)."""
    return run.translate(_FW)


def split_run(run: str, kinds: tuple[str, ...], na: bool = False) -> list[tuple[str, ...]]:
    """Every cut of ``run`` into ``len(kinds)`` pieces, each a number of its kind (``na``: or '/')."""
    return list(_split(normalise(run), tuple(kinds), na))


@lru_cache(maxsize=4096)
def _split(s: str, kinds: tuple[str, ...], na: bool) -> tuple[tuple[str, ...], ...]:
    if not kinds:
        return ((),) if not s else ()
    rx = (_RX_NA if na else _RX)[kinds[0]]
    out = []
    # the remaining cells need at least one character each
    for end in range(1, len(s) - len(kinds) + 2):
        if rx.fullmatch(s, 0, end):
            for rest in _split(s[end:], kinds[1:], na):
                out.append((s[:end], *rest))
    return tuple(out)


def value_of(piece: str, code: str = ""):
    """The value a piece prints, in the truth's unit: int, Decimal for money in 元 (a 万元 figure
    ×10000: 采购总金额 says its unit, 本年收费金额 is in 万元 by its header), None for '/'."""
    p = normalise(piece)
    if p == "/":
        return None
    wan = p.endswith("万元") or code == "t2_fee_amount"
    p = p.removesuffix("万元").removesuffix("元")
    v = Decimal(p) if "." in p else int(p)
    if wan:
        v = v * 10000
        if isinstance(v, Decimal) and v == v.to_integral_value():
            v = int(v)
    return v


def t3_row_ok(vals: tuple) -> bool:
    return sum(vals[:6]) == vals[6]


def t4_ok(vals: tuple) -> bool:
    return all(sum(vals[b:b + 4]) == vals[b + 4] for b in (0, 5, 10))


def n_cuts(run: str, codes: list[str], table: str) -> int:
    """How many cuts the printed numbers allow, before any identity."""
    return len(split_run(run, tuple(cell_kind(c) for c in codes), na=table == "t2"))


def row_candidates(run: str, codes: list[str], table: str) -> list[tuple]:
    """The value tuples of the cuts of one printed row that satisfy the row's own identity
    (V3 for a table-三 row, V4 for the table-四 row, none for table 二)."""
    kinds = tuple(cell_kind(c) for c in codes)
    cuts = split_run(run, kinds, na=table == "t2")
    vals = [tuple(value_of(p, c) for p, c in zip(cut, codes)) for cut in cuts]
    if table == "t3":
        vals = [v for v in vals if t3_row_ok(v)]
    elif table == "t4":
        vals = [v for v in vals if t4_ok(v)]
    return list(dict.fromkeys(vals))


@dataclass
class Solution:
    n: int                                          # joint cuts of the table that satisfy every identity
    used: dict[str, set] = field(default_factory=dict)   # row -> the distinct row values in those cuts


def solve_t3(rows: dict[str, list[tuple]], leaves: list[str]) -> Solution:
    """Joint solutions of table 三: ``rows`` maps every row code (新收, 上年结转, the ``leaves``,
    办理结果总计, 结转下年度) to its candidate 7-tuples (one for a row printed with separators).
    The leaves are counted with a sum-DP, so many run-together rows stay cheap."""
    heads = ["t3_new_received", "t3_carried_over_from_prev", "t3_res_total", "t3_carried_to_next"]
    used: dict[str, set] = {r: set() for r in rows}
    total = 0
    for n in rows[heads[0]]:
        for c in rows[heads[1]]:
            for t in rows[heads[2]]:
                for x in rows[heads[3]]:
                    if any(n[i] + c[i] != t[i] + x[i] for i in range(7)):
                        continue
                    k, leaf_used = _leaf_sums([rows[r] for r in leaves], t)
                    if k:
                        total += k
                        for r, u in zip(heads, (n, c, t, x)):
                            used[r].add(u)
                        for r, u in zip(leaves, leaf_used):
                            used[r] |= u
    return Solution(total, used)


def _leaf_sums(cands: list[list[tuple]], target: tuple) -> tuple[int, list[set]]:
    """How many choices (one candidate per leaf row) sum to ``target`` column-wise, and per row the
    candidates used by at least one of them."""
    def fits(v):
        return all(a <= b for a, b in zip(v, target))

    # forward: partial sums before row i -> number of ways
    fwd: list[dict[tuple, int]] = [{(0,) * 7: 1}]
    for cs in cands:
        nxt: dict[tuple, int] = {}
        for p, k in fwd[-1].items():
            for cnd in cs:
                s = tuple(a + b for a, b in zip(p, cnd))
                if fits(s):
                    nxt[s] = nxt.get(s, 0) + k
        fwd.append(nxt)
    n = fwd[-1].get(tuple(target), 0)
    if not n:
        return 0, [set() for _ in cands]
    # backward: sums the rows from i on still have to make
    need: list[set] = [set() for _ in range(len(cands) + 1)]
    need[-1] = {tuple(target)}
    used: list[set] = [set() for _ in cands]
    for i in range(len(cands) - 1, -1, -1):
        for p in fwd[i]:
            for cnd in cands[i]:
                s = tuple(a + b for a, b in zip(p, cnd))
                if s in need[i + 1]:
                    need[i].add(p)
                    used[i].add(cnd)
    return n, used
