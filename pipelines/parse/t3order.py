"""Table 三 by the template's row order (the tolerant pass only).

The rows of table 三 are national and fixed, in a fixed order. Rows whose label the exact matcher
recognises are anchors; between two anchors the template says which rows must come. A row between
them is placed
* by **fuzzy label** when its label is clearly closest (fuzzy.best) to one of those rows, and to no
  other row of the template;
* by **template order** when the rows between the anchors are exactly as many as the template rows
  missing there and no label contradicts the order.
Anything else stays unplaced. Placed rows come back with the template's own label, so the exact
matcher reads them; the caller checks the identities (V1–V3) before it keeps any value."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from . import fuzzy
from .labels import norm
from .tables import T3_HEADER_WORDS, T3_LEAVES_2019, T3_OTHER_SUBROWS, _fit, _split, _t3_key_cached

TEMPLATE: Final = {
    "y2019": ("new_received", "carried_over_from_prev", *T3_LEAVES_2019, "res_other", "res_total", "carried_to_next"),
    "y2021": ("new_received", "carried_over_from_prev", *T3_LEAVES_2019, *T3_OTHER_SUBROWS, "res_total",
              "carried_to_next"),
}
_HEADER_SKELETONS: Final = tuple(fuzzy.skeleton(w) for w in (*T3_HEADER_WORDS, "申请人情况"))
_END_WORDS: Final = ("行政复议", "行政诉讼", "信息内容", "第二十条")
_GROUP_SKELETONS: Final = frozenset(fuzzy.skeleton(g) for g in fuzzy.SYNONYMS.get("t3_group", ()))


@dataclass
class Placement:
    row: int  # index in the rows
    key: str  # table-三 row key
    how: str  # "fuzzy label" | "template order"
    printed: str  # the label as printed ('' when it had none)


@dataclass
class _Cand:
    row: int
    labels: list
    values: list  # the value cells (fitted), [] for a label row without values
    key: str | None  # the exact matcher's reading


def canonical(key: str) -> list[str]:
    """Label cells the exact matcher reads as `key` (the group caption keeps 3.其他 in （六）)."""
    return ["其他处理", fuzzy.SYNONYMS["t3_" + key][0]]


def _is_t3_header(labels) -> bool:
    sk = [fuzzy.skeleton(x) for x in labels]
    return any(h in s for s in sk for h in _HEADER_SKELETONS)


def _readings(labels) -> list[str]:
    """The leaf, then the leaf with the cells before it (a label broken into cells)."""
    return ["".join(labels[i:]) for i in range(len(labels) - 1, -1, -1)]


def _names_a_row(labels, template) -> bool:
    """A label row without values that still names a template row (its values were lost)."""
    if fuzzy.skeleton("".join(labels)) in _GROUP_SKELETONS:
        return False
    key, _ = fuzzy.best(_readings(labels), ["t3_" + k for k in template])
    return key is not None


def _candidates(rows, n_values: int, template) -> list[_Cand]:
    """The rows of the table-三 region in order: from its header or first recognised row to
    结转下年度 or the next table; header and caption rows left out."""
    cands: list[_Cand] = []
    started = False
    prev_key = None
    for i, row in enumerate(rows):
        cells, labels, values = _split(row)
        if not cells:
            continue
        if labels and _is_t3_header(labels):
            started = True
            continue
        if started and any(w in norm(x) for x in labels for w in _END_WORDS):
            break
        vals = _fit(values, n_values) if len(values) >= 7 else []
        key = _t3_key_cached(tuple(labels), prev_key in T3_OTHER_SUBROWS) if labels and vals else None
        if not started and key is None:
            continue
        started = True
        if not vals and not (labels and _names_a_row(labels, template)):
            continue  # a caption (三、本年度办理结果), a note, an empty row
        cands.append(_Cand(i, labels, vals, key))
        if key:
            prev_key = key
            if key == "carried_to_next":
                break
    return cands


def align(rows, era: str, n_values: int = 7) -> tuple[list, list[Placement], list[str]]:
    """(rows with the placed rows relabelled, the placements, warnings)."""
    template = TEMPLATE.get(era, TEMPLATE["y2019"])
    pos = {k: i for i, k in enumerate(template)}
    cands = _candidates(rows, n_values, template)
    warnings: list[str] = []
    found = {c.key for c in cands if c.key}
    if era == "y2021" and "res_other" in found and not found.intersection(T3_OTHER_SUBROWS):
        warnings.append("t3_res_other_overdue_correction, t3_res_other_fee_unpaid, t3_res_other_other: "
                        "（六）其他处理 printed as one row in a 2021-format table; its sub-rows are not printed")
    # anchors: exact keys in increasing template order ((六) as one row stands for its sub-rows)
    segments: list[tuple[int, int, list[_Cand]]] = []
    lo, run = 0, []
    for c in cands:
        p: int | None = pos.get(c.key) if c.key else None
        if c.key == "res_other" and era == "y2021":
            p = pos["res_other_overdue_correction"]
        if p is None or p < lo:
            run.append(c)  # no reading, or one out of the template's order: to be placed (or not)
            if c.key:
                c.key = None
            continue
        segments.append((lo, p, run))
        lo = p + (3 if c.key == "res_other" and era == "y2021" else 1)
        run = []
    segments.append((lo, len(template), run))
    placements: list[Placement] = []
    for lo, hi, run in segments:
        if not run:
            continue
        slots = [k for k in template[lo:hi] if k not in found]
        placed = _place(run, slots, template)
        placements += placed
        left = [c for c in run if c.values and all(pl.row != c.row for pl in placed)]
        open_slots = [k for k in slots if all(pl.key != k for pl in placed)]
        if left and open_slots:
            warnings.append(", ".join("t3_" + k for k in open_slots) + f": {len(left)} printed rows here name no "
                            f"row of the template for certain ({len(open_slots)} rows missing); left null")
    out = [list(r) for r in rows]
    for pl in placements:
        c = next(x for x in cands if x.row == pl.row)
        out[pl.row] = canonical(pl.key) + list(c.values)
    return out, placements, warnings


def _place(run: list[_Cand], slots: list[str], template) -> list[Placement]:
    if not slots:
        return []
    all_rows = ["t3_" + k for k in template]
    guess: list[str | None] = []
    for c in run:
        if not c.labels:
            guess.append(None)
            continue
        key, _ = fuzzy.best(_readings(c.labels), ["t3_" + s for s in slots])
        anywhere, _ = fuzzy.best(_readings(c.labels), all_rows)
        # a label that names another row of the template better than any allowed one: not placed
        guess.append(key[3:] if key and (anywhere is None or anywhere == key) else ("?" if anywhere else None))
    usable = all(c.values for c in run)
    if usable and len(run) == len(slots) and all(g in (None, s) for g, s in zip(guess, slots)):
        return [Placement(c.row, s, "fuzzy label" if g == s else "template order", "".join(c.labels))
                for c, s, g in zip(run, slots, guess)]
    out = []
    last = -1
    for c, g in zip(run, guess):
        if g and g != "?" and c.values and slots.index(g) > last:
            last = slots.index(g)
            out.append(Placement(c.row, g, "fuzzy label", "".join(c.labels)))
    return out
