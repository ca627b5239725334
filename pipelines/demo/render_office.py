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


SCAN_DPI = 200


def render_scanned_pdf(blocks: list, seed: int, *, title: str, author: str = "", signature: str | None = None,
                       dpi: int = SCAN_DPI) -> bytes:
    """A scanned report whose content is the real report (issue 13): the text PDF of ``blocks`` is
    rasterised (pypdfium2, a system CJK font stands in for STSong-Light), then each page is given a
    scanner's look — a slight rotation (±0.2–1.0°), paper grey and sensor noise, a little blur, JPEG
    compression — and a red round seal is stamped over the signature (``signature``: the signer's
    line, found on the last page). One JPEG per page, no text layer; the truth is the report's own."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    text_pdf = render_pdf(blocks, title=title, author=author)
    src = pdfium.PdfDocument(text_pdf)
    scale = dpi / 72
    stamp_at = _signature_box(src, signature, scale) if signature else None
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(title)
    n = len(src)
    for i in range(n):
        img = src[i].render(scale=scale).to_pil().convert("RGB")
        if i == n - 1 and stamp_at is not None:
            img = _stamp(img, stamp_at, rng)
        img = img.rotate(rng.uniform(0.2, 1.0) * rng.choice((-1, 1)), resample=Image.BICUBIC,
                         fillcolor=(255, 255, 255), expand=False)
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.6)))
        arr = np.asarray(img).astype(np.int16)
        nrng = np.random.default_rng(seed + i)
        arr = arr - rng.randint(6, 16) + nrng.normal(0, rng.uniform(5, 9), arr.shape[:2])[..., None]
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
        jpg = io.BytesIO()
        img.save(jpg, format="JPEG", quality=rng.randint(60, 78))
        c.drawImage(ImageReader(io.BytesIO(jpg.getvalue())), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    src.close()
    c.save()
    return buf.getvalue()


def _signature_box(src, signature: str, scale: float):
    """Pixel centre of the signer's line on the last page, or None."""
    page = src[len(src) - 1]
    tp = page.get_textpage()
    try:
        searcher = tp.search(signature)
        hit = searcher.get_next()
        if not hit:
            return None
        index, count = hit
        boxes = [tp.get_charbox(k) for k in range(index, index + count)]
    finally:
        tp.close()
    height = page.get_height()
    x0 = min(b[0] for b in boxes)
    x1 = max(b[2] for b in boxes)
    y0 = min(b[1] for b in boxes)
    y1 = max(b[3] for b in boxes)
    return ((x0 + x1) / 2 * scale, (height - (y0 + y1) / 2) * scale)


def _stamp(img, centre, rng):
    """A red official seal (ring, star, arc of dashes) half-transparent over the signature."""
    from PIL import Image, ImageDraw

    cx, cy = centre
    cx += rng.uniform(-40, 40)
    cy += rng.uniform(-20, 30)
    r = rng.uniform(95, 120)
    layer = Image.new("L", img.size, 0)
    d = ImageDraw.Draw(layer)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=255, width=int(r / 14))
    import math

    pts = []
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        rr = r * (0.32 if k % 2 == 0 else 0.13)
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(pts, fill=255)
    for k in range(14):  # the agency's name around the ring, as dashes
        a = math.pi * (0.85 + k * 1.3 / 13)
        d.rectangle([cx + 0.72 * r * math.cos(a) - 7, cy + 0.72 * r * math.sin(a) - 7,
                     cx + 0.72 * r * math.cos(a) + 7, cy + 0.72 * r * math.sin(a) + 7], fill=255)
    alpha = layer.point(lambda v: int(v * rng.uniform(0.55, 0.7)))
    red = Image.new("RGB", img.size, (205, 30, 40))
    return Image.composite(red, img, alpha)
