"""Identities the tables carry themselves (report-templates.md §2.4 V1–V4).

A failing check is recorded; values are never changed because of it.
"""
from __future__ import annotations

from typing import Final

from .catalog import APPLICANTS
from .tables import T3_LEAVES_2019, T3_OTHER_SUBROWS, T3_ROW_KEYS

EPS: Final = 1e-6


def _fmt(v) -> str:
    if v is None:
        return "blank"
    if v.__class__ is float and v.is_integer():
        v = int(v)
    return str(v)


# _fmt of blanks and small whole numbers, looked up (1.0 finds 1: both print "1")
_FMT: Final[dict] = {None: "blank", **{i: str(i) for i in range(-100, 2000)}}
_FMT_GET: Final = _FMT.get


def _side(vals, total) -> str:
    if len(vals) > 6:
        return f"{_FMT_GET(total) or _fmt(total)} (sum of {len(vals)} cells, {vals.count(None)} blank)"
    parts: list = list(map(_FMT_GET, vals))
    if None in parts:
        parts = [p or _fmt(v) for p, v in zip(parts, vals)]
    return "+".join(parts)


def compare(code: str, lhs, rhs) -> dict:
    """lhs/rhs: operand values (None = blank / not applicable / absent)."""
    ln = rn = 0
    ls = rs = 0
    for x in lhs:
        if x is not None:
            ln += 1
            ls += x
    for x in rhs:
        if x is not None:
            rn += 1
            rs += x
    if not ln and not rn:
        return {"code": code, "status": "not_assessable", "detail": "all cells blank"}
    left = _side(lhs, ls) if ln else "blank"
    right = _side(rhs, rs) if rn else "blank"
    if not ln or not rn:
        if abs(rs if not ln else ls) > EPS:
            return {"code": code, "status": "fail", "detail": f"{left} != {right}"}
        return {"code": code, "status": "not_assessable", "detail": f"{left} vs {right}"}
    ok = abs(ls - rs) <= EPS
    return {"code": code, "status": "pass" if ok else "fail",
            "detail": f"{left} {'=' if ok else '!='} {right}"}


def _v2(other_rows: list[str]) -> list[tuple]:
    return [(f"t3_result_total__{c}", [f"t3_res_total__{c}"],
             [f"t3_{k}__{c}" for k in [*T3_LEAVES_2019, *other_rows]], (f"t3_res_total__{c}",))
            for c in APPLICANTS]


# operand codes, computed once: (check code, lhs codes, rhs codes, codes whose presence enables it)
_V1: Final = [(f"t3_identity__{c}", [f"t3_new_received__{c}", f"t3_carried_over_from_prev__{c}"],
        [f"t3_res_total__{c}", f"t3_carried_to_next__{c}"], (f"t3_new_received__{c}", f"t3_res_total__{c}"))
       for c in APPLICANTS]
_V2_ROW: Final = _v2(["res_other"])               # 2019: （六）其他处理 is a leaf row
_V2_SUBROWS: Final = _v2(list(T3_OTHER_SUBROWS))  # 2021: its three sub-rows
_V3: Final = [(f"t3_col_sum__{k}", [f"t3_{k}__{c}" for c in APPLICANTS[:-1]], [f"t3_{k}__total"], (f"t3_{k}__total",))
       for k in T3_ROW_KEYS]
_V4: Final = [(f"t4_sum__{b}", [f"t4_{b}_{c}" for c in ("maintained", "corrected", "other", "pending")],
        [f"t4_{b}_total"], (f"t4_{b}_total",)) for b in ("review", "lit_direct", "lit_after_review")]


def _plan(specs) -> tuple:
    """(all operand codes in one row, per check: (code, lhs slice, rhs slice, enabling codes)):
    a document's operand values are then read with one map() over the metrics."""
    flat: list = []
    out: list = []
    for code, lhs, rhs, needs in specs:
        a = len(flat)
        flat += lhs
        b = len(flat)
        flat += rhs
        out.append((code, a, b, len(flat), needs))
    return tuple(flat), tuple(out)


# the spec lists per era, built once (V1/V2 interleaved per applicant, then V3, then V4)
_PLAN_ROW: Final = _plan(tuple(x for pair in zip(_V1, _V2_ROW) for x in pair) + tuple(_V3) + tuple(_V4))
_PLAN_SUBROWS: Final = _plan(tuple(x for pair in zip(_V1, _V2_SUBROWS) for x in pair) + tuple(_V3) + tuple(_V4))
_PLAN_T4: Final = _plan(tuple(_V4))
_SUBROW_TOTALS: Final = tuple(f"t3_{k}__total" for k in T3_OTHER_SUBROWS)


def run_checks(metrics: dict, era: str | None) -> list[dict]:
    """V1–V4 on metrics (code → (value, value_raw, semantic)), each where its cells were printed."""
    if era in ("y2019", "y2021"):
        has_subrows = False
        for total_code in _SUBROW_TOTALS:
            if total_code in metrics:
                has_subrows = True
                break
        operands, checks = _PLAN_SUBROWS if has_subrows else _PLAN_ROW
    else:
        operands, checks = _PLAN_T4
    values = list(map({c: m[0] for c, m in metrics.items()}.get, operands))
    out = []
    for code, a, b, c, needs in checks:
        for n in needs:
            if n in metrics:
                out.append(compare(code, values[a:b], values[b:c]))
                break
    return out
