"""Money, count and percentage parsing for the way council papers write figures.

Pure text in, `Amount` spans out. All money values are whole pounds (float), so `£15.1m`
becomes 15_100_000.0 and a `£000` table cell `23,424.8` becomes 23_424_800.0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALES = {
    "bn": 1e9,
    "billion": 1e9,
    "b": 1e9,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "k": 1e3,
    "thousand": 1e3,
}

_APPROX = (
    r"(?P<approx>\bc\.?\s?|\bca\.?\s|\bcirca\s|\babout\s|\baround\s|\bapproximately\s|\bapprox\.?\s"
    r"|\bjust\s+(?:under|over|below|above)\s|\bover\s|\balmost\s|\bnearly\s|\bin\s+excess\s+of\s"
    r"|\bmore\s+than\s|\bless\s+than\s|\bup\s+to\s|\bsome\s|\broughly\s|\baround\s)?"
)
# A number: 1,234,567(.89) | 57. 529 (stray space, only when a unit follows) | 15.1 | 300
_NUM = r"\d{1,3}(?:,\s?\d{3})+(?:\.\d+)?|\d+\.\s\d+(?=\s?(?:m|mn|million|bn|billion)\b)|\d+(?:\.\d+)?"
_UNIT = r"(?:bn|billion|mn|million|thousand|[mMkKb])(?![A-Za-z])"
_DASH = r"\s?(?:-|–|—)\s?"

MONEY_RE = re.compile(
    _APPROX
    + r"(?P<between>\bbetween\s+)?"
    + r"£\s?(?P<n1>"
    + _NUM
    + r")\s{0,3}(?P<u1>"
    + _UNIT
    + r")?"
    + r"(?:(?:"
    + _DASH
    + r"|(?(between)\s(?:and|to)\s|(?!)))£?\s?(?P<n2>"
    + _NUM
    + r")\s{0,3}(?P<u2>"
    + _UNIT
    + r")?)?",
    re.IGNORECASE,
)
PERCENT_RE = re.compile(_APPROX + r"(?P<n1>\d+(?:\.\d+)?)\s?(?:%|per\s?cent\b|percent\b)", re.IGNORECASE)
COUNT_RE = re.compile(_APPROX + r"(?<![\d£.,/-])(?P<n1>\d{1,3}(?:,\d{3})+|\d+(?:\.000)?)(?![\d%]|\.\d)")


@dataclass(frozen=True)
class Amount:
    """One figure found in text. `start`/`end` index the text it was found in."""

    value: float
    unit: str  # constants.UNIT_GBP / UNIT_COUNT / UNIT_PERCENT
    start: int
    end: int
    text: str
    low: float | None = None
    high: float | None = None
    approximate: bool = False


def parse_number(raw: str, *, money_without_unit: bool = False, count: bool = False) -> float:
    """Parse `1,234.5`, `57. 529`, and malformed thousands (`5,449.200`, `4.000`) to a float."""
    s = re.sub(r"\s", "", raw)
    if "." in s:
        whole, frac = s.rsplit(".", 1)
        # Three decimals after comma groups, or on an amount that cannot be fractional,
        # is a thousands separator typed as a full stop: £5,449.200 / 4.000 EHCPs.
        if len(frac) == 3 and ("," in whole or money_without_unit or count):
            s = whole + frac
    return float(s.replace(",", ""))


def _scale(unit: str | None) -> float:
    return SCALES[unit.lower()] if unit else 1.0


def find_money(text: str) -> list[Amount]:
    """Every `£` amount in running text, in whole pounds. Brackets are never signs here."""
    out = []
    for m in MONEY_RE.finditer(text):
        if not m.group("n1").strip("0,. "):
            continue  # "(£000)" is a unit heading, not an amount
        u1, u2 = m.group("u1"), m.group("u2")
        # "£31-£37m", "£1.233 – £1.303 million": the unit after the second number covers both.
        v1 = parse_number(m.group("n1"), money_without_unit=not (u1 or u2)) * _scale(u1 or u2)
        value, low, high = v1, None, None
        if m.group("n2"):
            v2 = parse_number(m.group("n2"), money_without_unit=not (u1 or u2))
            v2 *= _scale(u2 or u1)
            if v2 >= v1:
                low, high, value = v1, v2, (v1 + v2) / 2
        out.append(
            Amount(
                value=round(value, 2),
                unit="GBP",
                start=m.start(),
                end=m.end(),
                text=m.group(0).strip(),
                low=low,
                high=high,
                approximate=bool(m.group("approx")),
            )
        )
    return out


def find_percents(text: str) -> list[Amount]:
    """Every percentage (`0.5%`, `90 per cent`)."""
    return [
        Amount(
            value=float(m.group("n1")),
            unit="percent",
            start=m.start(),
            end=m.end(),
            text=m.group(0).strip(),
            approximate=bool(m.group("approx")),
        )
        for m in PERCENT_RE.finditer(text)
    ]


def find_counts(text: str) -> list[Amount]:
    """Bare whole numbers that could be counts (the caller decides what they count)."""
    out = []
    for m in COUNT_RE.finditer(text):
        raw = m.group("n1")
        value = parse_number(raw, count=True)
        if "," not in raw and "." not in raw and 1990 <= value <= 2040:
            continue  # a year, not a count
        out.append(
            Amount(
                value=value,
                unit="count",
                start=m.start(),
                end=m.end(),
                text=m.group(0).strip(),
                approximate=bool(m.group("approx")),
            )
        )
    return out


_CELL_RE = re.compile(
    r"^\s*(?P<neg>\(|-|–|−)?\s?£?\s?(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?"
    r"(?P<u>" + _UNIT + r")?\s?(?P<pct>%)?\s?\)?\s*$"
)
_UNIT_ONLY_RE = re.compile(r"^\s*\(?£\s?'?0{3}s?\)?\s*$|^\s*(?:19|20)\d{2}\s*$")


def parse_cell(cell: str | None, scale: float = 1.0) -> float | None:
    """A numeric table cell to a number; brackets and minus signs are negative here.

    `scale` is the header's unit (1000 for `£000`, `£'000`, `£k`); a unit in the cell wins.
    Returns None for text cells, blanks and dashes.
    """
    if not cell or _UNIT_ONLY_RE.match(cell):
        return None  # "£000" is a unit and "2023" a year, not values
    m = _CELL_RE.match(cell.replace("\n", " "))
    if not m:
        return None
    n = parse_number(m.group("n"))
    u = m.group("u")
    value = n if m.group("pct") else n * (_scale(u) if u else scale)
    return round(-value if m.group("neg") else value, 2)


_HEADER_SCALE_RE = re.compile(
    r"£\s?'?000s?\b|£\s?k\b|\(£k\)|£\s?thousands?|£\s?m\b|£\s?millions?|£\s?m's|£\s?bn\b",
    re.IGNORECASE,
)


def header_scale(text: str) -> float | None:
    """The unit a table header declares: `£000`/`£'000`/`£k` -> 1000, `£m` -> 1e6."""
    m = _HEADER_SCALE_RE.search(text or "")
    if not m:
        return None
    t = m.group(0).lower()
    if "bn" in t:
        return 1e9
    if "000" in t or "k" in t or "thousand" in t:
        return 1e3
    return 1e6
