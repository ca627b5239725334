"""Legacy office renderings of a generated report, made the way agencies make them: the DOCX saved
again as Word 97 (.doc) by an office suite — here LibreOffice headless —, and the same bytes under
WPS Writer's .wps name (WPS saves Word 97's binary format). Truth is the DOCX's: the conversion
keeps every table cell. A report kept as a spreadsheet (.et, WPS Spreadsheets' name for Excel 97's
format) is the HTML page opened in a spreadsheet and saved. Each returns None when LibreOffice is not
installed (callers skip or fall back)."""
from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from pipelines.parse.readers.legacy import CONVERT_TIMEOUT_S, soffice


def _convert(data: bytes, source_ext: str, target: str, infilter: str | None = None) -> bytes | None:
    office = soffice()
    if office is None:
        return None
    with tempfile.TemporaryDirectory(prefix="govreports-render-legacy-") as tmp:
        work = Path(tmp)
        source = work / f"report.{source_ext}"
        source.write_bytes(data)
        subprocess.run([office, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                        "--norestore", *([f"--infilter={infilter}"] if infilter else []), "--convert-to", target,
                        "--outdir", str(work / "out"), str(source)],
                       capture_output=True, timeout=CONVERT_TIMEOUT_S, check=True, env={**os.environ, "HOME": tmp})
        return (work / "out" / f"report.{target.split(':')[0]}").read_bytes()


def doc_from_docx(docx: bytes) -> bytes | None:
    """The report saved as Word 97 (.doc; also what WPS Writer writes under .wps)."""
    return _convert(docx, "docx", "doc:MS Word 97")


def xls_from_html(html: bytes) -> bytes | None:
    """The report page saved from a spreadsheet as Excel 97 (.xls; WPS Spreadsheets' .et)."""
    return _convert(html, "html", "xls:MS Excel 97", infilter="HTML (StarCalc)")
