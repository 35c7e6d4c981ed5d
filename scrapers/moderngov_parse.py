"""Pure parsers for ModernGov: web-service XML and HTML pages in, items out.

No Scrapy engine here, only parsel selectors, so every function is tested on saved bytes.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from parsel import Selector

from scrapers.items import (
    AgendaItemItem,
    CommitteeItem,
    DocumentItem,
    MeetingItem,
    WithheldItem,
)
from sendwatch import constants as C
from sendwatch.exempt import (
    excluded_item_numbers,
    is_exclusion_resolution,
    normalise_number,
    parse_exemption,
    says_withheld,
)
from sendwatch.topic import send_terms
from sendwatch.urls import attachment_id, canonical, meeting_url, pack_key, params, strip_session


class UnexpectedStructure(ValueError):
    """A page or response did not have the shape a ModernGov site gives."""


# ---------------------------------------------------------------- text helpers

_BLOCK_END = re.compile(r"</(?:p|div|li|h\d|tr|table|ul|ol)>|<br\s*/?>", re.IGNORECASE)


def html_to_text(fragment: str | None) -> str:
    """Plain text of an HTML fragment, paragraphs kept as lines."""
    if not fragment or not fragment.strip():
        return ""
    marked = _BLOCK_END.sub(lambda m: m.group(0) + "\n", fragment)
    text = "".join(Selector(text=f"<div>{marked}</div>").xpath("//text()").getall())
    text = html.unescape(text).replace("\xa0", " ")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def unescape_twice(text: str | None) -> str:
    """Web-service titles are double-encoded (Members&amp;#39; -> Members')."""
    return html.unescape(html.unescape(text or "")).strip()


def clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def flag(text: str | None) -> bool | None:
    t = (text or "").strip().lower()
    return True if t == "true" else False if t == "false" else None


_MONTHS = {
    m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)
}


def parse_date(text: str | None) -> str | None:
    """ISO date from dd/mm/yyyy, '14th March, 2024', '14 Mar 2024' (with any weekday)."""
    if not text:
        return None
    text = html.unescape(text)
    m = re.search(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", text)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
        except ValueError:
            return None
    m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b", text)
    if m and m.group(2)[:3].lower() in _MONTHS:
        try:
            return date(int(m.group(3)), _MONTHS[m.group(2)[:3].lower()], int(m.group(1))).isoformat()
        except ValueError:
            return None
    return None


def ws_date(d: str | date) -> str:
    """The web service wants dd/mm/yyyy; ISO dates make it ignore the range."""
    if isinstance(d, str):
        d = datetime.strptime(d, "%Y-%m-%d").date()
    return d.strftime("%d/%m/%Y")


def _xml(body: bytes | str, root: str, url: str) -> Selector:
    from lxml import etree

    data = body if isinstance(body, bytes) else body.encode("utf-8")
    try:  # strict: a cut-off or garbled answer must fail, not be read in part (lxml recover mode)
        etree.fromstring(data, etree.XMLParser(recover=False, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise UnexpectedStructure(f"malformed XML from {url}: {exc}") from exc
    try:
        sel = Selector(text=body.decode("utf-8-sig", "replace") if isinstance(body, bytes) else body, type="xml")
    except Exception as exc:  # lxml raises several types on malformed XML
        raise UnexpectedStructure(f"malformed XML from {url}: {exc}") from exc
    if not sel.xpath(f"/{root}"):
        found = sel.xpath("name(/*)").get()
        raise UnexpectedStructure(f"expected <{root}> from {url}, got <{found}>")
    return sel


def _t(sel: Selector, path: str) -> str | None:
    value = sel.xpath(f"string({path})").get()
    return value.strip() if value is not None and value.strip() else None


# ---------------------------------------------------------------- bundle of one meeting


@dataclass
class MeetingBundle:
    meeting: MeetingItem
    items: list[AgendaItemItem] = field(default_factory=list)
    documents: list[DocumentItem] = field(default_factory=list)
    withheld: list[WithheldItem] = field(default_factory=list)
    # (reasons URL, item id, item number, item title, attachment id or None, document title)
    reasons_links: list[tuple[str, str | None, str | None, str | None, str | None, str | None]] = field(
        default_factory=list
    )

    @property
    def send_related(self) -> bool:
        return any(i.send_terms for i in self.items)


def document_kind(title: str, url: str) -> str:
    t = title.lower()
    key = pack_key(url)
    if "frontsheet" in t or (key and key[1] == "0"):
        return C.DOC_AGENDA_FRONTSHEET
    if "reports pack" in t or "report pack" in t or (key and key[1] in ("10", "pack")):
        return C.DOC_REPORTS_PACK
    if "minutes" in t and key:
        return C.DOC_MINUTES
    if "decision" in t and key:
        return C.DOC_DECISIONS
    if key:
        return C.DOC_SUPPLEMENT
    return C.DOC_REPORT


# ---------------------------------------------------------------- web service


def parse_committees_xml(body: bytes, council: str, base: str, url: str = "") -> list[CommitteeItem]:
    sel = _xml(body, "committees", url)
    out = []
    for c in sel.xpath("/committees/committee"):
        cid = _t(c, "committeeid")
        if not cid:
            continue
        if flag(_t(c, "committeedeleted")):
            continue
        out.append(
            CommitteeItem(
                council=council,
                committee_id=cid,
                title=unescape_twice(_t(c, "committeetitle")),
                category=clean(unescape_twice(_t(c, "committeecategory"))),
                expired=flag(_t(c, "committeeexpired")),
                url=f"{base}/mgCommitteeDetails.aspx?ID={cid}",
            )
        )
    return out


def parse_meetings_xml(body: bytes, council: str, base: str, url: str = "") -> list[MeetingItem]:
    sel = _xml(body, "getmeetings", url)
    out = []
    for c in sel.xpath("/getmeetings/committee"):
        cid = _t(c, "committeeid")
        ctitle = unescape_twice(_t(c, "committeetitle"))
        for m in c.xpath("committeemeetings/meeting"):
            mid = _t(m, "meetingid")
            if not mid:
                continue
            out.append(_ws_meeting(m, council, base, cid, ctitle))
    return out


def _ws_meeting(m: Selector, council: str, base: str, cid: str | None, ctitle: str | None) -> MeetingItem:
    """A <meeting> element of GetMeetings or GetMeeting (the same field names in both)."""
    mid = _t(m, "meetingid")
    return MeetingItem(
        council=council,
        meeting_id=mid,
        committee_id=cid,
        committee_title=ctitle,
        date=parse_date(_t(m, "meetingdate")),
        time=_t(m, "meetingtime"),
        status=clean(_t(m, "meetingstatus")),
        url=meeting_url(base, cid, mid),
        read_via=C.VIA_WEB_SERVICE,
        location=clean(unescape_twice(_t(m, "meetinglocation"))),
    )


def parse_meeting_xml(
    body: bytes, council: str, base: str, committee_id: str | None, committee_title: str | None, url: str = ""
) -> MeetingBundle:
    sel = _xml(body, "meeting", url)
    m = sel.xpath("/meeting")[0]
    mid = _t(m, "meetingid")
    if not mid:
        raise UnexpectedStructure(f"no <meetingid> in {url}")
    meeting = _ws_meeting(m, council, base, committee_id, committee_title)
    murl = meeting.url
    bundle = MeetingBundle(meeting)
    for pos, ai in enumerate(m.xpath("agendaitems/agendaitem"), 1):
        item_id = _t(ai, "agendaitemid")
        if not item_id:
            continue
        title = unescape_twice(_t(ai, "agendaitemtitle")) or "(untitled item)"
        agenda_text = html_to_text(ai.xpath("string(agendatext)").get())
        minutes_text = html_to_text(ai.xpath("string(minutesnonemptyhtmlbody)").get()) or None
        number = clean(_t(ai, "fulldisplaynumberformat")) or clean(_t(ai, "agendaitemnumber"))
        try:
            position = int(_t(ai, "agendaitemnumber") or pos)
        except ValueError:
            position = pos
        item = AgendaItemItem(
            council=council,
            meeting_id=mid,
            item_id=item_id,
            number=number,
            position=position,
            title=title,
            agenda_text=agenda_text or None,
            minutes_text=minutes_text,
            url=f"{murl}#AI{item_id}",
            restricted=flag(_t(ai, "isrestricted")),
            send_terms=send_terms(title, agenda_text),
        )
        bundle.items.append(item)
        for d in ai.xpath("linkeddocuments/linkeddoc"):
            att = _t(d, "attachmentid")
            durl = _t(d, "url")
            dtitle = unescape_twice(_t(d, "title")) or "(untitled document)"
            if not durl and att:
                durl = f"{base}/mgConvert2PDF.aspx?ID={att}"
            if not durl:
                continue
            dterms = send_terms(dtitle)
            bundle.documents.append(
                DocumentItem(
                    council=council,
                    meeting_id=mid,
                    item_id=item_id,
                    kind=C.DOC_REPORT,
                    title=dtitle,
                    url=canonical(durl),
                    attachment_id=att or attachment_id(durl),
                    publication_date=parse_date(_t(d, "publicationdate")),
                    restricted=flag(_t(d, "isrestricted")),
                    restrictions_ref=clean(unescape_twice(_t(d, "restrictionsRef"))),
                    send_terms=dterms,
                    send_related=bool(dterms or item.send_terms),
                )
            )
    bundle.withheld = find_withheld(bundle)
    return bundle


# ---------------------------------------------------------------- HTML pages


def parse_committees_html(text: str, council: str, base: str) -> list[CommitteeItem]:
    sel = Selector(text=text)
    out: dict[str, CommitteeItem] = {}
    for a in sel.css("a[href]"):
        href = a.attrib["href"]
        if not re.search(r"(mgCommitteeDetails|ieListMeetings)\.aspx", href, re.I):
            continue
        p = params(href)
        cid = p.get("CId") or p.get("ID")
        title = clean(" ".join(a.xpath(".//text()").getall()))
        if cid and title and cid not in out:
            out[cid] = CommitteeItem(
                council=council, committee_id=cid, title=title, url=f"{base}/mgCommitteeDetails.aspx?ID={cid}"
            )
    if not out and not sel.css("#modgov, .mgContent"):
        raise UnexpectedStructure("no committee links and no ModernGov content")
    return list(out.values())


def parse_meetings_html(
    text: str, council: str, base: str, committee_id: str, committee_title: str | None
) -> list[MeetingItem]:
    sel = Selector(text=text)
    out: dict[str, MeetingItem] = {}
    for a in sel.css("a[href]"):
        href = a.attrib["href"]
        if not re.search(r"ieListDocuments\.aspx", href, re.I):
            continue
        p = params(href)
        mid = p.get("MId")
        if not mid or mid in out:
            continue
        label = " ".join(a.xpath(".//text()").getall() + a.xpath("../text()").getall())
        status = "Cancelled" if re.search(r"cancel", label, re.I) else None
        out[mid] = MeetingItem(
            council=council,
            meeting_id=mid,
            committee_id=p.get("CId") or committee_id,
            committee_title=committee_title,
            date=parse_date(label),
            time=_time(label),
            status=status,
            url=meeting_url(base, p.get("CId") or committee_id, mid),
            read_via=C.VIA_HTML,
        )
    if not out and not sel.css("#modgov, .mgContent"):
        raise UnexpectedStructure("no meeting links and no ModernGov content")
    return list(out.values())


def _time(text: str) -> str | None:
    m = re.search(r"\b(\d{1,2}[.:]\d{2}\s*[ap]m)\b", text or "", re.I)
    return m.group(1) if m else None


def _split_heading(heading: str) -> tuple[str | None, str | None]:
    """'Schools Forum - Thursday, 14th March, 2024 2.00 pm' -> (committee title, ISO date)."""
    heading = clean(heading) or ""
    when = parse_date(heading)
    m = re.match(r"(.*?)\s+-\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", heading)
    title = m.group(1) if m else heading.split(" - ")[0]
    title = re.sub(r"^.*?,\s*(?=[^,]+$)", "", title) if title.count(",") and "Moved from" in title else title
    return (clean(title), when)


def parse_agenda_html(
    text: str,
    council: str,
    base: str,
    page_url: str,
    committee_id: str | None = None,
    committee_title: str | None = None,
    meeting_date: str | None = None,
) -> MeetingBundle:
    """ieListDocuments.aspx: meeting heading, packs, items with text, documents and restriction links."""
    sel = Selector(text=text)
    root = sel.css("#modgov") or sel
    p = params(page_url)
    mid = p.get("MId")
    if not mid:
        raise UnexpectedStructure(f"no MId in meeting URL {page_url}")
    cid = p.get("CId") or committee_id
    heading = clean(" ".join(root.css("h2.mgSubTitleTxt ::text, .mgSubTitle ::text").getall())) or ""
    if not heading and not root.css(".mgContent, table.mgItemTable, a[name^=AI]"):
        raise UnexpectedStructure("no meeting heading and no agenda items: not a ModernGov agenda page")
    h_title, h_date = _split_heading(heading)
    page_text = " ".join(root.css(".mgContent ::text, .mgSubTitle ::text, .mgHeader ::text").getall())
    cancelled = bool(re.search(r"\bcancell?ed\b", heading + " " + page_text[:2000], re.I))
    venue = clean(
        " ".join(
            root.xpath("//span[contains(@class,'mgLabel')][contains(.,'Venue')]/following-sibling::text()").getall()
        )
    )
    murl = meeting_url(base, cid, mid)
    meeting = MeetingItem(
        council=council,
        meeting_id=mid,
        committee_id=cid,
        committee_title=committee_title or h_title,
        date=meeting_date or h_date,
        time=_time(heading),
        status="Cancelled" if cancelled else None,
        url=murl,
        read_via=C.VIA_HTML,
        location=venue,
    )
    bundle = MeetingBundle(meeting)

    # Meeting-level packs in the action list.
    for a in root.css(".mgLinks a[href], ul.mgActionList a[href]"):
        href = a.attrib["href"]
        key = pack_key(href)
        if not key:
            continue
        title = clean(" ".join(a.xpath("./text()").getall())) or "Meeting document"
        size = clean(" ".join(a.css(".mgFileSize ::text").getall()))
        bundle.documents.append(
            DocumentItem(
                council=council,
                meeting_id=mid,
                item_id=None,
                kind=document_kind(title, href),
                title=title,
                url=canonical(_join(page_url, href)),
                pack_type=key[1],
                listed_size=size,
            )
        )

    anchors = root.xpath("//a[starts-with(@name,'AI')]")
    for pos, anchor in enumerate(anchors, 1):
        item_id = anchor.attrib["name"][2:]
        row = anchor.xpath("ancestor::tr[1]")
        container = row[0] if row else anchor.xpath("ancestor::*[contains(@class,'mgAiTitleTxt')][1]/..")[0]
        number = clean("".join(container.css(".mgItemNumberCell ::text").getall())) or clean(
            "".join(anchor.xpath("../text()").getall())
        )
        titles = [clean(" ".join(t.xpath(".//text()").getall())) for t in container.css("p.mgAiTitleTxt")]
        titles = [t for t in titles if t and t != number]
        title = titles[-1] if titles else "(untitled item)"
        agenda_text, minutes_text = _item_texts(container)
        item = AgendaItemItem(
            council=council,
            meeting_id=mid,
            item_id=item_id,
            number=number,
            position=pos,
            title=title,
            agenda_text=agenda_text,
            minutes_text=minutes_text,
            url=f"{murl}#AI{item_id}",
            restricted=None,
            send_terms=send_terms(title, agenda_text),
        )
        bundle.items.append(item)
        for a in container.css("a[href]"):
            href = a.attrib["href"]
            label = clean(" ".join(a.xpath("./text()").getall())) or ""
            if re.search(r"mgReasonsRestricted\.aspx", href, re.I):
                rp = params(href)
                att = rp.get("RPID")
                att = None if att in (None, "", "0") else att
                doc_title = _restricted_doc_title(a) if att else None
                bundle.reasons_links.append(
                    (canonical(_join(page_url, href)), rp.get("OID") or item_id, number, title, att, doc_title)
                )
                if not att:
                    item.restricted = True
                continue
            if not re.search(r"(^|/)documents/|mgConvert2PDF\.aspx|mgChooseDocPack", href, re.I):
                continue
            full = _join(page_url, href)
            dterms = send_terms(label)
            bundle.documents.append(
                DocumentItem(
                    council=council,
                    meeting_id=mid,
                    item_id=item_id,
                    kind=C.DOC_REPORT,
                    title=label or "(untitled document)",
                    url=canonical(full),
                    attachment_id=attachment_id(full),
                    listed_size=clean(" ".join(a.css(".mgFileSize ::text").getall())),
                    send_terms=dterms,
                    send_related=bool(dterms or item.send_terms),
                )
            )
    if not anchors and not cancelled and not root.css(".mgContent"):
        raise UnexpectedStructure("agenda page has no items and no content")
    bundle.documents = _merge_duplicates(bundle.documents)
    bundle.withheld = find_withheld(bundle)
    return bundle


def _merge_duplicates(docs: list[DocumentItem]) -> list[DocumentItem]:
    """A report linked from its item title and again in the document list is one document."""
    out: dict[str, DocumentItem] = {}
    for d in docs:
        seen = out.get(d.url)
        if seen is None:
            out[d.url] = d
            continue
        seen.listed_size = seen.listed_size or d.listed_size
        if len(d.title) > len(seen.title) and d.listed_size:
            seen.title = d.title
    return list(out.values())


def _restricted_doc_title(a: Selector) -> str | None:
    title = a.attrib.get("title") or " ".join(a.xpath("./text()").getall())
    m = re.search(r"document\s+(.+?)\s+is restricted", html.unescape(title), re.I)
    # The agenda names a restricted document only by its number ("document 44./3").
    return f"document {clean(m.group(1))}" if m else clean(html.unescape(title))


def _item_texts(container: Selector) -> tuple[str | None, str | None]:
    """Agenda text is the mgWordPara before any 'Minutes:'/'Decision:' label; minutes after it."""
    agenda, minutes, mode = [], [], "agenda"
    for node in container.xpath(".//*[contains(@class,'mgWordPara') or contains(@class,'mgSubItemTitleTxt')]"):
        cls = node.attrib.get("class", "")
        if "mgSubItemTitleTxt" in cls:
            label = " ".join(node.xpath(".//text()").getall()).lower()
            mode = (
                "minutes"
                if ("minutes" in label or "decision" in label)
                else ("skip" if "additional documents" in label else mode)
            )
            continue
        if node.xpath("ancestor::*[contains(@class,'mgWordPara')]"):
            continue
        text = html_to_text(node.get())
        (minutes if mode == "minutes" else agenda).append(text)
    return ("\n".join(t for t in agenda if t) or None, "\n".join(t for t in minutes if t) or None)


def _join(page_url: str, href: str) -> str:
    from urllib.parse import urljoin

    return urljoin(strip_session(page_url), strip_session(href.strip()))


def parse_reasons_html(text: str):
    """mgReasonsRestricted.aspx: the sentence citing Schedule 12A paragraphs."""
    sel = Selector(text=text)
    body = html_to_text(" ".join((sel.css(".mgContent") or sel.css("#modgov") or sel.css("body") or [sel])[0].getall()))
    # Each block of the page is its own statement: headings carry no full stop to split on.
    found = [e for e in (parse_exemption(line) for line in body.split("\n")) if e]
    return next((e for e in found if e.paragraphs), found[0] if found else None)


# ---------------------------------------------------------------- withholding found on the agenda


def find_withheld(bundle: MeetingBundle) -> list[WithheldItem]:
    """Withheld items and documents visible in one meeting's agenda (not the reasons pages)."""
    m = bundle.meeting
    out: list[WithheldItem] = []
    items = sorted(bundle.items, key=lambda i: i.position)
    by_number = {normalise_number(i.number): i for i in items if i.number}

    def add(
        item: AgendaItemItem | None,
        source: str,
        exemption=None,
        doc: DocumentItem | None = None,
        reason: str | None = None,
    ):
        send = bool((item and item.send_terms) or (doc and doc.send_related))
        out.append(
            WithheldItem(
                council=m.council,
                meeting_id=m.meeting_id,
                source=source,
                item_id=item.item_id if item else (doc.item_id if doc else None),
                item_number=item.number if item else None,
                item_title=item.title if item else None,
                attachment_id=doc.attachment_id if doc else None,
                document_title=doc.title if doc else None,
                paragraphs=exemption.paragraphs if exemption else [],
                jurisdiction=exemption.jurisdiction if exemption else None,
                reason=(exemption.sentence if exemption else None) or reason,
                send_related=send,
            )
        )

    for i, item in enumerate(items):
        text = "\n".join(t for t in (item.title, item.agenda_text) if t)
        if is_exclusion_resolution(item.title):
            resolution = "\n".join(t for t in (item.agenda_text, item.minutes_text) if t)
            exemption = parse_exemption(resolution)
            named = [by_number[n] for n in excluded_item_numbers(resolution) if n in by_number]
            covered = named or items[i + 1 :]
            for other in covered:
                if other is not item:
                    add(
                        other,
                        C.WITHHELD_EXCLUSION,
                        exemption,
                        reason=exemption.sentence if exemption else clean(resolution),
                    )
            continue
        if item.restricted and m.read_via == C.VIA_WEB_SERVICE:
            add(item, C.WITHHELD_WEB_SERVICE, parse_exemption(text), reason="isrestricted=True")
        if says_withheld(item.title) or _description_withholds(item.agenda_text):
            exemption = parse_exemption(text)
            add(item, C.WITHHELD_AGENDA_TEXT, exemption)
    by_item = {i.item_id: i for i in items}
    for doc in bundle.documents:
        item = by_item.get(doc.item_id)
        if doc.restricted:
            exemption = parse_exemption(doc.restrictions_ref) or (
                parse_exemption(doc.restrictions_ref + " of Schedule 12A") if doc.restrictions_ref else None
            )
            add(item, C.WITHHELD_WEB_SERVICE, exemption, doc, reason=doc.restrictions_ref or "isrestricted=True")
        elif says_withheld(doc.title):
            add(item, C.WITHHELD_AGENDA_TEXT, parse_exemption(doc.title), doc)
    return out


def _description_withholds(text: str | None) -> bool:
    """An item's description says the report itself is kept private (not merely mentions the law)."""
    if not text:
        return False
    return bool(
        re.search(
            r"(?:contains|involves?|includes?|relates? to)\s+(?:exempt|confidential)\s+information"
            r"|\bnot for publication\b|\bexempt (?:report|item|appendix|information)\b|\bpart\s+(?:2|ii|b)\s+report\b"
            r"|by virtue of paragraphs?",
            text,
            re.I,
        )
    )
