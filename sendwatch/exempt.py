"""Recognising business withheld from the public, and the Schedule 12A paragraphs cited.

England: Local Government Act 1972 Schedule 12A Part 1, paragraphs 1-7.
Wales: Part 4, paragraphs 12-18. Never map one onto the other: the jurisdiction is recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sendwatch.constants import JURISDICTION_ENGLAND, JURISDICTION_WALES

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7}

# "paragraph(s) 3", "paragraphs 1, 2 and 3", "Paragraph 14", "paras 1 & 2", "category 3"
_PARA = re.compile(
    r"\b(?:paragraph\(s\)|paragraphs?|paras?\.?|categor(?:y|ies))\s+"
    r"((?:\d{1,2}[A-C]?(?:\s*\(\w\))?(?:\s*(?:,|and|&|or|to)\s*)?)+)",
    re.IGNORECASE,
)
_PART = re.compile(r"\bPart\s+(\d|IV|I{1,3}|V|VA)\b(?:\s+of\s+Schedule\s+12\s*\(?A\)?)?", re.IGNORECASE)
_SCHEDULE = re.compile(r"schedule\s*12\s*\(?a\)?|section\s*100\s*\(?a\)?\s*\(?4\)?|local government act 1972", re.I)

# Words that say a thing is kept from the public. Used on titles and agenda text.
_WITHHELD_WORDS = re.compile(
    r"\bexempt\b(?!\s+from)|\bnot for publication\b|\bpart\s+(?:2|ii|b)\b(?![-\w])|\bconfidential\b"
    r"|\bprivate (?:and confidential|item|report|session|business|agenda|appendix)\b|\bpink papers?\b"
    r"|\brestricted (?:item|document|enclosure|appendix)\b|\bschedule\s*12\s*\(?a\)?",
    re.IGNORECASE,
)
_EXCLUSION_TITLE = re.compile(
    r"exclusion of (?:the )?(?:press|public)|exclusion of public and press|access to meetings"
    r"|possible exclusion",
    re.IGNORECASE,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.;:!?])\s+(?=[A-Z\[(\"'])|\n\s*\n")


@dataclass
class Exemption:
    paragraphs: list[int] = field(default_factory=list)
    jurisdiction: str | None = None
    sentence: str = ""


def sentences(text: str) -> list[str]:
    """Split plain text into sentences, keeping each whole (whitespace collapsed)."""
    parts = _SENTENCE_SPLIT.split(text or "")
    return [re.sub(r"\s+", " ", p).strip() for p in parts if p and p.strip()]


def _numbers(chunk: str) -> list[int]:
    out = []
    for m in re.finditer(r"(\d{1,2})[A-C]?|\b(i{1,3}|iv|v|vi|vii)\b", chunk, re.I):
        if m.group(1):
            out.append(int(m.group(1)))
    # "1 to 3" is a range
    rng = re.search(r"(\d{1,2})\s*to\s*(\d{1,2})", chunk)
    if rng and int(rng.group(1)) < int(rng.group(2)) <= 18:
        out.extend(range(int(rng.group(1)), int(rng.group(2)) + 1))
    return out


def _jurisdiction(part: str | None, paragraphs: list[int]) -> str | None:
    if part:
        p = part.upper()
        num = _ROMAN.get(p.lower(), None) if not p.isdigit() else int(p)
        if num == 4:
            return JURISDICTION_WALES
        if num == 1:
            return JURISDICTION_ENGLAND
    if paragraphs and all(12 <= p <= 18 for p in paragraphs):
        return JURISDICTION_WALES
    if paragraphs and all(1 <= p <= 7 for p in paragraphs):
        return JURISDICTION_ENGLAND
    return None


def parse_exemption(text: str | None) -> Exemption | None:
    """Find the sentence citing Schedule 12A paragraphs, or one saying a thing is exempt.

    Returns None when the text says nothing of withholding.
    """
    if not text:
        return None
    best: Exemption | None = None
    for sentence in sentences(text):
        has_schedule = bool(_SCHEDULE.search(sentence))
        paras: list[int] = []
        if has_schedule or re.search(
            r"exempt|restrict|confidential|private|by virtue of|not for publication", sentence, re.I
        ):
            for m in _PARA.finditer(sentence):
                paras.extend(_numbers(m.group(1)))
        paras = sorted({p for p in paras if 1 <= p <= 18})
        if paras:
            part = _PART.search(sentence)
            return Exemption(paras, _jurisdiction(part.group(1) if part else None, paras), sentence)
        if best is None and (has_schedule or _WITHHELD_WORDS.search(sentence)):
            part = _PART.search(sentence) if has_schedule else None
            best = Exemption([], _jurisdiction(part.group(1) if part else None, []), sentence)
    return best


def says_withheld(text: str | None) -> bool:
    """True when a title or description says the business is exempt, confidential or Part 2."""
    return bool(text and _WITHHELD_WORDS.search(text))


def is_exclusion_resolution(title: str | None) -> bool:
    """True for the "exclusion of the press and public" item that takes business into private."""
    return bool(title and _EXCLUSION_TITLE.search(title))


_ITEM_REF = re.compile(
    r"\b(?:items?|minutes?(?: no\.?)?|agenda items?)\s+((?:\d{1,3}(?:\.\d+)?[a-z]?\.?(?:\s*(?:,|and|&|to)\s*)?)+)",
    re.IGNORECASE,
)


def excluded_item_numbers(text: str | None) -> list[str]:
    """Item numbers an exclusion resolution names ("items 12 and 13", "Item 9"), normalised without dots."""
    if not text:
        return []
    out: list[str] = []
    for m in _ITEM_REF.finditer(text):
        chunk = m.group(1)
        rng = re.fullmatch(r"\s*(\d+)\s*to\s*(\d+)\.?\s*", chunk)
        if rng:
            out.extend(str(n) for n in range(int(rng.group(1)), int(rng.group(2)) + 1))
            continue
        out.extend(n.rstrip(".") for n in re.findall(r"\d{1,3}(?:\.\d+)?[a-z]?", chunk))
    seen: list[str] = []
    for n in out:
        if n not in seen:
            seen.append(n)
    return seen


def normalise_number(number: str | None) -> str:
    """'12.' -> '12', ' 5a ' -> '5a'."""
    return (number or "").strip().rstrip(".").strip().lower()
