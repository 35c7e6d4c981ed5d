"""extract_database: writes pages, figures and withheld rows; re-runs are idempotent."""

from __future__ import annotations

import io
import json
import os

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

from db.schema import open_db
from db.store import store_file
from sendwatch import constants as C
from sendwatch import extracting
from sendwatch.extracting import Worker, extract_database


def _pdf(lines_per_page: list[list[str]], encrypt: str | None = None) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    for lines in lines_per_page:
        for k, line in enumerate(lines):
            c.drawString(2 * cm, 27 * cm - k * 14, line)
        c.showPage()
    c.save()
    return buf.getvalue()


REPORT = _pdf(
    [
        ["Schools Forum: Dedicated Schools Grant update"],
        [
            "The cumulative DSG deficit was £15.1m at 31 March 2024.",
            "NOT FOR PUBLICATION by virtue of paragraph 3 of Part 1 of Schedule 12A.",
        ],
    ]
)


def _setup(tmp_path):
    db = open_db(tmp_path / "x.db")
    files = tmp_path / "files"
    db["meetings"].insert(
        {
            "id": "kent:m1",
            "council": "kent",
            "committee_title": "Schools Forum",
            "date": "2024-06-12",
            "year": 2024,
            "url": "https://example.org/m1",
        }
    )
    db["agenda_items"].insert(
        {
            "id": "kent:i1",
            "council": "kent",
            "meeting": "kent:m1",
            "number": "7",
            "title": "DSG update",
        }
    )
    docs = [
        ("kent:d1", store_file(files, REPORT)),
        ("kent:d2", store_file(files, _pdf([["secret"]], encrypt="pw"))),
        ("kent:d3", "ab" + "0" * 62),  # stored file missing
    ]
    db["documents"].insert_all(
        [
            {
                "id": i,
                "council": "kent",
                "meeting": "kent:m1",
                "agenda_item": "kent:i1",
                "title": f"Doc {i}",
                "sha256": sha,
                "send_related": 1,
            }
            for i, sha in docs
        ],
        pk="id",
    )
    return db, files


def _counts(db) -> tuple[int, int, int]:
    return db["pages"].count, db["figures"].count, db["withheld"].count


def test_extract_database_writes_rows_and_is_idempotent(tmp_path, monkeypatch) -> None:
    db, files = _setup(tmp_path)
    summary = extract_database(db, files, timeout=30)
    assert summary["documents"] == 3
    assert summary["statuses"] == {C.EXTRACT_OK: 1, C.EXTRACT_ENCRYPTED: 1, C.EXTRACT_MISSING: 1}
    assert _counts(db) == (2, 1, 1)

    d1 = db["documents"].get("kent:d1")
    assert d1["extract_status"] == C.EXTRACT_OK and d1["page_count"] == 2
    assert d1["extracted_sha256"] == d1["sha256"] and d1["extract_rules_version"]
    assert "kent:d2" in db["documents"].get("kent:d2")["extract_message"]
    assert db["documents"].get("kent:d3")["extracted_sha256"] is None  # retried next time

    fig = db["figures"].get("kent:d1:2:1")
    assert (fig["metric"], fig["value"], fig["stock_date"], fig["meeting_date"]) == (
        C.METRIC_DSG_CUMULATIVE_DEFICIT,
        15_100_000,
        "2024-03-31",
        "2024-06-12",
    )
    assert len(json.loads(fig["bbox"])) == 4

    w = db["withheld"].get("kent:d1:doc:2:1")
    assert w["source"] == C.WITHHELD_DOCUMENT and json.loads(w["sources"]) == [C.WITHHELD_DOCUMENT]
    assert json.loads(w["paragraphs"]) == [3] and w["jurisdiction"] == C.JURISDICTION_ENGLAND
    assert (w["page"], w["committee_title"], w["item_number"], w["meeting_date"], w["year"]) == (
        2,
        "Schools Forum",
        "7",
        "2024-06-12",
        2024,
    )
    hits = list(
        db.query("select id from pages where rowid in (select rowid from pages_fts where pages_fts match 'deficit')")
    )
    assert [h["id"] for h in hits] == ["kent:d1:2"]

    # Second run: nothing changed, so only the missing file is tried again.
    again = extract_database(db, files, timeout=30)
    assert again["documents"] == 1 and again["statuses"] == {C.EXTRACT_MISSING: 1}
    assert _counts(db) == (2, 1, 1)

    # New rules: everything is re-extracted, rows are replaced (not duplicated), first_seen kept.
    monkeypatch.setattr(extracting, "RULES_VERSION", "test-next")
    third = extract_database(db, files, timeout=30)
    assert third["documents"] == 3
    assert _counts(db) == (2, 1, 1)
    w2 = db["withheld"].get("kent:d1:doc:2:1")
    assert w2["first_seen"] == w["first_seen"]
    assert db["documents"].get("kent:d1")["extract_rules_version"] == "test-next"


def test_worker_stops_a_document_that_never_finishes(tmp_path) -> None:
    fifo = tmp_path / "stuck.pdf"
    os.mkfifo(fifo)  # reading it blocks forever: a stand-in for a pathological file
    good = tmp_path / "good.pdf"
    good.write_bytes(REPORT)
    worker = Worker(grace=0.5)
    try:
        r = worker.run(fifo, 0.2, name="stuck.pdf")
        assert r.status == C.EXTRACT_TIMEOUT and "stuck.pdf" in r.message
        r = worker.run(good, 10, name="good.pdf")  # the next document still runs
        assert r.status == C.EXTRACT_OK and len(r.figures) == 1
    finally:
        worker.close()
