"""Legacy Word files (.doc, and WPS Writer's .wps: Word 97's format under another name) are read
through LibreOffice into DOCX, so that their tables survive: the values equal the generator's truth.
Without LibreOffice, antiword's text is read and the warnings say so; with neither, the status is
unsupported_format with the reason."""
from __future__ import annotations

import dataclasses
import shutil

import pytest

from pipelines.demo import generate_corpus
from pipelines.demo.render_legacy import doc_from_docx, xls_from_html
from pipelines.demo.roundtrip import compare
from pipelines.parse import parse_document
from pipelines.parse.readers.legacy import soffice

needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed: "
                                       "`apt-get install libreoffice-writer-nogui` (make test does it when it can)")


@pytest.fixture(scope="module")
def legacy_reports():
    """Three DOCX reports of the demo corpus (eras pre2019 / y2019 / y2021 where there are), as .doc."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: the generator cannot save a .doc")
    corpus = generate_corpus(0)
    picked, eras = [], set()
    for rep in corpus.reports:
        doc = next((d for d in rep.documents if d.format == "docx" and d.expect_status == "parsed"), None)
        if doc is not None and rep.truth and rep.era not in eras:
            eras.add(rep.era)
            picked.append((rep, doc, doc_from_docx(doc.body)))
    assert len(picked) >= 2
    return picked


@needs_libreoffice
@pytest.mark.parametrize("ext", ["doc", "wps"])
def test_doc_and_wps_tables_are_exact_through_libreoffice(legacy_reports, ext):
    for rep, docx, legacy in legacy_reports:
        assert legacy[:8] == bytes.fromhex("D0CF11E0A1B11AE1")          # a real OLE2 Word 97 file
        parsed = parse_document(legacy, filename=f"report.{ext}")
        assert parsed["parse_status"] == "parsed", parsed["warnings"]
        assert f"converted from .{ext} to DOCX by LibreOffice" in parsed["warnings"]
        result = compare(rep, dataclasses.replace(docx, format=ext, body=legacy), parsed)
        assert result.n_truth > 40 and not result.wrong and not result.missing, (rep.agency_id, rep.report_year,
                                                                                  result.wrong[:3], result.missing[:3])
        assert result.era_ok and result.year_ok and result.agency_ok, (parsed["era"], parsed["agency_name"])


@needs_libreoffice
def test_a_report_kept_as_a_wps_spreadsheet_is_exact():
    corpus = generate_corpus(0)
    rep, page = next((r, d) for r in corpus.reports if r.era == "y2021" and r.truth for d in r.documents
                     if d.layout == "html_grid" and d.expect_status == "parsed")
    sheet = xls_from_html(page.body)
    parsed = parse_document(sheet, filename="report.et")
    assert parsed["parse_status"] == "parsed" and "converted from .et to HTML by LibreOffice" in parsed["warnings"]
    result = compare(rep, dataclasses.replace(page, format="et", body=sheet), parsed)
    assert result.n_truth > 100 and not result.wrong and not result.missing
    assert result.era_ok and result.year_ok and result.agency_ok


@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword is not installed")
def test_without_libreoffice_antiword_reads_the_text_and_says_so(legacy_reports, monkeypatch):
    rep, _docx, legacy = legacy_reports[0]
    monkeypatch.setenv("GOVREPORTS_SOFFICE", "/nonexistent/soffice")
    parsed = parse_document(legacy, filename="report.doc")
    assert any("by antiword (LibreOffice is not installed)" in w for w in parsed["warnings"]), parsed["warnings"]
    assert parsed["report_year"] == rep.report_year


def test_with_no_converter_a_doc_is_unsupported_with_the_reason(monkeypatch):
    monkeypatch.setenv("GOVREPORTS_SOFFICE", "/nonexistent/soffice")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    parsed = parse_document(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(600), filename="report.wps")
    assert parsed["parse_status"] == "unsupported_format"
    assert parsed["warnings"] == ["unsupported format (.wps): neither LibreOffice nor antiword is installed; "
                                  "convert to DOCX, PDF or HTML to parse it"]


@needs_libreoffice
def test_a_damaged_doc_is_unsupported_and_the_conversion_leaves_nothing_behind(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    parsed = parse_document(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(600), filename="report.doc")
    assert parsed["parse_status"] == "unsupported_format"
    assert parsed["warnings"][0].startswith("unsupported format (.doc): LibreOffice could not convert the .doc file")
    assert "javaldx" not in parsed["warnings"][0]
    assert list(tmp_path.iterdir()) == []
