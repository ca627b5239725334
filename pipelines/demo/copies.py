"""Copies: published reports as third parties republish them — a PDF-to-Markdown conversion
(md_pipe), OCR text (ocr_text), flattened page text with run-together digits (flat_runtogether) —
on a text archive (``plan.HOSTS["text_archive"]``, trs_static: an article page per report that
links the file next to it, ``./P0….md`` / ``.txt``).

    add_copies(corpus)   # fills corpus.copies; own random stream, after the catalog and the open world

A copy is a :class:`DemoReport` of the same agency-year as its source (same truth values), with
its own flags, ``truth_null_ok`` / ``truth_must_be_null`` (cells a faithful parser cannot know:
ambiguous run-together digits, a confused digit, sub-rows printed as one row) and, for flattened
text, ``segmentations``.  See pipelines/demo/README.md ("Copies").
"""
from __future__ import annotations

import dataclasses
import hashlib
import random
from html import escape

from . import evidence, render_html
from .model import MEDIA_TYPES, Corpus, DemoDocument, DemoReport
from .plan import HOSTS, TRS_PATH
from .render_markdown import MD_FLAGS, pick_multiline, render_markdown
from .render_text import ERA_LABEL, LABEL_SPACE, LABEL_TYPO, TextInfo, render_flat, render_ocr
from .segment import n_cuts, row_candidates, solve_t3
from .tables import APPLICANTS, T3_OTHER_2021, t3_leaf_rows

COPY_HOST = "text_archive"
FORMAT = {"md_pipe": "md", "ocr_text": "txt", "flat_runtogether": "txt"}
# one slot per copy: what its source must be (era; "clean": no blank cells, no full-width digits —
# a text without cell boundaries cannot say where a blank cell was)
SLOTS: dict[str, list[dict]] = {
    "md_pipe": [{"era": "y2021", "blank": True}, {"era": "y2019"}, {"era": "y2021"},
                {"era": "y2019", "blank": True}, {}],
    "ocr_text": [{"era": "y2021", "clean": True}, {"era": "y2021", "clean": True}, {"era": "y2019", "clean": True}],
    # t3_row_ambiguous: a table-三 row that the row's own identity leaves ambiguous and only the
    # column identities settle (seed 0 has no table 三 that stays ambiguous as a whole)
    "flat_runtogether": [{"era": "y2021", "clean": True, "all": True, "t3_row_ambiguous": True},
                         {"era": "y2019", "clean": True, "all": True, "t3_row_ambiguous": True},
                         {"era": "y2021", "clean": True}, {"era": "y2019", "clean": True}],
}
_T3_COLS = [c for c, _ in APPLICANTS]


def _eligible(corpus: Corpus) -> list[DemoReport]:
    by_id = {a["id"]: a for a in corpus.agencies}
    out = []
    for r in corpus.reports:
        a = by_id.get(r.agency_id)
        if (a and r.catalogued and r.expect_status == "parsed" and r.era in ("y2019", "y2021") and r.truth
                and not r.expected_failing_checks and hasattr(r, "_blocks")
                and r.agency_as_printed in evidence.placed_names(a)):      # the title names the agency
            out.append(r)
    return out


def _fits(r: DemoReport, slot: dict) -> bool:
    if slot.get("era") and r.era != slot["era"]:
        return False
    if slot.get("blank") and "blank_zeros" not in r.flags:
        return False
    if slot.get("clean") and ({"blank_zeros", "fullwidth"} & set(r.flags)):
        return False
    return True


def add_copies(corpus: Corpus) -> None:
    rng = random.Random(f"copies:{corpus.seed}")
    pool = _eligible(corpus)
    rng.shuffle(pool)
    used: set[tuple] = set()
    agencies = {a["id"]: a for a in corpus.agencies}
    for layout, slots in SLOTS.items():
        flags = _draw_flags(layout, slots, rng)
        for slot, fl in zip(slots, flags):
            for src in pool:
                if src.key in used or not _fits(src, slot):
                    continue
                if "ocr_other_one_row" in fl and not src.truth["t3_res_other__total"][0]:
                    continue                          # a (六) sum of 0 splits one way only: want a guess
                copy = _make_copy(corpus.seed, src, layout, _feasible(layout, src, fl), agencies[src.agency_id])
                if slot.get("t3_row_ambiguous") and not any(s["table"] == "t3" and s["n_row"] > 1
                                                            for s in copy.segmentations):
                    continue
                used.add(src.key)
                corpus.copies.append(copy)
                break
    _ensure_coverage(corpus, agencies)


def _draw_flags(layout: str, slots: list[dict], rng: random.Random) -> list[set[str]]:
    n = len(slots)
    if layout == "md_pipe":
        out = [{f for f in MD_FLAGS if rng.random() < 0.5} | {("md_span_repeat", "md_span_blank")[i % 2]}
               for i in range(n)]
        for f in MD_FLAGS:                           # every distortion at least once
            if not any(f in s for s in out):
                out[rng.randrange(n)].add(f)
        return out
    if layout == "ocr_text":
        out = []
        for s in slots:
            fl = {"ocr_confusables"} | {f for f in ("ocr_label_typo", "ocr_label_space", "ocr_digit_confusion")
                                        if rng.random() < 0.5}
            if s.get("era") == "y2021":
                fl |= {f for f in ("ocr_era_label", "ocr_other_one_row") if rng.random() < 0.6}
            out.append(fl)
        y21 = [i for i, s in enumerate(slots) if s.get("era") == "y2021"]
        for f in ("ocr_era_label", "ocr_other_one_row"):
            if not any(f in out[i] for i in y21):
                out[y21[rng.randrange(len(y21))]].add(f)
        for f in ("ocr_label_typo", "ocr_label_space", "ocr_digit_confusion"):
            if not any(f in s for s in out):
                out[rng.randrange(n)].add(f)
        return out
    return [{"flat_all_runs" if s.get("all") else "flat_some_runs"} for s in slots]


def _feasible(layout: str, src: DemoReport, flags: set[str]) -> set[str]:
    """Drop the flags the source cannot show (no value ≥ 2 to annotate)."""
    fl = set(flags)
    if "md_multiline_cell" in fl and pick_multiline(src._blocks, random.Random(0)) is None:
        fl.discard("md_multiline_cell")
    return fl


def _ensure_coverage(corpus: Corpus, agencies: dict) -> None:
    """A flag dropped as infeasible on one copy goes to another copy of the layout that can show it."""
    md = [c for c in corpus.copies if c.layout == "md_pipe"]
    if md and not any("md_multiline_cell" in c.flags for c in md):
        for i, c in enumerate(md):
            if pick_multiline(c._blocks, random.Random(0)) is not None:
                src = next(r for r in corpus.reports if r.key == c.key)
                new = _make_copy(corpus.seed, src, "md_pipe", {*c.flags, "md_multiline_cell"}, agencies[c.agency_id])
                corpus.copies[corpus.copies.index(c)] = new
                break


def _h(*parts) -> int:
    return int(hashlib.md5(":".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def _make_copy(seed: int, src: DemoReport, layout: str, flags: set[str], agency: dict) -> DemoReport:
    rng = random.Random(f"copy:{seed}:{src.agency_id}:{src.report_year}:{layout}")
    blocks = src._blocks
    truth = dict(src.truth)
    null_ok: set[str] = set()
    must: set[str] = set()
    segs: list[dict] = []
    if layout == "md_pipe":
        phone = f"0{rng.randint(570, 580)}-8{rng.randint(1000000, 9999999)}"
        text, _info = render_markdown(blocks, flags, rng, phone=phone)
    elif layout == "ocr_text":
        names = [src.agency_name, src.agency_as_printed, agency.get("short_name", "")]
        text, info = render_ocr(blocks, flags, rng, names)
        _ocr_truth(info, truth, null_ok, must)
        applied = {"ocr_digit_confusion": info.digit_confusion is not None,
                   "ocr_other_one_row": info.other_one_row is not None,
                   "ocr_era_label": ERA_LABEL[0] in info.labels, "ocr_label_typo": LABEL_TYPO[0] in info.labels,
                   "ocr_label_space": LABEL_SPACE[0] in info.labels, "ocr_confusables": bool(info.confusions)}
        flags = {f for f in flags if applied.get(f, True)}
    else:
        text, info = render_flat(blocks, flags, rng)
        segs = _flat_truth(info, truth, src.era, null_ok, must)
    fmt = FORMAT[layout]
    copy = dataclasses.replace(
        src, documents=[], urls=[], truth=truth, layout=layout, host=COPY_HOST, family=HOSTS[COPY_HOST].family,
        flags=[f for f in src.flags if not f.startswith(("enc_", "landing_"))] + sorted(flags),
        expected_failing_checks=list(src.expected_failing_checks),
        expected_cross_year_breaks=list(src.expected_cross_year_breaks), landing_path=None, landing_title=None, copy_of=src.layout,
        truth_null_ok=null_ok, truth_must_be_null=must, segmentations=segs,
        article_id=str(_h(seed, src.agency_id, src.report_year, layout) % 9000000 + 1000000))
    copy._blocks = blocks
    copy._pubtime = getattr(src, "_pubtime", f"{src.published_on.isoformat()} 09:00")
    d = copy.published_on
    folder = f"{TRS_PATH}/{d.year}{d.month:02d}"
    copy.landing_path = f"{folder}/t{d:%Y%m%d}_{copy.article_id}.html"
    name = f"{copy.title}.{fmt}"
    doc = DemoDocument(fmt, layout, name, text.encode("utf-8"), MEDIA_TYPES[fmt], "utf-8",
                       f"{MEDIA_TYPES[fmt]}; charset=utf-8", host=COPY_HOST,
                       path=f"{folder}/P0{d:%Y%m%d}{_h(seed, copy.article_id) % 10**9:09d}.{fmt}")
    copy.documents = [doc, _landing(copy, doc)]
    for dd in copy.documents:
        dd.expect_agency_name, dd.expect_division_code = evidence.catalog_expectation(copy, dd, agency, blocks)
    return copy


def _landing(rep: DemoReport, doc: DemoDocument) -> DemoDocument:
    """The archive's article page: the title, a line saying what the file is, the link."""
    hp = HOSTS[COPY_HOST]
    e = lambda s: escape(s, quote=False)  # noqa: E731
    kind = {"md_pipe": "Markdown 文本（由 PDF 转换）", "ocr_text": "文字识别文本", "flat_runtogether": "网页文本"}[rep.layout]
    href = "./" + doc.path.rsplit("/", 1)[-1]
    content = (f'<p style="text-align:center;">{e(rep.title)}</p>\n'
               f"<p>本库收录该报告的{e(kind)}，以发布机关公开的原件为准。</p>\n"
               f'<p>附件：<a href="{escape(href, quote=True)}" target="_blank">{e(doc.filename)}</a></p>')
    meta = {"SiteName": hp.site_name, "SiteIDCode": hp.site_code, "ColumnName": "政府信息公开年报",
            "ArticleTitle": rep.title, "PubDate": rep._pubtime, "ContentSource": hp.site_name,
            "publishdate": rep.published_on.isoformat()}
    html = render_html.page_trs(title=rep.title, meta=meta, content=content, decl='<meta charset="utf-8">',
                                pub=rep._pubtime, source=hp.site_name)
    return DemoDocument("html", "landing", rep.landing_path.rsplit("/", 1)[-1], html.encode("utf-8"), "text/html",
                        "utf-8", "text/html; charset=utf-8", host=COPY_HOST, path=rep.landing_path, role="landing",
                        expect_status="no_tables")


# --------------------------------------------------------------------------- truth of the text copies

def _ocr_truth(info: TextInfo, truth: dict, null_ok: set, must: set) -> None:
    if info.other_one_row is not None:
        # (六)其他处理 printed once: its three sub-rows are not in the document; a split of a
        # non-zero sum would be a guess (a zero sum splits into zeros only)
        for col, v in zip(_T3_COLS, info.other_one_row):
            assert truth[f"t3_res_other__{col}"][0] == v
            for sub, _label in T3_OTHER_2021:
                null_ok.add(f"{sub}__{col}")
                if v:
                    must.add(f"{sub}__{col}")
    if info.digit_confusion is not None:
        # a confused digit in table 二, where no identity can confirm a reading: must stay null
        code, printed = info.digit_confusion
        value, _raw, sem = truth[code]
        truth[code] = (value, printed, sem)
        null_ok.add(code)
        must.add(code)


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


def _differing(codes: list[str], values: set[tuple]) -> list[str]:
    return [c for i, c in enumerate(codes) if len({None if v[i] is None else float(v[i]) for v in values}) > 1]


def _flat_truth(info: TextInfo, truth: dict, era: str, null_ok: set, must: set) -> list[dict]:
    """Which cells of the run-together rows the identities pin down; the rest must stay null."""
    segs: list[dict] = []
    t3_rows: dict[str, list[tuple]] = {}
    t3_runs = []
    for rr in info.spaced:
        if rr.table == "t3":
            t3_rows[rr.key] = [tuple(int(truth[c][0]) for c in rr.codes)]
    for rr in info.runs:
        cands = row_candidates(rr.run, rr.codes, rr.table)
        want = tuple(truth[c][0] for c in rr.codes)
        assert any(all(_same(a, b) for a, b in zip(want, v)) for v in cands), (rr.key, rr.run)
        seg = {"table": rr.table, "row": rr.key, "run": rr.run, "codes": list(rr.codes),
               "n_cuts": n_cuts(rr.run, rr.codes, rr.table), "n_row": len(cands)}
        if rr.table == "t3":
            t3_rows[rr.key] = cands
            t3_runs.append((rr, seg))
        else:
            seg["n_valid"] = seg["n_table"] = len(cands)
            if len(cands) > 1:
                null_ok.update(rr.codes)
                must.update(_differing(rr.codes, set(cands)))
        segs.append(seg)
    if t3_runs:
        sol = solve_t3(t3_rows, t3_leaf_rows(era))
        for rr, seg in t3_runs:
            seg["n_valid"], seg["n_table"] = len(sol.used[rr.key]), sol.n
            assert tuple(int(truth[c][0]) for c in rr.codes) in sol.used[rr.key]
            if sol.n > 1:
                null_ok.update(rr.codes)
                must.update(_differing(rr.codes, sol.used[rr.key]))
        if era == "y2021":          # （六）其他处理 is derived from its sub-rows: unknown when they may be
            for col in _T3_COLS:
                if any(f"{s}__{col}" in null_ok for s, _ in T3_OTHER_2021):
                    null_ok.add(f"t3_res_other__{col}")
    return segs
