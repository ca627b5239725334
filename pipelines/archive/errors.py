"""Faults of the blob store. A blob that is missing or whose bytes no longer hash to its name is
never returned: the caller gets one of these, with the hash, and the fault is recorded in the index
(table blob_faults) so that the next crawl re-fetches the document."""
from __future__ import annotations


class BlobError(FileNotFoundError):
    """The intact bytes of ``sha`` are not in the archive. A FileNotFoundError so that callers
    written for a missing file (robots cache, 304 reuse) treat a damaged blob the same way."""

    kind = "fault"

    def __init__(self, sha: str, path, detail: str = ""):
        self.sha = sha
        self.path = str(path)
        super().__init__(f"blob {sha} is {self.kind}{detail} ({self.path})")


class BlobMissing(BlobError):
    kind = "missing"


class BlobCorrupt(BlobError):
    kind = "corrupt"

    def __init__(self, sha: str, path, actual: str):
        self.actual = actual
        super().__init__(sha, path, f": its bytes hash to {actual}")
