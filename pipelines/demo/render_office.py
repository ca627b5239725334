"""PDF (reportlab, text layer in the STSong-Light CID font), image-only PDF, DOCX (python-docx)
and a legacy .doc stand-in.  All outputs are deterministic for the same input."""
from __future__ import annotations

import datetime as dt
import io
import random
import zipfile

from .tables import Table

_FONT = "STSong-Light"
_registered = False


def _ensure_font() -> None:
    global _registered
    if not _registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
        _registered = True


def _grid_positions(t: Table):
    """Yield (r, c, cell) with absolute column positions, honouring row/col spans."""
    occupied: set[tuple[int, int]] = set()
    for r, row in enumerate(t.rows):
        c = 0
        for cell in row:
            while (r, c) in occupied:
                c += 1
            yield r, c, cell
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    occupied.add((r + dr, c + dc))
            c += cell.colspan


def render_pdf(blocks: list, *, title: str, author: str = "") -> bytes:
    _ensure_font()
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table as RLTable, TableStyle

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=title, author=author, invariant=1)
    st_title = ParagraphStyle("t", fontName=_FONT, fontSize=16, leading=24, alignment=1, spaceAfter=10)
    st_h = ParagraphStyle("h", fontName=_FONT, fontSize=12, leading=20, spaceBefore=6, spaceAfter=4)
    st_p = ParagraphStyle("p", fontName=_FONT, fontSize=10.5, leading=18, firstLineIndent=21, wordWrap="CJK")
    st_cell = ParagraphStyle("c", fontName=_FONT, fontSize=8, leading=10, alignment=1, wordWrap="CJK")
    width = A4[0] - 40 * mm
    story = []
    for kind, x in blocks:
        if kind == "title":
            story.append(Paragraph(x, st_title))
        elif kind == "h":
            story.append(Paragraph(x, st_h))
        elif kind == "p":
            story.append(Paragraph(x, st_p))
        else:
            t: Table = x
            data = [["" for _ in range(t.ncols)] for _ in t.rows]
            spans = []
            for r, c, cell in _grid_positions(t):
                txt = cell.text
                if cell.code is not None or len(txt) <= 4 and "\n" not in txt:
                    data[r][c] = txt
                else:
                    data[r][c] = Paragraph(txt.replace("\n", "<br/>"), st_cell)
                if cell.rowspan > 1 or cell.colspan > 1:
                    spans.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
            tot = sum(t.col_weights) or t.ncols
            widths = [width * w / tot for w in (t.col_weights or [1] * t.ncols)]
            tbl = RLTable(data, colWidths=widths, repeatRows=0)
            tbl.setStyle(TableStyle([
                ("FONTNAME", (0, 0), (-1, -1), _FONT), ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"), *spans]))
            story.append(tbl)
            story.append(Spacer(1, 6))
    doc.build(story)
    return buf.getvalue()


def render_image_pdf(seed: int, *, title: str) -> bytes:
    """A scanned-looking report: one raster image per page, no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(title)
    for _page in range(2):
        img = Image.new("L", (620, 877), 255)
        d = ImageDraw.Draw(img)
        y = 60
        while y < 820:
            if rng.random() < 0.15:           # a ruled table block
                rows, cols = rng.randint(3, 8), rng.randint(3, 8)
                h = rows * 18
                for i in range(rows + 1):
                    d.line([(50, y + 18 * i), (570, y + 18 * i)], fill=0)
                for j in range(cols + 1):
                    x = 50 + j * 520 // cols
                    d.line([(x, y), (x, y + h)], fill=0)
                y += h + 20
            else:                              # a line of "characters"
                x = 70
                while x < 560:
                    w = rng.randint(6, 11)
                    d.rectangle([x, y, x + w, y + 10], fill=rng.randint(0, 90))
                    x += w + rng.randint(2, 4)
                y += 22
        c.drawImage(ImageReader(img), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return buf.getvalue()


_FIXED = dt.datetime(2020, 1, 1, 0, 0, 0)


def _normalise_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def render_docx(blocks: list, *, title: str, author: str = "") -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.table import _Cell

    d = docx.Document()
    st = d.styles["Normal"]
    st.font.name = "宋体"
    st.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    cp = d.core_properties
    cp.title, cp.author, cp.last_modified_by = title, author, author
    cp.created = cp.modified = _FIXED
    cp.revision = 1
    for kind, x in blocks:
        if kind == "title":
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(x).bold = True
        elif kind == "h":
            p = d.add_paragraph()
            p.add_run(x).bold = True
        elif kind == "p":
            d.add_paragraph(x)
        else:
            t: Table = x
            tbl = d.add_table(rows=len(t.rows), cols=t.ncols)
            tbl.style = "Table Grid"
            # element references of the unmerged grid (tbl.cell() rescans the whole table per call)
            tcs = [list(tr.tc_lst) for tr in tbl._tbl.tr_lst]
            merges = []
            for r, c, cell in _grid_positions(t):
                _Cell(tcs[r][c], tbl).text = cell.text
                if cell.rowspan > 1 or cell.colspan > 1:
                    merges.append((r, c, cell))
            for r, c, cell in merges:
                top = _Cell(tcs[r][c], tbl)
                merged = top.merge(_Cell(tcs[r + cell.rowspan - 1][c + cell.colspan - 1], tbl))
                merged.text = cell.text
            d.add_paragraph()
    buf = io.BytesIO()
    d.save(buf)
    return _normalise_zip(buf.getvalue())


def render_legacy_doc(seed: int, title: str) -> bytes:
    """Bytes that look like an OLE2 compound file (.doc); not parseable by the project."""
    rng = random.Random(seed)
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) + bytes.fromhex("3E000300FEFF0900")
    body = bytearray(header)
    body += bytes(512 - len(body))
    body += title.encode("utf-16-le")
    body += bytes(rng.randrange(256) for _ in range(4096))
    return bytes(body)
