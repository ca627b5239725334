"""Plain-text renderings of a report: ``ocr_text`` (what an OCR engine emits from a scan: wrapped
lines, look-alike characters, a typo, a label broken by a space, era-mixed labels, header cells
read line by line) and ``flat_runtogether`` (an archive's page text, a copy-paste, a PDF text layer
without ruling lines: one line per row, a row's cells run together, ``行政许可3960181``).  Each
distortion is a flag of ``DemoReport.flags`` (``OCR_FLAGS``, ``FLAT_FLAGS``); what was printed
where the rng chose comes back in :class:`TextInfo` (copies.py turns it into the truth)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from . import noise
from .tables import T3_OTHER_2021, APPLICANT6, Table
from .textgrid import GCell, dense, flat, label_cells, row_key

OCR_FLAGS = ("ocr_confusables", "ocr_era_label", "ocr_label_typo", "ocr_label_space", "ocr_other_one_row",
             "ocr_digit_confusion")
FLAT_FLAGS = ("flat_all_runs", "flat_some_runs")

# label changes of real PDFs / OCR (original label -> printed), one flag each
ERA_LABEL = ("行政规范性文件", "规范性文件")                         # the 2019 label in a 2021 table
LABEL_TYPO = ("2.其他法律行政法规禁止公开", "2.其他法律行政止公开")
LABEL_SPACE = ("5.要求行政机关确认或重新出具已获取信息", "5.要求行政机关确认或重 新出具已获取信息")
PAGE_NUMBER = "- {n} -"


@dataclass
class RunRow:
    table: str                 # t2 | t3 | t4
    key: str                   # the metric row (textgrid.row_key)
    codes: list[str]           # its value cells, in order
    run: str                   # the value cells as printed, run together
    line: str                  # the whole printed line


@dataclass
class TextInfo:
    runs: list[RunRow] = field(default_factory=list)
    spaced: list[RunRow] = field(default_factory=list)     # value rows printed with separators
    labels: dict[str, str] = field(default_factory=dict)   # label as the template prints it -> as printed here
    confusions: list[tuple[str, str, str]] = field(default_factory=list)   # (where, printed, read as)
    digit_confusion: tuple[str, str] | None = None         # (code, the cell as printed)
    other_one_row: list[int] | None = None                 # 2021 (六)其他处理 printed as one row: its values


def _values(row: list[GCell]) -> list[GCell]:
    return [g for g in row if g.code]


def _header_lines(row: list[GCell], by_line: bool, fix=None) -> list[str]:
    cells = [fix(g.text) if fix else g.text for g in row if g.origin and g.text]
    if not by_line:
        return [" ".join(flat(c) for c in cells)] if cells else []
    parts = [c.split("\n") for c in cells]          # OCR reads the physical lines of the header row
    n = max((len(p) for p in parts), default=0)
    return [" ".join(p[k] for p in parts if k < len(p)) for k in range(n)]


# --------------------------------------------------------------------------- ocr_text

def _wrap(text: str, width: int, protect: list[tuple[int, int]]) -> list[str]:
    """Hard line breaks every ``width`` characters, moved out of the protected spans."""
    out, start = [], 0
    while len(text) - start > width:
        cut = start + width
        for a, b in protect:
            if a < cut < b:
                cut = b if b - start <= width + 12 else a
        cut = max(cut, start + 1)
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return out


def render_ocr(blocks: list, flags: set[str], rng: random.Random, names: list[str]) -> tuple[str, TextInfo]:
    info = TextInfo()
    width = rng.randint(30, 38)
    out: list[str] = []
    page = 1
    n_para = 0
    for kind, x in blocks:
        if kind in ("title", "h"):
            out.append(x)
        elif kind == "p":
            prot = noise.protected_spans(x, names)
            if "ocr_confusables" in flags:
                x2, ch = noise.confuse(x, rng, rate=0.06, protect=prot)
                info.confusions += [("prose", a, b) for _i, a, b in ch]
                x = x2
            out += _wrap(x, width, prot)
            n_para += 1
            if n_para in (5, 12):
                page += 1
                out.append(PAGE_NUMBER.format(n=page))
        else:
            out += _ocr_table(x, flags, rng, info)
    return "\n".join(out) + "\n", info


def _ocr_label(text: str, flags: set[str], rng: random.Random, info: TextInfo, era2021: bool) -> str:
    t = flat(text)
    for flag, (orig, printed) in (("ocr_era_label", ERA_LABEL), ("ocr_label_typo", LABEL_TYPO),
                                  ("ocr_label_space", LABEL_SPACE)):
        if flag in flags and t == orig and (flag != "ocr_era_label" or era2021):
            info.labels[orig] = printed
            t = printed
    if "ocr_confusables" in flags and rng.random() < 0.3:
        t2, ch = noise.confuse_one(t, rng, ("hanzi", "digit", "punct"))
        if ch:
            info.confusions.append(("label", ch[0][1], ch[0][2]))
            info.labels.setdefault(flat(text), t2)
            t = t2
    return t


def _ocr_header(text: str, flags: set[str], rng: random.Random, info: TextInfo) -> str:
    """A header cell, maybe with one look-alike (自然人 → 自然入); its line breaks are kept."""
    if "ocr_confusables" not in flags or rng.random() >= 0.3:
        return text
    t2, ch = noise.confuse_one(text, rng, ("hanzi", "punct"))
    if ch:
        info.confusions.append(("header", ch[0][1], ch[0][2]))
        info.labels.setdefault(flat(text), flat(t2))
    return t2


def _sep(rng: random.Random) -> str:
    return " " * rng.choice((1, 1, 1, 2, 3))


def _ocr_table(t: Table, flags: set[str], rng: random.Random, info: TextInfo) -> list[str]:
    grid = dense(t)
    era2021 = any(g.code == "t2_regulation_issued" for r in grid for g in r)     # a 2021-format table 二
    other_rows = {c for c, _ in T3_OTHER_2021}
    digit_target = None
    if t.key == "t2" and "ocr_digit_confusion" in flags:
        cands = [g for r in grid for g in r if g.code and not g.code.endswith(("_amount", "_change"))
                 and any(ch in g.text for ch in "01")]
        if cands:
            digit_target = cands[rng.randrange(len(cands))]
    out: list[str] = []
    for row in grid:
        key = row_key(row)
        if key is None:
            out += _header_lines(row, by_line=True, fix=lambda txt: _ocr_header(txt, flags, rng, info))
            continue
        if t.key == "t3" and key in other_rows and "ocr_other_one_row" in flags:
            if key != T3_OTHER_2021[0][0]:
                continue                            # (六) printed once, with its sum
            sums = [sum(int(g.text) for r in grid if row_key(r) in other_rows for g in _values(r)
                        if g.code.endswith("__" + col)) for col in (*APPLICANT6, "total")]
            info.other_one_row = sums
            out.append("（六）其他处理" + _sep(rng) + _sep(rng).join(str(v) for v in sums))
            continue
        labels = [_ocr_label(g.text, flags, rng, info, era2021) for g in label_cells(row) if g.origin and g.text]
        vals = []
        for g in _values(row):
            txt = g.text
            if g is digit_target:
                txt, ch = noise.confuse_one(txt, rng, ("digit",))
                info.digit_confusion = (g.code, txt)
            vals.append(txt)
        line = " ".join(labels) + _sep(rng) + _sep(rng).join(vals)
        out.append(line.strip())
    return out


# --------------------------------------------------------------------------- flat_runtogether

def render_flat(blocks: list, flags: set[str], rng: random.Random) -> tuple[str, TextInfo]:
    info = TextInfo()
    out: list[str] = []
    for kind, x in blocks:
        if kind != "table":
            out.append(x)
            continue
        for row in dense(x):
            key = row_key(row)
            if key is None:
                out += _header_lines(row, by_line=False)
                continue
            vals = _values(row)
            labels = [flat(g.text) for g in label_cells(row) if g.origin and g.text]
            run = x.key == "t4" or "flat_all_runs" in flags or rng.random() < 0.5
            rec = RunRow(x.key, key, [g.code for g in vals], "".join(g.text for g in vals), "")
            if run:
                rec.line = "".join(labels) + rec.run
                info.runs.append(rec)
            else:
                rec.line = " ".join([*labels, *(g.text for g in vals)])
                info.spaced.append(rec)
            out.append(rec.line)
    return "\n".join(out) + "\n", info
