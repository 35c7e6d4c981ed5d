"""Readers for everything that is not a PDF: Word (.docx), HTML and plain text.

Each returns pages of text plus tables as grids of cells; the caller applies the rules.
A .docx or HTML file is one page.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

KIND_PDF = "pdf"
KIND_DOCX = "docx"
KIND_HTML = "html"
KIND_TEXT = "text"

Grid = list[list[str | None]]


class ReadError(Exception):
    """The file is damaged; `status` is one of constants.EXTRACT_*."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class TextPage:
    """One page of a non-PDF document: prose text, full text (for search) and tables."""

    prose: str
    text: str
    tables: list[Grid] = field(default_factory=list)


def sniff(data: bytes, name: str = "", content_type: str | None = None) -> str | None:
    """What kind of file this is, from its bytes first and its name/content type second."""
    head = data[:1024]
    low_name = (name or "").lower()
    ctype = (content_type or "").lower()
    if b"%PDF-" in head:
        return KIND_PDF
    if head.startswith(b"PK\x03\x04"):
        if low_name.endswith(".docx") or "wordprocessingml" in ctype or b"word/" in data[:4096]:
            return KIND_DOCX
        return None
    if low_name.endswith(".pdf") or "pdf" in ctype:
        return KIND_PDF  # named a PDF but not one: reported as corrupt
    if low_name.endswith(".docx") or "wordprocessingml" in ctype:
        return KIND_DOCX
    sample = head.lstrip().lower()
    if (
        "html" in ctype
        or low_name.endswith((".htm", ".html"))
        or sample.startswith((b"<!doctype html", b"<html", b"<body", b"<div", b"<p>", b"<table"))
    ):
        return KIND_HTML
    if b"\x00" in head:
        return None
    if ctype.startswith("text/") or low_name.endswith((".txt", ".text", ".csv")) or not ctype:
        try:
            data[:65536].decode("utf-8")
        except UnicodeDecodeError as e:
            if e.start < 65530:  # a cut multibyte character at the sample's end is fine
                return None
        return KIND_TEXT
    return None


def read_text(data: bytes) -> list[TextPage]:
    """Plain text: one page; form feeds, where present, separate pages."""
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    return [TextPage(prose=t, text=t) for t in text.split("\f")]


def read_docx(data: bytes) -> list[TextPage]:
    """A Word document: paragraphs as prose, tables as grids."""
    import docx  # python-docx; imported here to keep the PDF path light

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ReadError("corrupt", f"not a readable .docx ({e})") from e
    prose = "\n\n".join(p.text for p in document.paragraphs if p.text.strip())
    tables: list[Grid] = []
    for t in document.tables:
        tables.append([[cell.text for cell in row.cells] for row in t.rows])
    table_text = "\n".join("  ".join(c or "" for c in row) for g in tables for row in g)
    return [TextPage(prose=prose, text=(prose + "\n\n" + table_text).strip(), tables=tables)]


_BLOCKS = {"p", "div", "li", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "td", "th"}


def read_html(data: bytes) -> list[TextPage]:
    """An HTML attachment: block elements become lines, tables become grids."""
    import lxml.html

    try:
        root = lxml.html.fromstring(data)
    except (ValueError, lxml.etree.ParserError) as e:
        raise ReadError("corrupt", f"not readable HTML ({e})") from e
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    tables: list[Grid] = []
    for t in root.xpath("//table"):
        grid = [
            [re.sub(r"\s+", " ", c.text_content()).strip() for c in tr.xpath("./th|./td")] for tr in t.xpath(".//tr")
        ]
        tables.append([r for r in grid if r])
    table_text = "\n".join("  ".join(c or "" for c in row) for g in tables for row in g)
    for t in root.xpath("//table"):
        t.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.tail = "\n\n" + (el.tail or "")
    prose = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", root.text_content()).strip()
    return [TextPage(prose=prose, text=(prose + "\n\n" + table_text).strip(), tables=tables)]
