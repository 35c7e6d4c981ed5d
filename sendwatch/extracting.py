"""Glue: run extract/ over the documents the crawl stored and write pages, figures, withheld.

Each document is extracted in a worker process so that a pathological file can be stopped:
the worker checks a deadline between pages (a cooperative limit that keeps partial work
cheap), and the parent kills the worker if it has not answered `timeout` seconds after
that (a hard limit for a page that never finishes). One worker is reused across documents
and replaced after a kill or every `RECYCLE_AFTER` documents, so start-up costs little.

Re-running is idempotent: only documents whose sha256 or the rules version changed are
re-extracted, and their derived rows are deleted and replaced in one transaction.
"""

from __future__ import annotations

import json
import multiprocessing as mp
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from db.store import file_path
from extract import RULES_VERSION, ExtractResult, extract_file
from sendwatch import constants as C

RECYCLE_AFTER = 200
HARD_GRACE = 5.0  # seconds past the cooperative deadline before the worker is killed


def _worker_main(conn) -> None:
    while True:
        job = conn.recv()
        if job is None:
            return
        path, kwargs = job
        try:
            conn.send(extract_file(path, **kwargs))
        except Exception as e:  # noqa: BLE001 - a bug on one file must not stop the batch
            conn.send(
                ExtractResult(
                    kwargs.get("name", str(path)),
                    C.EXTRACT_ERROR,
                    f"{path}: sendwatch failed reading this file (a bug, please report): {e!r}",
                )
            )


class Worker:
    """A child process that extracts one document at a time and can be killed."""

    def __init__(self, grace: float = HARD_GRACE) -> None:
        self.grace = grace
        self.proc: mp.Process | None = None
        self.conn = None
        self.jobs = 0

    def _start(self) -> None:
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child,), daemon=True)
        self.proc.start()
        child.close()
        self.jobs = 0

    def run(self, path: Path, timeout: float, **kwargs) -> ExtractResult:
        """Extract `path`; a result with status timeout if it takes too long."""
        if self.proc is None or not self.proc.is_alive() or self.jobs >= RECYCLE_AFTER:
            self.close()
            self._start()
        self.jobs += 1
        self.conn.send((path, {**kwargs, "time_limit": timeout}))
        try:
            if self.conn.poll(timeout + self.grace):
                return self.conn.recv()
            message = f"{kwargs.get('name', path)}: no answer after {timeout + self.grace:.0f}s, stopped"
        except EOFError:
            message = f"{kwargs.get('name', path)}: extraction crashed (exit {self.proc.exitcode})"
        self.kill()
        status = C.EXTRACT_TIMEOUT if "stopped" in message else C.EXTRACT_CORRUPT
        return ExtractResult(kwargs.get("name", str(path)), status, message)

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.join()
        self.proc = None

    def close(self) -> None:
        if self.proc is not None and self.proc.is_alive():
            try:
                self.conn.send(None)
                self.proc.join(2)
            except (BrokenPipeError, OSError):
                pass
        self.kill()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pending(db: sqlite_utils.Database, force: bool) -> list[dict]:
    sql = """
        select d.id, d.council, d.meeting, d.agenda_item, d.title, d.url, d.sha256,
               d.content_type, d.send_related, d.extracted_sha256, d.extract_rules_version,
               m.date as meeting_date, m.year, m.url as meeting_url, m.committee_title,
               a.number as item_number, a.title as item_title
        from documents d
        left join meetings m on m.id = d.meeting
        left join agenda_items a on a.id = d.agenda_item
        where d.sha256 is not null and d.sha256 != ''
    """
    rows = [dict(r) for r in db.query(sql)]
    if force:
        return rows
    return [r for r in rows if r["extracted_sha256"] != r["sha256"] or r["extract_rules_version"] != RULES_VERSION]


def extract_database(
    db: sqlite_utils.Database,
    files_dir: Path,
    *,
    ocr: bool = False,
    force: bool = False,
    timeout: float = 60,
    progress: Callable[[dict, ExtractResult], None] | None = None,
) -> dict:
    """Extract every stored document that changed since its last extraction.

    Returns a summary: {"documents": n, "statuses": {status: n}, "pages": n, "figures": n,
    "withheld": n}.
    """
    todo = _pending(db, force)
    summary: dict = {"documents": 0, "statuses": Counter(), "pages": 0, "figures": 0, "withheld": 0}
    worker = Worker()
    try:
        for doc in todo:
            path = file_path(files_dir, doc["sha256"])
            if not path.exists():
                result = ExtractResult(doc["id"], C.EXTRACT_MISSING, f"{doc['id']}: stored file {path} is missing")
            else:
                result = worker.run(
                    path,
                    timeout,
                    name=f"{doc['id']} ({doc.get('url') or path.name})",
                    content_type=doc.get("content_type"),
                    meeting_date=doc.get("meeting_date"),
                    ocr=ocr,
                )
            write_result(db, doc, result)
            summary["documents"] += 1
            summary["statuses"][result.status] += 1
            summary["pages"] += len(result.pages)
            summary["figures"] += len(result.figures)
            summary["withheld"] += len(result.markers)
            if progress:
                progress(doc, result)
    finally:
        worker.close()
    summary["statuses"] = dict(summary["statuses"])
    return summary


def write_result(db: sqlite_utils.Database, doc: dict, result: ExtractResult) -> None:
    """Replace one document's pages, figures and document-sourced withheld rows."""
    doc_id = doc["id"]
    now = _now()
    first_seen = {
        r["id"]: r["first_seen"]
        for r in db.query(
            "select id, first_seen from withheld where document = ? and source = ?",
            [doc_id, C.WITHHELD_DOCUMENT],
        )
    }
    pages = [
        {
            "id": f"{doc_id}:{p.page}",
            "document": doc_id,
            "council": doc["council"],
            "page": p.page,
            "text": p.text,
        }
        for p in result.pages
    ]
    figures = []
    for p in result.pages:
        for n, f in enumerate(p.figures, start=1):
            figures.append(
                {
                    "id": f"{doc_id}:{p.page}:{n}",
                    "document": doc_id,
                    "council": doc["council"],
                    "meeting": doc.get("meeting"),
                    "meeting_date": doc.get("meeting_date"),
                    "page": p.page,
                    "metric": f.metric,
                    "value": f.value,
                    "unit": f.unit,
                    "low": f.low,
                    "high": f.high,
                    "period": f.period,
                    "stock_date": f.stock_date,
                    "basis": f.basis,
                    "approximate": int(f.approximate),
                    "matched_text": f.matched_text,
                    "sentence": f.sentence,
                    "row_label": f.row_label,
                    "column_label": f.column_label,
                    "bbox": json.dumps(f.bbox) if f.bbox else None,
                    "rule": f.rule,
                    "rule_version": f.rule_version,
                }
            )
    withheld = []
    for p in result.pages:
        for n, m in enumerate(p.markers, start=1):
            wid = f"{doc_id}:doc:{p.page}:{n}"
            withheld.append(
                {
                    "id": wid,
                    "council": doc["council"],
                    "committee_title": doc.get("committee_title"),
                    "meeting": doc.get("meeting"),
                    "meeting_date": doc.get("meeting_date"),
                    "year": doc.get("year"),
                    "meeting_url": doc.get("meeting_url"),
                    "agenda_item": doc.get("agenda_item"),
                    "item_number": doc.get("item_number"),
                    "item_title": doc.get("item_title"),
                    "document": doc_id,
                    "document_title": doc.get("title"),
                    "paragraphs": json.dumps(m.paragraphs),
                    "jurisdiction": m.jurisdiction,
                    "reason": m.sentence,
                    "source": C.WITHHELD_DOCUMENT,
                    "sources": json.dumps([C.WITHHELD_DOCUMENT]),
                    "page": p.page,
                    "send_related": doc.get("send_related"),
                    "first_seen": first_seen.get(wid, now),
                    "last_seen": now,
                }
            )
    done = result.status != C.EXTRACT_MISSING  # a missing file is retried on the next run
    with db.atomic():
        db.execute("delete from pages where document = ?", [doc_id])
        db.execute("delete from figures where document = ?", [doc_id])
        db.execute("delete from withheld where document = ? and source = ?", [doc_id, C.WITHHELD_DOCUMENT])
        if pages:
            db["pages"].insert_all(pages, pk="id")
        if figures:
            db["figures"].insert_all(figures, pk="id")
        if withheld:
            db["withheld"].insert_all(withheld, pk="id")
        db["documents"].update(
            doc_id,
            {
                "extract_status": result.status,
                "extract_message": result.message or None,
                "page_count": result.page_count,
                "extracted_sha256": doc["sha256"] if done else None,
                "extract_rules_version": RULES_VERSION if done else None,
            },
        )
