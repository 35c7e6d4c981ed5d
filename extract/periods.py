"""Financial years and stock dates as council papers write them, normalised.

Financial years become "2023-24"; stock dates ("at 31 March 2025", "31.03.21") become ISO dates.
English local-authority financial years run 1 April to 31 March.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

# 2021/22, 2021-22, 2021 - 2022, FY 2020-21, typo 20219-20
FY_RE = re.compile(r"(?<![\d£.,])(?:FY\s?)?(20\d{2,3})\s?[/\-–]\s?(20\d{2}|\d{2})(?![\d%])")
FY_WORDS_RE = re.compile(r"(?<![\d£.,])(20\d{2})\s+to\s+(20\d{2})(?!\d)")
END_OF_FY_RE = re.compile(r"\b(?:end\s+of|year[\s-]end)\s+(?:FY\s?)?(20\d{2,3})\s?[/\-–]\s?(\d{2}|20\d{2})")
DATE_WORDS_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + _MONTH + r")\.?,?\s+(20\d{2})\b", re.IGNORECASE)
MONTH_YEAR_RE = re.compile(r"\b(" + _MONTH + r")\.?\s+(20\d{2})\b", re.IGNORECASE)
DATE_NUM_RE = re.compile(r"(?<![\d£.,])(\d{1,2})[./](\d{1,2})[./](20\d{2}|\d{2})(?![\d.]\d)")
MONITORING_RE = re.compile(r"\b(month|period|Q|quarter)\s?(\d{1,2})\b(?!\s*(?:weeks?|months?|years?|%))", re.IGNORECASE)
RELATIVE_RE = re.compile(r"\b(last|this|next|previous|current)\s+(?:financial\s+)?year\b", re.IGNORECASE)


_ANY_YEAR = re.compile(r"20\d|\d[./]\d")


@dataclass(frozen=True)
class Period:
    """A period mention: `period` is a financial year, `stock_date` an ISO date (one or both)."""

    start: int
    end: int
    text: str
    period: str | None = None
    stock_date: str | None = None


def fy_label(end_year: int) -> str:
    """The financial year ending in March of `end_year`, e.g. 2024 -> "2023-24"."""
    return f"{end_year - 1}-{end_year % 100:02d}"


def fy_of(day: date) -> str:
    """The financial year containing `day`."""
    return fy_label(day.year + 1 if day.month >= 4 else day.year)


def _end_year(first: str, second: str) -> int | None:
    end = int(second) if len(second) == 4 else 2000 + int(second)
    # The first part must end with the year before: "2021/22" ok, typo "20219-20" -> 2019-20.
    if int(first[-2:]) != (end - 1) % 100:
        return None
    return end


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def find_periods(text: str, meeting_date: date | None = None) -> list[Period]:
    """All financial years and stock dates in `text`, in order of position."""
    found: list[Period] = []
    taken: list[tuple[int, int]] = []
    if not meeting_date and not _ANY_YEAR.search(text):
        return found

    def add(p: Period) -> None:
        if any(p.start < e and s < p.end for s, e in taken):
            return
        taken.append((p.start, p.end))
        found.append(p)

    for m in END_OF_FY_RE.finditer(text):
        end = _end_year(m.group(1), m.group(2))
        if end:
            add(Period(m.start(), m.end(), m.group(0), fy_label(end), f"{end}-03-31"))
    for m in DATE_WORDS_RE.finditer(text):
        iso = _iso(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if iso:
            add(Period(m.start(), m.end(), m.group(0), fy_of(date.fromisoformat(iso)), iso))
    for m in DATE_NUM_RE.finditer(text):
        y = int(m.group(3))
        iso = _iso(y if y > 99 else 2000 + y, int(m.group(2)), int(m.group(1)))
        if iso:
            add(Period(m.start(), m.end(), m.group(0), fy_of(date.fromisoformat(iso)), iso))
    for m in MONTH_YEAR_RE.finditer(text):
        day = date(int(m.group(2)), MONTHS[m.group(1).lower()], 1)
        add(Period(m.start(), m.end(), m.group(0), fy_of(day)))
    for m in FY_RE.finditer(text):
        end = _end_year(m.group(1), m.group(2))
        if end:
            add(Period(m.start(), m.end(), m.group(0), fy_label(end)))
    for m in FY_WORDS_RE.finditer(text):
        if int(m.group(2)) == int(m.group(1)) + 1:
            add(Period(m.start(), m.end(), m.group(0), fy_label(int(m.group(2)))))
    if meeting_date:
        # "at Month 7", "Q2", "period 4": the latest such point of a financial year that had
        # begun by the meeting (Month 1 is April).
        for m in MONITORING_RE.finditer(text):
            word, n = m.group(1).lower(), int(m.group(2))
            month = 3 * n - 2 if word.startswith("q") else n
            if not 1 <= month <= 12:
                continue
            cal_month = (month + 2) % 12 + 1
            start = meeting_date.year
            while date(start + (month > 9), cal_month, 1) > meeting_date:
                start -= 1
            add(Period(m.start(), m.end(), m.group(0), fy_label(start + 1)))
        this_end = int(fy_of(meeting_date)[:4]) + 1
        for m in RELATIVE_RE.finditer(text):
            word = m.group(1).lower()
            shift = {"last": -1, "previous": -1, "next": 1}.get(word, 0)
            add(Period(m.start(), m.end(), m.group(0), fy_label(this_end + shift)))
    return sorted(found, key=lambda p: p.start)


def period_of_header(text: str) -> Period | None:
    """The one period a table header cell names, if exactly one."""
    ps = find_periods(text or "")
    return ps[0] if len(ps) == 1 else None
