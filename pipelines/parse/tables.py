"""The template matcher: rows of cells → metric codes of tables 二, 三 and 四 (2019 / 2021 formats).

Written once for every format: readers only have to deliver rows of cells.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from .catalog import APPLICANTS, METRICS, unit_of
from .labels import core, is_label, norm
from .memo import memo
from .numbers import _cell, cell, clean, parse_value

_KNOWN_CELL: Final = _cell.cache.get

# ---- table 二 -------------------------------------------------------------------------------
T2_ROWS: Final = {
    "规章": "regulation",
    "规范性文件": "normative_doc",
    "行政规范性文件": "normative_doc",
    "行政许可": "license",
    "其他对外管理服务事项": "other_service",
    "其他对外管理服务": "other_service",
    "行政处罚": "penalty",
    "行政强制": "coercion",
    "行政事业性收费": "fee",
    "政府集中采购": "procurement",
}
T2_DEFAULT_COLS: Final = {
    "y2019": {
        "regulation": ["new_made", "new_published", "published_total"],
        "normative_doc": ["new_made", "new_published", "published_total"],
        "license": ["items_prev_year", "items_change", "decisions"],
        "other_service": ["items_prev_year", "items_change", "decisions"],
        "penalty": ["items_prev_year", "items_change", "decisions"],
        "coercion": ["items_prev_year", "items_change", "decisions"],
        "fee": ["items_prev_year", "items_change"],
        "procurement": ["projects", "amount"],
    },
    "y2021": {
        "regulation": ["issued", "repealed", "in_force"],
        "normative_doc": ["issued", "repealed", "in_force"],
        "license": ["decisions"],
        "penalty": ["decisions"],
        "coercion": ["decisions"],
        "fee": ["amount"],
    },
}
_T2_COL_WORDS: Final = (
    ("制作", "new_made"), ("新公开", "new_published"), ("公开总", "published_total"),
    ("对外公开", "published_total"), ("上一年", "items_prev_year"), ("上年", "items_prev_year"),
    ("增/减", "items_change"), ("增减", "items_change"), ("处理决定", "decisions"),
    ("制发", "issued"), ("废止", "repealed"), ("现行有效", "in_force"), ("收费金额", "amount"),
    ("采购项目", "projects"), ("项目数", "projects"), ("金额", "amount"),
)


def _t2_col(header: str, seen: list[str]) -> str | None:
    n = norm(header)
    for word, key in _T2_COL_WORDS:
        if word in n:
            return key
    if n.startswith("本年新"):  # 本年新<br>制作数量 cut at the line break: first is 制作, second 公开
        return "new_published" if "new_made" in seen else "new_made"
    return None


def _t2_code(row: str, col: str) -> str:
    if row == "procurement":
        return "t2_procurement_" + col
    if row == "fee" and col == "amount":
        return "t2_fee_amount"
    return f"t2_{row}_{col}"


# ---- table 三 -------------------------------------------------------------------------------
T3_ROWS: Final = (
    ("res_other_overdue_correction", ("逾期不补正",)),
    ("res_other_fee_unpaid", ("收费通知", "缴纳费用")),
    ("res_denied_state_secret", ("国家秘密",)),
    ("res_denied_prohibited_by_law", ("法律行政法规禁止", "禁止公开")),
    ("res_denied_three_safety_one_stability", ("三安全一稳定",)),
    ("res_denied_third_party_rights", ("第三方",)),
    ("res_denied_internal_affairs", ("内部事务",)),
    ("res_denied_process_info", ("过程性信息",)),
    ("res_denied_enforcement_file", ("执法案卷",)),
    ("res_denied_admin_query", ("行政查询",)),
    ("res_unable_not_held", ("不掌握",)),
    ("res_unable_needs_creation", ("另行制作", "没有现成")),
    ("res_unable_unclear_after_correction", ("补正后", "仍不明确")),
    ("res_not_processed_petition", ("信访", "举报投诉")),
    ("res_not_processed_repeat", ("重复申请",)),
    ("res_not_processed_publication", ("公开出版物",)),
    ("res_not_processed_excessive", ("大量反复",)),
    ("res_not_processed_confirm_reissue", ("重新出具", "确认或重新")),
    ("res_partially_granted", ("部分公开",)),
    ("res_granted", ("予以公开",)),
    ("new_received", ("本年新收", "新收政府信息公开申请")),
    ("carried_over_from_prev", ("上年结转",)),
    ("carried_to_next", ("结转下年度", "结转下一年度", "转下年度", "转下一年度")),
    ("res_other", ("其他处理",)),
    ("res_total", ("总计", "合计")),
)
T3_HEADER_WORDS: Final = frozenset(("申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构",
                             "社会公益组织", "法律服务机构"))
T3_OTHER_SUBROWS: Final = ("res_other_overdue_correction", "res_other_fee_unpaid", "res_other_other")
T3_ROW_KEYS: Final = [k for k, _ in T3_ROWS] + ["res_other_other"]
T3_LEAVES_2019: Final = ("res_granted", "res_partially_granted", "res_denied_state_secret",
                  "res_denied_prohibited_by_law", "res_denied_three_safety_one_stability",
                  "res_denied_third_party_rights", "res_denied_internal_affairs",
                  "res_denied_process_info", "res_denied_enforcement_file", "res_denied_admin_query",
                  "res_unable_not_held", "res_unable_needs_creation",
                  "res_unable_unclear_after_correction", "res_not_processed_petition",
                  "res_not_processed_repeat", "res_not_processed_publication",
                  "res_not_processed_excessive", "res_not_processed_confirm_reissue")


_T3_PRIORITY: Final = {key: i for i, (key, _) in enumerate(T3_ROWS)}
_T3_WORD_KEY: Final = {w: key for key, words in T3_ROWS for w in words}
_T3_WORDS: Final = re.compile("|".join(sorted(map(re.escape, _T3_WORD_KEY), key=len, reverse=True)))


def _t3_key(labels, prev_key: str | None) -> str | None:
    """Row of table 三 named by its labels (leaf first, then the whole label path)."""
    return _t3_key_cached(tuple(labels), prev_key in T3_OTHER_SUBROWS)


@lru_cache(maxsize=2048)
def _t3_key_cached(labels: tuple, after_other_subrow: bool) -> str | None:
    leaf = norm(labels[-1])
    full = "".join(norm(x) for x in labels)
    if core(labels[-1]) in ("其他", "其它") and ("其他处理" in full or after_other_subrow):
        return "res_other_other"  # （六）其他处理 → 3.其他
    for i, text in enumerate((leaf, full)):
        keys = {_T3_WORD_KEY[w] for w in _T3_WORDS.findall(text)}
        # overlapping words ("禁止公开" inside "其他法律行政法规禁止公开") resolve by priority
        for w in _T3_WORD_KEY:
            if w in text:
                keys.add(_T3_WORD_KEY[w])
        if keys:
            if i == 1 and keys == {"res_other"} and leaf != full:
                return None  # （六）其他处理 is the caption of a sub-row whose own label is unreadable
            return min(keys, key=_T3_PRIORITY.__getitem__)
    return None


def _fit(values: list[str], n: int) -> list[str]:
    """Cut padding cells so a value row has n cells: first the empty cells a merged label leaves
    behind, then trailing tabs."""
    v = list(values)
    while len(v) > n and not clean(v[0]):  # span continuation of the label cell
        v.pop(0)
    while len(v) > n and not clean(v[-1]):  # trailing tabs
        v.pop()
    return v


T4_CODES: Final = [f"t4_{block}_{col}" for block in ("review", "lit_direct", "lit_after_review")
            for col in ("maintained", "corrected", "other", "pending", "total")]
_T4_HEADER_WORDS: Final = ("结果维持", "结果纠正", "尚未审结", "总计", "复议", "诉讼", "其他结果")


# every table-三/四 metric is a count: their rows go through put_all() and one count memo
_T3_CODES: Final = {key: tuple(f"t3_{key}__{c}" for c in APPLICANTS) for key in T3_ROW_KEYS}
_T4_CODES: Final = tuple(T4_CODES)
if any(unit_of(c) != "count" for codes in (*_T3_CODES.values(), _T4_CODES) for c in codes):
    raise RuntimeError("metrics.csv: tables 三/四 must be counts (put_all reads them as such)")

# Plain dicts filled once (memo.py's policy: the first N keys stay, memory stays flat), read with
# map(dict.get, cells): a row's cells are looked up in C instead of one Python call per cell.
_COUNT_CELLS: Final[dict] = {}  # cell text → cell(text, "count"), like the 1024 of numbers._cell
_LABEL_OF: Final[dict] = {}  # cell text → is_label(text), like the 4096 of its lru_cache


def _count_cells(raws) -> list:
    """cell(raw, "count") for each raw."""
    out = list(map(_COUNT_CELLS.get, raws))
    if None in out:
        for i, v in enumerate(out):
            if v is None:
                v = out[i] = cell(raws[i], "count")
                if len(_COUNT_CELLS) < 1024:
                    _COUNT_CELLS[raws[i]] = v
    return out


def _fill_label_flags(cells, flags: list) -> list:
    """flags (from _LABEL_OF) with its misses computed: is_label(cell)."""
    for i, v in enumerate(flags):
        if v is None:
            v = flags[i] = is_label(cells[i])
            if len(_LABEL_OF) < 4096:
                _LABEL_OF[cells[i]] = v
    return flags


_LABEL_GET: Final = _LABEL_OF.get


class Result:
    def __init__(self) -> None:
        self.metrics: dict[str, tuple] = {}
        self.warnings: list[str] = []
        self.found: set[str] = set()  # tables found: t2 / t3 / t4 / pre
        self.orphans = 0  # value rows without a label inside table 三 (detached labels): see tolerant.py

    def put(self, code: str, raw: str | None, scale: int | None = None) -> None:
        if code in self.metrics:
            if self.metrics[code][1] != clean(raw):
                self.warnings.append(f"{code} printed twice ({self.metrics[code][1]!r} / {clean(raw)!r}); kept the first")
            return
        key = (raw, unit_of(code), scale)
        self.metrics[code] = _KNOWN_CELL(key) or _cell(key)  # cell(): its memo read here first

    def put_all(self, codes: tuple, raws) -> None:
        """put() for count codes zipped with their cells."""
        metrics = self.metrics
        if metrics.keys().isdisjoint(codes):  # the usual row: none of its codes seen before
            metrics.update(zip(codes, _count_cells(raws)))
        else:
            for code, raw in zip(codes, raws):
                self.put(code, raw)


def _split(row) -> tuple[list[str], list[str], list[str]]:
    """(cells, label cells, value cells after the last label); the lists are never mutated."""
    cells = [c for c in row if c is not None] if None in row else row
    flags = list(map(_LABEL_GET, cells))  # is_label() of each cell, looked up in C
    if None in flags:
        flags = _fill_label_flags(cells, flags)
    if True not in flags:
        return cells, [], cells
    last = len(flags) - 1 - flags[::-1].index(True)  # the last label cell
    return cells, [c for c in cells[: last + 1] if clean(c)], cells[last + 1:]


_NO_INFO: Final = (False, False, False, False, False, False)


@memo(1024)
def _label_info(labels: tuple) -> tuple:
    """What a row's labels say, once per distinct label tuple: (applicant header, 小计 column,
    table-三 header word, 本年新收, 行政复议, table-四 header word)."""
    norms = [norm(x) for x in labels]
    return (any("申请人情况" in x for x in norms), any("小计" in x for x in norms),
            any(x in T3_HEADER_WORDS for x in norms), any("本年新收" in x for x in norms),
            any("行政复议" in x for x in norms),
            any(any(w in x for w in _T4_HEADER_WORDS) for x in norms))


_INFO_GET: Final = _label_info.cache.get


def match_tables(rows, era: str, res: Result) -> None:
    header: list[str | None] | None = None
    header_money_scale: list[int | None] = []
    in_t3 = False
    t3_done = False
    t4_header = False
    prev_key = None
    subtotal_col = False
    t3_header = False
    t2_defaults = T2_DEFAULT_COLS.get(era, {})
    for row in rows:
        cells, labels, values = _split(row)
        if not cells:
            continue
        # --- table 二 -------------------------------------------------------------
        if not in_t3 and not t3_done:
            first = norm(cells[0]) if cells[0] else ""
            if first == "信息内容":
                header = []
                header_money_scale = []
                for h in cells[1:]:
                    header.append(_t2_col(h, [x for x in header if x]) if clean(h) else None)
                    header_money_scale.append(10000 if "万元" in norm(h) else None)
                while header and header[-1] is None:
                    header.pop()
                continue
            if "第二十条" in first:
                header = None
                continue
            t2row = T2_ROWS.get(core(cells[0]) or first) if cells[0] else None
            if t2row:
                res.found.add("t2")
                defaults = t2_defaults.get(t2row) or T2_DEFAULT_COLS["y2019"].get(t2row, [])
                cols = header if header and all(header) else (
                    [h or d for h, d in zip(header, defaults)] if header else defaults)
                vals = cells[1:]
                for i, col in enumerate(cols):
                    if col is None:
                        continue
                    code = _t2_code(t2row, col)
                    if code not in METRICS:
                        res.warnings.append(f"table 二: no metric for {cells[0]!r} × {col}")
                        continue
                    raw = vals[i] if i < len(vals) else None
                    if raw is None:
                        res.warnings.append(f"{code}: cell missing")
                        continue
                    scale = header_money_scale[i] if header and i < len(header_money_scale) else None
                    if unit_of(code) == "cny" and scale is None:
                        if code == "t2_fee_amount":
                            scale = 10000  # the template prints 本年收费金额（单位：万元）
                        elif parse_value(raw, "cny")[1] == "numeric" and not any(
                                u in norm(raw) for u in ("元", "万")):
                            res.warnings.append(f"{code}: no unit printed; read as 元")
                    res.put(code, raw, scale)
                    if res.metrics[code][2] == "text":  # O for 0, a note instead of a number: no value
                        res.warnings.append(f"{code}: {clean(raw)!r} is not a number; left null")
                continue
        if labels:
            lt = tuple(labels)
            info = _INFO_GET(lt) or _label_info(lt)
        else:
            info = _NO_INFO
        # --- table 三 -------------------------------------------------------------
        if not t3_done and labels:
            if not in_t3 and info[0]:
                t3_header = True
            if (t3_header or in_t3) and info[1]:
                subtotal_col = True
            key = _t3_key_cached(lt, prev_key in T3_OTHER_SUBROWS) if (
                len(values) >= 3 and not info[2] and (in_t3 or t3_header or info[3])) else None
            if key:
                in_t3 = True
                res.found.add("t3")
                n = 8 if subtotal_col else 7
                vals = values if len(values) <= n else _fit(values, n)
                if subtotal_col and len(vals) == 8:
                    vals = vals[:6] + vals[7:]  # drop the 法人或其他组织 小计 column
                elif len(vals) > 7:
                    res.warnings.append(f"table 三 row {labels[-1]!r}: {len(vals)} value cells, read the last 7")
                    vals = vals[-7:]
                elif len(vals) < 7:  # which cells are missing is unknown: reading them in order would guess
                    res.warnings.append(f"t3_{key}: table 三 row {labels[-1]!r} has {len(vals)} value cells, "
                                        "expected 7; left null")
                    vals = []
                res.put_all(_T3_CODES[key], vals)
                prev_key = key
                if key == "carried_to_next":
                    in_t3 = False
                    t3_done = True
                continue
        elif in_t3 and len(values) >= 7:
            res.orphans += 1  # a row of values whose label row stood apart
        # --- table 四 -------------------------------------------------------------
        if info[4]:
            t4_header = True
            if len(values) < 15:  # a flattened page can carry the header and the numbers in one row
                continue
            info = _NO_INFO  # the header words were read: only the numbers count
        if t4_header and "t4" not in res.found:
            vals = values if len(values) <= 15 else _fit(values, 15)
            if len(vals) >= 15 and not info[5]:
                if len(vals) > 15:
                    res.warnings.append(f"table 四: {len(vals)} value cells, read the last 15")
                    vals = vals[-15:]
                res.found.add("t4")
                res.put_all(_T4_CODES, vals)
