"""The hostile-file corpus of the fault bench and the parse-worker tests, built in memory.

    span_bomb.html     3 MB of <td rowspan=60 colspan=60>: 100,000 cells expanding to 360 million
    deep_nesting.html  100,000 nested <div><table><tr><td> levels
    big_table.html     one 50 MB table (2.5 million cells; ~1.7 GB to parse without limits)
    zip_bomb.docx      a 1 MB DOCX whose word/document.xml inflates to 1.1 GB
    flate_bomb.pdf     a 1 MB PDF whose page content stream inflates to 1.1 GB

Each is a real file a reader would meet, not a mock: the limits of pipelines/parse/limits.py and of
the parse worker (pipelines/parse_worker.py) must end each with a recorded status."""
from __future__ import annotations

import struct
import zlib

MB = 1 << 20
TITLE = "某县统计局2020年政府信息公开工作年度报告"


def _html(body: str) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head>"
            f"<body><h1>{TITLE}</h1>{body}</body></html>").encode()


def span_bomb() -> bytes:
    row = "<tr>" + '<td rowspan="60" colspan="60">1</td>' * 1000 + "</tr>"
    return _html("<table>" + row * 100 + "</table>")


def deep_nesting(levels: int = 100_000) -> bytes:
    return _html("<div><table><tr><td>" * levels + "1" + "</td></tr></table></div>" * levels)


def big_table(n_mb: int = 50) -> bytes:
    head = "<tr><td>统计指标</td><td>单位</td>" + "".join(f"<td>{y}年</td>" for y in range(2000, 2018)) + "</tr>"
    row = "<tr><td>主动公开政府信息数</td><td>条</td>" + "".join(f"<td>{i}</td>" for i in range(18)) + "</tr>"
    return _html("<table>" + head + row * (n_mb * MB // len(row.encode())) + "</table>")


def _repeat_deflate(prefix: bytes, chunk: bytes, times: int, suffix: bytes) -> tuple[bytes, int, int, int]:
    """Raw deflate of prefix + chunk*times + suffix, compressing `chunk` once: after a full flush the
    compressor emits the same bytes for the same input. Returns (data, crc32, adler32, size)."""
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = z.compress(prefix) + z.flush(zlib.Z_FULL_FLUSH)
    block = z.compress(chunk) + z.flush(zlib.Z_FULL_FLUSH)
    last = z.compress(suffix) + z.flush()
    crc, adler = zlib.crc32(prefix), zlib.adler32(prefix)
    for _ in range(times):
        crc, adler = zlib.crc32(chunk, crc), zlib.adler32(chunk, adler)
    size = len(prefix) + len(chunk) * times + len(suffix)
    return first + block * times + last, zlib.crc32(suffix, crc), zlib.adler32(suffix, adler), size


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """ZIP archive of deflated members (name, raw deflate data, crc32, uncompressed size)."""
    body, directory = bytearray(), bytearray()
    for name, data, crc, size in members:
        n = name.encode()
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(n), 0) + n + data
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                                 len(n), 0, 0, 0, 0, 0, offset) + n
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(body), 0)
    return bytes(body + directory + end)


def _member(name: str, text: str) -> tuple[str, bytes, int, int]:
    raw = text.encode()
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, z.compress(raw) + z.flush(), zlib.crc32(raw), len(raw)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
              '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
              '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def zip_bomb(n_mb: int = 1100) -> bytes:
    prefix = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode()
    chunk = b"<w:p><w:r><w:t>1</w:t></w:r></w:p>" * (MB // 35)
    data, crc, _, size = _repeat_deflate(prefix, chunk, n_mb, b"</w:body></w:document>")
    return _zip([_member("[Content_Types].xml", _TYPES), _member("_rels/.rels", _ROOT_RELS),
                 ("word/document.xml", data, crc, size)])


def flate_bomb(n_mb: int = 1100) -> bytes:
    raw, _, adler, _ = _repeat_deflate(b"BT ET\n", b"0 0 m 1 1 l S\n" * (MB // 14), n_mb, b"")
    stream = b"\x78\xda" + raw + adler.to_bytes(4, "big")          # zlib container around raw deflate
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


CORPUS = {"span_bomb.html": span_bomb, "deep_nesting.html": deep_nesting, "big_table.html": big_table,
          "zip_bomb.docx": zip_bomb, "flate_bomb.pdf": flate_bomb}
