"""govreports parser: one document (HTML, plain text, PDF, DOCX) → metrics, checks and metadata.

    parse_document(data, *, filename=None, media_type=None, agency=None, year=None, division=None) -> dict
    parse_path(path, agency=None, year=None, division=None) -> dict

Every reader reduces its format to rows of cells plus running text (model.Document); one template
matcher (tables.py / pre2019.py) maps them to the metric codes of metrics.csv.
"""
from __future__ import annotations

from pathlib import Path

# first: the mypyc build of the parser when it is current (compiled/__init__.py), else pure Python
from . import compiled

compiled.activate(__path__)

from .errors import UnreadableDocument  # noqa: E402
from .pipeline import PARSER_VERSION, parse_document  # noqa: E402

__all__ = ["PARSER_VERSION", "UnreadableDocument", "parse_document", "parse_path"]


def parse_path(path, agency: str | None = None, year: int | None = None, division: str | None = None) -> dict:
    """Read a local file and parse it; UnreadableDocument("<path>: <reason>") when it cannot be read."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise UnreadableDocument(f"{path}: file not found") from None
    except IsADirectoryError:
        raise UnreadableDocument(f"{path}: is a directory") from None
    except OSError as exc:
        raise UnreadableDocument(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not data.strip():
        raise UnreadableDocument(f"{path}: empty file")
    try:
        return parse_document(data, filename=p.name, agency=agency, year=year, division=division)
    except UnreadableDocument as exc:
        raise UnreadableDocument(f"{path}: {exc}") from None
