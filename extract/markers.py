"""Withheld markers inside a document: "NOT FOR PUBLICATION", Schedule 12A citations,
exclusion resolutions in minutes, and pointers to exempt minutes ("[See Exempt Minute E-07-22]").

Paragraphs and jurisdiction come from `sendwatch.exempt.parse_exemption` (pure text parsing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sendwatch.exempt import parse_exemption

_TRIGGERS = (
    ("not_for_publication", r"not\s+for\s+publication"),
    ("exempt_minute", r"exempt\s+minute"),
    (
        "exclusion_resolution",
        (
            r"exclu(?:de|ded|ding)\s+(?:the\s+)?(?:press\s+and\s+(?:the\s+)?public|public\s+and\s+(?:the\s+)?press)"
            r"|(?:press\s+and\s+(?:the\s+)?public|public\s+and\s+(?:the\s+)?press|the\s+public)\s+(?:be|were|are|being)\s+excluded"
        ),
    ),
    (
        "schedule_12a",
        r"schedule\s*12\s*\(?a\)?|section\s*100\s*\(?a\)?\s*\(?4\)?|exempt\s+information|by\s+virtue\s+of\s+paragraph",
    ),
)
TRIGGER_RE = re.compile("|".join(f"(?P<{k}>{p})" for k, p in _TRIGGERS), re.IGNORECASE)
_KIND_RES = [(k, re.compile(p, re.IGNORECASE)) for k, p in _TRIGGERS]
_PREFILTER = ("publication", "exempt", "exclu", "schedule", "100a", "100(a)", "by virtue")
_BOUNDARY = re.compile(r"(?<=[.;!?\]])\s+(?=[A-Z\[(\"'])|\n\s*\n")
# Standard wording that only says business *may* be private: the front-sheet welcome
# ("... except for any items where the public is excluded because exempt information is
# likely to be disclosed") and headings ("Exclusion of the Press and Public").
_BOILERPLATE = re.compile(
    r"welcome\s+to\s+attend|except\s+(?:for\s+)?(?:any\s+)?items?\s+where"
    r"|(?:may|might|could)\s+(?:need\s+to\s+)?be\s+excluded",
    re.IGNORECASE,
)
_RESOLUTION = re.compile(r"\bresolved?\b|\bagreed\b", re.IGNORECASE)
_RUNS_ON = re.compile(r"\b(?:of|the|and|or|to|by|under|in|for|from|with|a|an|that)\s*$", re.I)
_HEADING_LINE = re.compile(r"^\s*(?:\d+\.?\s+)?[^.;:!?]{1,60}?\s*(?:\d+\.)?\s*$")


@dataclass
class Marker:
    """A sign inside a document that something was withheld from the public."""

    page: int
    kind: str  # not_for_publication / exempt_minute / exclusion_resolution / schedule_12a
    sentence: str
    paragraphs: list[int] = field(default_factory=list)
    jurisdiction: str | None = None


def find_markers(text: str, page: int = 1) -> list[Marker]:
    """One marker per sentence that says something on this page was withheld."""
    low = text.lower()
    if not any(w in low for w in _PREFILTER) or not TRIGGER_RE.search(text):
        return []
    out: list[Marker] = []
    seen: set[str] = set()
    for raw in _segments(text):
        m = TRIGGER_RE.search(raw)
        if not m:
            continue
        sentence = re.sub(r"\s+", " ", raw).strip()[:1000]
        if sentence in seen:
            continue
        if _BOILERPLATE.search(sentence) and not (_KIND_RES[0][1].search(sentence) or _RESOLUTION.search(sentence)):
            continue  # says business may be taken in private, not that any was
        seen.add(sentence)
        # The most specific kind in the sentence, wherever it appears.
        kind = next(k for k, p in _KIND_RES if p.search(sentence))
        ex = parse_exemption(sentence)
        out.append(
            Marker(
                page=page,
                kind=kind,
                sentence=sentence,
                paragraphs=list(ex.paragraphs) if ex else [],
                jurisdiction=ex.jurisdiction if ex else None,
            )
        )
    return out


def _segments(text: str) -> list[str]:
    """Sentences, with short unpunctuated lines (headings, banners, running headers) kept
    apart from the text around them: "NOT FOR PUBLICATION" above a report, or the heading
    "78. Exclusion of the Press and Public" above the resolution in minutes."""
    out: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if block:
            out.extend(_BOUNDARY.split("\n".join(block)))
            block.clear()

    all_lines = text.split("\n")
    for k, line in enumerate(all_lines):
        nxt = all_lines[k + 1].lstrip() if k + 1 < len(all_lines) else ""
        if not line.strip():
            flush()
        elif _HEADING_LINE.match(line) and not _RUNS_ON.search(line) and (not nxt or not nxt[:1].islower()):
            flush()
            out.append(line)
        else:
            block.append(line)
    flush()
    return out
