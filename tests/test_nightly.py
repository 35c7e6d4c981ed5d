"""`crawl --all` over the registry with a rolling window, and `--backfill` in resumable date chunks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlite_utils

from sendwatch.crawling import date_chunks
from tests.plugin_replica import sendwatch

pytestmark = pytest.mark.slow


def _rows(db, sql, params=()):
    return [dict(r) for r in sqlite_utils.Database(db).query(sql, params)]


def test_date_chunks_cover_the_range_without_overlap():
    chunks = date_chunks("2024-01-01", "2026-03-31", 365)
    assert chunks[0][0] == "2024-01-01" and chunks[-1][1] == "2026-03-31"
    for (_a, b), (c, _) in zip(chunks, chunks[1:], strict=False):
        assert date.fromisoformat(b) + timedelta(days=1) == date.fromisoformat(c)


def test_crawl_all_uses_the_registry_and_a_rolling_window(replica_site, replica_registry, tmp_path):
    db = tmp_path / "all.db"
    proc = sendwatch(
        "crawl",
        "--all",
        "--registry",
        str(replica_registry),
        "--db",
        str(db),
        "--delay",
        "0",
        "--weeks-back",
        "10",
        "--weeks-ahead",
        "10",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = _rows(db, "select council, status, window_since, window_until from crawl_runs order by council")
    assert [r["council"] for r in runs] == ["northby", "southshire", "westerham"]
    today = date.today()
    assert all(r["window_since"] == (today - timedelta(weeks=10)).isoformat() for r in runs)
    assert all(r["window_until"] == (today + timedelta(weeks=10)).isoformat() for r in runs)
    dates = [r["date"] for r in _rows(db, "select date from meetings")]
    assert dates and all(runs[0]["window_since"] <= d <= runs[0]["window_until"] for d in dates)
    assert "finished northby" in proc.stderr  # plain progress lines when not on a terminal


def test_backfill_in_chunks_resumes(replica_site, replica_registry, tmp_path):
    db = tmp_path / "backfill.db"
    since = (replica_site.anchor - timedelta(days=700)).isoformat()
    until = (replica_site.anchor + timedelta(days=60)).isoformat()
    args = [
        "crawl",
        "--registry",
        str(replica_registry),
        "--council",
        "westerham",
        "--backfill",
        "--since",
        since,
        "--until",
        until,
        "--chunk-days",
        "365",
        "--db",
        str(db),
        "--delay",
        "0",
    ]
    first = sendwatch(*args)
    assert first.returncode == 0, first.stdout + first.stderr
    windows = [
        (r["window_since"], r["window_until"])
        for r in _rows(db, "select window_since, window_until from crawl_runs order by window_since")
    ]
    assert windows == date_chunks(since, until, 365) and len(windows) == 3
    meetings = _rows(db, "select count(*) n from meetings")[0]["n"]
    site = replica_site.sites["westerham"]
    expected = sum(
        1 for c in site.committees for m in c.meetings if since <= m.day(replica_site.anchor).isoformat() <= until
    )
    assert meetings == expected
    again = sendwatch(*args)
    assert again.returncode == 0 and "every chunk already crawled" in again.stdout
    assert len(_rows(db, "select * from crawl_runs")) == 3


def test_conditional_requests_where_the_server_gives_validators(replica_site, replica_registry, tmp_path):
    db = tmp_path / "etag.db"
    args = [
        "crawl",
        "--registry",
        str(replica_registry),
        "--council",
        "westerham",
        "--db",
        str(db),
        "--delay",
        "0",
        "--since",
        (replica_site.anchor - timedelta(days=200)).isoformat(),
        "--until",
        (replica_site.anchor + timedelta(days=60)).isoformat(),
    ]
    assert sendwatch(*args).returncode == 0
    stored = _rows(db, "select id, sha256, etag, last_modified from documents where sha256 is not null")
    assert stored and all(r["etag"] and r["last_modified"] for r in stored if "/doc/" in r["id"])
    # Where the server gave validators, a re-read asks it (304) rather than trusting the rounded listed size.
    again = sendwatch(*args, "--revisit-days", "0")
    assert again.returncode == 0, again.stdout
    run = _rows(db, "select documents_fetched, documents_unchanged from crawl_runs order by started desc limit 1")[0]
    validated = sum(1 for r in stored if "/doc/" in r["id"])
    assert run["documents_unchanged"] >= validated and run["documents_fetched"] <= len(stored) - validated, run
    after = {r["id"]: r["sha256"] for r in _rows(db, "select id, sha256 from documents where sha256 is not null")}
    assert after == {r["id"]: r["sha256"] for r in stored}
