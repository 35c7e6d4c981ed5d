"""Split page text into prose sentences and table-like lines, keeping character offsets.

Offsets index the page text exactly, so a figure's span can be mapped back to pypdfium2's
character boxes. pypdfium2 ends lines with "\\r\\n"; callers replace "\\r" with a space first
(`same_length`) so that offsets stay valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.numbers import parse_cell


@dataclass(frozen=True)
class Span:
    """A piece of the page text: `text[start:end]`."""

    start: int
    end: int
    text: str

    @property
    def clean(self) -> str:
        """The text with runs of whitespace collapsed."""
        return re.sub(r"\s+", " ", self.text).strip()


def same_length(text: str) -> str:
    """Normalise pypdfium2 text for searching without moving any character offset."""
    return text.replace("\r", " ").replace("\x02", "-").replace("\ufffe", "-")


_BULLET_RE = re.compile(r"^\s*(?:[•●▪◦·\-–*]|\(?[a-z0-9]{1,3}[.)])\s")
# A full stop ends a sentence unless it follows an abbreviation, or a digit and space
# and digit follow (the stray space in "£57. 529 million").
_SENT_END_RE = re.compile(
    r"(?<!\bc)(?<!\bca)(?<!\bapprox)(?<!\be\.g)(?<!\bi\.e)(?<!\bno)(?<!\bpara)(?<!\bst)(?<!\bvs)"
    r"[.!?;](?=\s+(?:[\"“'(\[]?[A-Z0-9•]))(?!\s\d+\s?(?:m|mn|million|bn|billion)\b)"
)
_TOKEN_RE = re.compile(r"\S+")
# "5.5 If no action ..." at the start of a line opens a new numbered paragraph.
_NUMBERED_PARA_RE = re.compile(r"^\s*\d{1,2}\.\d{1,2}\s+[A-Z]")


def lines(text: str) -> list[Span]:
    """Every line with its offsets (empty lines included)."""
    out, pos = [], 0
    for part in text.split("\n"):
        out.append(Span(pos, pos + len(part), part))
        pos += len(part) + 1
    return out


def trailing_cells(line: str) -> list[re.Match]:
    """The numeric tokens at the end of a line (`(118)`, `23,424.8`, `£944.3m`, `62%`)."""
    toks = list(_TOKEN_RE.finditer(line))
    cells: list[re.Match] = []
    for t in reversed(toks):
        if parse_cell(t.group(0)) is None:
            break
        cells.append(t)
    return cells[::-1]


def is_tabular(line: str) -> bool:
    """A line that reads like a table row: at least two numeric cells at its end."""
    s = line.strip()
    if not s or s.endswith("."):
        return False
    return len(trailing_cells(s)) >= 2


def split_blocks(text: str) -> tuple[list[Span], list[Span]]:
    """Split page text into (prose sentences, tabular lines)."""
    sentences: list[Span] = []
    table_lines: list[Span] = []
    para_start: int | None = None
    para_end = 0

    def flush() -> None:
        if para_start is not None:
            sentences.extend(_sentences(text, para_start, para_end))

    all_lines = lines(text)
    for k, ln in enumerate(all_lines):
        s = ln.text.strip()
        if para_start is not None and (_is_heading(all_lines[k - 1].text, s) or _NUMBERED_PARA_RE.match(ln.text)):
            flush()
            para_start = None
        if not s or is_tabular(ln.text) or _BULLET_RE.match(ln.text):
            flush()
            para_start = None
            if s and is_tabular(ln.text):
                table_lines.append(ln)
                continue
            if not s:
                continue
        if para_start is None:
            para_start = ln.start
        para_end = ln.end
    flush()
    return sentences, table_lines


def _is_heading(prev: str, line: str) -> bool:
    """A short previous line without end punctuation, then a capital: a heading or caption."""
    p = prev.strip()
    return bool(p) and len(p) < 60 and p[-1] not in ".,;:-–" and line[:1].isupper()


def _sentences(text: str, start: int, end: int) -> list[Span]:
    out = []
    pos = start
    chunk = text[start:end]
    for m in _SENT_END_RE.finditer(chunk):
        stop = start + m.end()
        if text[pos:stop].strip():
            out.append(Span(pos, stop, text[pos:stop]))
        pos = stop
    if text[pos:end].strip():
        out.append(Span(pos, end, text[pos:end]))
    return out
