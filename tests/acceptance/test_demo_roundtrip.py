"""Round trip through the demo generator: every layout parses back to the generator's truth, and
every readable document names its agency exactly as the generator says it does (catalogued or not).

The text copies (md_pipe, ocr_text, flat_runtogether: pipelines/demo/copies.py) are counted cell by
cell with pipelines.demo.roundtrip.compare: exact, WRONG (a value that differs, or any value where
the truth says it must stay null) and null (allowed only for DemoReport.truth_null_ok codes, with a
warning naming the cell or its row).  No document of any layout may have a wrong cell."""
from __future__ import annotations

import pytest

generator = pytest.importorskip("pipelines.demo.generator", reason="pipelines/demo/generator.py not in this tree")

from pipelines.demo.evidence import UNREADABLE  # noqa: E402
from pipelines.demo.model import COPY_LAYOUTS  # noqa: E402
from pipelines.demo.roundtrip import compare  # noqa: E402
from pipelines.parse import parse_document  # noqa: E402

LAYOUTS = ("html_grid", "html_word", "html_flat_cells", "html_tab_rows", "pdf", "docx", "doc", "pdf_image", "landing")


@pytest.fixture(scope="module")
def corpus():
    return generator.generate_corpus(seed=0)


def _parse(doc, **kwargs) -> dict:
    return parse_document(doc.body, filename=doc.filename, media_type=doc.content_type or doc.media_type, **kwargs)


@pytest.fixture(scope="module")
def outputs(corpus) -> dict[int, dict]:
    """parse_document of every document alone (no hints), once: id(document) -> output."""
    return {id(d): _parse(d) for _r, d in corpus.documents()}


def _problems(report, doc, out) -> list[str]:
    probs = []
    if out["parse_status"] != doc.expect_status:
        probs.append(f"status {out['parse_status']} != {doc.expect_status}")
    if doc.expect_status != "parsed":
        return probs
    got = {m["metric_code"]: (m["value"], m["value_raw"], m["semantic"]) for m in out["metrics"]}
    for code, truth in report.truth.items():
        if got.get(code) != tuple(truth):
            probs.append(f"{code}: {got.get(code)} != {truth}")
    extra = [c for c in got if c not in report.truth and not c.startswith("n_")]
    if extra:
        probs.append(f"codes not in truth: {extra[:5]}")
    for code, truth in report.narrative_truth.items():
        if got.get(code, (None,))[0] != truth[0]:
            probs.append(f"{code}: {got.get(code)} != {truth}")
    want = {"era": report.era, "report_year": report.report_year, "title": report.title}
    if doc.format == "html":  # PDF/DOCX attachments carry no date; the truth's date is the article page's
        want["published_on"] = report.published_on.isoformat() if report.published_on else None
    return probs + _metadata_problems(out, report, want)


def _metadata_problems(out: dict, report, want: dict) -> list[str]:
    """Fields that differ from the truth, and failing checks other than the declared ones."""
    probs = [f"{key}: {out[key]!r} != {value!r}" for key, value in want.items() if out[key] != value]
    failing = sorted(c["code"] for c in out["checks"] if c["status"] == "fail")
    if failing != sorted(report.expected_failing_checks):
        probs.append(f"failing checks {failing} != {sorted(report.expected_failing_checks)}")
    return probs


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_layout_round_trip(corpus, outputs, layout):
    docs = [(r, d) for r in corpus.reports for d in r.documents if d.layout == layout]
    if not docs:
        pytest.skip(f"the corpus has no {layout} document")
    failures = {}
    for report, doc in docs:
        probs = _problems(report, doc, outputs[id(doc)])
        if probs:
            failures[(report.agency_id, report.report_year, doc.role)] = probs[:5]
    assert not failures, failures


def _readable(corpus):
    return [(r, d) for r, d in corpus.documents() if d.expect_status not in UNREADABLE]


def _key(report, doc) -> tuple:
    return (report.agency_id, report.report_year, doc.role, doc.layout)


@pytest.mark.slow
def test_no_document_gets_a_wrong_agency(corpus, outputs):
    """A wrong agency is worse than none: a non-null agency_name must be the true one (the parser is
    called without hints, as on a document of unknown origin)."""
    docs = _readable(corpus)
    assert sum(not r.catalogued for r, _d in docs) >= 40
    wrong = {_key(r, d): (outputs[id(d)]["agency_name"], d.expect_agency_name) for r, d in docs
             if outputs[id(d)]["agency_name"] is not None and outputs[id(d)]["agency_name"] != d.expect_agency_name}
    assert not wrong, f"{len(wrong)} of {len(docs)} documents name a wrong agency (got, want): {wrong}"


@pytest.mark.slow
def test_every_document_names_its_agency_exactly(corpus, outputs):
    """agency_name and agency_division_code exact on every readable document (null only where the
    document names no agency it can be resolved from, expect_agency_name None); agency_as_printed
    as the title prints it."""
    docs = _readable(corpus)
    missing, division, printed = {}, {}, {}
    for r, d in docs:
        out = outputs[id(d)]
        if out["agency_name"] is None and d.expect_agency_name is not None:
            missing[_key(r, d)] = d.expect_agency_name
        if out.get("agency_division_code") != d.expect_division_code:
            division[_key(r, d)] = (out.get("agency_division_code"), d.expect_division_code)
        if d.role != "landing" and d.expect_status == "parsed" and d.layout not in COPY_LAYOUTS \
                and out["agency_as_printed"] != (r.agency_as_printed or None):   # copies: test_copy_round_trip
            printed[_key(r, d)] = (out["agency_as_printed"], r.agency_as_printed or None)
    assert not missing, f"{len(missing)} of {len(docs)} documents: no agency_name, want {missing}"
    assert not division, f"{len(division)} of {len(docs)} documents: agency_division_code (got, want) {division}"
    assert not printed, f"agency_as_printed (got, want): {printed}"


@pytest.mark.slow
def test_open_world_documents_with_their_sources_division(corpus):
    """parse_document(..., division=<the source's division_code>): the context resolves what the
    document alone cannot (朝阳区 on a Beijing site) and never overrides what it prints (上海市科委 on
    the Jiangsu portal)."""
    docs = [(r, d) for r, d in _readable(corpus) if d.division_hint]
    assert len(docs) >= 40 and {d.division_hint for _r, d in docs} == {"320000", "110000"}
    bad = {}
    for r, d in docs:
        out = _parse(d, division=d.division_hint)
        got = (out["agency_name"], out.get("agency_division_code"))
        if got != (d.expect_hinted_agency_name, d.expect_hinted_division_code):
            bad[_key(r, d)] = (got, (d.expect_hinted_agency_name, d.expect_hinted_division_code))
    assert not bad, f"{len(bad)} of {len(docs)} documents (got, want): {bad}"


# ----------------------------------------------------------------------------- text copies

def _copy_problems(report, doc, out) -> list[str]:
    res = compare(report, doc, out)
    probs = []
    if out["parse_status"] != "parsed":
        probs.append(f"status {out['parse_status']} != parsed")
    if res.wrong:
        probs.append(f"{len(res.wrong)} WRONG cells: {res.wrong[:3]}")
    if res.missing:
        probs.append(f"{len(res.missing)} null cells not allowed (not in truth_null_ok, or no warning naming them):"
                     f" {res.missing[:5]}")
    if res.raw_diff:
        probs.append(f"{len(res.raw_diff)} value_raw differ: {res.raw_diff[:3]}")
    extra = [m["metric_code"] for m in out["metrics"]
             if m["metric_code"] not in report.truth and not m["metric_code"].startswith("n_")]
    if extra:
        probs.append(f"codes not in truth: {extra[:5]}")
    return probs + _metadata_problems(out, report, {
        "era": report.era, "report_year": report.report_year, "title": report.title,
        "agency_name": doc.expect_agency_name, "agency_as_printed": report.agency_as_printed})


@pytest.mark.slow
@pytest.mark.parametrize("layout", COPY_LAYOUTS)
def test_copy_round_trip(corpus, outputs, layout):
    """Exact on every cell the document determines; null (with a warning) only where the truth allows."""
    docs = [(r, d) for r in corpus.copies for d in r.documents if d.layout == layout]
    assert len(docs) >= 3, layout
    failures = {}
    for report, doc in docs:
        probs = _copy_problems(report, doc, outputs[id(doc)])
        if probs:
            failures[(report.agency_id, report.report_year, tuple(f for f in report.flags if f.startswith(layout[:3])))] = probs
    assert not failures, failures


@pytest.mark.slow
def test_no_cell_is_ever_wrong(corpus, outputs):
    """A cell is exact or null; a wrong value (or a value where the truth must stay null) never."""
    wrong = {}
    n = 0
    for report, doc in corpus.documents():
        if doc.expect_status != "parsed":
            continue
        res = compare(report, doc, outputs[id(doc)])
        n += res.n_truth
        if res.wrong:
            wrong[(report.agency_id, report.report_year, doc.layout, doc.role)] = res.wrong[:3]
    assert n > 30000
    assert not wrong, f"{sum(len(v) for v in wrong.values())}+ wrong cells in {len(wrong)} documents: {wrong}"
