"""The text copies of the demo (pipelines/demo/copies.py): every distortion the truth and the flags
declare is really in the bytes, and the run-together digits re-segment to the truth under the
tables' identities — checked here with a brute force of our own, not with pipelines/demo/segment.py."""
from __future__ import annotations

import csv
import itertools
import re
from collections import Counter
from pathlib import Path

import httpx
import pytest

from pipelines.demo.model import COPY_LAYOUTS
from pipelines.demo.render_markdown import MD_FLAGS
from pipelines.demo.tables import APPLICANTS, T3_OTHER_2021, t3_leaf_rows
from pipelines.demo.textgrid import dense, flat, label_cells, row_key

CONFUSABLES = Path(__file__).resolve().parents[3] / "pipelines" / "demo" / "data" / "confusables.csv"
COLS = [c for c, _ in APPLICANTS]


@pytest.fixture(scope="module")
def copies(demo_corpus):
    return demo_corpus.copies


def _of(copies, layout):
    out = [c for c in copies if c.layout == layout]
    assert out, layout
    return out


def _text(rep) -> str:
    return rep.primary.body.decode("utf-8")


def _cells(line: str) -> list[str]:
    """The cells of a pipe-table line (an escaped pipe stays inside its cell)."""
    inner = line.strip()[1:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def _t3_labels(rep) -> dict[str, str]:
    """row code -> the item label the template prints in front of its values."""
    t3 = next(t for kind, t in rep._blocks if kind == "table" and t.key == "t3")
    return {row_key(r): flat(label_cells(r)[-1].text) for r in dense(t3) if row_key(r)}


# ----------------------------------------------------------------------------- the corpus of copies

def test_copies_are_renderings_of_published_reports(demo_corpus, copies):
    counts = Counter(c.layout for c in copies)
    assert counts == {"md_pipe": 5, "ocr_text": 3, "flat_runtogether": 4}
    assert len({(c.key, c.layout) for c in copies}) == len(copies)
    by_key = {r.key: r for r in demo_corpus.reports}
    for c in copies:
        src = by_key[c.key]                       # same agency-year, same values; not a report of its own
        assert c not in demo_corpus.reports and c.catalogued and c.copy_of == src.layout
        assert {k: (v[0], v[2]) for k, v in c.truth.items()} == {k: (v[0], v[2]) for k, v in src.truth.items()}
        changed = {k for k in c.truth if c.truth[k][1] != src.truth[k][1]}
        assert changed <= c.truth_must_be_null, changed          # only a confused digit prints differently
        assert c.truth_must_be_null <= c.truth_null_ok <= set(c.truth)
        assert c.host == "text_archive" and [d.role for d in c.documents] == ["primary", "landing"]
        prim = c.primary
        assert prim.format == {"md_pipe": "md"}.get(c.layout, "txt") and prim.layout == c.layout
        assert prim.media_type == ("text/markdown" if prim.format == "md" else "text/plain")
        assert prim.filename == f"{c.title}.{prim.format}"
        for d in c.documents:
            assert (d.expect_agency_name, d.expect_division_code) == (c.agency_name, c.division_code)
        assert not ({"blank_zeros", "fullwidth"} & set(c.flags)) or c.layout == "md_pipe"
    docs = list(demo_corpus.documents())
    assert sum(1 for r, _d in docs if r in copies) == 2 * len(copies)
    assert 20 <= 2 * len(copies) <= 30


def test_copies_leave_the_reports_untouched(demo_corpus, monkeypatch):
    """The copies draw from their own random stream: without them every report, truth and document
    is the same, byte for byte."""
    import pipelines.demo.copies as copies_mod
    from pipelines.demo.generator import generate_corpus

    monkeypatch.setattr(copies_mod, "add_copies", lambda corpus: None)
    bare = generate_corpus(0)
    assert not bare.copies and len(bare.reports) == len(demo_corpus.reports)
    for a, b in zip(bare.reports, demo_corpus.reports):
        assert (a.key, a.truth, a.flags, a.title) == (b.key, b.truth, b.flags, b.title)
        assert [(d.path, d.body) for d in a.documents] == [(d.path, d.body) for d in b.documents], a.key


def test_every_distortion_is_drawn(copies):
    flags = Counter(f for c in copies for f in c.flags)
    for f in (*MD_FLAGS, "md_span_repeat", "md_span_blank", "ocr_confusables", "ocr_era_label", "ocr_label_typo",
              "ocr_label_space", "ocr_other_one_row", "ocr_digit_confusion", "flat_all_runs", "flat_some_runs"):
        assert flags[f] >= 1, f
    md = _of(copies, "md_pipe")
    assert any("blank_zeros" in c.flags for c in md) and {c.era for c in md} == {"y2019", "y2021"}


# ----------------------------------------------------------------------------- md_pipe

def test_md_headings_tables_and_title(copies):
    for c in _of(copies, "md_pipe"):
        lines = _text(c).splitlines()
        assert lines[0] == ("# " if "md_title_heading" in c.flags else "") + c.title
        assert "## 一、总体情况" in lines and "## 六、其他需要报告的事项" in lines
        seps = [i for i, l in enumerate(lines) if re.fullmatch(r"\|(---\|)+", l)]
        assert len(seps) >= 3
        for i in seps:                                   # a separator under a header row of as many cells
            assert len(_cells(lines[i - 1])) == lines[i].count("---")


def test_md_every_table_value_is_in_its_row(copies):
    """Each row of table 三: its label in a cell, its seven printed values the row's last cells (the
    next row's when the label is detached); blank cells stay blank."""
    n_blank = 0
    for c in _of(copies, "md_pipe"):
        lines = _text(c).splitlines()
        rows = [(i, _cells(l)) for i, l in enumerate(lines) if l.startswith("| ")]
        detached = "md_detached_labels" in c.flags
        for key, label in _t3_labels(c).items():
            want = [c.truth[f"{key}__{col}"][1] for col in COLS]
            hits = [(i, cells) for i, cells in rows if label in cells]
            assert hits, (c.key, label)
            i, cells = hits[0]
            got = cells[-7:]
            if got == [""] * 7 and detached:            # label row, then the value row
                nxt = next(cs for j, cs in rows if j > i)
                assert all(x == "" for x in nxt[:-7]) and nxt[-7:] == want, (c.key, key)
                continue
            assert got == want, (c.key, key, got, want)
            n_blank += want.count("")
    assert n_blank > 0                                   # a blank_zeros source keeps its blanks


def test_md_t3_exploded_with_placeholders_and_a_misplaced_header(copies):
    for c in _of(copies, "md_pipe"):
        text = _text(c)
        if "md_t3_exploded" not in c.flags:
            assert "数据1" not in text
            continue
        assert re.search(r"^\| 数据1 \| 数据2 \| 数据3 \| 数据4 \|", text, re.M)
        n_pieces = len(re.findall(r"^\| 数据1 \|", text, re.M))
        assert n_pieces >= 6
        # the applicant header belongs at the top of table 三 and sits after its first groups
        assert text.index("（一）予以公开") < text.index("| 商业企业 |") < text.index("1.属于国家秘密")


def test_md_t4_as_three_tables(copies):
    head = "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |"
    for c in _of(copies, "md_pipe"):
        text = _text(c)
        lines = text.splitlines()
        if "md_t4_split" in c.flags:
            assert lines.count(head) == 3
            assert "行政诉讼（未经复议直接起诉）" in lines and "行政诉讼（复议后起诉）" in lines
            vals = [_cells(lines[i + 2]) for i, l in enumerate(lines) if l == head]
            want = [[c.truth[f"t4_{b}_{k}"][1] for k in ("maintained", "corrected", "other", "pending", "total")]
                    for b in ("review", "lit_direct", "lit_after_review")]
            assert vals == want
        else:
            assert head not in lines and any(len(_cells(l)) == 15 for l in lines if l.startswith("| "))


def test_md_multiline_cell_pulled_onto_the_next_row(copies):
    seen = 0
    for c in _of(copies, "md_pipe"):
        lines = _text(c).splitlines()
        notes = [i for i, l in enumerate(lines) if l.startswith("| ") and re.search(r"（其中[^）|]*\d+件）", l)]
        if "md_multiline_cell" not in c.flags:
            assert not notes
            continue
        [i] = notes
        note_cells, prev = _cells(lines[i]), _cells(lines[i - 1])
        col = next(j for j, x in enumerate(note_cells) if x.startswith("（其中"))
        assert all(x == "" for j, x in enumerate(note_cells) if j != col)
        k = int(re.search(r"(\d+)件", note_cells[col]).group(1))
        assert prev[col].isdigit() and 1 <= k < int(prev[col])      # the value stays in its row
        seen += 1
    assert seen


def test_md_group_captions_split_over_two_rows(copies):
    for c in _of(copies, "md_pipe"):
        text = _text(c)
        rows = [_cells(l) for l in text.splitlines() if l.startswith("| ")]
        if "md_caption_split" not in c.flags:
            assert any("（三）不予公开" in r for r in rows)
            continue
        assert not any("（三）不予公开" in r or "三、本年度办理结果" in r for r in rows)
        i = next(i for i, r in enumerate(rows) if "（三）不予" in r)      # (a detached label row may sit between)
        assert "公开" in rows[i + 1] + rows[i + 2]
        j = next(j for j, r in enumerate(rows) if "三、本年度" in r)
        assert "办理结果" in rows[j + 1] + rows[j + 2]
        # table 二 captions: 第二十条 | 第（一）项 on two rows
        assert any(r[0] == "第二十条" for r in rows) and any(r[0] == "第（一）项" for r in rows)
        assert not any(r[0].startswith("第二十条第") for r in rows)


def test_md_page_footers_between_table_rows(copies):
    seen = 0
    for c in _of(copies, "md_pipe"):
        lines = _text(c).splitlines()
        footers = [i for i, l in enumerate(lines) if re.fullmatch(r"— \d+ —", l)]
        if "md_page_footer" not in c.flags:
            assert not footers
            continue
        nums = [int(lines[i].split()[1]) for i in footers]
        assert nums == list(range(1, len(nums) + 1))
        inside = [i for i in footers if lines[i - 2].startswith("| ") and lines[i + 2].startswith("| ")]
        assert inside
        i = inside[0]            # the rows after the break start a new table: a row, then a separator
        assert re.fullmatch(r"\|(---\|)+", lines[i + 3]) and not lines[i + 2].startswith("| 数据")
        seen += 1
    assert seen


def test_md_tables_in_an_appendix(copies):
    for c in _of(copies, "md_pipe"):
        text = _text(c)
        six = text.index("## 六、其他需要报告的事项")
        if "md_appendix" in c.flags:
            assert "|---" not in text[:six] and "（详见附表2）" in text[:six]
            app = text.index("## 附表")
            assert app > six and "|---" in text[app:] and "附表3" in text[app:]
            if "signature" in c.flags:
                assert text.index(c.agency_name, six) < app      # after the signature block too
        else:
            assert "## 附表" not in text and "|---" in text[:six]


def test_md_escaped_pipes_and_ragged_rows(copies):
    for c in _of(copies, "md_pipe"):
        text = _text(c)
        lines = text.splitlines()
        if "md_escaped_pipe" in c.flags:
            assert re.search(r"^联系人：\S+ \\\| 联系电话：0\d{3}-8\d{7}$", text, re.M)
            note = next(l for l in lines if "勾稽关系" in l)
            assert "\\|" in note and any("|" in x for x in _cells(note))       # one cell, pipe inside
        else:
            assert "\\|" not in text
        table_lines = [l for l in lines if l.startswith("| ")]
        if "md_ragged" in c.flags:
            assert any(re.fullmatch(r"\| 第二十条第（[一五六八九]）项 \|", l) or re.fullmatch(r"\| 第二十条 \|", l)
                       for l in lines)
        else:
            t2_widths = {len(_cells(l)) for l in table_lines if "第二十条" in l}
            assert t2_widths == {4}, t2_widths


# ----------------------------------------------------------------------------- ocr_text

def _pairs() -> set[tuple[str, str]]:
    with open(CONFUSABLES, encoding="utf-8", newline="") as f:
        return {(r["printed"], r["read_as"]) for r in csv.DictReader(f)}


def test_confusables_file_holds_real_look_alike_pairs():
    with open(CONFUSABLES, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    pairs = {(r["printed"], r["read_as"]) for r in rows}
    for p in (("沭", "沐"), ("己", "已"), ("末", "未"), ("汩", "汨"), ("人", "入"), ("0", "O"), ("1", "l")):
        assert p in pairs, p
    assert all(len(r["printed"]) == 1 and len(r["read_as"]) == 1 and r["printed"] != r["read_as"] for r in rows)
    assert {r["kind"] for r in rows} == {"hanzi", "digit", "punct"}
    assert len(pairs) == len(rows)


def _template_labels(rep) -> set[str]:
    return {flat(g.text) for kind, t in rep._blocks if kind == "table" for r in dense(t) for g in r
            if g.origin and g.cell.code is None and g.text}


def test_ocr_look_alikes_in_labels_never_in_digits(copies):
    pairs = _pairs()
    digit_letters = {b for a, b in pairs if a.isdigit()}
    for c in _of(copies, "ocr_text"):
        text = _text(c)
        assert text.splitlines()[0] == c.title
        tokens = set(re.split(r"\s+", text))
        confused = 0
        for label in _template_labels(c):
            for tok in tokens:                      # the label with one character read as a look-alike
                if len(tok) == len(label) and tok != label:
                    diff = [(a, b) for a, b in zip(label, tok) if a != b]
                    confused += len(diff) == 1 and diff[0] in pairs
        assert confused >= 1, c.key
        # value cells: digits only, but for the one confused digit whose truth must stay null
        letters = "".join(sorted(digit_letters))
        odd = {t for t in tokens if re.fullmatch(f"[0-9{letters}]+", t) and not t.isdigit()}
        if "ocr_digit_confusion" in c.flags:
            [code] = [k for k in c.truth_must_be_null if k.startswith("t2_")]
            assert odd == {c.truth[code][1]}
        else:
            assert odd == set()


def test_ocr_label_mistakes_of_real_pdfs(copies):
    for c in _of(copies, "ocr_text"):
        text = _text(c)
        lines = text.splitlines()
        if "ocr_label_typo" in c.flags:
            assert "2.其他法律行政止公开" in text and "其他法律行政法规禁止公开" not in text
        if "ocr_label_space" in c.flags:
            assert "确认或重 新出具" in text
        if "ocr_era_label" in c.flags:
            assert c.era == "y2021" and any(l.startswith("规范性文件 ") for l in lines)
            assert "行政规范性文件" not in text
        if "ocr_other_one_row" in c.flags:
            assert c.era == "y2021"
            [line] = [l for l in lines if l.startswith("（六）其他处理")]
            assert [int(x) for x in line.split()[1:]] == [c.truth[f"t3_res_other__{col}"][0] for col in COLS]
            assert "逾期不补正" not in text and "3.其他" not in text
            for sub, _ in T3_OTHER_2021:
                for col in COLS:
                    code = f"{sub}__{col}"
                    assert code in c.truth_null_ok
                    assert (code in c.truth_must_be_null) == bool(c.truth[f"t3_res_other__{col}"][0])
        # header cells read line by line, as OCR reads a scan: 本年制发 / 件数 on two lines
        if c.era == "y2021":
            assert any(re.fullmatch(r"件数\s+件数\s+件数", l) for l in lines)


def test_ocr_prose_is_wrapped_and_keeps_the_narrative_figures(copies):
    for c in _of(copies, "ocr_text"):
        text = _text(c)
        n = int(c.narrative_truth["n_proactive_items_total"][0])
        assert f"主动公开政府信息{n}条" in text
        lines = set(text.splitlines())
        paras = [x for kind, x in c._blocks if kind == "p" and len(x) > 50]
        assert paras and not any(p in lines for p in paras)          # hard line breaks inside paragraphs
        assert max(len(l) for l in lines if " " not in l) <= 38 + 12


# ----------------------------------------------------------------------------- flat_runtogether

_NUM = r"(?:0|[1-9][0-9]*)"
_KIND_RX = {"count": _NUM, "signed": r"(?:0|[+-]?[1-9][0-9]*)", "money": _NUM + r"(?:\.[0-9]+)?",
            "money_unit": _NUM + r"(?:\.[0-9]+)?(?:万元|元)"}


def _kind(code: str) -> str:
    if code.endswith("_items_change"):
        return "signed"
    return {"t2_procurement_amount": "money_unit", "t2_fee_amount": "money"}.get(code, "count")


def _cuts(run: str, codes: list[str], na: bool) -> list[tuple]:
    """Brute force: every choice of cut positions whose pieces are numbers of their kind."""
    out = []
    for pos in itertools.combinations(range(1, len(run)), len(codes) - 1):
        bounds = (0, *pos, len(run))
        pieces = [run[a:b] for a, b in zip(bounds, bounds[1:])]
        if all(re.fullmatch(_KIND_RX[_kind(c)] + ("|/" if na else ""), p) for p, c in zip(pieces, codes)):
            out.append(tuple(_val(p, c) for p, c in zip(pieces, codes)))
    return out


def _val(p: str, code: str):
    if p == "/":
        return None
    wan = p.endswith("万元") or code == "t2_fee_amount"
    x = float(p.removesuffix("万元").removesuffix("元"))
    return round(x * 10000, 4) if wan else x


def _t3_joint(rows: dict[str, list[tuple]], era: str) -> list[dict]:
    """Every choice of one candidate per row satisfying V1 and V2 for all seven columns."""
    leaves = t3_leaf_rows(era)
    keys = list(rows)
    sols = []
    for choice in itertools.product(*(rows[k] for k in keys)):
        v = dict(zip(keys, choice))
        ok = all(v["t3_new_received"][i] + v["t3_carried_over_from_prev"][i] == v["t3_res_total"][i] + v["t3_carried_to_next"][i]
                 and sum(v[r][i] for r in leaves) == v["t3_res_total"][i] for i in range(7))
        if ok:
            sols.append(v)
    return sols


def test_flat_rows_run_together_as_printed(copies):
    for c in _of(copies, "flat_runtogether"):
        lines = _text(c).splitlines()
        assert lines[0] == c.title
        for s in c.segmentations:
            hits = [l for l in lines if l.endswith(s["run"]) and " " not in l]
            assert hits, (c.key, s["row"], s["run"])
            if s["table"] == "t4":
                assert s["run"] in lines and s["run"].isdigit() and len(s["codes"]) == 15
            assert s["run"] == "".join(c.truth[k][1] for k in s["codes"])
        if "flat_all_runs" in c.flags:
            assert {s["row"] for s in c.segmentations if s["table"] == "t3"} >= set(t3_leaf_rows(c.era))
        else:                               # the other rows keep a space between their cells
            assert any(re.search(r"\D \d+( \d+){6}$", l) for l in lines)


def test_flat_segmentations_are_honest(copies):
    """Recount every run with a brute force: the cuts, those the identities allow, the truth among
    them; the ambiguous rows' differing cells are exactly the must-stay-null cells."""
    n_ambiguous = n_settled_by_columns = 0
    for c in _of(copies, "flat_runtogether"):
        truth = {k: v[0] for k, v in c.truth.items()}
        want_must: set[str] = set()
        t3 = {}
        for s in c.segmentations:
            cands = _cuts(s["run"], s["codes"], na=s["table"] == "t2")
            assert len(cands) == s["n_cuts"], s
            if s["table"] == "t3":
                cands = [v for v in cands if sum(v[:6]) == v[6]]
                t3[s["row"]] = list(dict.fromkeys(cands))
            elif s["table"] == "t4":
                cands = [v for v in cands if all(sum(v[b:b + 4]) == v[b + 4] for b in (0, 5, 10))]
            cands = list(dict.fromkeys(cands))
            assert len(cands) == s["n_row"], s
            assert tuple(truth[k] for k in s["codes"]) in cands
            if s["table"] != "t3":
                assert s["n_valid"] == len(cands)
                if len(cands) > 1:
                    n_ambiguous += 1
                    want_must |= {k for i, k in enumerate(s["codes"]) if len({v[i] for v in cands}) > 1}
        if t3:
            rows = {**{r: [tuple(truth[f"{r}__{col}"] for col in COLS)]
                       for r in ("t3_new_received", "t3_carried_over_from_prev", "t3_res_total", "t3_carried_to_next",
                                 *t3_leaf_rows(c.era))}, **t3}
            sols = _t3_joint(rows, c.era)
            for s in c.segmentations:
                if s["table"] != "t3":
                    continue
                used = {sol[s["row"]] for sol in sols}
                assert (len(used), len(sols)) == (s["n_valid"], s["n_table"]), s
                n_settled_by_columns += s["n_row"] > 1 and len(used) == 1
                if len(used) > 1:
                    n_ambiguous += 1
                    want_must |= {k for i, k in enumerate(s["codes"]) if len({u[i] for u in used}) > 1}
        assert c.truth_must_be_null == want_must, c.key
        for s in c.segmentations:             # an unambiguous row is recovered: not null-ok
            if s["n_valid"] == 1 and s.get("n_table", 1) == 1:
                assert not set(s["codes"]) & c.truth_null_ok, s
    assert n_ambiguous >= 2 and n_settled_by_columns >= 1


def test_issue_examples_segment_as_the_identities_say():
    from pipelines.demo.segment import row_candidates, solve_t3

    lic = ["t2_license_items_prev_year", "t2_license_items_change", "t2_license_decisions"]
    cands = row_candidates("3960181", lic, "t2")
    assert (396, 0, 181) in cands and len(cands) == len(_cuts("3960181", lic, na=True)) == 11   # no identity: null
    t4 = [f"t4_{b}_{k}" for b in ("review", "lit_direct", "lit_after_review")
          for k in ("maintained", "corrected", "other", "pending", "total")]
    assert row_candidates("21317000001324019", t4, "t4") == [(2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19)]
    new = [f"t3_new_received__{c}" for c in COLS]
    assert row_candidates("200000121", new, "t3") == [(20, 0, 0, 0, 0, 1, 21)]
    # two rows whose alternatives compensate: the column identities cannot tell them apart
    era = "y2019"
    z = (0,) * 7
    rows = {r: [z] for r in ("t3_carried_over_from_prev", "t3_carried_to_next", *t3_leaf_rows(era))}
    rows["t3_new_received"] = [(22, 22, 0, 0, 0, 0, 44)]
    rows["t3_res_total"] = [(22, 22, 0, 0, 0, 0, 44)]
    rows["t3_res_granted"] = [(2, 20, 0, 0, 0, 0, 22), (22, 0, 0, 0, 0, 0, 22)]
    rows["t3_res_partially_granted"] = [(20, 2, 0, 0, 0, 0, 22), (0, 22, 0, 0, 0, 0, 22)]
    sol = solve_t3(rows, t3_leaf_rows(era))
    assert sol.n == len(_t3_joint(rows, era)) == 2 and len(sol.used["t3_res_granted"]) == 2


# ----------------------------------------------------------------------------- served and written

def test_the_text_archive_serves_the_copies(demo_server, copies):
    import yaml

    base = demo_server.base_urls["text_archive"]
    listed = httpx.get(base + "/zwgk/ndbg/index.html").text
    assert "createPageHTML(" in listed
    for c in copies:
        art = httpx.get(base + c.landing_path)
        name = c.primary.path.rsplit("/", 1)[-1]
        assert art.status_code == 200 and f'href="./{name}"' in art.text and c.title in art.text
        f = httpx.get(c.primary.urls[0])
        assert f.status_code == 200 and f.content == c.primary.body
        assert f.headers["content-type"] == f"{c.primary.media_type}; charset=utf-8"
        assert name.endswith((".md", ".txt")) and "filename*=UTF-8''" in f.headers["content-disposition"]
    reg = yaml.safe_load(demo_server.registry_path.read_text(encoding="utf-8"))
    [src] = [s for s in reg["sources"] if s["id"] == "text_archive_reports"]
    assert src["family"] == "trs_static" and src["agency"] is None
    assert src["options"]["agencies"] == sorted({c.agency_id for c in copies})


def test_cli_files_of_the_copies(demo_corpus, tmp_path):
    import json

    from pipelines.demo.generator import write_corpus

    write_corpus(demo_corpus, tmp_path)
    index = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert len(index["copies"]) == len(demo_corpus.copies)
    for c in demo_corpus.copies:
        body = (tmp_path / c.agency_id / f"{c.report_year}_{c.layout}.{c.primary.format}").read_bytes()
        assert body == c.primary.body
        t = json.loads((tmp_path / c.agency_id / f"{c.report_year}_{c.layout}_truth.json").read_text(encoding="utf-8"))
        assert t["copy_of"] == c.copy_of and set(t["truth_must_be_null"]) == c.truth_must_be_null
        assert set(t["truth_null_ok"]) == c.truth_null_ok and t["segmentations"] == c.segmentations
    assert set(COPY_LAYOUTS) == {c["layout"] for c in index["copies"]}


# ----------------------------------------------------------------------------- the round-trip accounting

def test_roundtrip_counts_exact_wrong_and_null(copies):
    from pipelines.demo.roundtrip import compare, row_of

    rep = next(c for c in copies if c.truth_must_be_null and c.layout == "flat_runtogether")
    must = sorted(rep.truth_must_be_null)
    exact = [{"metric_code": k, "value": v[0], "value_raw": v[1], "semantic": v[2]} for k, v in rep.truth.items()]
    base = {"parse_status": "parsed", "era": rep.era, "report_year": rep.report_year, "checks": [], "warnings": []}
    # every value the document prints, the must-be-null ones included: those are guesses → wrong
    r = compare(rep, rep.primary, {**base, "metrics": exact})
    assert sorted(w[0] for w in r.wrong) == must and not r.missing
    # the must-be-null cells left out without a warning: null, not allowed
    kept = [m for m in exact if m["metric_code"] not in rep.truth_must_be_null]
    r = compare(rep, rep.primary, {**base, "metrics": kept})
    assert not r.wrong and sorted(r.missing) == must and not r.exact
    # … with a warning naming their rows: allowed, the document round-trips
    warn = ["run-together digits of " + ", ".join(sorted({row_of(k) for k in must})) + ": several cuts, left null"]
    r = compare(rep, rep.primary, {**base, "metrics": kept, "warnings": warn})
    assert r.exact and sorted(r.allowed_null) == must and r.n_value_ok == len(rep.truth) - len(must)
    # a null outside truth_null_ok is never allowed, warning or not
    other = next(m for m in kept if m["metric_code"] not in rep.truth_null_ok)
    r = compare(rep, rep.primary, {**base, "metrics": [m for m in kept if m is not other],
                                   "warnings": warn + [other["metric_code"]]})
    assert r.missing == [other["metric_code"]]
    assert row_of("t3_res_granted__total") == "t3_res_granted" and row_of("t4_review_total") == "t4_review"
    assert row_of("t2_license_items_change") == "t2_license"
