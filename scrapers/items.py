"""The one data model every spider yields. Ids are made in db/ from council slug + platform ids."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CommitteeItem:
    council: str
    committee_id: str
    title: str
    category: str | None = None
    expired: bool | None = None
    url: str | None = None


@dataclass
class MeetingItem:
    council: str
    meeting_id: str
    committee_id: str | None
    committee_title: str | None
    date: str | None  # ISO
    time: str | None
    status: str | None
    url: str
    read_via: str
    location: str | None = None


@dataclass
class AgendaItemItem:
    council: str
    meeting_id: str
    item_id: str
    number: str | None
    position: int
    title: str
    agenda_text: str | None
    minutes_text: str | None
    url: str
    restricted: bool | None
    send_terms: list[str] = field(default_factory=list)


@dataclass
class DocumentItem:
    """A document as listed on the site (whether or not it is downloaded)."""

    council: str
    meeting_id: str
    item_id: str | None
    kind: str
    title: str
    url: str
    attachment_id: str | None = None
    pack_type: str | None = None
    publication_date: str | None = None
    listed_size: str | None = None
    restricted: bool | None = None
    restrictions_ref: str | None = None
    send_terms: list[str] = field(default_factory=list)
    send_related: bool = False


@dataclass
class FetchedDocument:
    """The bytes of a listed document, as fetched."""

    council: str
    document_key: dict  # the DocumentItem's id parts: meeting_id, attachment_id, pack_type, url
    url: str
    body: bytes
    http_status: int
    content_type: str | None


@dataclass
class WithheldItem:
    council: str
    meeting_id: str
    source: str
    item_id: str | None = None
    item_number: str | None = None
    item_title: str | None = None
    attachment_id: str | None = None
    document_title: str | None = None
    paragraphs: list[int] = field(default_factory=list)
    jurisdiction: str | None = None
    reason: str | None = None
    reasons_url: str | None = None
    send_related: bool = False


@dataclass
class CrawlErrorItem:
    council: str
    url: str
    stage: str
    reason: str
    http_status: int | None = None
    meeting_id: str | None = None


@dataclass
class MeetingRead:
    """A meeting's page (web service or agenda HTML) was read whole in this crawl."""

    council: str
    meeting_id: str
    part: str  # "web_service" | "agenda_page"
    route: str  # the council's route: web_service | html


@dataclass
class ListingRead:
    """A committee's list of meetings in the window was read whole in this crawl."""

    council: str
    committee_id: str
    since: str
    until: str


@dataclass
class UnchangedDocument:
    """A stored document the crawl did not download again (listing or validators unchanged)."""

    council: str
    document_key: dict
    reason: str
