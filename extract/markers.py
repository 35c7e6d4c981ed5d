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
            r"exclu(?:de|ded|sion\s+of)\s+(?:the\s+)?(?:press\s+and\s+(?:the\s+)?public|public\s+and\s+(?:the\s+)?press)"
            r"|(?:press\s+and\s+public|public\s+and\s+press)\s+(?:be|were|are)\s+excluded"
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
    for raw in _BOUNDARY.split(text):
        m = TRIGGER_RE.search(raw)
        if not m:
            continue
        sentence = re.sub(r"\s+", " ", raw).strip()[:1000]
        if sentence in seen:
            continue
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
