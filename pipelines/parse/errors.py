"""Errors raised by the parser."""


class UnreadableDocument(Exception):
    """The bytes cannot be read as a document (empty, not a document, corrupt PDF/DOCX).

    The message is one line: ``"<name>: <reason>"`` when the caller knows a name, else the reason.
    """
