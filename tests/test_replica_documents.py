"""The replica's document generator: deterministic bytes, readable text, SEND figures where they
belong and nowhere else, exempt wording, image-only scans and merged report packs."""

import datetime
import re

import pypdfium2 as pdfium
import pytest

from replica import documents as D

COUNCIL = "Brackenshire County Council"  # fictional
DAY = datetime.date(2025, 1, 16)
NOT_SEND = re.compile(
    r"\bSEND\b|high needs|\bDSG\b|EHCP|EHC plan|dedicated schools grant|"
    r"special educational|schools forum",
    re.IGNORECASE,
)


def pdf_pages(data: bytes) -> list[str]:
    doc = pdfium.PdfDocument(data)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def report(topic="high_needs_monitoring", seed=1, **kw):
    args = {
        "title": "Report title",
        "council": COUNCIL,
        "committee": "Schools Forum",
        "meeting_date": DAY,
        "topic": topic,
        "seed": seed,
    }
    args.update(kw)
    return D.report_pdf(**args)


def test_topics_cover_the_brief():
    assert set(D.SEND_TOPICS) == {
        "dsg_budget",
        "high_needs_monitoring",
        "safety_valve",
        "send_sufficiency",
        "ehcp_performance",
        "dbv",
    }
    assert set(D.TOPICS) == set(D.SEND_TOPICS) | {"highways", "housing", "general_budget", "audit"}


@pytest.mark.parametrize(
    "maker",
    [
        lambda: report(exempt_paragraph=3),
        lambda: report(topic="dsg_budget", pages=9),
        lambda: report(topic="dbv", pages=1),
        lambda: D.appendix_pdf(title="Appendix A", council=COUNCIL, topic="safety_valve", seed=2),
        lambda: D.minutes_pdf(
            council=COUNCIL,
            committee="Cabinet",
            meeting_date=DAY,
            seed=3,
            items=[{"number": "5.", "title": "Budget", "minutes": "RESOLVED."}],
        ),
        lambda: D.agenda_frontsheet_pdf(
            council=COUNCIL,
            committee="Cabinet",
            meeting_date=DAY,
            items=[{"number": "1.", "title": "Apologies"}],
        ),
        lambda: D.reports_pack_pdf(
            council=COUNCIL,
            committee="Cabinet",
            meeting_date=DAY,
            items=[{"number": "1.", "title": "A"}],
            reports=[report(), report(topic="audit")],
        ),
        lambda: D.scanned_pdf(title="Officer decision", seed=5),
        lambda: D.report_docx(title="EHCP report", council=COUNCIL, topic="ehcp_performance", seed=2),
    ],
    ids=[
        "report",
        "report_padded",
        "report_truncated",
        "appendix",
        "minutes",
        "frontsheet",
        "pack",
        "scan",
        "docx",
    ],
)
def test_same_arguments_give_identical_bytes(maker):
    first = maker()
    assert first and first == maker()


def test_docx_is_deterministic_across_clock_seconds(monkeypatch):
    import time as _time

    a = D.report_docx(title="T", council=COUNCIL, topic="dbv", seed=1)
    real = _time.time
    monkeypatch.setattr(_time, "time", lambda: real() + 3600)
    monkeypatch.setattr(_time, "localtime", lambda *a: _time.gmtime(real() + 7200))
    assert D.report_docx(title="T", council=COUNCIL, topic="dbv", seed=1) == a
    import io

    import docx

    d = docx.Document(io.BytesIO(a))
    assert d.core_properties.created.replace(tzinfo=None) == datetime.datetime(2025, 1, 1)
    assert any("Delivering Better Value" in p.text for p in d.paragraphs)


def test_seed_changes_the_figures():
    assert report(seed=1) != report(seed=2)
    f1 = D.report_facts(council=COUNCIL, topic="ehcp_performance", seed=1, meeting_date=DAY)
    f2 = D.report_facts(council=COUNCIL, topic="ehcp_performance", seed=2, meeting_date=DAY)
    assert f1["ehcps"] != f2["ehcps"]


@pytest.mark.parametrize("topic", D.TOPICS)
def test_every_topic_renders_readable_text(topic):
    data = report(topic=topic, seed=7)
    assert data.startswith(b"%PDF-") and len(data) < 120_000
    pages = pdf_pages(data)
    assert 2 <= len(pages) <= 10
    first = flat(pages[0])
    assert COUNCIL in first and "Schools Forum" in first and "16 January 2025" in first
    assert "Report title" in first and "Report of the " in first
    text = flat(" ".join(pages))
    for heading in (
        "Purpose of report",
        "Recommendations",
        "Financial implications",
        "Legal implications",
        "Equalities implications",
        "Appendices",
    ):
        assert heading in text
    assert "NOT FOR PUBLICATION" not in text


@pytest.mark.parametrize("topic", D.SEND_TOPICS)
@pytest.mark.parametrize("seed", [0, 3])
def test_send_topics_carry_high_needs_money(topic, seed):
    text = flat(" ".join(pdf_pages(report(topic=topic, seed=seed))))
    assert re.search(r"£\s?\d", text)
    sentences = re.split(r"(?<=[.;])\s", text)
    assert any(re.search(r"£\s?\d", s) and ("High Needs" in s or "DSG" in s) for s in sentences)
    # and, as real papers do, a figure that is not a local high-needs figure
    assert re.search(r"nationally|38 local authorities|school balances", text, re.IGNORECASE)


@pytest.mark.parametrize("topic", D.NON_SEND_TOPICS)
@pytest.mark.parametrize("seed", [0, 1, 2, 5])
def test_non_send_topics_never_mention_send(topic, seed):
    text = flat(" ".join(pdf_pages(report(topic=topic, seed=seed, committee="Cabinet", pages=6))))
    assert re.search(r"£\s?\d", text)
    assert not NOT_SEND.search(text), NOT_SEND.search(text)
    appx = flat(" ".join(pdf_pages(D.appendix_pdf(title="Appendix", council=COUNCIL, topic=topic, seed=seed))))
    assert not NOT_SEND.search(appx)


def test_anchor_sentences_match_report_facts():
    day = datetime.date(2024, 11, 14)
    f = D.report_facts(council=COUNCIL, topic="high_needs_monitoring", seed=4, meeting_date=day)
    text = flat(" ".join(pdf_pages(report(seed=4, meeting_date=day))))
    assert (
        f"At Month 7 the High Needs Block is forecasting an overspend of £{f['in_year_overspend']:.1f}m." in text
        or f"At Q3 the High Needs Block is forecasting an overspend of £{f['in_year_overspend']:.1f}m." in text
    )
    assert f"At 31 March 2024 the cumulative DSG deficit stood at £{f['cumulative_deficit']:.1f}m." in text
    f = D.report_facts(council=COUNCIL, topic="dsg_budget", seed=4, meeting_date=DAY)
    text = flat(" ".join(pdf_pages(report(topic="dsg_budget", seed=4))))
    assert f"The High Needs Block allocation for 2025-26 is £{f['hnb']:.1f} million." in text
    assert "2024/25 £000" in text and "2025/26 £000" in text
    f = D.report_facts(council=COUNCIL, topic="ehcp_performance", seed=4, meeting_date=DAY)
    text = flat(" ".join(pdf_pages(report(topic="ehcp_performance", seed=4))))
    assert f"There were {f['ehcps']:,} EHCPs at January {f['census_year']}" in text
    assert f"{f['timeliness_pct']}% of new EHC plans were issued within 20 weeks" in text


def test_monitoring_table_has_bracketed_underspends():
    text = " ".join(pdf_pages(report(seed=2)))
    assert "Independent special schools" in text and "Post-16" in text
    assert re.search(r"\(\d[\d,]*\.\d\)", text)


@pytest.mark.parametrize("paragraph", [1, 3, 5])
def test_exempt_sentence_on_page_one(paragraph):
    pages = pdf_pages(report(topic="safety_valve", exempt_paragraph=paragraph))
    first = pages[0]
    assert "NOT FOR PUBLICATION" in first
    sentence = (
        f"This report is not for publication by virtue of paragraph {paragraph} of Part 1 "
        f"of Schedule 12A of the Local Government Act 1972."
    )
    assert sentence == D.exempt_sentence(paragraph)
    assert sentence in first  # set on one line, so no whitespace normalising needed


def test_welsh_exempt_uses_part_4():
    first = pdf_pages(report(topic="safety_valve", exempt_paragraph=14, welsh=True))[0]
    assert (
        "This report is not for publication by virtue of paragraph 14 of Part 4 of "
        "Schedule 12A of the Local Government Act 1972."
    ) in first
    with pytest.raises(ValueError):
        report(exempt_paragraph=3, welsh=True)
    with pytest.raises(ValueError):
        report(exempt_paragraph=14)


@pytest.mark.parametrize("n", [1, 2, 9, 25])
def test_pages_forces_exact_length(n):
    assert len(pdf_pages(report(topic="dsg_budget", seed=3, pages=n))) == n


def test_minutes_print_the_items_given():
    items = [
        {
            "number": "4.",
            "title": "Exclusion of the press and public",
            "minutes": "RESOLVED – That the press and public be excluded for item 5 under "
            "paragraph 3 of Part 1 of Schedule 12A.\n\n[See Exempt Minute E-12-25]",
        },
        {
            "number": "5.",
            "title": "High Needs Block <update> & plan",
            "minutes": "The deficit was £[redacted].\nNoted.",
        },
    ]
    text = flat(
        " ".join(pdf_pages(D.minutes_pdf(council=COUNCIL, committee="Cabinet", meeting_date=DAY, items=items, seed=1)))
    )
    assert "MINUTES of a meeting of the Cabinet" in text and "Thursday, 16th January, 2025" in text
    assert "[See Exempt Minute E-12-25]" in text
    assert "5. High Needs Block <update> & plan" in text


def test_scanned_pdf_has_no_text_layer():
    data = D.scanned_pdf(title="Record of decision: school transport", seed=2)
    doc = pdfium.PdfDocument(data)
    try:
        assert len(doc) >= 1
        for page in doc:
            assert page.get_textpage().get_text_range().strip() == ""
            assert any(obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects())
    finally:
        doc.close()
    assert len(data) < 150_000


def test_reports_pack_is_frontsheet_plus_reports():
    items = [
        {"number": "6.", "title": "DSG budget"},
        {"number": "7.", "title": "Safety valve", "exempt": 3},
    ]
    reports = [
        report(topic="dsg_budget"),
        report(topic="safety_valve", exempt_paragraph=3),
        D.appendix_pdf(title="Appendix A", council=COUNCIL, topic="dbv", seed=1),
    ]
    front = D.agenda_frontsheet_pdf(council=COUNCIL, committee="Schools Forum", meeting_date=DAY, items=items)
    pack = D.reports_pack_pdf(
        council=COUNCIL, committee="Schools Forum", meeting_date=DAY, items=items, reports=reports
    )
    pages = pdf_pages(pack)
    assert len(pages) == len(pdf_pages(front)) + sum(len(pdf_pages(r)) for r in reports)
    assert "Public Document Pack" in pages[0]
    assert any("Schedule 12A" in p for p in pages[1:])


def test_unknown_topic_rejected():
    with pytest.raises(ValueError):
        report(topic="parking")
