"""Hand-built renderings of a synthetic 2021-format report for the tolerant matcher's unit tests:
Markdown as PDF-to-Markdown converters write it, and OCR-like text with spaces between cells.

Labels come from the metric catalog (via _parse_synth), values from the caller; every distortion
is a keyword argument, so each test says which shape it builds and knows the truth it parses back.
"""
from __future__ import annotations

from _parse_synth import LEGAL5, T2_LAYOUT, T4_CODES, _fmt, _t3_rows

from pipelines.parse.catalog import APPLICANTS

TITLE = "某某市某某局2023年政府信息公开工作年度报告"
T4_HEAD = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
T4_CAPTIONS = ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]


def _md_row(cells, ragged: bool = False) -> str:
    cells = [c.replace("|", "\\|") for c in cells]
    if ragged:
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
    return "| " + " | ".join(cells) + " |"


def _md_table(rows, header=None, ragged: bool = False) -> list[str]:
    width = max(len(r) for r in ([header] if header else []) + rows)
    head = header if header is not None else rows[0]
    body = rows if header is not None else rows[1:]
    out = [_md_row(head), "|" + "---|" * width]
    return out + [_md_row(r, ragged) for r in body]


def t3_grid(values: dict, labels: dict | None = None) -> list[tuple[str, list[str]]]:
    """(row code, cells): three label columns (a label printed once), seven value columns."""
    out = []
    for cells, code in _t3_rows(values):
        texts = [(labels or {}).get(t, t) for t, _, _ in cells]
        lab = ([""] * (3 - len(texts)) + texts) if len(texts) < 3 else texts
        out.append((code, lab + [_fmt(values.get(f"{code}__{c}")) for c in APPLICANTS]))
    return out


def render_markdown(values: dict, *, detach=(), explode_t3: bool = False, t4_split: bool = False,
                    footer_after: str | None = None, note: tuple[str, str] | None = None,
                    ragged: bool = False, heading: bool = True, drop_t3_labels=(), labels=None) -> str:
    """detach: t3 row codes printed as a label row, then a value row without label; explode_t3:
    one small table per group with invented headers (数据1 …) and the applicant header in between;
    t4_split: table 四 as three 5-column tables under captions; footer_after: a t3 row code after
    which a page ends inside the table (— 3 —); note: (t2 code, note) printed on the next row;
    drop_t3_labels: t3 row codes printed with their label cells blank."""
    out = [("# " if heading else "") + TITLE, "", "## 一、总体情况", "",
           "本报告统计期限自2023年1月1日起至2023年12月31日止。", "", "## 二、主动公开政府信息情况", ""]
    t2 = []
    for caption, headers, rows in T2_LAYOUT:
        t2.append([caption, "", "", ""])
        t2.append((["信息内容", *headers] + [""] * 3)[:4])
        for label, codes in rows:
            t2.append(([label, *(_fmt(values.get(c)) for c in codes)] + [""] * 3)[:4])
            if note and note[0] in codes:
                t2.append(["", note[1], "", ""])
    out += _md_table(t2, ragged=ragged) + ["", "## 三、收到和处理政府信息公开申请情况", ""]
    head = [["（本列勾稽关系：第一项加第二项之和等于第三项加第四项之和）", "", "", "申请人情况", "", "", "", "", "", ""],
            ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
            ["", "", "", "", *LEGAL5, ""]]
    body = []
    for code, cells in t3_grid(values, labels):
        if code in drop_t3_labels:
            cells = ["", "", ""] + cells[3:]
        if code in detach:
            body.append((code, cells[:3] + [""] * 7))
            body.append((code, ["", "", ""] + cells[3:]))
        else:
            body.append((code, cells))
    if explode_t3:
        groups: dict[str, list] = {}
        for code, cells in body:
            g = "A" if code in ("t3_new_received", "t3_carried_over_from_prev") else (
                "G" if code in ("t3_res_total", "t3_carried_to_next") else code.split("_")[2])
            groups.setdefault(g, []).append(cells)
        for i, (g, rows) in enumerate(groups.items()):
            out += _md_table(rows, [f"数据{k + 1}" for k in range(10)], ragged) + [""]
            if i == 1:  # the applicant header, a piece of its own between two groups
                out += _md_table(head, ragged=ragged) + [""]
    else:
        rows = head + [c for _, c in body]
        cut = next((i for i, (code, _) in enumerate(body) if code == footer_after), None)
        if cut is None:
            out += _md_table(rows, ragged=ragged) + [""]
        else:
            k = len(head) + cut + 1
            out += _md_table(rows[:k], ragged=ragged) + ["", "— 3 —", ""] + _md_table(rows[k:], ragged=ragged) + [""]
    out += ["## 四、政府信息公开行政复议、行政诉讼情况", ""]
    t4 = [_fmt(values.get(c)) for c in T4_CODES]
    if t4_split:
        for b, cap in enumerate(T4_CAPTIONS):
            if cap:
                out += [cap, ""]
            out += _md_table([t4[5 * b:5 * b + 5]], T4_HEAD) + [""]
    else:
        out += _md_table([["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
                          T4_HEAD + ["未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
                          [""] * 5 + T4_HEAD * 2, t4]) + [""]
    out += ["## 五、存在的主要问题及改进情况", "", "无。", ""]
    return "\n".join(out) + "\n"


def render_spaced(values: dict, *, labels: dict | None = None, other_one_row: bool = False,
                  cell: dict | None = None) -> str:
    """OCR-like text: one line per row, cells separated by spaces, header cells split over lines.
    labels: printed label → label as printed here; cell: code → its cell as printed here;
    other_one_row: （六）其他处理 printed as one row with the sums of its three sub-rows."""
    labels = labels or {}
    cell = cell or {}

    def v(code):
        return cell.get(code, _fmt(values.get(code)))

    lines = [TITLE, "一、总体情况", "本报告统计期限自2023年1月1日起至2023年12月31日止。", "二、主动公开政府信息情况"]
    for caption, headers, rows in T2_LAYOUT:
        lines.append(caption)
        lines.append(" ".join(["信息内容", *headers]))
        for label, codes in rows:
            lines.append(" ".join([labels.get(label, label), *(v(c) for c in codes)]))
    lines += ["三、收到和处理政府信息公开申请情况", "（本列勾稽关系：第一项加第二项之和等于第三项加第四项之和） 申请人情况",
              "自然人 法人或其他组织 总计", " ".join(LEGAL5)]
    subrows = ("t3_res_other_overdue_correction", "t3_res_other_fee_unpaid", "t3_res_other_other")
    for cells, code in _t3_rows(values):
        if other_one_row and code in subrows:
            if code == subrows[0]:
                sums = [sum(values[f"{r}__{c}"] for r in subrows) for c in APPLICANTS]
                lines.append(" ".join(["（六）其他处理", *map(str, sums)]))
            continue
        texts = [labels.get(t, t) for t, _, _ in cells]
        lines.append(" ".join([*texts, *(v(f"{code}__{c}") for c in APPLICANTS)]))
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼", " ".join(T4_HEAD) + " 未经复议直接起诉 复议后起诉",
              " ".join(T4_HEAD * 2), " ".join(v(c) for c in T4_CODES), "五、存在的主要问题及改进情况", "无。"]
    return "\n".join(lines) + "\n"
