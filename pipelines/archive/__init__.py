"""Content-addressed archive of everything the crawler fetched (docs/architecture.md)."""
from .errors import BlobCorrupt, BlobError, BlobMissing
from .records import DocumentRecord, FetchRecord, LinkRecord, document_id, utcnow
from .store import DOCUMENT_COLUMNS, FETCH_COLUMNS, LINK_COLUMNS, Archive, sha256_hex

__all__ = ["Archive", "BlobError", "BlobMissing", "BlobCorrupt", "FetchRecord", "DocumentRecord",
           "LinkRecord", "document_id", "sha256_hex", "utcnow", "FETCH_COLUMNS", "DOCUMENT_COLUMNS", "LINK_COLUMNS"]
