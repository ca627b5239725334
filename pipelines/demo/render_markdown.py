"""The md_pipe layout: a report as a PDF-to-Markdown converter (docling, marker, MinerU, pandoc, an
LLM) emits it — `#` headings, `| a | b |` tables under `|---|` separators, escaped pipes, ragged
rows, blank cells kept blank — with the distortions such conversions show, each switched on by a
flag of ``DemoReport.flags`` (``MD_FLAGS``; pipelines/demo/README.md describes them)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from .tables import T3_IDENTITY_NOTE, T4_BLOCKS, T4_HEAD, T4_KINDS, Table
from .textgrid import GCell, dense, flat, label_cells, row_key

MD_FLAGS = ("md_title_heading", "md_t3_exploded", "md_t4_split", "md_multiline_cell", "md_caption_split",
            "md_page_footer", "md_appendix", "md_detached_labels", "md_escaped_pipe", "md_ragged")
MD_SPAN_FLAGS = ("md_span_repeat", "md_span_blank")      # merged cells: text in every position / once

# table 三 pieces of md_t3_exploded: row -> piece (one small table per group)
_T3_PIECE = {"t3_new_received": "A", "t3_carried_over_from_prev": "A", "t3_res_granted": "B",
             "t3_res_partially_granted": "B", "t3_res_other": "F", "t3_res_total": "G", "t3_carried_to_next": "G"}
_T3_PIECE_PREFIX = (("t3_res_denied_", "C"), ("t3_res_unable_", "D"), ("t3_res_not_processed_", "E"),
                    ("t3_res_other_", "F"))
# the applicant header rows land between B and C: a header that belongs elsewhere
_T3_PIECE_ORDER = ("A", "B", "H", "C", "D", "E", "F", "G")
_APPENDIX_CAPTIONS = {"t2": "主动公开政府信息情况", "t3": "收到和处理政府信息公开申请情况",
                      "t4": "政府信息公开行政复议、行政诉讼情况"}
_T4_CAPTIONS = ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")
# annotations printed under a value in its cell (md_multiline_cell): code -> template
MULTILINE_NOTES = {"t2_normative_doc_issued": "（其中修订{k}件）", "t2_normative_doc_new_made": "（其中修订{k}件）",
                   "t2_license_decisions": "（其中变更{k}件）", "t2_penalty_decisions": "（其中简易程序{k}件）",
                   "t3_new_received__natural_person": "（其中网上申请{k}件）"}
CAPTION_SPLIT_AT = 5          # 三、本年度|办理结果, （三）不予|公开; 第二十条|第（一）项 at 4
FOOTER = "— {n} —"


@dataclass
class MdInfo:
    """What a rendering did where the rng chose (tests look for it in the bytes)."""
    multiline: tuple[str, str] | None = None          # (code, annotation on the next row)
    detached: list[str] = field(default_factory=list)  # rows printed as a label row, then a value row
    footer_in_table: str | None = None                 # the footer line printed between two table rows
    split_captions: list[tuple[str, str]] = field(default_factory=list)
    escaped: list[str] = field(default_factory=list)   # texts that carry an escaped pipe


@dataclass
class _Rec:
    kind: str                 # header | caption | data | label | extra
    key: str | None           # the metric row (row_key) of data / label / extra records
    cells: list[str]


def _esc(s: str) -> str:
    return s.replace("|", "\\|")


def _md_row(cells: list[str], ragged: bool) -> str:
    if ragged:
        cells = list(cells)
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
    return "| " + " | ".join(_esc(c) for c in cells) + " |"


def _md_table(rows: list[list[str]], ragged: bool, header: list[str] | None = None) -> list[str]:
    """A pipe table; ``header`` None: the first row is the header (as converters do with a piece
    that starts after a page break)."""
    if header is None:
        header, rows = rows[0], rows[1:]
    out = [_md_row(header, False), "|" + "|".join("---" for _ in header) + "|"]
    out += [_md_row(r, ragged) for r in rows]
    return out


def _text_at(g: GCell, repeat: bool, split: dict[int, tuple[str, str]]) -> str:
    if id(g.cell) in split and g.dc == 0:            # a group caption split over its first two rows
        a, b = split[id(g.cell)]
        return a if g.dr == 0 else (b if g.dr == 1 else "")
    if g.origin or repeat:
        return flat(g.text)
    return ""


def _records(t: Table, *, repeat: bool, ragged: bool, split_caps: bool, detach: set[str], multiline,
             note_cell: str | None, info: MdInfo) -> list[_Rec]:
    grid = dense(t)
    split: dict[int, tuple[str, str]] = {}
    if split_caps:
        for row in grid:
            for g in row:
                if g.origin and g.cell.code is None and not g.cell.header and g.cell.rowspan > 1:
                    txt = flat(g.text)
                    split[id(g.cell)] = (txt[:CAPTION_SPLIT_AT], txt[CAPTION_SPLIT_AT:])
                    info.split_captions.append(split[id(g.cell)])
    recs: list[_Rec] = []
    for row in grid:
        key = row_key(row)
        cells = [_text_at(g, repeat, split) for g in row]
        if note_cell is not None:
            cells = [note_cell if flat(g.text) == T3_IDENTITY_NOTE and c else c for g, c in zip(row, cells)]
        if key is None:
            caption = len({id(g.cell) for g in row}) == 1       # one cell across the table (第二十条第（一）项)
            is_header = not caption and all(g.cell.header for g in row)
            if caption and split_caps and t.key == "t2" and len(cells[0]) > 4:
                # 第二十条第（一）项 → two caption rows
                info.split_captions.append((cells[0][:4], cells[0][4:]))
                recs.append(_Rec("caption", None, [cells[0][:4]] + [""] * (len(cells) - 1)))
                recs.append(_Rec("caption", None, [cells[0][4:]] + [""] * (len(cells) - 1)))
                continue
            if caption and ragged:                 # a one-cell caption row stays one cell
                cells = [cells[0]] + [""] * (len(cells) - 1)
            recs.append(_Rec("header" if is_header else "caption", None, cells))
            continue
        n_lab = len(label_cells(row))
        if key in detach:
            recs.append(_Rec("label", key, cells[:n_lab] + [""] * (len(cells) - n_lab)))
            recs.append(_Rec("data", key, [""] * n_lab + cells[n_lab:]))
        else:
            recs.append(_Rec("data", key, cells))
        if multiline and any(g.code == multiline[0] for g in row):
            col = next(i for i, g in enumerate(row) if g.code == multiline[0])
            extra = [""] * len(cells)
            extra[col] = multiline[1]
            recs.append(_Rec("extra", key, extra))
    return recs


def _piece_of(key: str | None) -> str:
    if key is None:
        return "H"
    if key in _T3_PIECE:
        return _T3_PIECE[key]
    return next(p for pre, p in _T3_PIECE_PREFIX if key.startswith(pre))


def _drop_empty_columns(rows: list[list[str]], value_cols: set[int]) -> list[list[str]]:
    """A converter drops the label columns a piece leaves empty; value columns stay (blank or not)."""
    keep = [j for j in range(len(rows[0])) if j in value_cols or any(r[j] for r in rows)]
    return [[r[j] for j in keep] for r in rows]


def _table_md(t: Table, flags: set[str], rng: random.Random, info: MdInfo, footer_no: list[int]) -> list[str]:
    repeat = "md_span_repeat" in flags
    ragged = "md_ragged" in flags
    if t.key == "t4" and "md_t4_split" in flags:
        return _t4_split(t, ragged)
    detach: set[str] = set()
    if t.key == "t3" and "md_detached_labels" in flags:
        keys = [row_key(r) for r in dense(t) if row_key(r)]
        start = rng.randrange(2, len(keys) - 4)
        detach = set(keys[start:start + rng.randint(2, 4)])
        info.detached = [k for k in keys if k in detach]
    multiline = info.multiline if info.multiline and any(c.code == info.multiline[0] for r in t.rows for c in r) else None
    note = None
    if t.key == "t3" and "md_escaped_pipe" in flags:
        note = T3_IDENTITY_NOTE.replace("，", " | ")
        info.escaped.append(note)
    recs = _records(t, repeat=repeat, ragged=ragged, split_caps="md_caption_split" in flags, detach=detach,
                    multiline=multiline, note_cell=note, info=info)
    footer_at = None
    if t.key == "t3" and "md_page_footer" in flags:
        # a page ends after a data row with another row of its group after it
        data_idx = [i for i, r in enumerate(recs[:-1]) if r.kind == "data" and recs[i + 1].key is not None
                    and _piece_of(recs[i + 1].key) == _piece_of(r.key)]
        footer_at = data_idx[rng.randrange(1, len(data_idx) - 1)]
    out: list[str] = []
    if t.key == "t3" and "md_t3_exploded" in flags:
        value_cols = {j for row in dense(t) for j, g in enumerate(row) if g.cell.code}
        pieces: dict[str, list[_Rec]] = {}
        for r in recs:
            pieces.setdefault(_piece_of(r.key), []).append(r)
        for p in _T3_PIECE_ORDER:
            if p not in pieces:
                continue
            if p == "H":
                out += _md_table([r.cells for r in pieces[p]], ragged) + [""]
                continue
            rows = _drop_empty_columns([r.cells for r in pieces[p]], value_cols)
            header = [f"数据{i + 1}" for i in range(len(rows[0]))]
            cut = len(rows)
            if footer_at is not None and any(r is recs[footer_at] for r in pieces[p]):
                cut = next(i for i, r in enumerate(pieces[p]) if r is recs[footer_at]) + 1
            out += _md_table(rows[:cut], ragged, header) + [""]
            if cut < len(rows):                    # a page ends inside the piece: its rest is a new table
                footer_no[0] += 1
                info.footer_in_table = FOOTER.format(n=footer_no[0])
                out += [info.footer_in_table, ""] + _md_table(rows[cut:], ragged) + [""]
        return out
    rows = [r.cells for r in recs]
    if footer_at is not None:
        footer_no[0] += 1
        info.footer_in_table = FOOTER.format(n=footer_no[0])
        out += _md_table(rows[:footer_at + 1], ragged) + ["", info.footer_in_table, ""]
        out += _md_table(rows[footer_at + 1:], ragged)
    else:
        out += _md_table(rows, ragged)
    return out + [""]


def _t4_split(t: Table, ragged: bool) -> list[str]:
    row = next(r for r in dense(t) if row_key(r) == "t4")
    vals = {g.code: g.text for g in row if g.code}
    out = []
    for cap, blk in zip(_T4_CAPTIONS, T4_BLOCKS):
        out += [cap, ""]
        out += _md_table([[vals[f"t4_{blk}_{k}"] for k in T4_KINDS]], ragged,
                         [flat(T4_HEAD[k]) for k in T4_KINDS]) + [""]
    return out


def pick_multiline(blocks: list, rng: random.Random) -> tuple[str, str] | None:
    """The value cell printed with an annotation on a second line, and that annotation."""
    vals = {c.code: c.text for kind, t in blocks if kind == "table" for r in t.rows for c in r if c.code}
    for code, note in MULTILINE_NOTES.items():
        raw = vals.get(code, "")
        if raw.isdigit() and int(raw) >= 2:
            return code, note.format(k=rng.randint(1, int(raw) - 1))
    return None


def render_markdown(blocks: list, flags: set[str], rng: random.Random, phone: str = "") -> tuple[str, MdInfo]:
    info = MdInfo()
    if "md_multiline_cell" in flags:
        info.multiline = pick_multiline(blocks, rng)
    appendix = "md_appendix" in flags
    footers = "md_page_footer" in flags
    footer_no = [0]
    out: list[str] = []
    tables: list[Table] = []
    n_para = 0
    for kind, x in blocks:
        if kind == "title":
            out += [("# " if "md_title_heading" in flags else "") + x, ""]
        elif kind == "h":
            out += ["## " + x, ""]
        elif kind == "p":
            if "md_escaped_pipe" in flags and x.startswith("联系人：") and phone:
                x = x.rstrip("。") + f" | 联系电话：{phone}"
                info.escaped.append(x)
            out += [_esc(x), ""]
            n_para += 1
            if footers and n_para in (4, 11):                      # page ends between paragraphs
                footer_no[0] += 1
                out += [FOOTER.format(n=footer_no[0]), ""]
        elif appendix:
            tables.append(x)
            out += [f"（详见附表{len(tables)}）", ""]
        else:
            out += _table_md(x, flags, rng, info, footer_no)
    if appendix:
        out += ["## 附表", ""]
        for i, t in enumerate(tables, 1):
            out += [f"附表{i}　{_APPENDIX_CAPTIONS.get(t.key, '')}", ""]
            out += _table_md(t, flags, rng, info, footer_no)
    return "\n".join(out).rstrip("\n") + "\n", info
