"""Withheld markers inside documents: kind, paragraphs and jurisdiction."""

from __future__ import annotations

import pytest

from extract.markers import find_markers
from sendwatch import constants as C

CASES = [
    (
        (
            "Appendix B is NOT FOR PUBLICATION by virtue of paragraph 3 of Part 1 of Schedule 12A "
            "to the Local Government Act 1972."
        ),
        "not_for_publication",
        [3],
        C.JURISDICTION_ENGLAND,
    ),
    (
        (
            "RESOLVED - That under Section 100A(4) of the Local Government Act 1972 the press and "
            "public be excluded from the meeting for the following item on the grounds that it "
            "involves the likely disclosure of exempt information as defined in paragraphs 1 and 2."
        ),
        "exclusion_resolution",
        [1, 2],
        C.JURISDICTION_ENGLAND,
    ),
    (
        "The Cabinet agreed the safety valve proposals [See Exempt Minute E-07-22].",
        "exempt_minute",
        [],
        None,
    ),
    (
        "This report contains exempt information under paragraph 14 of Part 4 of Schedule 12A.",
        "schedule_12a",
        [14],
        C.JURISDICTION_WALES,
    ),
]


@pytest.mark.parametrize("text,kind,paragraphs,jurisdiction", CASES)
def test_markers(text: str, kind: str, paragraphs: list[int], jurisdiction: str | None) -> None:
    [m] = find_markers("Item 9: SEND capital\n\n" + text, page=4)
    assert (m.page, m.kind, m.paragraphs, m.jurisdiction) == (4, kind, paragraphs, jurisdiction)
    assert m.sentence.endswith(text[-20:])


@pytest.mark.parametrize(
    "text",
    [
        "The report was published on the council website.",
        "Schools are exempt from the charge for publication of notices.",
    ],
)
def test_no_marker(text: str) -> None:
    assert find_markers(text) == []
