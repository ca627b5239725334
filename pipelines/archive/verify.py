"""Check every blob the archive index refers to (``govreports archive verify``).

A blob is referred to by a document row or by a successful fetch (list pages are reused on 304).
Each is re-hashed; a missing or damaged one is recorded in blob_faults, which makes the crawler
treat its documents as not archived, so the next crawl fetches them again and put_blob restores
the file."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from .store import Archive


@dataclass
class VerifyReport:
    root: str
    blobs: int = 0
    ok: int = 0
    missing: list[str] = field(default_factory=list)         # sha256 of each missing blob
    corrupt: list[str] = field(default_factory=list)         # sha256 of each damaged blob
    documents: list[dict] = field(default_factory=list)      # {url, content_sha256, fault} to re-fetch

    @property
    def healthy(self) -> bool:
        return not self.missing and not self.corrupt

    def summary(self) -> str:
        """One line for the CLI."""
        head = f"archive {self.root}: {self.blobs} blob(s) checked, {self.ok} ok"
        if self.healthy:
            return head + ", no damage"
        return (f"{head}, {len(self.missing)} missing, {len(self.corrupt)} corrupt; "
                f"{len(self.documents)} document(s) will be fetched again by the next crawl")

    def as_dict(self) -> dict:
        d = asdict(self)
        d["healthy"] = self.healthy
        d["summary"] = self.summary()
        return d


def referenced_blobs(archive: Archive) -> list[str]:
    with archive._lock:
        rows = archive._db.execute(
            "SELECT content_sha256 FROM documents UNION SELECT content_sha256 FROM fetches "
            "WHERE outcome='ok' AND content_sha256 IS NOT NULL ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def verify(archive: Archive) -> VerifyReport:
    """Re-hash every referenced blob (not trusting this process's cache) and record the faults."""
    rep = VerifyReport(root=str(archive.root))
    archive._verified.clear()
    for sha in referenced_blobs(archive):
        rep.blobs += 1
        state = archive.blob_state(sha)
        if state == "ok":
            rep.ok += 1
            continue
        if state == "missing":
            archive.record_fault(sha, "missing")      # (blob_state records corrupt ones itself)
            rep.missing.append(sha)
        else:
            rep.corrupt.append(sha)
        for doc in archive.documents_with_blob(sha):
            rep.documents.append({"url": doc["url"], "content_sha256": sha, "fault": state})
    return rep


def verify_archive(path: str | Path) -> VerifyReport:
    """verify() on the archive folder ``path`` (it must hold an index)."""
    p = Path(path)
    if not (p / "index.sqlite").exists():
        raise FileNotFoundError(f"{p}: no archive here (index.sqlite not found)")
    with Archive(p) as archive:
        return verify(archive)
