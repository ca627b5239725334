"""Read-only access to the content-addressed archive (pipelines/archive/store.py lays blobs out as
`<root>/blobs/<sha[:2]>/<sha256>`), so the agency page can hand out the archived copy of a report.

Nothing is written: no index, no fault records (the Archive class would open its SQLite index for
writing). A blob whose bytes do not hash to its name is refused, never served.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pipelines.warehouse.db import PROJECT_ROOT

DEFAULT_ARCHIVE = PROJECT_ROOT / "data" / "archive"
MIME = {"html": "text/html", "pdf": "application/pdf", "txt": "text/plain", "md": "text/markdown",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "doc": "application/msword", "xls": "application/vnd.ms-excel"}


def archive_root(warehouse: Path | str, recorded: str | None = None) -> Path:
    """GOVREPORTS_ARCHIVE, else the archive the snapshot recorded, else `archive/` beside the
    warehouse (where the pipeline puts it by default), else data/archive."""
    env = os.environ.get("GOVREPORTS_ARCHIVE")
    if env:
        return Path(env)
    if recorded and Path(recorded).is_dir():
        return Path(recorded)
    beside = Path(warehouse).resolve().parent / "archive"
    return beside if (beside / "blobs").is_dir() else DEFAULT_ARCHIVE


def is_empty(sha) -> bool:
    return not isinstance(sha, str) or not sha


def _valid_sha(sha) -> bool:
    return isinstance(sha, str) and len(sha) == 64 and all(c in "0123456789abcdef" for c in sha)


def blob_path(root: Path, sha: str) -> Path:
    return Path(root) / "blobs" / sha[:2] / sha


def has_copy(root: Path, sha) -> bool:
    return _valid_sha(sha) and blob_path(root, sha).is_file()


def read_copy(root: Path, sha) -> bytes | None:
    """The archived bytes, or None when absent or when they do not match their hash."""
    if not has_copy(root, sha):
        return None
    data = blob_path(root, sha).read_bytes()
    return data if hashlib.sha256(data).hexdigest() == sha else None


def file_name(agency_name: str, year, fmt: str | None) -> str:
    ext = fmt if fmt and fmt != "other" else "bin"
    return f"{agency_name}_{year}.{ext}"


def mime(fmt: str | None) -> str:
    return MIME.get(fmt or "", "application/octet-stream")
