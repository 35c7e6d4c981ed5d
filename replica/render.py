"""Render the replica's pages the way ModernGov renders them (web-service XML and HTML)."""

from __future__ import annotations

import html
from datetime import date, timedelta
from urllib.parse import quote

from replica.content import Doc, Item, Meeting, Site


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _x(text) -> str:
    """XML text the web service way: HTML in text is entity-escaped; titles are double-encoded."""
    return html.escape(str(text), quote=False)


def _title2(text: str) -> str:
    """Titles come double-encoded (Members&amp;#39; Question Time)."""
    return _x(text.replace("'", "&#39;"))


def _dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _long(d: date) -> str:
    day = d.day
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{d.strftime('%A')}, {day}{suffix} {d.strftime('%B')}, {d.year}"


def _empty() -> str:
    return "\n    "


# ---------------------------------------------------------------- web service


def committees_xml(site: Site) -> str:
    rows = "".join(
        f"""  <committee>
    <committeeid>{c.cid}</committeeid>
    <committeetitle>{_title2(c.title)}</committeetitle>
    <committeedeleted>False</committeedeleted>
    <committeeexpired>False</committeeexpired>
    <committeecategory>{_x(c.category)}</committeecategory>
  </committee>
"""
        for c in site.committees
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<committees>\n  <committeescount> {len(site.committees)}'
        f"</committeescount>\n{rows}</committees>\n"
    )


def meetings_xml(site: Site, cid: int, anchor: date, since: date | None, until: date | None) -> str:
    c = next(c for c in site.committees if c.cid == cid)
    ms = [
        m for m in c.meetings if (since is None or m.day(anchor) >= since) and (until is None or m.day(anchor) <= until)
    ]
    rows = "".join(
        f"""      <meeting>
        <meetingid>{m.mid}</meetingid>
        <meetingdate>{_dmy(m.day(anchor))}</meetingdate>
        <meetingstatus>{_x(m.status)}</meetingstatus>
        <meetingtime>{m.time}</meetingtime>
        <iswebcast>False</iswebcast>
      </meeting>
"""
        for m in ms
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<getmeetings>
  <meetingscount> {len(ms)}</meetingscount>
  <committeescount> 1</committeescount>
  <committee>
    <committeeid>{c.cid}</committeeid>
    <committeetitle>{_title2(c.title)}</committeetitle>
    <committeemeetingcount> {len(ms)}</committeemeetingcount>
    <committeemeetings>
{rows}    </committeemeetings>
  </committee>
</getmeetings>
"""


def _linkeddoc(base: str, site: Site, d: Doc, it: Item, m: Meeting, ctitle: str, anchor: date) -> str:
    return f"""        <linkeddoc>
          <attachmentid>{d.att}</attachmentid>
          <title>{_title2(d.title)}</title>
          <isurl>False</isurl>
          <url>{_x(base)}/mgConvert2PDF.aspx?ID={d.att}</url>
          <isrestricted>{d.restricted}</isrestricted>
          <restrictionsRef>{_x(d.restrictions_ref) or _empty()}</restrictionsRef>
          <itemnum>1</itemnum>
          <publicationdate>{_dmy(m.day(anchor) + timedelta(days=d.revision - 1))}</publicationdate>
          <meetingdate>{_dmy(m.day(anchor))}</meetingdate>
          <decisiondate>{_dmy(m.day(anchor))}</decisiondate>
          <committeetitle>{_x(ctitle)}</committeetitle>
          <isdecisionattachment>False</isdecisionattachment>
          <ownertitle>{_title2(it.title)}</ownertitle>
        </linkeddoc>
"""


def meeting_xml(base: str, site: Site, m: Meeting, ctitle: str, anchor: date) -> str:
    d = m.day(anchor)
    items = []
    for pos, it in enumerate(m.items, 2):
        docs = "".join(_linkeddoc(base, site, doc, it, m, ctitle, anchor) for doc in it.docs)
        minutes_html = _x('<div class="WordSection1"><p class="MsoNormal">' + html.escape(it.minutes) + "</p></div>")
        minutes = f"\n      <minutesnonemptyhtmlbody>{minutes_html}</minutesnonemptyhtmlbody>" if it.minutes else ""
        agenda_html = _x('<div class="Section1"><p class="MsoNormal">' + html.escape(it.text) + "</p></div>")
        items.append(f"""    <agendaitem>
      <agendaitemid>{it.aid}</agendaitemid>
      <agendaitemtitle>{_title2(it.title)}</agendaitemtitle>
      <agendatext>{agenda_html}
</agendatext>
      <actualmeetingdate>{_dmy(d)}</actualmeetingdate>
      <agendaitemnumber>{pos}</agendaitemnumber>
      <agendaitemsubnumber>{_empty()}</agendaitemsubnumber>
      <fulldisplaynumberformat>{it.number}</fulldisplaynumberformat>{minutes}
      <isrestricted>{it.ws_restricted}</isrestricted>
      <isdisplayallowed>True</isdisplayallowed>
      <meetingdate>{_dmy(d)}</meetingdate>
      <meetingtime>{m.time}</meetingtime>
      <minutesitemnumber>{it.number.rstrip(".")}</minutesitemnumber>
      <refertocommittee>{_x(ctitle)}</refertocommittee>
      <linkeddocuments>
{docs}      </linkeddocuments>
    </agendaitem>
""")
    published = "False" if m.cancelled else "True"
    return f"""<?xml version="1.0" encoding="utf-8"?>
<meeting>
  <meetingid>{m.mid}</meetingid>
  <meetingdate>{_dmy(d)}</meetingdate>
  <meetingstatus>{_x(m.status)}</meetingstatus>
  <isdisplayallowed>True</isdisplayallowed>
  <meetingtime>{m.time}</meetingtime>
  <meetinglocation>Council Chamber, {_x(site.name.split(" ")[0])} Civic Centre</meetinglocation>
  <iswebcast>False</iswebcast>
  <agendaid>{m.mid}</agendaid>
  <agendapublished>{published}</agendapublished>
  <decisionpublished>False</decisionpublished>
  <minutepublished>{published}</minutepublished>
  <meetingroom>{_empty()}</meetingroom>
  <agendaitems>
{"".join(items)}  </agendaitems>
</meeting>
"""


# ---------------------------------------------------------------- HTML


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title></head>
<body><div id="modgov">{body}
<div class="mgFooter"><p>&nbsp;</p></div></div></body></html>
"""


def _prefix(site: Site) -> str:
    """Relative link prefix: real installs with cookieless sessions put a session segment in links."""
    return "(X(1)S(fkn0jfigeevz5oferbjpjk55))/" if site.session_links else ""


def committees_html(site: Site) -> str:
    pre = _prefix(site)
    lis = "".join(
        f'<li><a href="{pre}mgCommitteeDetails.aspx?ID={c.cid}">{_e(c.title)}</a></li>\n' for c in site.committees
    )
    return _page(
        f"{site.name} - Committee structure",
        f"""
<div class="mgHeader"><h1 class="mgMainTitleTxt">Committee structure</h1></div>
<div class="mgContent"><ul class="mgBulletList">
{lis}</ul></div>""",
    )


def meetings_html(site: Site, cid: int, anchor: date) -> str:
    c = next(c for c in site.committees if c.cid == cid)
    pre = _prefix(site)
    lis = []
    for m in sorted(c.meetings, key=lambda m: m.offset, reverse=True):
        d = m.day(anchor)
        q = f"CommitteeId={cid}&amp;MID={m.mid}" if site.upper_mid else f"CId={cid}&amp;MId={m.mid}"
        label = f"{d.day} {d.strftime('%b')} {d.year} {m.time}"
        extra = " CANCELLED" if m.cancelled else ""
        lis.append(f'<li><a href="{pre}ieListDocuments.aspx?{q}&amp;Ver=4">{label}{extra}</a></li>\n')
    return _page(
        f"Browse meetings - {c.title}",
        f"""
<div class="mgHeader"><h1 class="mgMainTitleTxt">Browse meetings - {_e(c.title)}</h1></div>
<div class="mgContent"><ul class="mgCalendarCommitteeList">
{"".join(lis)}</ul></div>""",
    )


def doc_href(site: Site, d: Doc) -> str:
    if site.static_docs:
        return f"documents/s{d.att}/{d.filename}"  # literal spaces, as real installs write them
    return f"mgConvert2PDF.aspx?ID={d.att}"


def pack_href(site: Site, m: Meeting, t: int, label: str, anchor: date) -> str:
    if site.static_docs:
        d = m.day(anchor)
        return f"documents/g{m.mid}/{label} {d.strftime('%d')}th-{d.strftime('%b-%Y')} 14.00.pdf?T={t}"
    return f"mgConvert2PDF.aspx?ID={m.mid}&amp;T={t}"


def reasons_href(m: Meeting, it: Item, rpid: int) -> str:
    return f"mgReasonsRestricted.aspx?ID={m.mid + 5000}&amp;OID={it.aid}&amp;OT=A&amp;RPID={rpid}&amp;BM=AI{it.aid}"


def _size(n: int | None, fallback: str) -> str:
    if n is None:
        return fallback
    return f"PDF {n / 1048576:.1f} MB" if n >= 1048576 else f"PDF {max(1, round(n / 1024))} KB"


def agenda_html(site: Site, m: Meeting, ctitle: str, anchor: date, size_of=None) -> str:
    """size_of(kind, ident) -> bytes of a document or pack, for the sizes the page shows."""
    size_of = size_of or (lambda kind, ident: None)
    d = m.day(anchor)
    pre = _prefix(site)
    heading = f"{_e(ctitle)} - {_long(d)} {m.time}"
    links = [f'<li><a href="{pre}mgMeetingAttendance.aspx?ID={m.mid}">Attendance details</a></li>']
    if not m.cancelled:
        links.append(
            f'<li><a href="{pack_href(site, m, 0, "Agenda frontsheet", anchor)}">Agenda frontsheet '
            f'<span class="mgFileSize"><img src="mgimages/logo-pdf-1.gif" alt="pdf icon" /> {_size(size_of("pack", (m.mid, 0)), "PDF 96 KB")}</span></a></li>'
        )
        links.append(
            f'<li><a href="{pack_href(site, m, 10, "Agenda reports pack", anchor)}">Agenda reports pack '
            f'<span class="mgFileSize"><img src="mgimages/logo-pdf-1.gif" alt="pdf icon" /> {_size(size_of("pack", (m.mid, 10)), "PDF 2 MB")}</span></a></li>'
        )
        if m.offset < 0:
            links.append(
                f'<li><a href="{pack_href(site, m, 1, "Printed minutes", anchor)}">Printed minutes '
                f'<span class="mgFileSize"><img src="mgimages/logo-pdf-1.gif" alt="pdf icon" /> {_size(size_of("pack", (m.mid, 1)), "PDF 180 KB")}</span></a></li>'
            )
    rows = []
    for it in m.items:
        title = _e(it.title)
        main = next((doc for doc in it.docs if not doc.restricted and not doc.reasons), None)
        if main:
            title = f'<a class="mgAiTitleLnk" href="{doc_href(site, main)}">{title}</a>'
        parts = [f'<p class="mgAiTitleTxt">{title}</p>']
        if it.reasons:
            parts.append(
                f'<p><a href="{reasons_href(m, it, 0)}" title="View the reasons why item '
                f'{_e(it.number)} is restricted">View the reasons why item {_e(it.number)} is restricted</a></p>'
            )
        parts.append(
            f'<div class="mgWordPara"><div class="WordSection1"><p class="MsoNormal">{_e(it.text)}</p></div></div>'
        )
        docs = []
        for n, doc in enumerate(it.docs, 1):
            if doc.reasons:
                label = f"{it.number}/{n}"
                docs.append(
                    f'<li><a href="{reasons_href(m, it, doc.att)}" title="View the reasons why document '
                    f'{_e(label)} is restricted">View the reasons why document {_e(label)} is restricted</a></li>'
                )
            elif doc.restricted:
                continue  # restricted documents are not listed publicly
            else:
                docs.append(
                    f'<li><a href="{doc_href(site, doc)}" title="Link&#32;to&#32;file&#32;{_e(doc.title)}">'
                    f'{_e(doc.title)} <span class="mgFileSize"><img alt="pdf icon" src="mgimages/logo-pdf-1.gif" /> '
                    f"{_size(size_of('doc', doc.att), 'PDF 40 KB')}</span></a></li>"
                )
        if docs:
            parts.append(
                '<p class="mgSubItemTitleTxt">Additional documents:</p>\n<ul class="mgBulletList">'
                + "".join(docs)
                + "</ul>"
            )
        if it.minutes:
            parts.append(
                '<p class="mgSubItemTitleTxt">Minutes:</p>'
                f'<div class="mgWordPara"><p class="MsoNormal">{_e(it.minutes)}</p></div>'
            )
        rows.append(f"""<tr><td class="mgItemNumberCell"><p class="mgAiTitleTxt"><a name="AI{it.aid}"></a>{_e(it.number)}</p></td>
<td>{"".join(parts)}</td></tr>""")
    cancelled = '<p class="mgCancelled">This meeting has been cancelled.</p>' if m.cancelled else ""
    return _page(
        heading,
        f"""
<div class="mgHeader"><h1 class="mgMainTitleTxt">Agenda and minutes</h1></div>
<div class="mgSubTitle"><h2 class="mgSubTitleTxt">{heading}{" - CANCELLED" if m.cancelled else ""}</h2></div>
<div class="mgLinks"><ul class="mgActionList">{"".join(links)}</ul></div>
<div class="mgContent">{cancelled}
<p><span class="mgLabel">Venue: </span>Council Chamber, Civic Centre</p>
<p><span class="mgLabel">Contact: </span>Democratic Services</p>
<table class="mgItemTable"><tr><th>No.</th><th>Item</th></tr>
{"".join(rows)}
</table></div>""",
    )


def reasons_html(sentence: str, title: str) -> str:
    return _page(
        "Reasons restricted",
        f"""
<div class="mgHeader"><h1 class="mgMainTitleTxt">Reasons restricted</h1></div>
<div class="mgContent"><h2 class="mgSubTitleTxt">{_e(title)}</h2>
<p>{_e(sentence)}</p>
<h3 class="mgSubSubTitleTxt">Explanation of Reasons</h3>
<ul><li>{_e(sentence.replace("By virtue of paragraph(s)", "By Virtue of Paragraph").split(" of Part")[0])}</li></ul>
</div>""",
    )


def error_page() -> str:
    """ModernGov's own error page, served with status 200."""
    return _page(
        "Error",
        """
<div class="mgHeader"><h1 class="mgMainTitleTxt">Error</h1></div>
<p>Sorry, an error has occurred. Please try again later.</p>""",
    ).replace('<div id="modgov">', "<div>")


def quote_path(path: str) -> str:
    return quote(path)
