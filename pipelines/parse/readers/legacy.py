"""Legacy office files (.doc, .wps, .et, .xls): converted by LibreOffice headless into a format a
reader of ours reads — DOCX for text documents (their tables survive), HTML for spreadsheets — and
read by that reader. Without LibreOffice, a .doc / .wps falls back to antiword's plain text (tables
come out as text rows, and the warnings say so); a spreadsheet then stays unsupported.

Every conversion runs on a copy in a fresh temporary folder (never on the archive), with its own
LibreOffice profile (so that parallel conversions do not share one) and a time limit; the folder
is removed afterwards whatever happened."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ..errors import UnreadableDocument

CONVERT_TIMEOUT_S: Final = 120       # a real report converts in 1–3 s; a first start of LibreOffice ~5 s
TEXT_KINDS: Final = {"doc", "wps"}   # WPS Writer's .wps is Word 97's binary format under another name
SHEET_KINDS: Final = {"et", "xls"}   # WPS Spreadsheets' .et likewise is Excel 97's
_TARGET: Final = {"doc": ("docx", "docx:MS Word 2007 XML"), "wps": ("docx", "docx:MS Word 2007 XML"),
                  "et": ("html", "html:HTML (StarCalc)"), "xls": ("html", "html:HTML (StarCalc)")}


@dataclass(frozen=True)
class Converted:
    kind: str            # docx / html / text: which reader reads `data`
    data: bytes
    note: str            # one line for the warnings: how it was converted


def soffice() -> str | None:
    """LibreOffice's command (GOVREPORTS_SOFFICE overrides), or None when it is not installed."""
    override = os.environ.get("GOVREPORTS_SOFFICE")
    if override:
        return override if shutil.which(override) or Path(override).is_file() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def antiword() -> str | None:
    return shutil.which("antiword")


def convert_legacy(data: bytes, ext: str) -> Converted:
    """`data` (a legacy file whose type is `ext`) in a form a reader reads; UnreadableDocument when
    neither LibreOffice nor a fallback can read it."""
    ext = ext.lower().lstrip(".")
    if ext not in TEXT_KINDS | SHEET_KINDS:
        raise UnreadableDocument(f"unsupported legacy format .{ext}")
    office = soffice()
    if office:
        return _with_libreoffice(office, data, ext)
    if ext in TEXT_KINDS and antiword():
        return _with_antiword(data, ext)
    if ext in TEXT_KINDS:
        raise UnreadableDocument("neither LibreOffice nor antiword is installed")
    raise UnreadableDocument("LibreOffice is not installed")


def _with_libreoffice(office: str, data: bytes, ext: str) -> Converted:
    target, filter_ = _TARGET[ext]
    with tempfile.TemporaryDirectory(prefix="govreports-convert-") as tmp:
        work = Path(tmp)
        source = work / f"report.{ext}"
        source.write_bytes(data)
        profile = (work / "profile").as_uri()
        # a sheet is opened with Excel 97's filter: detection would import a damaged one as text
        infilter = ['--infilter=MS Excel 97'] if ext in SHEET_KINDS else []
        cmd = [office, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
               *infilter, "--convert-to", filter_, "--outdir", str(work / "out"), str(source)]
        try:
            out = subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT_S, cwd=work,
                                 env={**os.environ, "HOME": str(work)}, start_new_session=True)
        except subprocess.TimeoutExpired:
            raise UnreadableDocument(f"LibreOffice did not convert the .{ext} file within "
                                     f"{CONVERT_TIMEOUT_S} s") from None
        result = work / "out" / f"report.{target}"
        if not result.is_file() or result.stat().st_size == 0:
            said = _said(out.stderr or out.stdout or b"")
            raise UnreadableDocument(f"LibreOffice could not convert the .{ext} file"
                                     + (f": {said}" if said else ""))
        data = result.read_bytes()
        if target == "html" and not _has_cells(data):
            # Calc opens a damaged sheet as an empty one: say so, rather than "not a report"
            raise UnreadableDocument(f"LibreOffice found no cells in the .{ext} file")
        return Converted(target, data, f"converted from .{ext} to {target.upper()} by LibreOffice")


def _has_cells(html: bytes) -> bool:
    import re

    return any(re.sub(rb"<[^>]*>|&nbsp;|\s", b"", cell) for cell in re.findall(rb"<td[^>]*>(.*?)</td>", html, re.S | re.I))


def _said(output: bytes) -> str:
    """LibreOffice's own message, without its start-up notices (javaldx, fontconfig)."""
    lines = [ln.strip() for ln in output.decode("utf-8", "replace").splitlines()]
    return " ".join(ln for ln in lines if ln and not ln.startswith("Warning:"))[:200]


def _with_antiword(data: bytes, ext: str) -> Converted:
    with tempfile.TemporaryDirectory(prefix="govreports-antiword-") as tmp:
        source = Path(tmp) / f"report.{ext}"
        source.write_bytes(data)
        try:
            out = subprocess.run([antiword(), "-m", "UTF-8.txt", "-w", "0", str(source)], capture_output=True,
                                 timeout=CONVERT_TIMEOUT_S, cwd=tmp)
        except subprocess.TimeoutExpired:
            raise UnreadableDocument(f"antiword did not read the .{ext} file within {CONVERT_TIMEOUT_S} s") from None
    if out.returncode != 0 or not out.stdout.strip():
        said = " ".join(out.stderr.decode("utf-8", "replace").split())[:200]
        raise UnreadableDocument(f"antiword could not read the .{ext} file" + (f": {said}" if said else ""))
    return Converted("text", out.stdout, f"read from .{ext} as plain text by antiword (LibreOffice is not "
                                         "installed): table cells may be misread")
