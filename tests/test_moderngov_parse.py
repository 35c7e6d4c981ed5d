"""ModernGov parsers on real saved responses (tests/fixtures/moderngov, see SOURCES.tsv)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, XmlResponse

from scrapers import moderngov_parse as P
from scrapers.spiders.moderngov import ModernGovSpider
from sendwatch.urls import attachment_id, canonical, moderngov_base, pack_key, params

FIX = Path(__file__).parent / "fixtures" / "moderngov"
BASE = "https://democracy.gloucester.gov.uk"


def xml_response(name: str, url: str) -> XmlResponse:
    return XmlResponse(url=url, body=(FIX / name).read_bytes(), request=Request(url))


def test_get_meeting_real_gloucester():
    r = xml_response("gloucester_GetMeeting_7837_cabinet.xml", f"{BASE}/mgWebService.asmx/GetMeeting?lMeetingId=7837")
    b = P.parse_meeting_xml(r.body, "gloucester", BASE, "129", "Cabinet", r.url)
    assert b.meeting.date == "2025-11-21" and b.meeting.status == "Confirmed; Special Meeting"
    assert [i.number for i in b.items][:2] == ["51.", "52."]
    # double-encoded title: Members&amp;#39; -> Members'
    assert any(i.title == "Leader and Cabinet Members' Question Time (15 minutes)" for i in b.items)
    assert all(i.restricted is False for i in b.items)
    doc = next(d for d in b.documents if d.attachment_id == "65461")
    assert doc.url == "https://democracy.gloucester.gov.uk/mgConvert2PDF.aspx?ID=65461"  # host lower-cased
    assert doc.publication_date == "2025-11-13"
    assert b.withheld == []


def test_cancelled_meeting_kept_with_status():
    body = (FIX / "manchester_GetMeeting_4966_cancelled_lgsf.xml").read_bytes()
    b = P.parse_meeting_xml(body, "manchester", "https://democracy.manchester.gov.uk", "144", "Audit Committee")
    assert b.meeting.status == "Cancelled" and b.items == []


def test_get_meetings_and_committees():
    ms = P.parse_meetings_xml((FIX / "gloucester_GetMeetings_cabinet.xml").read_bytes(), "g", BASE)
    assert len(ms) == 20 and ms[0].date == "2024-01-10" and ms[0].committee_title == "Cabinet"
    assert any(m.status == "Cancelled" for m in ms)
    cs = P.parse_committees_xml((FIX / "manchester_GetCommittees_trimmed_lgsf.xml").read_bytes(), "m", BASE)
    assert [c.committee_id for c in cs] == ["312", "163", "144"] and cs[0].expired is True


def test_malformed_xml_is_an_unexpected_structure():
    with pytest.raises(P.UnexpectedStructure, match="example"):
        P.parse_meeting_xml(b"<meeting><oops", "x", BASE, None, None, "http://example/GetMeeting")
    with pytest.raises(P.UnexpectedStructure, match="expected <meeting>"):
        P.parse_meeting_xml(b"<html><body>Error</body></html>", "x", BASE, None, None, "u")


def test_decision_page_dates_are_entity_encoded():
    html = (FIX / "lgsf_ieDecisionDetails_fragment.html").read_text()
    assert P.parse_date("22&#47;10&#47;2015") == "2015-10-22"
    assert "polc2 - 23.09.2015" in html


@pytest.mark.parametrize(
    "url,expected",
    [
        (
            "https://democracy.Leeds.gov.uk/(X(1)S(fkn0jfigeevz5oferbjpjk55))/ieListMeetings.aspx?CommitteeId=538",
            "https://democracy.leeds.gov.uk/ieListMeetings.aspx?CId=538",
        ),
        (
            "https://x.gov.uk/ieListDocuments.aspx?CId=151&MID=4832&Ver=4",
            "https://x.gov.uk/ieListDocuments.aspx?CId=151&MId=4832",
        ),
        ("http://x/documents/s7942/polc2 - 23.09.2015.pdf", "http://x/documents/s7942/polc2%20-%2023.09.2015.pdf"),
    ],
)
def test_canonical_urls(url, expected):
    assert canonical(url) == expected


def test_ids_from_links():
    assert params("ieListDocuments.aspx?CommitteeId=9&MeetingId=7")["MId"] == "7"
    assert attachment_id("https://x/mgConvert2Pdf.aspx?ID=65461") == "65461"
    assert pack_key("https://x/mgConvert2PDF.aspx?ID=7837&T=10") == ("7837", "10")
    assert pack_key("https://x/documents/g4779/Agenda frontsheet.pdf?T=0") == ("4779", "0")
    assert (
        moderngov_base("https://southampton.gov.uk/moderngov/(S(abc))/mgListCommittees.aspx")
        == "https://southampton.gov.uk/moderngov"
    )


AGENDA = """<div id="modgov"><div class="mgSubTitle"><h2 class="mgSubTitleTxt">Schools Forum - Thursday, 14th March, 2024 2.00 pm</h2></div>
<div class="mgLinks"><ul class="mgActionList">
<li><a href="mgConvert2PDF.aspx?ID=77&amp;T=10">Agenda reports pack <span class="mgFileSize">PDF 2 MB</span></a></li></ul></div>
<div class="mgContent"><table class="mgItemTable"><tr><th>No.</th><th>Item</th></tr>
<tr><td class="mgItemNumberCell"><p class="mgAiTitleTxt"><a name="AI501"></a>7.</p></td><td>
<p class="mgAiTitleTxt"><a class="mgAiTitleLnk" href="documents/s900/HNB report.pdf">High Needs Block budget</a></p>
<div class="mgWordPara"><p>The DSG settlement.</p></div>
<p class="mgSubItemTitleTxt">Additional documents:</p><ul class="mgBulletList">
<li><a href="documents/s901/Appendix A.pdf">Appendix A <span class="mgFileSize">PDF 9 KB</span></a></li>
<li><a href="mgReasonsRestricted.aspx?ID=1&amp;OID=501&amp;OT=A&amp;RPID=902&amp;BM=AI501">View the reasons why document 7./3 is restricted</a></li></ul>
<p class="mgSubItemTitleTxt">Minutes:</p><div class="mgWordPara"><p>RESOLVED – noted.</p></div></td></tr>
<tr><td class="mgItemNumberCell"><p class="mgAiTitleTxt"><a name="AI502"></a>8.</p></td><td>
<p class="mgAiTitleTxt">Exempt item</p></td></tr>
</table></div></div>"""


def test_agenda_page_items_documents_and_restriction_links():
    url = "https://d.example.gov.uk/ieListDocuments.aspx?CId=5&MId=77"
    b = P.parse_agenda_html(
        HtmlResponse(url, body=AGENDA.encode(), encoding="utf-8").text, "ex", "https://d.example.gov.uk", url
    )
    assert b.meeting.committee_title == "Schools Forum" and b.meeting.date == "2024-03-14"
    item = b.items[0]
    assert (item.number, item.title, item.agenda_text, item.minutes_text) == (
        "7.",
        "High Needs Block budget",
        "The DSG settlement.",
        "RESOLVED – noted.",
    )
    assert item.send_terms == ["high needs", "DSG"]
    kinds = {d.title: (d.kind, d.attachment_id) for d in b.documents}
    assert kinds["Agenda reports pack"] == ("reports_pack", None)
    assert kinds["Appendix A"] == ("report", "901")
    assert b.reasons_links[0][4] == "902" and b.reasons_links[0][5] == "document 7./3"
    # the title itself is withheld: recorded from the agenda text, no paragraph cited
    assert [(w.item_title, w.source, w.paragraphs) for w in b.withheld] == [("Exempt item", "agenda_text", [])]


def test_modgov_error_page_is_unexpected():
    with pytest.raises(P.UnexpectedStructure):
        P.parse_agenda_html(
            "<html><body><h1>Error</h1><p>Sorry, an error has occurred.</p></body></html>",
            "x",
            "https://x",
            "https://x/ieListDocuments.aspx?CId=1&MId=2",
        )


def test_spider_resolves_registry_and_refuses_other_platforms():
    s = ModernGovSpider(council="barnsley")
    assert s.allowed_domains == ["barnsleymbc.moderngov.co.uk"]
    with pytest.raises(ValueError, match="cmis"):
        ModernGovSpider(council="birmingham")
    with pytest.raises(ValueError, match="not in the registry"):
        ModernGovSpider(council="atlantis")
    s = ModernGovSpider(
        url="https://democracy.example.gov.uk/ieListDocuments.aspx?CId=1&MId=2", council_name="Example Council"
    )
    assert s.council.slug == "example" and s.base == "https://democracy.example.gov.uk"
