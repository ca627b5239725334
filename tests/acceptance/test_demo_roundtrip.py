"""Round trip through the demo generator: every layout parses back to the generator's truth."""
from __future__ import annotations

import pytest

generator = pytest.importorskip("pipelines.demo.generator", reason="pipelines/demo/generator.py not in this tree")

from pipelines.parse import parse_document  # noqa: E402
from pipelines.parse.agencies import has_place  # noqa: E402

LAYOUTS = ("html_grid", "html_word", "html_flat_cells", "html_tab_rows", "pdf", "docx", "doc", "pdf_image")


@pytest.fixture(scope="module")
def corpus():
    return generator.generate_corpus(seed=0)


def _problems(report, doc) -> list[str]:
    out = parse_document(doc.body, filename=doc.filename, media_type=doc.content_type or doc.media_type)
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
    want = {"era": report.era, "report_year": report.report_year, "title": report.title,
            "agency_as_printed": report.agency_as_printed or None}
    if doc.format == "html":  # PDF/DOCX attachments carry no date; the truth's date is the article page's
        want["published_on"] = report.published_on.isoformat() if report.published_on else None
    for key, value in want.items():
        if out[key] != value:
            probs.append(f"{key}: {out[key]!r} != {value!r}")
    if out["agency_name"] != report.agency_name:
        printed = report.agency_as_printed or ""
        hinted = parse_document(doc.body, filename=doc.filename, agency=report.agency_name)["agency_name"]
        # a bare 市经信局 with no place anywhere in the file is left open, and the caller's hint fills it
        if not (out["agency_name"] is None and not has_place(printed) and hinted == report.agency_name):
            probs.append(f"agency_name {out['agency_name']!r} != {report.agency_name!r}")
    failing = sorted(c["code"] for c in out["checks"] if c["status"] == "fail")
    if failing != sorted(report.expected_failing_checks):
        probs.append(f"failing checks {failing} != {sorted(report.expected_failing_checks)}")
    return probs


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_layout_round_trip(corpus, layout):
    docs = [(r, d) for r in corpus.reports for d in r.documents if d.layout == layout]
    if not docs:
        pytest.skip(f"the corpus has no {layout} document")
    failures = {}
    for report, doc in docs:
        probs = _problems(report, doc)
        if probs:
            failures[(report.agency_id, report.report_year, doc.role)] = probs[:5]
    assert not failures, failures
