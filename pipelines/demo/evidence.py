"""What a demo document itself says about its agency — the truth behind
``DemoDocument.expect_agency_name`` for catalog agencies (open-world agencies state theirs in
open_world.yaml).

A document "names its agency" when a placed name of it (the full name, a former name or an alias
that starts with its place, e.g. 嘉兴市经信局) is printed anywhere a parser reads without hints:
for HTML the whole page (body, title, meta tags, the xxgk 发布机构 table), for PDF/DOCX the text
blocks and the file's title/author properties.  A bare 市经信局 with nothing placed stays unresolved.
"""
from __future__ import annotations

from .model import DemoDocument, DemoReport

UNREADABLE = ("image_only", "unsupported_format")   # no text a parser reads: nothing to resolve
BARE_LEVELS = ("市", "县", "区", "省")               # a name starting with these has no place


def placed_names(agency: dict) -> list[str]:
    names = [agency.get("name"), agency.get("short_name"), *(agency.get("aliases") or []),
             *(f.get("name") for f in agency.get("former_names") or [] if isinstance(f, dict))]
    return [n for n in dict.fromkeys(names) if n and not n.startswith(BARE_LEVELS)]


def block_text(blocks: list) -> str:
    """The running text of rendered blocks (title, headings, paragraphs); tables print no names."""
    return "\n".join(x for kind, x in blocks if kind != "table")


def document_text(doc: DemoDocument, blocks: list, properties: tuple[str, ...] = ()) -> str:
    if doc.format == "html":
        return doc.body.decode(doc.encoding)
    return block_text(blocks) + "\n" + "\n".join(properties)


def catalog_expectation(rep: DemoReport, doc: DemoDocument, agency: dict, blocks: list) -> tuple[str | None, str | None]:
    """(expect_agency_name, expect_division_code) of a catalog agency's document."""
    if doc.expect_status in UNREADABLE:
        return None, None
    names = placed_names(agency)
    if rep.agency_as_printed in names:            # the title names it (every document prints the title)
        return rep.agency_name, rep.division_code
    text = document_text(doc, blocks, (rep.title, rep.agency_as_printed))
    if any(n in text for n in names):
        return rep.agency_name, rep.division_code
    return None, None
