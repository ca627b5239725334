"""Format detection and the statuses of documents that cannot be parsed into tables."""
from __future__ import annotations

import io
import zipfile

import pytest

from pipelines.parse import PARSER_VERSION, UnreadableDocument, parse_document, parse_path
from pipelines.parse.sniff import OLE


def test_version_is_a_string():
    assert isinstance(PARSER_VERSION, str) and PARSER_VERSION


@pytest.mark.parametrize("name", ["report.doc", "report.wps", "report.xls"])
def test_legacy_office_files_are_unsupported(name):
    out = parse_document(OLE + b"\x00" * 600, filename=name)
    assert out["parse_status"] == "unsupported_format"
    assert out["metrics"] == [] and any("unsupported" in w for w in out["warnings"])


def test_image_only_pdf():
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    from PIL import Image

    img = Image.new("RGB", (60, 40), "white")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = io.BytesIO()
    c = canvas.Canvas(pdf)
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 50, 600, 300, 200)
    c.showPage()
    c.save()
    out = parse_document(pdf.getvalue(), filename="scan.pdf")
    assert out["parse_status"] == "image_only"
    assert out["metrics"] == []


def test_html_page_of_images_only():
    html = '<html><body><div id="zoom"><p><img src="1.jpg"></p><p><img src="2.jpg"></p></div></body></html>'
    out = parse_document(html.encode(), filename="a.html")
    assert out["parse_status"] == "image_only"


def test_report_without_tables_and_not_a_report():
    report = "<p>某某局2019年政府信息公开工作年度报告</p><p>一、总体情况</p><p>本年度依法做好信息公开。</p>"
    assert parse_document(report.encode(), filename="a.html")["parse_status"] == "no_tables"
    assert parse_document("今日天气晴。".encode(), filename="a.txt")["parse_status"] == "not_a_report"


def test_parse_path_errors(tmp_path):
    with pytest.raises(UnreadableDocument, match="file not found"):
        parse_path(tmp_path / "missing.html")
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableDocument, match=r"empty\.html: empty"):
        parse_path(empty)
    bad_pdf = tmp_path / "bad.pdf"
    bad_pdf.write_bytes(b"%PDF-1.4\n garbage without objects")
    with pytest.raises(UnreadableDocument, match=r"bad\.pdf: .*PDF"):
        parse_path(bad_pdf)
    bad_docx = tmp_path / "bad.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<not really xml")
    bad_docx.write_bytes(buf.getvalue())
    with pytest.raises(UnreadableDocument, match=r"bad\.docx: .*DOCX"):
        parse_path(bad_docx)
    png = tmp_path / "picture.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(UnreadableDocument, match=r"picture\.png: not a document"):
        parse_path(png)
    # the message is one line naming the file
    try:
        parse_path(png)
    except UnreadableDocument as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(png))


def test_docx_round_trip(tmp_path):
    import docx

    from _parse_synth import random_values

    values = random_values(5)
    d = docx.Document()
    d.add_paragraph("某某市某某局2022年政府信息公开工作年度报告")
    d.add_paragraph("二、主动公开政府信息情况")
    t = d.add_table(rows=3, cols=4)
    for i, text in enumerate(["第二十条第（一）项", "", "", ""]):
        t.cell(0, i).text = text
    t.cell(0, 0).merge(t.cell(0, 3))
    for i, text in enumerate(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]):
        t.cell(1, i).text = text
    row = [str(values[c]) for c in ("t2_regulation_issued", "t2_regulation_repealed", "t2_regulation_in_force")]
    for i, text in enumerate(["规章", *row]):
        t.cell(2, i).text = text
    path = tmp_path / "r.docx"
    d.save(path)
    out = parse_path(path)
    got = {m["metric_code"]: m["value"] for m in out["metrics"]}
    assert out["era"] == "y2021" and out["report_year"] == 2022
    assert got["t2_regulation_in_force"] == values["t2_regulation_in_force"]
    assert got["t2_regulation_issued"] == values["t2_regulation_issued"]
