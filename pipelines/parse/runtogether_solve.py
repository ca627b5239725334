"""Cutting a run of digits back into a row's cells, and the joint solve of table 三.

A cut is a tuple of (start, end) spans over the run. A piece is valid when it is a number as the
template prints it (no leading zeros, a sign only in a signed column, decimals only for money,
'/' only where table 二 allows "not applicable") and crosses no printed space. Identities prune the
enumeration instead of filtering it afterwards (a 7-cell row is cut around its 总计 suffix), and
every enumeration is bounded: over the budget, the answer is "too many", never a partial list.
"""
from __future__ import annotations

import re
from typing import Final

# full-width digits and signs as ASCII, one character for one (spans stay valid on the original)
FOLD: Final = str.maketrans("０１２３４５６７８９＋－−—–．／", "0123456789+----./")
_PIECE: Final = {
    "count": re.compile(r"0|[1-9][0-9]*"),
    "signed": re.compile(r"[+-]?0|[+-]?[1-9][0-9]*"),
    "money": re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:万元|元)?"),
}
MAX_RUN: Final = 64           # characters of one run (without its spaces)
MAX_CANDIDATES: Final = 4096  # cuts of one row
MAX_STEPS: Final = 150_000    # enumeration steps of one row (~0.5 s at worst in pure Python)
MAX_STATES: Final = 200_000   # partial sums kept by the leaf DP of table 三


class TooMany(Exception):
    """The enumeration went over its budget."""


class Run:
    """The value part of one printed row: text without spaces (folded), the original characters
    and the positions where a space forces a cut."""

    __slots__ = ("text", "raw", "limit", "steps", "digit_sums")

    def __init__(self, printed: str) -> None:
        chars: list[str] = []
        forced: set[int] = set()
        for ch in printed:
            if ch.isspace():
                if chars:
                    forced.add(len(chars))
            else:
                chars.append(ch)
        self.raw = "".join(chars)
        self.text = self.raw.translate(FOLD)
        n = len(self.text)
        # limit[i]: a piece starting at i ends at or before the first forced cut after i
        self.limit = [n] * (n + 1)
        nxt = n
        for i in range(n - 1, -1, -1):
            if i + 1 in forced:
                nxt = i + 1
            self.limit[i] = nxt
        self.steps = 0
        self.digit_sums = _digit_sums(self)

    def ok(self, i: int, j: int, kind: str, na: bool) -> bool:
        if j > self.limit[i]:
            return False
        if na and j == i + 1 and self.text[i] == "/":
            return True
        return _PIECE[kind].fullmatch(self.text, i, j) is not None

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TooMany


def _add(out: list, cut: tuple) -> None:
    out.append(cut)
    if len(out) > MAX_CANDIDATES:
        raise TooMany


def plain_cuts(run: Run, kinds: tuple, na: bool) -> list[tuple]:
    """Every cut of the whole run into len(kinds) valid pieces (no identity)."""
    n = len(run.text)
    memo: dict[tuple[int, int], list[tuple]] = {}

    def rec(pos: int, k: int) -> list[tuple]:
        key = (pos, k)
        if key in memo:
            return memo[key]
        out: list[tuple] = []
        if k == len(kinds):
            if pos == n:
                out.append(())
        else:
            for j in range(pos + 1, min(run.limit[pos], n - (len(kinds) - k - 1)) + 1):
                run.tick()
                if run.ok(pos, j, kinds[k], na):
                    for rest in rec(j, k + 1):
                        _add(out, ((pos, j), *rest))
        memo[key] = out
        return out

    return rec(0, 0)


def _bounds_exclude(length: int, k: int, target: int) -> bool:
    """True when k counts printed in length digits cannot sum to target: the longest piece has at
    least ceil(length/k) digits (≥ 10^(digits-1) without a leading zero), and one piece of
    length-k+1 digits is the largest the digits can make."""
    if length < k:
        return True
    longest = -(-length // k)
    if longest >= 2 and target < 10 ** (longest - 1):
        return True
    return target >= 10 ** (length - k + 1) + 9 * (k - 1)


def _parts_summing(run: Run, start: int, end: int, k: int, target: int, memo: dict) -> list[tuple]:
    """Cuts of run[start:end] into k counts whose sum is target."""
    key = (start, end, k, target)
    if key in memo:
        return memo[key]
    out: list[tuple] = []
    text = run.text
    if k == 1:
        if run.ok(start, end, "count", False) and int(text[start:end]) == target:
            out.append(((start, end),))
    elif not _bounds_exclude(end - start, k, target):
        width = len(str(target))  # a part is at most the total
        stop = min(run.limit[start], end - (k - 1), start + width)
        for j in range(start + 1, stop + 1):
            run.tick()
            if not run.ok(start, j, "count", False):
                continue
            v = int(text[start:j])
            if v > target:
                break
            for rest in _parts_summing(run, j, end, k - 1, target - v, memo):
                _add(out, ((start, j), *rest))
    memo[key] = out
    return out


def _digit_sums(run: Run) -> list[int]:
    """Prefix sums of the digits: a number is its digit sum modulo 9, so parts can only sum to a
    total when their digits and the total's agree modulo 9 (whatever the cut)."""
    out = [0]
    for ch in run.text:
        out.append(out[-1] + (ord(ch) - 48 if "0" <= ch <= "9" else 0))
    return out


def sum_group_cuts(run: Run, start: int, end: int, n_parts: int, memo: dict | None = None) -> list[tuple]:
    """Cuts of run[start:end] into n_parts counts followed by their sum (the last cell)."""
    out: list[tuple] = []
    memo = {} if memo is None else memo
    ds = run.digit_sums
    for q in range(start + n_parts, end):  # where the total begins
        run.tick()
        if (ds[q] - ds[start] - (ds[end] - ds[q])) % 9 or not run.ok(q, end, "count", False):
            continue
        total = int(run.text[q:end])
        for parts in _parts_summing(run, start, q, n_parts, total, memo):
            _add(out, (*parts, (q, end)))
    return out


def t3_cuts(run: Run, subtotal: bool) -> list[tuple]:
    """A table-三 row: six applicant columns and 总计 = their sum (V3); with a 小计 column after the
    five legal-person columns: 小计 = their sum and 总计 = 自然人 + 小计."""
    n = len(run.text)
    if not subtotal:
        return sum_group_cuts(run, 0, n, 6)
    out: list[tuple] = []
    memo: dict = {}
    ds = run.digit_sums
    for q in range(7, n):
        run.tick()
        if not run.ok(q, n, "count", False):
            continue
        total = int(run.text[q:n])
        for p in range(6, q):  # where 小计 begins
            # the six columns before 小计 sum to 总计: their digits agree modulo 9
            if (ds[p] - (ds[n] - ds[q])) % 9 or not run.ok(p, q, "count", False):
                continue
            sub = int(run.text[p:q])
            if sub > total:
                continue
            for parts in _parts_summing(run, 0, p, 6, total, memo):
                first = parts[0]
                if int(run.text[first[0]:first[1]]) == total - sub:
                    _add(out, (*parts, (p, q), (q, n)))
    return out


def t4_cuts(run: Run) -> list[tuple]:
    """Table 四: three blocks of 维持, 纠正, 其他, 尚未审结 and 总计 = their sum (V4)."""
    n = len(run.text)
    groups: dict[tuple[int, int], list[tuple]] = {}
    memo: dict = {}

    def group(a: int, b: int) -> list[tuple]:
        if (a, b) not in groups:
            groups[(a, b)] = sum_group_cuts(run, a, b, 4, memo)
        return groups[(a, b)]

    def rec(pos: int, blocks_left: int) -> list[tuple]:
        if blocks_left == 1:
            return list(group(pos, n)) if n - pos >= 5 else []
        out: list[tuple] = []
        for e in range(pos + 5, n - 5 * (blocks_left - 1) + 1):
            run.tick()
            head = group(pos, e)
            if not head:
                continue
            for rest in rec(e, blocks_left - 1):
                for h in head:
                    _add(out, (*h, *rest))
        return out

    return rec(0, 3)


# ---- table 三 as a whole ------------------------------------------------------------------------

def _vsum(a: tuple, b: tuple) -> tuple:
    return tuple(x + y for x, y in zip(a, b))


def _leaf_dp(cands: list[list[tuple]], target: tuple) -> tuple[int, list[set]]:
    """How many choices (one candidate per leaf row) sum to target column by column, and per row
    the candidates that take part in at least one of them."""
    width = len(target)
    fwd: list[dict[tuple, int]] = [{(0,) * width: 1}]
    states = 0
    for cs in cands:
        nxt: dict[tuple, int] = {}
        for p, k in fwd[-1].items():
            for c in cs:
                s = _vsum(p, c)
                if all(a <= b for a, b in zip(s, target)):
                    nxt[s] = nxt.get(s, 0) + k
        states += len(nxt)
        if states > MAX_STATES:
            raise TooMany
        fwd.append(nxt)
    n = fwd[-1].get(target, 0)
    used: list[set] = [set() for _ in cands]
    if not n:
        return 0, used
    need: set = {target}
    for i in range(len(cands) - 1, -1, -1):
        before: set = set()
        for p in fwd[i]:
            for c in cands[i]:
                if _vsum(p, c) in need:
                    before.add(p)
                    used[i].add(c)
        need = before
    return n, used


HEADS: Final = ("new_received", "carried_over_from_prev", "res_total", "carried_to_next")


def solve_t3(rows: dict[str, list[tuple] | None], leaves: tuple[str, ...]) -> tuple[int, dict[str, set]]:
    """Joint solutions of table 三 under V1 (新收 + 上年结转 = 总计 + 结转下年度, per column) and V2
    (the leaf rows sum to 总计), each applied only when every row it names has candidates (None:
    a row printed but not segmentable; absent: not found). rows: row key → candidate 7-tuples.
    Returns (number of joint solutions, row → the candidates used by at least one solution)."""
    known = {k: v for k, v in rows.items() if v is not None}
    totals = known.get("res_total")
    v1 = all(h in known for h in HEADS)
    v2 = totals is not None and all(leaf in known for leaf in leaves)
    linked = set(HEADS) if v1 else set()
    if v2:
        linked |= set(leaves)
    if totals is not None:
        linked.add("res_total")
    used: dict[str, set] = {k: set() for k in known}
    n_free = 1
    for k, cands in known.items():
        if k not in linked:
            used[k] = set(cands)
            n_free *= len(cands)
    if totals is None:
        return n_free, used
    pairs: dict[tuple, list[tuple]] = {}
    if v1:
        for a in known["new_received"]:
            for b in known["carried_over_from_prev"]:
                pairs.setdefault(_vsum(a, b), []).append((a, b))
    leaf_rows = [known[leaf] for leaf in leaves] if v2 else []
    n_total = 0
    for t in totals:
        k_leaf = 1
        leaf_used: list[set] = []
        if v2:
            k_leaf, leaf_used = _leaf_dp(leaf_rows, t)
            if not k_leaf:
                continue
        k_head = 1
        head_used: list[tuple] = []
        if v1:
            k_head = 0
            for x in known["carried_to_next"]:
                for a, b in pairs.get(_vsum(t, x), ()):
                    k_head += 1
                    head_used.append((a, b, x))
            if not k_head:
                continue
        n_total += k_leaf * k_head
        used["res_total"].add(t)
        for leaf, u in zip(leaves, leaf_used):
            used[leaf] |= u
        for a, b, x in head_used:
            used["new_received"].add(a)
            used["carried_over_from_prev"].add(b)
            used["carried_to_next"].add(x)
    return n_total * n_free, used
