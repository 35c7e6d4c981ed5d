"""The replica's councils, committees, meetings, items and documents.

Fictional councils with the structure of real ModernGov sites. Every withheld case the crawler
must find is declared here with what it should record (`expect`), so tests compare the crawl
against this declaration, not against the crawler's own code.
Dates are offsets in days from an anchor date (the day the replica starts, unless given).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

ENGLAND = "England (Schedule 12A Part 1)"
WALES = "Wales (Schedule 12A Part 4)"


@dataclass
class Doc:
    att: int
    title: str
    topic: str
    filename: str
    restricted: bool = False  # web service isrestricted
    restrictions_ref: str = ""
    reasons: str | None = None  # a reasons-page link for this document, with this sentence
    exempt_paragraph: int | None = None  # printed "NOT FOR PUBLICATION" in the PDF
    fmt: str = "pdf"  # pdf | scanned | docx
    revision: int = 1  # a republished document: new bytes, new publication date


@dataclass
class Item:
    aid: int
    number: str
    title: str
    text: str
    send: bool
    docs: list[Doc] = field(default_factory=list)
    minutes: str = ""
    ws_restricted: bool = False
    reasons: str | None = None  # reasons-page link for the whole item (RPID=0), with this sentence
    # what the crawler must record: {"sources": {...}, "paragraphs": [...], "jurisdiction": ...}
    expect: dict | None = None
    doc_expect: dict[int, dict] = field(default_factory=dict)


@dataclass
class Meeting:
    mid: int
    cid: int
    offset: int
    time: str
    status: str = "Confirmed"
    items: list[Item] = field(default_factory=list)

    def day(self, anchor: date) -> date:
        return anchor + timedelta(days=self.offset)

    @property
    def cancelled(self) -> bool:
        return "cancel" in self.status.lower()


@dataclass
class Committee:
    cid: int
    title: str
    category: str
    meetings: list[Meeting] = field(default_factory=list)


@dataclass
class Site:
    slug: str
    name: str
    web_service: bool
    welsh: bool = False
    in_registry: bool = True
    session_links: bool = False  # cookieless session segments in HTML links
    upper_mid: bool = False  # MID= / CommitteeId= spellings in links
    static_docs: bool = False  # documents/sNNN/Title with spaces.pdf links instead of mgConvert2PDF
    committees: list[Committee] = field(default_factory=list)
    gss_code: str = ""
    dfe_la_code: str = ""


# ---------------------------------------------------------------- item templates

SEND_TOPICS = {
    "dsg_budget": (
        "Dedicated Schools Grant {fy}: High Needs Block budget and Schools Block transfer",
        "To consider the Dedicated Schools Grant settlement for {fy}, the High Needs Block budget "
        "and the proposal to transfer 0.5% of the Schools Block to the High Needs Block.",
    ),
    "high_needs_monitoring": (
        "High Needs Block monitoring {fy} – Month 7",
        "The report sets out the forecast outturn on the High Needs Block and the "
        "cumulative DSG deficit, and the effect of the statutory override.",
    ),
    "send_sufficiency": (
        "SEND Sufficiency Strategy: special school places",
        "An update on specialist places for children with special educational needs and "
        "disabilities, including resource bases and independent special schools.",
    ),
    "ehcp_performance": (
        "Education, Health and Care plans: performance and timeliness",
        "Performance on EHC needs assessments and the 20-week timescale for issuing EHC plans.",
    ),
    "dbv": (
        "Delivering Better Value in SEND: programme update",
        "Progress of the Delivering Better Value programme funded by the Department for Education.",
    ),
    "safety_valve": (
        "Safety Valve Agreement: progress report",
        "Progress against the conditions of the Dedicated Schools Grant safety valve agreement "
        "with the Department for Education.",
    ),
}
PUBLIC_TOPICS = {
    "highways": (
        "Highways Maintenance Programme {fy}",
        "To approve the programme of carriageway and footway maintenance for {fy}.",
    ),
    "housing": (
        "Housing Revenue Account Business Plan",
        "To approve the updated 30-year business plan for council housing.",
    ),
    "general_budget": (
        "Revenue Budget Monitoring {fy} – Quarter 2",
        "The forecast outturn on the council's general fund revenue budget.",
    ),
    "audit": (
        "Internal Audit Progress Report",
        "Progress against the internal audit plan and the findings of completed audits.",
    ),
}
PUBLIC_QUESTIONS = (
    "Public Questions",
    "Members of the public who wish to ask a question should send it to Democratic "
    "Services by noon three working days before the meeting.",
)


def fy(d: date) -> str:
    start = d.year if d.month >= 4 else d.year - 1
    return f"{start}/{str(start + 1)[2:]}"


class _Ids:
    def __init__(self, base: int):
        self.next_mid = base * 100
        self.next_aid = base * 1000
        self.next_att = base * 1000 + 500

    def mid(self) -> int:
        self.next_mid += 1
        return self.next_mid

    def aid(self) -> int:
        self.next_aid += 1
        return self.next_aid

    def att(self) -> int:
        self.next_att += 1
        return self.next_att


class _Builder:
    def __init__(self, ids: _Ids, anchor: date):
        self.ids, self.anchor = ids, anchor
        self.number = 0

    def item(self, title, text, send, docs=(), **kw) -> Item:
        self.number += 1
        return Item(self.ids.aid(), f"{self.number}.", title, text, send, list(docs), **kw)

    def doc(self, title, topic, **kw) -> Doc:
        att = self.ids.att()
        safe = title.replace("/", "-").replace(":", "").replace("–", "-")
        return Doc(att, title, topic, f"{safe}.pdf", **kw)

    def procedural(self, prev: date | None) -> list[Item]:
        out = [
            self.item("Apologies for Absence", "To receive apologies for absence.", False),
            self.item(
                "Declarations of Interest", "Members are asked to declare any disclosable pecuniary interests.", False
            ),
        ]
        if prev:
            out.append(
                self.item(
                    "Minutes of the Previous Meeting",
                    f"To approve as a correct record the minutes of the meeting held on {prev.strftime('%-d %B %Y')}.",
                    False,
                )
            )
        return out

    def send_item(self, topic: str, d: date, **kw) -> Item:
        title, text = SEND_TOPICS[topic]
        title, text = title.format(fy=fy(d)), text.format(fy=fy(d))
        docs = [self.doc(title, topic)]
        if topic in ("high_needs_monitoring", "dsg_budget"):
            docs.append(self.doc(f"Appendix A - {topic.replace('_', ' ').title()} tables", topic))
        return self.item(title, text, True, docs, **kw)

    def public_item(self, topic: str, d: date, **kw) -> Item:
        title, text = PUBLIC_TOPICS[topic]
        title, text = title.format(fy=fy(d)), text.format(fy=fy(d))
        return self.item(title, text, False, [self.doc(title, topic)], **kw)


def _schedule(builder: _Builder, committee: Committee, offsets: list[int], plan) -> None:
    prev = None
    for n, offset in enumerate(offsets):
        builder.number = 10 * (n + 1)  # fulldisplaynumberformat continues through the year
        m = Meeting(builder.ids.mid(), committee.cid, offset, "2.00 pm")
        d = m.day(builder.anchor)
        procedural = builder.procedural(prev)
        items = plan(builder, n, d, m)
        if items is None:
            m.status, m.items = "Cancelled", []
        else:
            m.items = procedural + items
            prev = d
        committee.meetings.append(m)


# ---------------------------------------------------------------- the councils


def _northby(anchor: date) -> Site:
    ids, site = (
        _Ids(11),
        Site(
            "northby",
            "Northby Metropolitan Borough Council",
            web_service=True,
            session_links=True,
            gss_code="E08999901",
            dfe_la_code="991",
        ),
    )
    b = _Builder(ids, anchor)
    forum = Committee(101, "Schools Forum", "Statutory bodies")
    rotation = ["dsg_budget", "high_needs_monitoring", "ehcp_performance", "dbv", "send_sufficiency"]

    def forum_plan(b, n, d, m):
        if n == 3:
            return None  # cancelled
        items = [
            b.send_item(rotation[n % 5], d),
            b.item(
                "Scheme for Financing Schools: proposed revisions",
                "Proposed changes to the local scheme for financing maintained schools.",
                False,
            ),
        ]
        if n == 5:
            reason = "By virtue of paragraph(s) 1, 2 of Part 1 of Schedule 12A of the Local Government Act 1972."
            items.append(
                b.item(
                    "Part 2 - Independent special school placement: individual case",
                    "This Part 2 report contains exempt information about an individual child.",
                    True,
                    ws_restricted=True,
                    reasons=reason,
                    expect={
                        "sources": {"web_service", "reasons_page", "agenda_text"},
                        "paragraphs": [1, 2],
                        "jurisdiction": ENGLAND,
                    },
                )
            )
        items.append(b.item("Any Other Business", "Any other business the Chair considers urgent.", False))
        return items

    _schedule(b, forum, [-600, -510, -420, -330, -240, -150, -60, 30], forum_plan)

    cabinet = Committee(102, "Cabinet", "Executive")

    def cabinet_plan(b, n, d, m):
        items = [b.item(*PUBLIC_QUESTIONS, False)]
        items.append(b.public_item(["highways", "housing", "general_budget"][n % 3], d))
        if n == 4:
            items.append(
                b.item(
                    "Safety Valve Agreement: progress report",
                    "This report contains exempt information by virtue of paragraph 3 of Part 1 of Schedule 12A "
                    "to the Local Government Act 1972 (financial or business affairs), as it relates to "
                    "negotiations with the Department for Education on Dedicated Schools Grant funding.",
                    True,
                    [
                        b.doc(
                            "Safety Valve Agreement progress report",
                            "safety_valve",
                            exempt_paragraph=3,
                            restricted=True,
                            restrictions_ref="Paragraph 3",
                        )
                    ],
                    ws_restricted=True,
                    expect={"sources": {"web_service", "agenda_text"}, "paragraphs": [3], "jurisdiction": ENGLAND},
                )
            )
            items[-1].doc_expect[items[-1].docs[0].att] = {
                "sources": {"web_service"},
                "paragraphs": [3],
                "jurisdiction": ENGLAND,
            }
        elif n == 5:
            it = b.send_item("high_needs_monitoring", d)
            it.title = "High Needs Block Deficit Management Plan"
            appendix = b.doc(
                "Appendix B - Independent placement costs",
                "send_sufficiency",
                restricted=True,
                restrictions_ref="Paragraph 3",
                reasons="By virtue of paragraph(s) 3 of Part 1 of Schedule 12A of the Local Government Act 1972.",
                exempt_paragraph=3,
            )
            it.docs.append(appendix)
            it.doc_expect[appendix.att] = {
                "sources": {"web_service", "reasons_page"},
                "paragraphs": [3],
                "jurisdiction": ENGLAND,
            }
            items.append(it)
        elif n == 6:
            items.append(b.send_item("send_sufficiency", d))
            excl = (
                "RESOLVED – That under Section 100A(4) of the Local Government Act 1972, the press and "
                "public be excluded from the meeting for the following item of business on the grounds "
                "that it involves the likely disclosure of exempt information as defined in paragraph 3 "
                "of Part 1 of Schedule 12A of the Act."
            )
            items.append(b.item("Exclusion of the Press and Public", excl, False))
            items.append(
                b.item(
                    "Leisure Centre Management Contract Award",
                    "To award the contract for the management of the borough's leisure centres.",
                    False,
                    expect={"sources": {"exclusion_resolution"}, "paragraphs": [3], "jurisdiction": ENGLAND},
                )
            )
        else:
            items.append(b.send_item(["dsg_budget", "ehcp_performance", "dbv", "send_sufficiency"][n % 4], d))
        return items

    _schedule(b, cabinet, [-570, -480, -390, -300, -210, -120, -30, 45], cabinet_plan)

    scrutiny = Committee(103, "Children and Young People Scrutiny Committee", "Scrutiny")

    def scrutiny_plan(b, n, d, m):
        return [
            b.send_item(["ehcp_performance", "send_sufficiency"][n % 2], d),
            b.item("Youth Justice Plan", "To comment on the draft youth justice plan.", False),
            b.item("Work Programme", "To agree the committee's work programme.", False),
        ]

    _schedule(b, scrutiny, [-540, -400, -260, -120, 20], scrutiny_plan)

    planning = Committee(104, "Planning Committee", "Regulatory")

    def planning_plan(b, n, d, m):
        return [
            b.item(
                f"Planning application 2{n}/0{n}123/FUL – Land at Mill Lane",
                "Erection of 24 dwellings with associated access and landscaping.",
                False,
            ),
            b.item("Appeals Decisions", "To note recent planning appeal decisions.", False),
        ]

    _schedule(b, planning, [-500, -300, -100, 10], planning_plan)
    site.committees = [forum, cabinet, scrutiny, planning]
    return site


def _southshire(anchor: date) -> Site:
    ids, site = (
        _Ids(22),
        Site(
            "southshire",
            "Southshire County Council",
            web_service=True,
            upper_mid=True,
            gss_code="E10999902",
            dfe_la_code="992",
        ),
    )
    b = _Builder(ids, anchor)
    forum = Committee(201, "Schools Forum", "Statutory bodies")

    def forum_plan(b, n, d, m):
        items = [b.send_item(["dsg_budget", "high_needs_monitoring", "dbv"][n % 3], d)]
        if n == 4:
            excl = b.item("Exclusion of the Press and Public", "", False)
            items.append(excl)
            items.append(
                b.item(
                    "High Needs Block: independent school fee negotiations",
                    "Negotiations with independent special school providers on fees.",
                    True,
                    expect={"sources": {"exclusion_resolution"}, "paragraphs": [3], "jurisdiction": ENGLAND},
                )
            )
            items.append(
                b.item(
                    "Central School Services: premises contract",
                    "Renewal of the contract for the education centre premises.",
                    False,
                    expect={"sources": {"exclusion_resolution"}, "paragraphs": [3], "jurisdiction": ENGLAND},
                )
            )
            a1, a2 = items[-2].number.rstrip("."), items[-1].number.rstrip(".")
            excl.text = excl.minutes = (
                "RESOLVED – That under Section 100A(4) of the Local Government Act 1972 the press and public "
                f"be excluded from the meeting during consideration of items {a1} and {a2} on the grounds that "
                "they involve the likely disclosure of exempt information as defined in paragraph 3 of Part 1 "
                "of Schedule 12A of the Act."
            )
        items.append(b.item("The Forum's Forward Plan", "The forward plan of business.", False))
        return items

    _schedule(b, forum, [-560, -450, -340, -230, -100, 25], forum_plan)

    cabinet = Committee(202, "Cabinet", "Executive")

    def cabinet_plan(b, n, d, m):
        if n == 2:
            return None
        items = [
            b.public_item(["general_budget", "highways", "housing"][n % 3], d),
            b.send_item(["safety_valve", "send_sufficiency", "ehcp_performance"][n % 3], d),
        ]
        if n == 3:
            items.append(
                b.item(
                    "Confidential Item",
                    "This item is confidential.",
                    False,
                    expect={"sources": {"agenda_text"}, "paragraphs": [], "jurisdiction": None},
                )
            )
        return items

    _schedule(b, cabinet, [-520, -410, -300, -190, -80, 40], cabinet_plan)

    audit = Committee(203, "Audit and Governance Committee", "Governance")

    def audit_plan(b, n, d, m):
        items = [b.public_item("audit", d)]
        if n == 1:
            items.append(
                b.item(
                    "DSG deficit and the statutory override: risk update",
                    "The risk to the council's reserves from the DSG deficit when the statutory override ends.",
                    True,
                )
            )
        return items

    _schedule(b, audit, [-480, -300, -120, 60], audit_plan)
    site.committees = [forum, cabinet, audit]
    return site


def _westerham(anchor: date) -> Site:
    ids, site = (
        _Ids(33),
        Site(
            "westerham",
            "Westerham Borough Council",
            web_service=False,
            session_links=True,
            upper_mid=True,
            static_docs=True,
            gss_code="E06999903",
            dfe_la_code="993",
        ),
    )
    b = _Builder(ids, anchor)
    forum = Committee(301, "Schools Forum", "Statutory bodies")

    def forum_plan(b, n, d, m):
        items = [b.send_item(["high_needs_monitoring", "dsg_budget", "send_sufficiency"][n % 3], d)]
        if n == 3:
            items.append(
                b.item(
                    "Special school expansion: capital scheme",
                    "Proposals for additional special school places at Westerham Park School.",
                    True,
                    reasons="By virtue of paragraph(s) 3 of Part 1 of Schedule 12A of the Local Government Act 1972.",
                    expect={"sources": {"reasons_page"}, "paragraphs": [3], "jurisdiction": ENGLAND},
                )
            )
            it = items[0]
            tender = b.doc(
                "Appendix 2 - tender evaluation",
                "send_sufficiency",
                reasons="By virtue of paragraph(s) 3 of Part 1 of Schedule 12A of the Local Government Act 1972.",
            )
            it.docs.append(tender)
            it.doc_expect[tender.att] = {"sources": {"reasons_page"}, "paragraphs": [3], "jurisdiction": ENGLAND}
        return items

    _schedule(b, forum, [-580, -430, -280, -130, -40, 50], forum_plan)
    executive = Committee(302, "Executive", "Executive")

    def exec_plan(b, n, d, m):
        if n == 2:
            return None
        items = [b.public_item(["housing", "general_budget", "highways"][n % 3], d)]
        if n == 3:
            items.append(
                b.item(
                    "SEND Tribunal appeals: legal advice",
                    "Legal advice on appeals to the First-tier Tribunal (SEND).",
                    True,
                    reasons="By virtue of paragraph(s) 5 of Part 1 of Schedule 12A of the Local Government Act 1972.",
                    expect={"sources": {"reasons_page"}, "paragraphs": [5], "jurisdiction": ENGLAND},
                )
            )
            items.append(
                b.item(
                    "Individual placement review",
                    "Review of an individual EHCP placement.",
                    True,
                    reasons="By virtue of paragraph(s) 1, 2 of Part 1 of Schedule 12A of the Local "
                    "Government Act 1972.",
                    expect={"sources": {"reasons_page"}, "paragraphs": [1, 2], "jurisdiction": ENGLAND},
                )
            )
        else:
            items.append(b.send_item(["ehcp_performance", "dbv"][n % 2], d))
        return items

    _schedule(b, executive, [-550, -400, -250, -110, -20, 35], exec_plan)
    site.committees = [forum, executive]
    return site


def _cwm_afon(anchor: date) -> Site:
    ids, site = (
        _Ids(44),
        Site("cwm-afon", "Cwm Afon County Borough Council", web_service=True, welsh=True, in_registry=False),
    )
    b = _Builder(ids, anchor)
    cabinet = Committee(401, "Cabinet", "Executive")

    def cabinet_plan(b, n, d, m):
        items = [b.public_item("highways", d)]
        if n == 1:
            items.append(
                b.item(
                    "Additional Learning Needs: out-of-county placements",
                    "Commissioning of out-of-county placements for pupils with additional learning needs.",
                    True,
                    reasons="By virtue of paragraph(s) 14 of Part 4 of Schedule 12A of the Local Government Act 1972.",
                    expect={"sources": {"reasons_page"}, "paragraphs": [14], "jurisdiction": WALES},
                )
            )
        return items

    _schedule(b, cabinet, [-200, -90, 20], cabinet_plan)
    forum = Committee(402, "Schools Budget Forum", "Statutory bodies")

    def forum_plan(b, n, d, m):
        return [b.send_item("dsg_budget", d)]

    _schedule(b, forum, [-180, -60, 15], forum_plan)
    site.committees = [cabinet, forum]
    return site


def build_sites(anchor: date, edition: int = 1) -> dict[str, Site]:
    """The replica's sites; edition 2 is the same sites a while later, with the changes in EDITION_2."""
    sites = {s.slug: s for s in (_northby(anchor), _southshire(anchor), _westerham(anchor), _cwm_afon(anchor))}
    if edition >= 2:
        _edition_2(sites)
    return sites


# What edition 2 changes, and what the crawler's history must say about it.
EDITION_2 = {
    "new_version": "northby Schools Forum, 60 days ago: the main report is republished with new figures",
    "removed": "northby Cabinet, 120 days ago: Appendix A of the deficit management plan is pulled",
    "withheld": "southshire Cabinet, 80 days ago: a public SEND item is re-classified as exempt (paragraph 3)",
    "published": "northby Cabinet, 210 days ago: the exempt safety valve report is published",
    "cancelled": "northby Cabinet, 45 days ahead: the meeting is cancelled and its agenda withdrawn",
    "newly_withheld": "westerham Executive, 20 days ago: an exempt appendix is added (paragraph 3)",
}


def _edition_2(sites: dict[str, Site]) -> None:
    n, s, w = sites["northby"], sites["southshire"], sites["westerham"]
    forum, cabinet = n.committees[0], n.committees[1]
    doc = next(it for it in forum.meetings[6].items if it.docs).docs[0]
    doc.revision = 2
    plan = next(it for it in cabinet.meetings[5].items if it.title == "High Needs Block Deficit Management Plan")
    plan.docs = [d for d in plan.docs if not d.title.startswith("Appendix A")]
    item = next(it for it in s.committees[1].meetings[4].items if it.send)
    item.ws_restricted = True
    item.text = (
        "This report contains exempt information by virtue of paragraph 3 of Part 1 of Schedule 12A "
        "to the Local Government Act 1972."
    )
    sv = next(it for it in cabinet.meetings[4].items if it.title.startswith("Safety Valve"))
    sv.ws_restricted, sv.expect = False, None
    sv.text = "Progress against the conditions of the safety valve agreement with the Department for Education."
    for d in sv.docs:
        d.exempt_paragraph, d.restricted, d.restrictions_ref, d.revision = None, False, "", 2
    sv.doc_expect = {}
    upcoming = cabinet.meetings[7]
    upcoming.status, upcoming.items = "Cancelled", []
    exec_item = next(it for it in w.committees[1].meetings[4].items if it.send)
    exec_item.docs.append(
        Doc(
            exec_item.aid * 10,
            "Exempt appendix - placement costs",
            "send_sufficiency",
            "Exempt appendix - placement costs.pdf",
            reasons="By virtue of paragraph(s) 3 of Part 1 of Schedule 12A of the Local Government Act 1972.",
        )
    )
