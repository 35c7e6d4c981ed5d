"""Nightly runs: unchanged documents are not fetched again; changes and removals are recorded."""

from __future__ import annotations

import json

import pytest
import sqlite_utils

pytestmark = pytest.mark.slow


def _rows(db, sql, params=()):
    return [dict(r) for r in sqlite_utils.Database(db).query(sql, params)]


def test_unchanged_crawl_downloads_no_document_again(crawled):
    runs = _rows(
        crawled.db,
        "select run_id, sum(bytes) bytes, sum(documents_fetched) fetched, "
        "sum(documents_unchanged) unchanged from crawl_runs group by run_id order by min(started)",
    )
    first = runs[0]["bytes"] + runs[1]["bytes"]
    second = runs[2]["bytes"] + runs[3]["bytes"]
    assert runs[0]["fetched"] > 50 and runs[2]["fetched"] + runs[3]["fetched"] == 0, runs
    # make bench measures the ratio on realistic sizes; the replica's PDFs are small, its pages not
    assert second < 0.15 * first, runs
    versions = _rows(crawled.db, "select count(*) n from document_versions where superseded_on is not null")
    assert versions[0]["n"] == 0
    assert _rows(crawled.db, "select count(*) n from changes")[0]["n"] == 0


def _changes(db, change, object_type=None):
    sql = "select * from changes where change = ?" + (" and object_type = ?" if object_type else "")
    return _rows(db, sql, [change, object_type] if object_type else [change])


def test_republished_document_kept_as_a_new_version(crawled):
    new = _changes(crawled.final_db, "new_version", "document")
    assert len(new) >= 1
    doc = new[0]["object_id"]
    versions = _rows(crawled.final_db, "select * from document_versions where document = ? order by first_seen", [doc])
    assert len(versions) == 2 and versions[0]["superseded_on"] and not versions[1]["superseded_on"]
    for v in versions:  # old bytes stay in the archive
        assert (crawled.files / v["sha256"][:2] / v["sha256"]).exists()
    row = _rows(crawled.final_db, "select sha256, versions from documents where id = ?", [doc])[0]
    assert row["sha256"] == versions[1]["sha256"] and row["versions"] == 2


def test_pulled_appendix_is_marked_removed_not_deleted(crawled):
    rows = _rows(crawled.final_db, "select * from documents where title like 'Appendix A%' and removed_on is not null")
    assert len(rows) == 1 and rows[0]["council"] == "northby"
    assert any(c["object_id"] == rows[0]["id"] for c in _changes(crawled.final_db, "removed", "document"))


def test_public_item_reclassified_as_exempt(crawled):
    withheld = _changes(crawled.final_db, "withheld", "withheld")
    reclassified = [c for c in withheld if c["summary"].startswith("previously public")]
    assert len(reclassified) == 1 and reclassified[0]["council"] == "southshire"
    c = reclassified[0]
    assert c["old_value"] < c["new_value"]  # both dates: first seen public, then withheld
    row = _rows(crawled.final_db, "select * from withheld where id = ?", [c["object_id"]])[0]
    assert json.loads(row["paragraphs"]) == [3]
    newly = [c for c in withheld if c["summary"].startswith("newly withheld")]
    assert [c["council"] for c in newly] == ["westerham"]


def test_withheld_report_later_published(crawled):
    published = _changes(crawled.final_db, "published", "withheld")
    assert {c["summary"] for c in published} >= {"Safety Valve Agreement: progress report"}
    rows = _rows(
        crawled.final_db,
        "select removed_on, first_seen from withheld where item_title like 'Safety Valve%' and council = 'northby'",
    )
    assert rows and all(r["removed_on"] for r in rows)  # kept, with the date it stopped being withheld


def test_cancelled_meeting_recorded(crawled):
    status = [c for c in _changes(crawled.final_db, "changed", "meeting") if c["field"] == "status"]
    assert [(c["old_value"], c["new_value"]) for c in status] == [("Confirmed", "Cancelled")]
    meeting = status[0]["object_id"]
    removed = _rows(
        crawled.final_db, "select count(*) n from agenda_items where meeting = ? and removed_on is not null", [meeting]
    )
    assert removed[0]["n"] > 0


def test_no_row_is_ever_deleted(crawled):
    for table in ("meetings", "agenda_items", "documents", "withheld"):
        before = {r["id"] for r in _rows(crawled.db, f"select id from {table}")}
        after = {r["id"] for r in _rows(crawled.final_db, f"select id from {table}")}
        assert before <= after, table


def test_health(crawled):
    from tests.plugin_replica import sendwatch

    proc = sendwatch("health", "--db", str(crawled.final_db))
    assert proc.returncode == 0, proc.stdout
    for council in ("Northby", "Southshire", "Westerham", "Cwm Afon"):
        assert council in proc.stdout


def test_health_names_failed_interrupted_and_moved_councils(tmp_path):
    from db.schema import open_db
    from sendwatch.health import health_rows

    db = open_db(tmp_path / "h.db")
    for slug, status, hosts in (
        ("aa", "failed", None),
        ("bb", "interrupted", None),
        ("cc", "ok", '["new.example"]'),
        ("dd", "ok", None),
    ):
        db["councils"].insert({"slug": slug, "name": slug.upper()})
        db["crawl_runs"].insert(
            {
                "id": slug,
                "run_id": "r",
                "council": slug,
                "started": "2026-11-01T02:00:00+00:00",
                "status": status,
                "new_hosts": hosts,
                "errors": 0,
            }
        )
        db["meetings"].insert({"id": f"{slug}/m", "council": slug, "first_seen": "2026-10-30T02:00:00+00:00"})
    problems = {r["council"]: r["problem"] for r in health_rows(tmp_path / "h.db")}
    assert problems["AA"] == "last crawl failed"
    assert problems["BB"] == "last crawl did not finish"
    assert problems["CC"].startswith("site redirected to another host")
    assert problems["DD"] == "ok"
