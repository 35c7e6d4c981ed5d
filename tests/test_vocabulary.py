"""SEND terms and the language of withholding (sendwatch/topic.py, sendwatch/exempt.py)."""

import pytest

from sendwatch.constants import JURISDICTION_ENGLAND, JURISDICTION_WALES
from sendwatch.exempt import excluded_item_numbers, is_exclusion_resolution, parse_exemption, says_withheld
from sendwatch.topic import send_terms


@pytest.mark.parametrize(
    "text,terms",
    [
        ("SEND Sufficiency Strategy", ["SEND"]),
        ("Please send your questions to Democratic Services", []),
        ("PLEASE SEND QUESTIONS TO THE CLERK BY NOON", []),
        ("Dedicated Schools Grant (DSG) and the High Needs Block", ["high needs", "Dedicated Schools Grant", "DSG"]),
        ("Requests for EHC needs assessments rose", ["EHC plan"]),
        ("3,412 EHCPs were maintained", ["EHCP"]),
        ("Safety Valve agreement with the DfE", ["safety valve"]),
        ("Delivering Better Value in SEND", ["SEND", "Delivering Better Value"]),
        ("Extension of the statutory override", ["statutory override"]),
        ("Alternative provision commissioning", ["alternative provision"]),
        ("Placements in independent special schools", ["independent special schools", "special schools"]),
        ("SEN transport eligibility", ["SEN", "SEN transport"]),
        ("Report to Schools Forum", ["Schools Forum"]),
        ("Highways maintenance programme", []),
        ("Sending the report to Cabinet", []),
    ],
)
def test_send_terms(text, terms):
    assert send_terms(text) == terms


@pytest.mark.parametrize(
    "text,paras,jur",
    [
        (
            "By virtue of paragraph(s) 3 of Part 1 of Schedule 12A of the Local Government Act 1972.",
            [3],
            JURISDICTION_ENGLAND,
        ),
        (
            "By virtue of paragraph(s) 1, 2 of Part 1 of Schedule 12A of the Local Government Act 1972.",
            [1, 2],
            JURISDICTION_ENGLAND,
        ),
        (
            "By virtue of paragraph(s) 14 of Part 4 of Schedule 12A of the Local Government Act 1972.",
            [14],
            JURISDICTION_WALES,
        ),
        (
            "exempt information as defined in paragraphs 1, 2 and 5 of Part 1 of Schedule 12A",
            [1, 2, 5],
            JURISDICTION_ENGLAND,
        ),
        ("This report is not for publication by virtue of paragraph 3.", [3], JURISDICTION_ENGLAND),
        ("This item is confidential.", [], None),
    ],
)
def test_parse_exemption(text, paras, jur):
    e = parse_exemption(text)
    assert (e.paragraphs, e.jurisdiction) == (paras, jur)
    assert e.sentence in text


def test_no_exemption_in_ordinary_text():
    assert parse_exemption("The Council Tax exemption for care leavers.") is None
    assert not says_withheld("Council Tax exemptions")
    assert says_withheld("Part II - Safety Valve negotiations")
    assert says_withheld("Exempt Appendix C")


def test_exclusion_resolutions():
    assert is_exclusion_resolution("EXEMPT INFORMATION – POSSIBLE EXCLUSION OF THE PRESS AND PUBLIC")
    assert is_exclusion_resolution("Exclusion of the Public")
    assert excluded_item_numbers("consideration of items 48 and 49 on the grounds") == ["48", "49"]
    assert excluded_item_numbers("Minute No. 53 Disposal of Small Surplus Sites") == ["53"]
    assert excluded_item_numbers("items 9 to 11") == ["9", "10", "11"]
