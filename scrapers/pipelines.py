"""The one pipeline: items into the SQLite database (via db/), files into the content store.

It also keeps the history: what appeared, changed, was withheld, published or removed.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

from db import store
from db.schema import open_db
from scrapers.items import (
    AgendaItemItem,
    CommitteeItem,
    CrawlErrorItem,
    DocumentItem,
    FetchedDocument,
    ListingRead,
    MeetingItem,
    MeetingRead,
    UnchangedDocument,
    WithheldItem,
)

log = logging.getLogger(__name__)

TRACKED = {
    "meetings": ("status", "date"),
    "agenda_items": ("title", "restricted", "number"),
    "documents": ("title", "restricted", "url"),
}


class SQLitePipeline:
    def __init__(self, db_path: str, files_dir: str, run_id: str | None, crawler):
        self.db_path = db_path
        self.files_dir = Path(files_dir)
        self.run_id = run_id or store.now()
        self.crawler = crawler
        self.counts = {
            "meetings": 0,
            "items": 0,
            "documents": 0,
            "documents_fetched": 0,
            "documents_unchanged": 0,
            "withheld": 0,
            "errors": 0,
        }
        self.reads: dict[str, set[str]] = {}
        self.routes: dict[str, str] = {}
        self.failed_meetings: set[str] = set()
        self.listings: list[ListingRead] = []

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(s.get("SENDWATCH_DB"), s.get("SENDWATCH_FILES"), s.get("SENDWATCH_RUN_ID"), crawler)

    # ------------------------------------------------------------ lifecycle
    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        Path(self.db_path).parent.mkdir(parents=True, exist_ok=True)
        self.db = open_db(self.db_path)
        self.council = spider.council
        self.seen = store.now()
        # One row per council and window: a backfill crawls one council in several windows in one run.
        self.run_key = f"{self.run_id}/{self.council.slug}/{spider.since}/{spider.until}"
        self.today = date.today().isoformat()
        # Additions are news only once a council has been crawled before.
        self.incremental = bool(
            list(
                self.db.query(
                    "select 1 from crawl_runs where council = ? and finished is not null "
                    "and status != 'failed' limit 1",
                    [self.council.slug],
                )
            )
        )
        with self.db.conn:
            # A run killed mid-way never finished: say so, so health and reports do not show it running.
            self.db.execute(
                "update crawl_runs set status = 'interrupted' where council = ? and finished is null and run_id != ?",
                [self.council.slug, self.run_id],
            )
            self.db["councils"].upsert(self.council.as_row(), pk="slug")
        store.sweep_partial_files(self.files_dir)
        with self.db.conn:
            self.db["crawl_runs"].upsert(
                {
                    "id": self.run_key,
                    "run_id": self.run_id,
                    "council": self.council.slug,
                    "started": self.seen,
                    "status": "running",
                    "window_since": spider.since,
                    "window_until": spider.until,
                },
                pk="id",
            )

    def close_spider(self, spider=None):
        spider = spider or self.crawler.spider
        stats = self.crawler.stats
        try:
            with self.db.conn:
                self._mark_removed()
        except Exception:
            log.exception("%s: could not work out removals", self.council.slug)
        status = "ok" if not self.counts["errors"] else ("failed" if not self.counts["meetings"] else "errors")
        new_hosts = sorted(getattr(spider, "new_hosts", set()) or [])
        stats.set_value("sendwatch/status", status)
        with self.db.conn:
            self.db["crawl_runs"].update(
                self.run_key,
                {
                    "finished": store.now(),
                    "status": status,
                    "read_via": getattr(spider, "read_via", None),
                    "requests": stats.get_value("downloader/request_count", 0),
                    "bytes": stats.get_value("downloader/response_bytes", 0),
                    "new_hosts": json.dumps(new_hosts) if new_hosts else None,
                    "meetings_not_revisited": stats.get_value("sendwatch/meetings_not_revisited", 0),
                    **self.counts,
                },
            )
        self.db.conn.close()

    # ------------------------------------------------------------ items
    def process_item(self, item, spider=None):
        handler = getattr(self, f"_{type(item).__name__}", None)
        if handler is None:
            return item
        try:
            with self.db.conn:
                handler(item)
        except Exception as exc:  # a bad row must not stop the crawl
            log.exception("could not store %s for %s", type(item).__name__, self.council.slug)
            with self.db.conn:
                store.record_error(
                    self.db,
                    run_id=self.run_id,
                    council=self.council.slug,
                    url=getattr(item, "url", "") or "",
                    stage="store",
                    reason=f"{type(exc).__name__}: {exc}",
                )
            self.counts["errors"] += 1
        return item

    def _change(self, object_type: str, object_id: str, change: str, **kw):
        store.record_change(
            self.db,
            run_id=self.run_id,
            council=self.council.slug,
            object_type=object_type,
            object_id=object_id,
            change=change,
            **kw,
        )

    def _history(
        self,
        table: str,
        object_type: str,
        row: dict,
        existing: dict | None,
        changed: dict,
        label: str,
        meeting: str | None,
        send: bool | None,
    ):
        if existing is None:
            if self.incremental:
                self._change(object_type, row["id"], "added", meeting=meeting, summary=label, send_related=send)
            return
        if existing.get("removed_on"):
            self._change(
                object_type,
                row["id"],
                "reappeared",
                meeting=meeting,
                old=existing["removed_on"],
                summary=label,
                send_related=send,
            )
        for field in TRACKED.get(table, ()):
            if field in changed and existing.get(field) is not None:
                self._change(
                    object_type,
                    row["id"],
                    "changed",
                    meeting=meeting,
                    field=field,
                    old=existing.get(field),
                    new=changed[field],
                    summary=label,
                    send_related=send,
                )

    def _meeting(self, council: str, mid: str) -> dict:
        return next(iter(self.db["meetings"].rows_where("id = ?", [store.meeting_id(council, mid)])), {})

    def _CommitteeItem(self, it: CommitteeItem):
        store.upsert_seen(
            self.db,
            "committees",
            {
                "id": store.committee_id(it.council, it.committee_id),
                "council": it.council,
                "committee_id": it.committee_id,
                "title": it.title,
                "category": it.category,
                "expired": None if it.expired is None else int(it.expired),
                "url": it.url,
            },
            self.seen,
        )

    def _MeetingItem(self, it: MeetingItem):
        committee = store.committee_id(it.council, it.committee_id) if it.committee_id else None
        if committee and it.committee_title:
            store.upsert_seen(
                self.db,
                "committees",
                {"id": committee, "council": it.council, "committee_id": it.committee_id, "title": it.committee_title},
                self.seen,
                keep=("title",),
            )
        status = it.status
        row = {
            "id": store.meeting_id(it.council, it.meeting_id),
            "council": it.council,
            "committee": committee,
            "committee_title": it.committee_title,
            "meeting_id": it.meeting_id,
            "date": it.date,
            "year": int(it.date[:4]) if it.date else None,
            "time": it.time,
            "status": status,
            "cancelled": None if status is None else int("cancel" in status.lower()),
            "location": it.location,
            "url": it.url,
            "read_via": it.read_via,
        }
        existing, changed = store.upsert_seen(self.db, "meetings", row, self.seen)
        label = f"{it.committee_title} {it.date}"
        self._history(
            "meetings",
            "meeting",
            row,
            existing,
            changed,
            label,
            row["id"],
            existing.get("send_related") if existing else None,
        )
        self.counts["meetings"] += 1 if existing is None or existing.get("last_seen") != self.seen else 0

    def _AgendaItemItem(self, it: AgendaItemItem):
        m = self._meeting(it.council, it.meeting_id)
        row = {
            "id": store.item_id(it.council, it.item_id),
            "council": it.council,
            "meeting": store.meeting_id(it.council, it.meeting_id),
            "committee_title": m.get("committee_title"),
            "meeting_date": m.get("date"),
            "item_id": it.item_id,
            "number": it.number,
            "position": it.position,
            "title": it.title,
            "agenda_text": it.agenda_text,
            "minutes_text": it.minutes_text,
            "url": it.url,
            "restricted": None if it.restricted is None else int(it.restricted),
            "send_terms": json.dumps(it.send_terms),
            "send_related": int(bool(it.send_terms)),
        }
        existing, changed = store.upsert_seen(self.db, "agenda_items", row, self.seen)
        self._history(
            "agenda_items", "agenda_item", row, existing, changed, it.title, row["meeting"], bool(it.send_terms)
        )
        if it.send_terms and m and not m.get("send_related"):
            self.db["meetings"].update(m["id"], {"send_related": 1})
        elif m and m.get("send_related") is None:
            self.db["meetings"].update(m["id"], {"send_related": 0})
        self.counts["items"] += 1

    def _doc_id(self, council: str, meeting: str, attachment: str | None, pack_type: str | None, url: str) -> str:
        return store.document_id(council, meeting=meeting, attachment=attachment, pack_type=pack_type, url=url)

    def _DocumentItem(self, it: DocumentItem):
        row = {
            "id": self._doc_id(it.council, it.meeting_id, it.attachment_id, it.pack_type, it.url),
            "council": it.council,
            "meeting": store.meeting_id(it.council, it.meeting_id),
            "agenda_item": store.item_id(it.council, it.item_id) if it.item_id else None,
            "kind": it.kind,
            "title": it.title,
            "url": it.url,
            "attachment_id": it.attachment_id,
            "publication_date": it.publication_date,
            "listed_size": it.listed_size,
            "restricted": None if it.restricted is None else int(it.restricted),
            "restrictions_ref": it.restrictions_ref,
            "send_terms": json.dumps(it.send_terms),
            "send_related": int(it.send_related),
        }
        existing, changed = store.upsert_seen(self.db, "documents", row, self.seen)
        self._history("documents", "document", row, existing, changed, it.title, row["meeting"], it.send_related)
        self.counts["documents"] += 1

    def _FetchedDocument(self, it: FetchedDocument):
        k = it.document_key
        doc_id = self._doc_id(it.council, k["meeting_id"], k.get("attachment_id"), k.get("pack_type"), k["url"])
        existing = next(iter(self.db["documents"].rows_where("id = ?", [doc_id])), None)
        if existing is None:
            log.warning("fetched %s before its listing", it.url)
            return
        digest = store.store_file(self.files_dir, it.body)
        self.counts["documents_fetched"] += 1
        row = {
            "sha256": digest,
            "bytes": len(it.body),
            "content_type": it.content_type,
            "http_status": it.http_status,
            "etag": k.get("etag"),
            "last_modified": k.get("last_modified"),
        }
        old = existing.get("sha256")
        if old != digest:
            row["fetched_at"] = store.now()
            row["versions"] = (existing.get("versions") or 0) + 1
            if old:
                self.db["document_versions"].update(f"{doc_id}/{old}", {"superseded_on": self.today})
                self._change(
                    "document",
                    doc_id,
                    "new_version",
                    meeting=existing.get("meeting"),
                    field="sha256",
                    old=old,
                    new=digest,
                    summary=existing.get("title") or "",
                    send_related=existing.get("send_related"),
                )
        self.db["document_versions"].upsert(
            {
                "id": f"{doc_id}/{digest}",
                "document": doc_id,
                "council": it.council,
                "sha256": digest,
                "bytes": len(it.body),
                "content_type": it.content_type,
            },
            pk="id",
        )
        store.upsert_seen(self.db, "document_versions", {"id": f"{doc_id}/{digest}"}, self.seen)
        self.db["documents"].update(doc_id, {k2: v for k2, v in row.items() if existing.get(k2) != v and v is not None})

    def _UnchangedDocument(self, it: UnchangedDocument):
        k = it.document_key
        doc_id = self._doc_id(it.council, k["meeting_id"], k.get("attachment_id"), k.get("pack_type"), k["url"])
        existing = next(iter(self.db["documents"].rows_where("id = ?", [doc_id])), None)
        self.counts["documents_unchanged"] += 1
        if existing and existing.get("sha256"):
            store.upsert_seen(self.db, "document_versions", {"id": f"{doc_id}/{existing['sha256']}"}, self.seen)

    def _WithheldItem(self, it: WithheldItem):
        m = self._meeting(it.council, it.meeting_id)
        meeting = store.meeting_id(it.council, it.meeting_id)
        doc = None
        if it.attachment_id:
            doc = store.document_id(it.council, meeting=it.meeting_id, attachment=it.attachment_id)
        item = store.item_id(it.council, it.item_id) if it.item_id else None
        item_row = next(iter(self.db["agenda_items"].rows_where("id = ?", [item])), {}) if item else {}
        doc_row = next(iter(self.db["documents"].rows_where("id = ?", [doc])), {}) if doc else {}
        subject = doc_row if doc else item_row
        if item and not it.item_title:
            it.item_title, it.item_number = item_row.get("title"), item_row.get("number")
        row = {
            "id": store.withheld_id(it.council, it.meeting_id, it.item_id, it.attachment_id),
            "council": it.council,
            "committee_title": m.get("committee_title"),
            "meeting": meeting,
            "meeting_date": m.get("date"),
            "year": m.get("year"),
            "meeting_url": m.get("url"),
            "agenda_item": item,
            "item_number": it.item_number,
            "item_title": it.item_title,
            "document": doc,
            "document_title": it.document_title,
            "paragraphs": json.dumps(it.paragraphs),
            "jurisdiction": it.jurisdiction,
            "reason": it.reason,
            "source": it.source,
            "reasons_url": it.reasons_url,
            "page": None,
            "send_related": int(it.send_related),
        }
        existing = store.upsert_withheld(self.db, row, self.seen)
        label = it.document_title or it.item_title or ""
        if existing is None and self.incremental:
            was_public = subject.get("first_seen") and subject["first_seen"] < self.seen
            self._change(
                "withheld",
                row["id"],
                "withheld",
                meeting=meeting,
                old=subject.get("first_seen") if was_public else None,
                new=self.seen,
                summary=("previously public, now withheld: " if was_public else "newly withheld: ") + label,
                send_related=it.send_related,
            )
        elif existing is not None and existing.get("removed_on"):
            self._change(
                "withheld",
                row["id"],
                "withheld_again",
                meeting=meeting,
                old=existing["removed_on"],
                new=self.seen,
                summary=label,
                send_related=it.send_related,
            )
        self.counts["withheld"] += 1

    def _CrawlErrorItem(self, it: CrawlErrorItem):
        store.record_error(
            self.db,
            run_id=self.run_id,
            council=it.council,
            url=it.url,
            stage=it.stage,
            reason=it.reason,
            http_status=it.http_status,
        )
        if it.meeting_id:
            self.failed_meetings.add(it.meeting_id)
        self.counts["errors"] += 1

    def _MeetingRead(self, it: MeetingRead):
        self.reads.setdefault(it.meeting_id, set()).add(it.part)
        self.routes[it.meeting_id] = it.route

    def _ListingRead(self, it: ListingRead):
        self.listings.append(it)

    # ------------------------------------------------------------ removals
    def _complete_meetings(self) -> list[str]:
        done = []
        for mid, parts in self.reads.items():
            needed = {"web_service", "agenda_page"} if self.routes.get(mid) == "web_service" else {"agenda_page"}
            if needed <= parts and mid not in self.failed_meetings:
                done.append(store.meeting_id(self.council.slug, mid))
        return done

    def _remove(self, table: str, object_type: str, where: str, params: list, change: str = "removed"):
        rows = list(
            self.db[table].rows_where(f"({where}) and last_seen < ? and removed_on is null", [*params, self.seen])
        )
        for r in rows:
            self.db[table].update(r["id"], {"removed_on": self.today})
            this_change = change
            if table == "withheld":
                still_there = any(
                    next(iter(self.db[t].rows_where("id = ? and last_seen = ?", [r[col], self.seen])), None)
                    for t, col in (("agenda_items", "agenda_item"), ("documents", "document"))
                    if r.get(col)
                )
                this_change = "published" if still_there else "removed"
            label = r.get("title") or r.get("document_title") or r.get("item_title") or r.get("committee_title") or ""
            self._change(
                object_type,
                r["id"],
                this_change,
                meeting=r.get("meeting") or r["id"],
                old=r.get("first_seen"),
                new=self.today,
                summary=label,
                send_related=r.get("send_related"),
            )

    def _mark_removed(self):
        """Things on a page read whole this crawl, but not seen on it, are marked removed (never deleted)."""
        for mid in self._complete_meetings():
            self.db["meetings"].update(mid, {"last_read": self.seen})
            self._remove("agenda_items", "agenda_item", "meeting = ?", [mid])
            self._remove("documents", "document", "meeting = ?", [mid])
            self._remove("withheld", "withheld", "meeting = ? and source != 'document'", [mid])
        for listing in self.listings:
            committee = store.committee_id(listing.council, listing.committee_id)
            self._remove(
                "meetings",
                "meeting",
                "committee = ? and date >= ? and date <= ?",
                [committee, listing.since, listing.until],
            )
