"""Hostile documents end with DocumentTooLarge in seconds and without allocating what they expand
to: a rowspan/colspan bomb, a DOCX zip bomb, a PDF flate bomb, a PDF drawing one form a million
times. The bombs are built in memory (nothing large on disk); each runs in a child process so that
its peak RSS is its own (VmHWM of the child). A PDF cut short is salvaged."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from pipelines.parse import limits
from pipelines.parse.errors import UnreadableDocument
from pipelines.parse.grid import expand
from pipelines.parse.limits import DocumentTooLarge

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from hostile import _ROOT_RELS, _TYPES, _W, _member, _repeat_deflate, _zip  # noqa: E402  (the bench's builders)
PEAK_MB, SECONDS = 300, 5.0
MB = 1 << 20


# -- builders (all in memory) ----------------------------------------------------------------------
def span_bomb_html() -> bytes:
    """~3 MB of <td rowspan=60 colspan=60>: 100,000 cells that would expand to 360 million."""
    row = "<tr>" + '<td rowspan="60" colspan="60">1</td>' * 1000 + "</tr>"
    return ("<html><head><meta charset='utf-8'></head><body><div id='zoom'><p>某局2020年政府信息公开工作年度报告</p>"
            "<table>" + row * 100 + "</table></div></body></html>").encode()


def docx_bomb(n_mb: int = 1100, declared: int | None = None) -> bytes:
    """word/document.xml inflates to n_mb MB of paragraphs (declared as such, or as ``declared``)."""
    prefix = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode()
    suffix = b"</w:body></w:document>"
    chunk = b"<w:p/>" * (MB // 6)
    data, crc, _, size = _repeat_deflate(prefix, chunk, n_mb, suffix)
    return _zip([_member("[Content_Types].xml", _TYPES), _member("_rels/.rels", _ROOT_RELS),
                 ("word/document.xml", data, crc, size if declared is None else declared)])


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of numbered objects (1 = catalog) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"", flate: bool = True) -> bytes:
    filt = b" /Filter /FlateDecode" if flate else b""
    return b"<< /Length %d%s%s >>\nstream\n" % (len(data), filt, extra) + data + b"\nendstream"


def _page_objects(content_ref: int, resources: bytes = b"<< >>") -> list[bytes]:
    return [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>"
            % (resources, content_ref)]


def pdf_flate_bomb(n_mb: int = 1100) -> bytes:
    """A page whose content stream (~1 MB) inflates to n_mb MB."""
    raw, _, adler, _ = _repeat_deflate(b"BT ET\n", b"q Q\n" * (MB // 4), n_mb, b"")
    zdata = b"\x78\xda" + raw + adler.to_bytes(4, "big")
    return _pdf(_page_objects(4) + [_stream(zdata)])


def pdf_form_bomb(draws: int = 1000, form_chars: int = 2000) -> bytes:
    """A few KB: a page that draws one form 1,000 times, each drawing a 2,000-character string
    (pdfplumber would build 2 million char objects)."""
    form = b"BT /F1 1 Tf 0 0 Td (" + b"x" * form_chars + b") Tj ET"
    page = b"".join(b"q 1 0 0 1 0 %d cm /Fm0 Do Q\n" % (i % 800) for i in range(draws))
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    res = b"<< /XObject << /Fm0 5 0 R >> /Font << /F1 6 0 R >> >>"
    return _pdf(_page_objects(4, res) + [_stream(page, flate=False),
                                          _stream(form, b" /Type /XObject /Subtype /Form /BBox [0 0 595 842]"
                                                        b" /Resources << /Font << /F1 6 0 R >> >>", flate=False),
                                          font])


BUILDERS = {"span_bomb_html": span_bomb_html, "docx_bomb": docx_bomb, "pdf_flate_bomb": pdf_flate_bomb,
            "pdf_form_bomb": pdf_form_bomb, "docx_forged_size": lambda: docx_bomb(1100, declared=200_000)}
READERS = {"span_bomb_html": "html", "docx_bomb": "docx", "pdf_flate_bomb": "pdf", "pdf_form_bomb": "pdf",
           "docx_forged_size": "docx"}


def _read(kind: str, data: bytes):
    if kind == "html":
        from pipelines.parse.readers.html import read_html
        return read_html(data.decode("utf-8"), data, "utf-8")
    if kind == "docx":
        from pipelines.parse.readers.docx import read_docx
        return read_docx(data)
    from pipelines.parse.readers.pdf import read_pdf
    return read_pdf(data)


def _hwm_kb() -> int:
    """Peak RSS of this process image (VmHWM: reset by exec, unlike ru_maxrss, which a child
    inherits from a large parent such as a long pytest session)."""
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(name: str) -> None:
    """Run in a fresh interpreter: build, read, print what happened and the peak RSS."""
    import resource
    # a regression must fail here with MemoryError, not take the machine (the bombs ask for GBs)
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
    kind = READERS[name]
    import pipelines.parse.readers.docx, pipelines.parse.readers.html, pipelines.parse.readers.pdf  # noqa: F401,E401
    base = _hwm_kb()
    data = BUILDERS[name]()
    t0 = time.perf_counter()
    try:
        _read(kind, data)
        error, reason = None, None
    except UnreadableDocument as exc:
        error, reason = type(exc).__name__, str(exc)
    seconds = time.perf_counter() - t0
    peak = _hwm_kb()
    print(json.dumps({"error": error, "reason": reason, "seconds": seconds, "bytes": len(data),
                      "base_mb": base / 1024, "peak_mb": peak / 1024}))


def _run_child(name: str) -> dict:
    code = f"import sys; sys.path.insert(0, {str(HERE)!r}); import test_hostile_documents as t; t.child({name!r})"
    env = {**os.environ, "GOVREPORTS_PURE_PYTHON": "1"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    res = json.loads(out.stdout.strip().splitlines()[-1])
    print(name, res)
    return res


@pytest.mark.parametrize("name, needle, max_bytes", [
    ("span_bomb_html", "a table expands to more than 1,000,000 cells", 4 * MB),
    ("docx_bomb", "word/document.xml inflates to 1,100 MB", 3 * MB),
    ("pdf_flate_bomb", "PDF stream inflates to more than 64 MB", 3 * MB),
    ("pdf_form_bomb", "page 1 shows more than 400,000 bytes of text", 40_000),
])
def test_bomb_ends_with_too_large_quickly_and_small(name, needle, max_bytes):
    r = _run_child(name)
    assert r["error"] == "DocumentTooLarge" and needle in r["reason"], r
    assert r["seconds"] < SECONDS and r["peak_mb"] < PEAK_MB, r
    assert r["bytes"] < max_bytes


def test_docx_whose_member_lies_about_its_size_is_refused_without_inflating_it():
    r = _run_child("docx_forged_size")
    assert r["error"] == "UnreadableDocument" and "corrupt DOCX" in r["reason"], r
    assert r["seconds"] < SECONDS and r["peak_mb"] < PEAK_MB, r


def test_docx_ratio_bomb_below_the_size_limit():
    data = docx_bomb(40)                       # 40 MB (under the 64 MB limit) from ~60 KB
    from pipelines.parse.readers.docx import read_docx
    with pytest.raises(DocumentTooLarge, match=r"compressed [0-9,]+:1 \(a ZIP bomb; limit 200:1\)"):
        read_docx(data)


# -- grid limits in process -------------------------------------------------------------------------
def test_grid_counts_cells_before_allocating():
    rows = [[("x", 60, 60)] * 300] * 2           # 600 cells → 2.16 M positions
    with pytest.raises(DocumentTooLarge, match="more than 1,000,000 cells"):
        expand(rows)
    ok = expand([[("a", 2, 1), ("b", None, None)], ["c"]])
    assert ok == [["a", "b"], [None, "c"]]


def test_document_budget_spans_tables(monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCUMENT_CELLS", 10_000)
    table = [[("x", 30, 30)] * 3]                   # 2,700 positions: one such table is fine
    assert len(expand(table)) == 1
    for _ in range(5):                              # and so are many, outside a document
        expand(table)
    with limits.document_budget():
        for _ in range(3):
            expand(table)
        with pytest.raises(DocumentTooLarge, match="tables expand to more than 10,000 cells"):
            expand(table)


# -- PDF pages and salvage ---------------------------------------------------------------------------
def _reportlab_pdf(pages: int) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for i in range(1, pages + 1):
        c.setFont("STSong-Light", 12)
        c.drawString(72, 750, f"第{i}页 某某局2020年政府信息公开工作年度报告")
        c.drawString(72, 720, f"收到申请{i}件")
        c.showPage()
    c.save()
    return buf.getvalue()


def test_pdf_page_limit(monkeypatch):
    from pipelines.parse.readers.pdf import read_pdf
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 3)
    with pytest.raises(DocumentTooLarge, match="more than 3 pages"):
        read_pdf(_reportlab_pdf(4))
    assert read_pdf(_reportlab_pdf(3)).lines[-1] == "收到申请3件"


def test_pdf_without_its_trailer_is_salvaged_with_a_warning():
    from pipelines.parse.readers.pdf import read_pdf
    data = _reportlab_pdf(5)
    assert data.rstrip().endswith(b"%%EOF")
    cut = data[:-413]                             # the trailer and part of the xref table
    assert b"trailer" not in cut and b"startxref" not in cut
    doc = read_pdf(cut)
    assert doc.lines == [line for i in range(1, 6) for line in (f"第{i}页 某某局2020年政府信息公开工作年度报告",
                                                                 f"收到申请{i}件")]
    assert doc.warnings[0].startswith("damaged PDF: its end (trailer, cross-reference table) is missing")
    assert read_pdf(data).warnings == []          # the intact file has no warning


def test_pdf_cut_before_its_catalog_keeps_the_pages_left():
    from pipelines.parse.readers.pdf import read_pdf
    data = _reportlab_pdf(5)
    cat = data.index(b"/Type /Catalog")
    doc = read_pdf(data[:cat - 40])               # catalog and page tree gone; page objects remain
    assert doc.warnings[0].startswith("damaged PDF")


def test_pdf_streams_inflate_the_same_through_the_guard():
    """The bounded decoders give pdfminer the bytes zlib gives (and a damaged tail as before)."""
    from pipelines.parse.readers import pdf_guard
    raw = ("收到申请数 " * 5000).encode()
    z = zlib.compress(raw)
    assert pdf_guard.inflate(z) == zlib.decompress(z) == raw
    with pytest.raises(zlib.error):
        pdf_guard.inflate(z[:-10])
    assert pdf_guard.inflate_corrupted(z[:-2]) == raw            # adler32 cut: data kept
    assert raw.startswith(pdf_guard.inflate_corrupted(z[: len(z) // 2]))
