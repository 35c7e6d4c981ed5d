"""One spider for every ModernGov council, configured by a registry row.

Route: web service (GetCommittees -> GetMeetings -> GetMeeting) where it answers, the HTML pages
(mgListCommittees -> ieListMeetings -> ieListDocuments) where it does not; the agenda page is
read in both cases for restriction links and meeting packs.
"""

from __future__ import annotations

import functools
import zlib
from datetime import date, timedelta
from urllib.parse import urlencode

import scrapy
from scrapy.exceptions import DownloadTimeoutError
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionLost, DNSLookupError, TCPTimedOutError, TimeoutError

from db import store
from scrapers import moderngov_parse as P
from scrapers.items import (
    CrawlErrorItem,
    FetchedDocument,
    ListingRead,
    MeetingRead,
    UnchangedDocument,
    WithheldItem,
)
from sendwatch import constants as C
from sendwatch.registry import Council, council_for_url, load_registry, slugify
from sendwatch.urls import canonical, moderngov_base, params

DOWNLOAD_KINDS = {C.DOC_REPORTS_PACK, C.DOC_MINUTES}


def default_window(today: date | None = None) -> tuple[str, str]:
    """From 12 months back to 2 months ahead."""
    today = today or date.today()
    return (today - timedelta(days=365)).isoformat(), (today + timedelta(days=61)).isoformat()


def guarded(stage: str):
    """Turn an exception in a callback into a crawl_errors row; the crawl goes on."""

    def wrap(fn):
        @functools.wraps(fn)
        def inner(self, response, *args, **kwargs):
            try:
                yield from fn(self, response, *args, **kwargs)
            except Exception as exc:
                self.logger.warning("%s: %s failed at %s: %s", self.council.slug, stage, response.url, exc)
                yield CrawlErrorItem(
                    self.council.slug,
                    response.url,
                    stage,
                    f"{type(exc).__name__}: {exc}",
                    response.status,
                    response.meta.get("mid"),
                )

        return inner

    return wrap


class ModernGovSpider(scrapy.Spider):
    name = "moderngov"

    def __init__(
        self,
        council: str | None = None,
        base_url: str | None = None,
        council_name: str | None = None,
        url: str | None = None,
        since: str | None = None,
        until: str | None = None,
        registry: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.council = self._resolve(council, base_url, council_name, url, registry)
        self.base = self.council.base_url.rstrip("/")
        self.allowed_domains = self.council.hosts
        d_since, d_until = default_window()
        self.since, self.until = since or d_since, until or d_until
        self.meeting_url = url
        self.read_via = None

    @staticmethod
    def _resolve(slug, base_url, name, url, registry_path) -> Council:
        registry = load_registry(registry_path) if (slug or url) else {}
        if url:
            c = council_for_url(url, registry, name)
            if slug and slug in registry and registry[slug].base_url:
                c = registry[slug]
            elif slug:
                c = Council(slug=slug, name=name or c.name, platform="moderngov", base_url=moderngov_base(url))
            return c
        if base_url:
            reg = registry.get(slug) if slug else None
            return Council(
                slug=slug or slugify(name or base_url),
                name=name or (reg.name if reg else slug or base_url),
                platform="moderngov",
                base_url=base_url.rstrip("/"),
                gss_code=reg.gss_code if reg else "",
                dfe_la_code=reg.dfe_la_code if reg else "",
                education_authority=reg.education_authority if reg else False,
            )
        if not slug:
            raise ValueError("give a council slug, --base-url or --url")
        if slug not in registry:
            raise ValueError(f"council {slug!r} is not in the registry (see `sendwatch councils`)")
        c = registry[slug]
        if c.platform != "moderngov" or not c.base_url:
            raise ValueError(
                f"council {slug!r} is on platform {c.platform!r} with base_url "
                f"{c.base_url!r}; the moderngov spider cannot crawl it"
            )
        return c

    # ------------------------------------------------------------ requests
    def _request(self, url, callback, stage, **meta):
        return scrapy.Request(
            url, callback=callback, errback=functools.partial(self.on_error, stage=stage), meta={"stage": stage, **meta}
        )

    def _ws(self, op: str, **q) -> str:
        return f"{self.base}/mgWebService.asmx/{op}" + (f"?{urlencode(q)}" if q else "")

    async def start(self):
        for req in self.start_requests():
            yield req

    def start_requests(self):
        if self.meeting_url:
            p = params(self.meeting_url)
            mid = p.get("MId")
            if not mid:
                raise ValueError(f"{self.meeting_url} is not a meeting page (ieListDocuments.aspx?...MId=N)")
            meta = {"cid": p.get("CId"), "mid": mid, "single": True}
            yield scrapy.Request(
                self._ws("GetMeeting", lMeetingId=mid),
                callback=self.parse_ws_meeting,
                errback=self.ws_meeting_fallback,
                meta=meta,
            )
            return
        yield scrapy.Request(
            self._ws("GetCommittees"),
            callback=self.parse_ws_committees,
            errback=self.html_fallback,
            meta={"stage": "web service"},
        )

    def on_error(self, failure, stage: str):
        request = failure.request
        status, reason = None, f"{failure.type.__name__}: {failure.getErrorMessage()}"
        if failure.check(HttpError):
            status = failure.value.response.status
            reason = f"HTTP {status}"
        elif failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
            reason = f"timeout after {self.settings.getint('DOWNLOAD_TIMEOUT')} s"
        elif failure.check(DNSLookupError):
            reason = "DNS lookup failed"
        elif failure.check(ConnectionLost):
            reason = "connection lost (response incomplete)"
        self.logger.warning("%s: %s failed at %s: %s", self.council.slug, stage, request.url, reason)
        yield CrawlErrorItem(self.council.slug, request.url, stage, reason, status, request.meta.get("mid"))

    # ------------------------------------------------------------ web service route
    def html_fallback(self, failure):
        self.logger.info(
            "%s: web service unavailable (%s); reading HTML pages", self.council.slug, failure.getErrorMessage()
        )
        yield from self._html_start()

    def _html_start(self):
        self.read_via = C.VIA_HTML
        yield self._request(f"{self.base}/mgListCommittees.aspx", self.parse_html_committees, "committee list")

    def parse_ws_committees(self, response):
        try:
            committees = P.parse_committees_xml(response.body, self.council.slug, self.base, response.url)
        except P.UnexpectedStructure as exc:
            if response.body.lstrip()[:40].lower().startswith((b"<?xml", b"<committees")):
                # The service answers, but broken: record it and stop; do not switch route mid-history.
                yield CrawlErrorItem(
                    self.council.slug, response.url, "web service", f"UnexpectedStructure: {exc}", response.status
                )
                return
            self.logger.info("%s: web service answered oddly (%s); reading HTML pages", self.council.slug, exc)
            yield from self._html_start()
            return
        self.read_via = C.VIA_WEB_SERVICE
        for c in committees:
            yield c
            yield self._request(
                self._ws(
                    "GetMeetings",
                    lCommitteeId=c.committee_id,
                    sFromDate=P.ws_date(self.since),
                    sToDate=P.ws_date(self.until),
                ),
                self.parse_ws_meetings,
                "meeting list (web service)",
                committee=c.title,
            )

    @guarded("meeting list (web service)")
    def parse_ws_meetings(self, response):
        meetings = P.parse_meetings_xml(response.body, self.council.slug, self.base, response.url)
        cid = P.params(response.url).get("lCommitteeId")
        if cid:
            yield ListingRead(self.council.slug, cid, self.since, self.until)
        for m in meetings:
            if not self._in_window(m.date):
                continue
            yield m
            if not self._revisit(m):
                continue
            yield self._request(
                self._ws("GetMeeting", lMeetingId=m.meeting_id),
                self.parse_ws_meeting,
                "meeting (web service)",
                cid=m.committee_id,
                ctitle=m.committee_title,
                mid=m.meeting_id,
            )

    def ws_meeting_fallback(self, failure):
        meta = failure.request.meta
        url = f"{self.base}/ieListDocuments.aspx?" + urlencode(
            {k: v for k, v in (("CId", meta.get("cid")), ("MId", meta["mid"])) if v}
        )
        yield self._request(url, self.parse_agenda, "agenda page", cid=meta.get("cid"), mid=meta["mid"], ws=False)

    @guarded("meeting (web service)")
    def parse_ws_meeting(self, response):
        meta = response.meta
        try:
            bundle = P.parse_meeting_xml(
                response.body, self.council.slug, self.base, meta.get("cid"), meta.get("ctitle"), response.url
            )
        except P.UnexpectedStructure:
            if meta.get("single"):
                yield from self.ws_meeting_fallback(type("F", (), {"request": response.request})())
                return
            raise
        yield from self._emit(bundle)
        yield MeetingRead(self.council.slug, bundle.meeting.meeting_id, "web_service", C.VIA_WEB_SERVICE)
        yield self._request(
            bundle.meeting.url,
            self.parse_agenda,
            "agenda page",
            cid=meta.get("cid"),
            mid=meta.get("mid"),
            ctitle=bundle.meeting.committee_title,
            date=bundle.meeting.date,
            ws=True,
            send=bundle.send_related,
            send_items=[i.item_id for i in bundle.items if i.send_terms],
        )

    # ------------------------------------------------------------ HTML route
    @guarded("committee list")
    def parse_html_committees(self, response):
        for c in P.parse_committees_html(response.text, self.council.slug, self.base):
            yield c
            yield self._request(
                f"{self.base}/ieListMeetings.aspx?CId={c.committee_id}&Year=0",
                self.parse_html_meetings,
                "meeting list",
                cid=c.committee_id,
                ctitle=c.title,
            )

    @guarded("meeting list")
    def parse_html_meetings(self, response):
        meta = response.meta
        meetings = P.parse_meetings_html(response.text, self.council.slug, self.base, meta["cid"], meta["ctitle"])
        yield ListingRead(self.council.slug, meta["cid"], self.since, self.until)
        for m in meetings:
            if not self._in_window(m.date):
                continue
            yield m  # listed: seen, even if its page fails below
            if not self._revisit(m):
                continue
            yield self._request(
                m.url,
                self.parse_agenda,
                "agenda page",
                cid=m.committee_id,
                mid=m.meeting_id,
                ctitle=m.committee_title,
                date=m.date,
                status=m.status,
                ws=False,
            )

    @guarded("agenda page")
    def parse_agenda(self, response):
        meta = response.meta
        bundle = P.parse_agenda_html(
            response.text,
            self.council.slug,
            self.base,
            canonical(response.url),
            meta.get("cid"),
            meta.get("ctitle"),
            meta.get("date"),
        )
        if meta.get("status") and not bundle.meeting.status:
            bundle.meeting.status = meta["status"]
        if meta.get("ws"):
            # The web service already gave items and documents; take packs and restriction links only.
            send_items = set(meta.get("send_items") or [])
            for item in bundle.items:
                item.send_terms = ["(web service)"] if item.item_id in send_items else []
            bundle.documents = [d for d in bundle.documents if d.item_id is None]
            bundle.withheld = []
            yield from self._emit(bundle, include_meeting=False, send=meta.get("send", False), emit_items=False)
            yield MeetingRead(self.council.slug, bundle.meeting.meeting_id, "agenda_page", C.VIA_WEB_SERVICE)
        else:
            yield from self._emit(bundle)
            yield MeetingRead(self.council.slug, bundle.meeting.meeting_id, "agenda_page", C.VIA_HTML)

    def _emit(
        self, bundle: P.MeetingBundle, include_meeting: bool = True, send: bool | None = None, emit_items: bool = True
    ):
        send = bundle.send_related if send is None else send
        if include_meeting:
            yield bundle.meeting
        if emit_items:
            yield from bundle.items
        for d in bundle.documents:
            if d.item_id is None and send:
                d.send_related = True
            yield d
        yield from bundle.withheld
        items = {i.item_id: i for i in bundle.items}
        for url, oid, number, title, att, doc_title in bundle.reasons_links:
            item = items.get(oid)
            yield self._request(
                url,
                self.parse_reasons,
                "reasons page",
                mid=bundle.meeting.meeting_id,
                wh=dict(
                    council=self.council.slug,
                    meeting_id=bundle.meeting.meeting_id,
                    item_id=oid,
                    item_number=number,
                    item_title=title,
                    attachment_id=att,
                    document_title=doc_title,
                    send_related=bool(send if item is None else item.send_terms),
                ),
            )
        for d in bundle.documents:
            wanted = d.send_related and not d.restricted and (d.item_id is not None or d.kind in DOWNLOAD_KINDS)
            if wanted:
                yield self._document_request(d)

    @guarded("reasons page")
    def parse_reasons(self, response):
        wh = response.meta["wh"]
        exemption = P.parse_reasons_html(response.text)
        yield WithheldItem(
            source=C.WITHHELD_REASONS_PAGE,
            reasons_url=canonical(response.url),
            paragraphs=exemption.paragraphs if exemption else [],
            jurisdiction=exemption.jurisdiction if exemption else None,
            reason=exemption.sentence if exemption else "Restricted; the reasons page cites no paragraph.",
            **wh,
        )

    # ------------------------------------------------------------ documents, incrementally
    def _state(self) -> dict:
        if not hasattr(self, "_doc_state"):
            self._doc_state = store.document_state(
                self.settings.get("SENDWATCH_DB"), self.council.slug, self.settings.get("SENDWATCH_FILES")
            )
        return self._doc_state

    def _document_request(self, d):
        key = {"meeting_id": d.meeting_id, "attachment_id": d.attachment_id, "pack_type": d.pack_type, "url": d.url}
        doc_id = store.document_id(
            self.council.slug, meeting=d.meeting_id, attachment=d.attachment_id, pack_type=d.pack_type, url=d.url
        )
        state = self._state().get(doc_id)
        headers = {}
        if state and state["sha256"] and state["file_present"]:
            if state["etag"] or state["last_modified"]:
                # The server gives validators: ask it (a 304 costs a few hundred bytes) rather than trust a
                # listing whose size is rounded to the kilobyte.
                if state["etag"]:
                    headers["If-None-Match"] = state["etag"]
                if state["last_modified"]:
                    headers["If-Modified-Since"] = state["last_modified"]
            elif (d.publication_date and d.publication_date == state["publication_date"]) or (
                not d.publication_date and d.listed_size and d.listed_size == state["listed_size"]
            ):
                # No validators (mgConvert2PDF.aspx gives none): the listing is all there is to go on.
                self.crawler.stats.inc_value("sendwatch/documents_unchanged_listing")
                return UnchangedDocument(self.council.slug, key, "listing unchanged")
        req = self._request(
            d.url, self.parse_document, "document", mid=d.meeting_id, key=key, handle_httpstatus_list=[304]
        )
        for k, v in headers.items():
            req.headers[k] = v
        return req

    @guarded("document")
    def parse_document(self, response):
        key = dict(response.meta["key"])
        if response.status == 304:
            self.crawler.stats.inc_value("sendwatch/documents_not_modified")
            yield UnchangedDocument(self.council.slug, key, "304 Not Modified")
            return
        ctype = response.headers.get("Content-Type", b"").decode("latin-1") or None
        key["etag"] = response.headers.get("ETag", b"").decode("latin-1") or None
        key["last_modified"] = response.headers.get("Last-Modified", b"").decode("latin-1") or None
        yield FetchedDocument(self.council.slug, key, canonical(response.url), response.body, response.status, ctype)

    def _revisit(self, m) -> bool:
        """Read this meeting's pages again? Always when new, changed in the listing, near today, or not read
        for SENDWATCH_REVISIT_DAYS; otherwise the stored copy stands (old meetings rarely change)."""
        if not hasattr(self, "_meetings_state"):
            self._meetings_state = store.meeting_state(self.settings.get("SENDWATCH_DB"), self.council.slug)
        state = self._meetings_state.get(m.meeting_id)
        if (
            not state
            or not state["last_read"]
            or (m.status and m.status != state["status"])
            or (m.date and m.date != state["date"])
        ):
            return True
        today = date.today()
        if m.date is None or (today - date.fromisoformat(m.date)).days <= self.settings.getint(
            "SENDWATCH_HOT_DAYS", 42
        ):
            return True  # upcoming and recent meetings: agendas, supplements and minutes still arrive
        age = (today - date.fromisoformat(state["last_read"][:10])).days
        revisit = self.settings.getfloat("SENDWATCH_REVISIT_DAYS", 7)
        # Spread re-reads over the nights between one and two revisit periods, so meetings first read
        # on the same night are not all read again on the same night.
        spread = (zlib.crc32(f"{self.council.slug}/{m.meeting_id}".encode()) % 100) / 100
        if age >= revisit * (1 + spread):
            return True
        self.crawler.stats.inc_value("sendwatch/meetings_not_revisited")
        return False

    def _in_window(self, iso: str | None) -> bool:
        return iso is None or self.since <= iso <= self.until


__all__ = ["ModernGovSpider", "default_window"]
