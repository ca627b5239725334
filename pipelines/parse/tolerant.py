"""The tolerant pass (issue 12): runs only when the exact matcher left cells of the template unfilled.

    if needed(res, era, doc): era = complete(doc, rows, era, res)

It reads the document again with what never varies — the template's rows and columns in their
order and the identities the tables carry — and fills only the cells the exact pass could not:
1. rows: the document's rows, else (text) its pipe-table lines or its space-separated lines;
2. pieces.clean_rows: footers, invented headers, notes under values dropped; split captions and
   detached labels joined;
3. table 二 row labels matched by fuzzy label (unique, in the template's row order);
4. table 三 rows placed by t3order (anchors, fuzzy label, template order);
5. the exact matcher on the repaired rows; table 四 pieces (pieces.t4_blocks) where it found none;
6. merged into the exact pass's result, whose values always win. A value *placed* (fuzzy label,
   template order, a detached label joined, table 四 pieces) is kept only if no identity (V1–V4)
   it takes part in fails with all its cells printed — and one placed by template order only if a
   V1/V2 check confirms it; otherwise its whole row stays null, with a warning. A value *read* by
   its own label from repaired rows is kept like the exact pass's (a failing check never changes a
   value), except a text row that lost blank cells (fewer cells than columns): null, with a warning.
Each placement other than by an exact label adds a warning naming how the value was placed.
"""
from __future__ import annotations

from typing import Final

from . import fuzzy
from .catalog import APPLICANTS, era_codes
from .checks import run_checks
from .era import detect_era_loose
from .labels import core, is_label, norm
from .pieces import T4_BLOCKS, T4_KINDS, clean_rows, t4_blocks
from .spaced import rows_from_lines
from .t3order import align
from .tables import (_T2_COL_WORDS, T2_ROWS, T3_LEAVES_2019, T3_OTHER_SUBROWS, Result, _split, _t3_key_cached,
                     match_tables)

# the table cells of each era the exact pass should fill (2021 （六）其他处理 is derived later)
_TABLE_CODES: Final = {era: frozenset(c for c in era_codes(era) if c.startswith(("t2_", "t3_", "t4_"))
                                      and not (era == "y2021" and c.startswith("t3_res_other__")))
                       for era in ("y2019", "y2021")}
_T2_ORDER: Final = ("regulation", "normative_doc", "license", "other_service", "penalty", "coercion", "fee",
                    "procurement")
_T2_LABEL: Final = {"y2019": {"normative_doc": "规范性文件"}, "y2021": {"normative_doc": "行政规范性文件"}}
_T3_START: Final = ("本年新收", "申请人情况", "上年结转")


def needed(res: Result, era: str | None, doc) -> bool:
    """Cheap: does the exact pass leave template cells unfilled (or value rows unread)?"""
    if not res.metrics:
        return bool(doc.rows or doc.lines)
    if res.orphans:
        return True
    codes = _TABLE_CODES.get(era or "")
    return codes is not None and bool(codes.difference(res.metrics))  # (the fastest of the set tests)


def _value_rows(rows) -> bool:
    return any(sum(1 for c in r if c and c.strip() and not is_label(c)) >= 3 for r in rows)


def _source_rows(doc, rows) -> tuple[list, str | None]:
    """The rows to read again, and what they are when not the document's own."""
    if rows and _value_rows(rows):
        return rows, None
    if doc.fmt != "text" or not doc.lines:
        return rows, None
    from .readers.markdown import is_table_line, read_markdown

    if sum(1 for line in doc.lines if is_table_line(line)) >= 3:
        return read_markdown("\n".join(doc.lines)).rows, "pipe-table lines"
    return rows_from_lines(doc.lines), "space-separated lines"


def _row_keys(rows) -> set[str]:
    """The template rows (t3_<key>, t2_<row>) that rows name by their labels."""
    out = set()
    for row in rows:
        cells, labels, _values = _split(row)
        if not labels:
            continue
        t2 = T2_ROWS.get(core(cells[0]))
        if t2:
            out.add("t2_" + t2)
            continue
        key = _t3_key_cached(tuple(labels), False) or _t3_key_cached(tuple(labels), True)
        if key:
            out.add("t3_" + key)
    return out


def _short_rows(rows) -> list[str]:
    """Space-separated text keeps no blank cell: a table-三 row with fewer than 7 values, or a
    table-二 row with fewer values than its header has columns, cannot say which cells are blank.
    Its values are dropped (rewritten in place); returns warnings."""
    warnings = []
    header_cols = 0
    for i, row in enumerate(rows):
        cells, labels, values = _split(row)
        if not labels:
            continue
        first = norm(cells[0])
        if first == "信息内容":
            header_cols = len(cells) - 1
            continue
        if first.startswith("第二十条"):
            header_cols = 0
            continue
        t2 = T2_ROWS.get(core(cells[0]))
        if t2:  # table 二 reads the cells after the label by position (a cell may be text: 2O)
            if header_cols and 0 < len(cells) - 1 < header_cols:
                warnings.append(f"t2_{t2}: {len(cells) - 1} cells printed under {header_cols} columns (a blank "
                                "cell leaves no trace in text without separators); left null")
                rows[i] = cells[:1]
            continue
        key = _t3_key_cached(tuple(labels), False)
        if key and 0 < len(values) < 7:
            warnings.append(f"t3_{key}: {len(values)} cells printed where the template has 7 (a blank cell "
                            "leaves no trace in text without separators); left null")
            rows[i] = list(labels)
    return warnings


def _t2_labels(rows, era: str, fixed: list) -> list[str]:
    """Table 二 row labels the exact matcher does not know, matched by fuzzy label against the rows
    the template allows after the last row found (rewritten in place; `fixed` gets their t2_<row>);
    returns warnings."""
    warnings: list[str] = []
    last = -1
    in_t2 = False  # inside table 二: after its header or a 第二十条 caption
    for row in rows:
        cells = [c for c in row if c is not None]
        if not cells or not cells[0]:
            continue
        first = norm(cells[0])
        if any(w in first for w in _T3_START):
            break
        if first == "信息内容":
            in_t2 = True
            warnings += _t2_header(row)
            continue
        if first.startswith("第二十条"):
            in_t2 = True
            continue
        known = T2_ROWS.get(core(cells[0]) or first)
        if known:
            last = max(last, _T2_ORDER.index(known))
            continue
        values = cells[1:]
        if not in_t2 or not 0 < len(values) <= 4 or not is_label(cells[0]) or any(is_label(c) for c in values if c):
            continue
        allowed = ["t2_" + k for k in _T2_ORDER[last + 1:]]
        key, sc = fuzzy.best(core(cells[0]), allowed)
        anywhere, _ = fuzzy.best(core(cells[0]), ["t2_" + k for k in _T2_ORDER])
        if key is None or anywhere != key:
            continue
        row_key = key[3:]
        label = _T2_LABEL.get(era, {}).get(row_key) or fuzzy.SYNONYMS[key][0]
        warnings.append(f"{key}: row label {cells[0]!r} read as {label!r} (fuzzy label, similarity {sc:.2f})")
        row[row.index(cells[0])] = label
        last = _T2_ORDER.index(row_key)
        fixed.append(key)
    return warnings


def _t2_header(row) -> list[str]:
    """Header cells of table 二 with a look-alike character (外理决定) read as the header word."""
    warnings = []
    for j, cell in enumerate(row):
        if j == 0 or not cell or any(w in norm(cell) for w, _ in _T2_COL_WORDS) or norm(cell).startswith("本年新"):
            continue
        sk = fuzzy.skeleton(cell)
        words = {w for w, _ in _T2_COL_WORDS if fuzzy.skeleton(w) in sk}
        if len(words) == 1 or (words and len({k for w, k in _T2_COL_WORDS if w in words}) == 1):
            word = max(words, key=len)
            warnings.append(f"table 二 header {cell!r} read as {word!r} (look-alike characters)")
            row[j] = word
    return warnings


def _operands(check: str, era: str) -> list[str]:
    """The metric codes a check of checks.py compares."""
    kind, _, arg = check.partition("__")
    if kind == "t3_identity":
        return [f"t3_{k}__{arg}" for k in ("new_received", "carried_over_from_prev", "res_total", "carried_to_next")]
    if kind == "t3_result_total":
        other = T3_OTHER_SUBROWS if era == "y2021" else ("res_other",)
        return [f"t3_{k}__{arg}" for k in ("res_total", *T3_LEAVES_2019, *other)]
    if kind == "t3_col_sum":
        return [f"t3_{arg}__{c}" for c in APPLICANTS]
    if kind.startswith("t4_sum"):
        block = check[len("t4_sum__"):]
        return [f"t4_{block}_{k}" for k in T4_KINDS]
    return []


def _row_of(code: str) -> str:
    """t3_res_granted__total → t3_res_granted; t4_review_total → t4_review; t2_license_decisions → t2_license."""
    if "__" in code:
        return code.split("__")[0]
    if code.startswith("t4_"):
        return code.rsplit("_", 1)[0]
    for row in _T2_ORDER:
        if code.startswith(f"t2_{row}_"):
            return f"t2_{row}"
    return code


def _rows_named(codes) -> str:
    return ", ".join(sorted({_row_of(c) for c in codes}))


def complete(doc, rows, era: str | None, res: Result) -> str | None:
    """Fill what the exact pass left unfilled (res is updated in place); returns the era."""
    src, what = _source_rows(doc, rows)
    if not src:
        return era
    cleaned, notes, joined_rows = clean_rows(src)
    era2 = era if era in ("y2019", "y2021") else detect_era_loose(cleaned)
    if era2 not in ("y2019", "y2021", None) or (era2 is None and era is not None):
        return era  # pre-2019: its matcher is label-based already
    warnings: list[str] = list(notes)
    if what == "space-separated lines":
        warnings += _short_rows(cleaned)
    t2_fuzzy: list[str] = []
    warnings += _t2_labels(cleaned, era2 or "y2019", t2_fuzzy)
    subtotal = any("小计" in norm(c) for r in cleaned[:200] for c in r if c)
    repaired, placements, w3 = align(cleaned, era2 or "y2019", 8 if subtotal else 7)
    warnings += w3
    res2 = Result()
    match_tables(repaired, era2 or "y2019", res2)
    if era2 is None:
        if not res2.metrics:
            return era
        era2 = "y2021" if any(f"t3_{k}__total" in res2.metrics for k in T3_OTHER_SUBROWS) else "y2019"
    placed = {f"t3_{p.key}" for p in placements} | set(t2_fuzzy) | _row_keys(joined_rows)
    if not res2.found.intersection(("t4",)) and not res.found.intersection(("t4",)):
        blocks, how = t4_blocks(cleaned)
        if blocks:
            placed.update(f"t4_{b}" for b in T4_BLOCKS)
            for b in T4_BLOCKS:
                res2.put_all(tuple(f"t4_{b}_{k}" for k in T4_KINDS), blocks[b])
            res2.found.add("t4")
            warnings.append(f"t4: table 四 printed as three 5-column pieces, joined (blocks told apart by {how})")
    # what the tolerant pass adds or changes; the exact pass's values win
    merged = dict(res.metrics)
    changed = set()
    for code, val in res2.metrics.items():
        old = merged.get(code)
        if old is None or (old[0] is None and val[0] is not None and old[2] == "empty"):
            merged[code] = val
            changed.add(code)
    if not changed:
        res.warnings.extend(w3)  # what table 三 leaves unplaced, and why
        return era if era is not None else (era2 if res.metrics else era)
    # identities: a placed value (not read by its own label) is not kept when a check it takes part
    # in fails with all its cells printed; one placed by template order only when such a check passes.
    # Values read by their labels stay, as in the exact pass (a failing check never changes a value).
    by_order = {f"t3_{p.key}__{c}" for p in placements if p.how == "template order" for c in APPLICANTS}
    dropped: set[str] = set()
    confirmed: set[str] = set()
    for chk in run_checks(merged, era2):
        ops = _operands(chk["code"], era2)
        involved = [c for c in ops if c in changed and _row_of(c) in placed]
        if not involved:
            continue
        complete = all(c in merged for c in ops)
        if chk["status"] == "fail" and complete:
            dropped.update(involved)
            warnings.append(f"{_rows_named(involved)}: placed by the tolerant pass but {chk['code']} fails "
                            f"({chk['detail']}); left null")
        elif chk["status"] == "pass" and complete and not chk["code"].startswith("t3_col_sum"):
            confirmed.update(involved)  # V1/V2 tie rows together; a row's own sum (V3) says nothing of its place
    unconfirmed = {c for c in by_order - confirmed - dropped if c in changed and merged[c][0] is not None}
    if unconfirmed:
        dropped.update(unconfirmed)
        warnings.append(f"{_rows_named(unconfirmed)}: rows in template order but no identity confirms them; left null")
    # a row is one placement: when one of its cells is not kept, none is
    rows_out = {_row_of(c) for c in dropped}
    dropped.update(c for c in changed if _row_of(c) in rows_out)
    for code in dropped:
        if code in res.metrics:
            merged[code] = res.metrics[code]
        else:
            merged.pop(code, None)
    kept = changed - dropped
    if not kept:
        res.warnings.extend(warnings)
        return era
    def held(codes) -> str:
        filled = [c for c in codes if c in kept and merged[c][0] is not None]
        return "identities hold" if filled and set(filled) <= confirmed else "no identity contradicts them"

    for how in ("fuzzy label", "template order"):
        done = [p for p in placements if p.how == how and f"t3_{p.key}__total" in kept]
        if done:
            named = ", ".join(f"t3_{p.key}" + (f" ({p.printed!r})" if p.printed else "") for p in done)
            codes = [f"t3_{p.key}__{c}" for p in done for c in APPLICANTS]
            warnings.append(f"t3: {len(done)} rows placed by {how}"
                            + (" (no label, or one naming no row)" if how == "template order" else "")
                            + f": {named}; {held(codes)}")
    if what:
        warnings.append(f"tables read from {what}: {len(kept)} cells")
    placed_rows = {f"t3_{p.key}" for p in placements}
    t3_read = [c for c in kept if c.startswith("t3_") and _row_of(c) not in placed_rows]
    if t3_read and notes:
        warnings.append(f"t3: {len(t3_read)} cells read after joining the table's pieces; {held(t3_read)}")
    res.metrics.clear()
    res.metrics.update(merged)
    res.found.update(res2.found)
    res.warnings.extend(w for w in res2.warnings if w not in res.warnings)
    res.warnings.extend(warnings)
    return era2 if era not in ("y2019", "y2021") else era
