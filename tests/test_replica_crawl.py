"""The spine end to end: crawl the offline replica (in a subprocess) and check the database rows."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import pytest
import sqlite_utils

from tests.plugin_replica import WELSH, crawl_replica, sendwatch

pytestmark = pytest.mark.slow


def _rows(db, sql, params=()):
    return [dict(r) for r in sqlite_utils.Database(db).query(sql, params)]


def _declared(replica):
    """(site, committee, meeting, item) for every item the replica declares, within the crawl window."""
    for site in replica.sites.values():
        for c in site.committees:
            for m in c.meetings:
                for it in m.items:
                    yield site, c, m, it


def test_crawl_completes_for_every_council(crawled):
    runs = _rows(crawled.db, "select council, status, meetings, items, errors from crawl_runs")
    councils = {r["council"] for r in runs}
    assert councils == {"northby", "southshire", "westerham", WELSH[0]}
    assert all(r["status"] == "ok" for r in runs), runs
    assert _rows(crawled.db, "select count(*) n from crawl_errors")[0]["n"] == 0


def test_every_declared_meeting_is_stored_with_status(crawled):
    expected = {
        (s.slug, str(m.mid)): m for s in crawled.replica.sites.values() for c in s.committees for m in c.meetings
    }
    stored = {(r["council"], r["meeting_id"]): r for r in _rows(crawled.db, "select * from meetings")}
    assert set(stored) == set(expected)
    assert len(stored) >= 30
    for key, m in expected.items():
        row = stored[key]
        assert row["date"] == m.day(crawled.replica.anchor).isoformat()
        assert bool(row["cancelled"]) == m.cancelled, key


def test_read_via_web_service_or_html(crawled):
    via = {r["council"]: r["read_via"] for r in _rows(crawled.db, "select council, read_via from crawl_runs")}
    assert via["westerham"] == "html"  # its web service is switched off
    assert via["northby"] == "web_service"


def test_send_tagging_matches_the_declaration(crawled):
    stored = {(r["council"], r["item_id"]): r for r in _rows(crawled.db, "select * from agenda_items")}
    for site, _c, _m, it in _declared(crawled.replica):
        row = stored[(site.slug, str(it.aid))]
        assert bool(row["send_related"]) == it.send, (site.slug, it.title, row["send_terms"])
        if it.send:
            assert json.loads(row["send_terms"])


def test_verb_send_is_not_a_send_term(crawled):
    rows = _rows(crawled.db, "select send_terms from agenda_items where title = 'Public Questions'")
    assert rows and all(json.loads(r["send_terms"]) == [] for r in rows)


def test_double_encoded_titles_and_numbers(crawled):
    rows = _rows(
        crawled.db, "select number, title from agenda_items where council='southshire' and title like '%Forum''s%'"
    )
    assert rows and all("&#39;" not in r["title"] and "&amp;" not in r["title"] for r in rows)
    assert all(r["number"].endswith(".") for r in rows)


def test_every_withheld_case_is_recorded(crawled):
    # Markers found inside documents (source 'document') are extract/'s, tested there.
    stored = _rows(crawled.db, "select * from withheld where source != 'document'")
    by_key = {(r["council"], r["agenda_item"], r["document"]): r for r in stored}
    expected = 0
    for site, c, m, it in _declared(crawled.replica):
        cases = []
        if it.expect:
            cases.append((None, it.expect))
        cases += [(att, e) for att, e in it.doc_expect.items()]
        for att, exp in cases:
            expected += 1
            key = (site.slug, f"{site.slug}/item/{it.aid}", f"{site.slug}/doc/{att}" if att else None)
            assert key in by_key, f"missing withheld {key} ({it.title})"
            row = by_key[key]
            assert set(json.loads(row["sources"])) == exp["sources"], (it.title, row["sources"])
            assert json.loads(row["paragraphs"]) == exp["paragraphs"], (it.title, row["paragraphs"])
            assert row["jurisdiction"] == exp["jurisdiction"], it.title
            assert bool(row["send_related"]) == it.send, it.title
            assert row["reason"], it.title
            assert row["meeting_date"] == m.day(crawled.replica.anchor).isoformat()
            assert row["committee_title"] == c.title
            assert row["meeting_url"].startswith(crawled.replica.base_url)
    assert len(stored) == expected, [(r["council"], r["item_title"], r["document_title"]) for r in stored]


def test_withheld_sentence_is_quoted_exactly(crawled):
    row = _rows(
        crawled.db,
        "select reason from withheld where council = ? and item_title like 'Additional Learning%'",
        [WELSH[0]],
    )[0]
    assert row["reason"] == "By virtue of paragraph(s) 14 of Part 4 of Schedule 12A of the Local Government Act 1972."


def test_send_documents_and_reports_packs_are_downloaded(crawled):
    docs = _rows(
        crawled.db, "select d.*, m.send_related meeting_send from documents d join meetings m on m.id = d.meeting"
    )
    for d in docs:
        wanted = (
            d["send_related"] and not d["restricted"] and (d["agenda_item"] or d["kind"] in ("reports_pack", "minutes"))
        )
        if wanted:
            assert d["sha256"] and d["bytes"] > 0 and d["http_status"] == 200, d["url"]
            path = crawled.files / d["sha256"][:2] / d["sha256"]
            assert path.stat().st_size == d["bytes"]
        if not d["send_related"]:
            assert d["sha256"] is None, d["url"]
    packs = [d for d in docs if d["kind"] == "reports_pack" and d["meeting_send"]]
    assert packs and all(p["sha256"] for p in packs)


def test_session_segments_and_spaces_are_canonicalised(crawled):
    urls = [r["url"] for r in _rows(crawled.db, "select url from meetings union all select url from documents")]
    assert not any("(X(" in u or " " in u for u in urls)
    static = _rows(crawled.db, "select url from documents where council='westerham' and url like '%/documents/s%'")
    assert static and all("%20" in r["url"] for r in static)


def test_second_crawl_changes_nothing_but_last_seen(crawled):
    assert crawled.first == crawled.second


def test_nothing_is_lost_between_crawls(crawled):
    db = sqlite3.connect(crawled.db)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    runs = db.execute("select count(distinct run_id) from crawl_runs").fetchone()[0]
    assert runs == 4  # two crawls, each a registry run and a --base-url run


def test_crawl_one_meeting_by_url_for_a_site_not_in_registry(crawled, tmp_path):
    site = crawled.replica.sites[WELSH[0]]
    m = site.committees[0].meetings[1]
    url = f"{crawled.replica.base_url}/{site.slug}/ieListDocuments.aspx?CId={m.cid}&MId={m.mid}"
    db = tmp_path / "one.db"
    proc = sendwatch("crawl", "--url", url, "--council-name", WELSH[1], "--db", str(db), "--delay", "0")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    meetings = _rows(db, "select * from meetings")
    assert [r["meeting_id"] for r in meetings] == [str(m.mid)]
    assert meetings[0]["council"] == "cwm-afon"
    items = _rows(db, "select title from agenda_items")
    assert len(items) == len(m.items)
    wh = _rows(db, "select paragraphs, jurisdiction from withheld")
    assert wh == [{"paragraphs": "[14]", "jurisdiction": "Wales (Schedule 12A Part 4)"}]


def test_faults_are_recorded_and_the_crawl_goes_on(tmp_path):
    from replica.server import Replica

    replica = Replica(faults={"broken_page", "http_500", "slow"}, slow_seconds=6)
    replica.start()
    try:
        registry = tmp_path / "councils.csv"
        replica.write_registry(registry)
        db = tmp_path / "faults.db"
        crawl_replica(replica, registry, db, "--timeout", "2")
        errors = _rows(db, "select url, stage, reason, http_status from crawl_errors")
        targets = replica.fault_targets()
        by_url = {e["url"].replace(replica.base_url, ""): e for e in errors}
        assert by_url[targets["http_500"]]["http_status"] == 500
        assert "timeout" in by_url[targets["slow"]]["reason"].lower()
        broken = by_url[targets["broken_page"]]
        assert broken["stage"] == "agenda page" and "UnexpectedStructure" in broken["reason"]
        assert len(errors) == 3, errors
        # the rest of the crawl completed: every other meeting and the withheld cases are there
        assert _rows(db, "select count(*) n from meetings")[0]["n"] == sum(
            len(c.meetings) for s in replica.sites.values() for c in s.committees
        )
        assert _rows(db, "select count(*) n from withheld")[0]["n"] >= 10
        runs = {r["council"]: r["status"] for r in _rows(db, "select council, status from crawl_runs")}
        assert runs["northby"] == "errors" and runs["southshire"] == "ok"
    finally:
        replica.stop()


def test_default_window_is_twelve_months_back_two_ahead():
    from datetime import date

    from scrapers.spiders.moderngov import default_window

    since, until = default_window(date(2026, 6, 15))
    assert since == (date(2026, 6, 15) - timedelta(days=365)).isoformat()
    assert until == "2026-08-15"


def test_scrapy_crawl_command_works_too(crawled, replica_registry, tmp_path):
    import subprocess
    import sys

    from tests.plugin_replica import ROOT

    db = tmp_path / "scrapy.db"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "moderngov",
            "-a",
            "council=westerham",
            "-a",
            f"registry={replica_registry}",
            "-s",
            f"SENDWATCH_DB={db}",
            "-s",
            f"SENDWATCH_FILES={tmp_path / 'f'}",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    runs = _rows(db, "select council, status, read_via from crawl_runs")
    assert runs == [{"council": "westerham", "status": "ok", "read_via": "html"}]
    assert _rows(db, "select count(*) n from meetings")[0]["n"] > 0
