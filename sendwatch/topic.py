"""SEND / high-needs terms, listed in one place, and the matcher that tags text with them.

Acronyms match in capitals only, so the verb "send" never matches; phrases match in any case.
"""

from __future__ import annotations

import re

# (label stored in send_terms, pattern, case-sensitive?)
SEND_TERMS: list[tuple[str, str, bool]] = [
    ("SEND", r"\bSEND\b", True),
    ("SEN", r"\bSEN\b", True),
    ("SENCO", r"\bSENCOs?\b", True),
    ("SENDIASS", r"\bSENDIASS\b", True),
    ("special educational needs", r"\bspecial educational needs?\b", False),
    ("high needs", r"\bhigh[- ]needs?\b", False),
    ("Dedicated Schools Grant", r"\bdedicated schools grant\b", False),
    ("DSG", r"\bDSG\b", True),
    ("EHCP", r"\bEHCPs?\b", True),
    ("EHC plan", r"\bEHC\s+(?:needs\s+)?(?:plans?|assessments?)\b", False),
    (
        "education, health and care plan",
        r"\beducation,? health and care\s+(?:needs\s+)?(?:plans?|assessments?)\b",
        False,
    ),
    ("safety valve", r"\bsafety[- ]valve\b", False),
    ("Delivering Better Value", r"\bdelivering better value\b", False),
    ("DBV", r"\bDBV\b", True),
    ("statutory override", r"\bstatutory override\b", False),
    ("alternative provision", r"\balternative provision\b", False),
    (
        "independent special schools",
        r"\b(?:independent|non-maintained)(?: and non-maintained)? special schools?\b|\bINMSS\b",
        False,
    ),
    ("SEN transport", r"\bSEND? (?:home[- ]to[- ]school )?transport\b", True),
    ("special schools", r"\bspecial schools?\b", False),
    ("Schools Forum", r"\bschools'? forum\b", False),
    ("ALN", r"\bALN\b", True),
    ("additional learning needs", r"\badditional learning needs?\b", False),
    ("resource base", r"\b(?:SEN|SEND|specialist) (?:resource|resourced) (?:base|provision)s?\b", False),
]

_COMPILED = [
    (label, re.compile(pattern, 0 if case_sensitive else re.IGNORECASE), case_sensitive)
    for label, pattern, case_sensitive in SEND_TERMS
]


def _mostly_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def send_terms(*texts: str | None) -> list[str]:
    """Return the SEND term labels found in the texts, in the order of SEND_TERMS.

    In text written all in capitals an acronym alone is not enough ("PLEASE SEND YOUR
    QUESTIONS"): it counts only when a phrase term also matches.
    """
    found: list[str] = []
    acronym_only: list[str] = []
    shouting = False
    for text in texts:
        if not text:
            continue
        shouting = shouting or _mostly_capitals(text)
        for label, rx, case_sensitive in _COMPILED:
            if label in found or label in acronym_only:
                continue
            if rx.search(text):
                (acronym_only if case_sensitive and label.isupper() else found).append(label)
    if acronym_only and (found or not shouting):
        found.extend(acronym_only)
    order = {label: i for i, (label, _, _) in enumerate(SEND_TERMS)}
    return sorted(set(found), key=order.__getitem__)
