"""Faults survived, nothing lost.

One healthy crawl of the fault replica (northby via the web service, westerham via HTML) is the
baseline. Each test copies that database and files folder, switches one fault on and crawls one
council again, then checks:
- the crawl finished (exit 0 or 1, no crash, no hang) and its crawl_runs row is closed;
- the fault is in crawl_errors with the faulted URL and a reason that names it;
- every row stored before is still there and unchanged, except `last_seen` (bookkeeping of the
  sighting); nothing is marked removed (`removed_on` stays NULL) and `changes` gains nothing about
  what was stored before; earlier crawl_runs / crawl_errors / changes rows are untouched;
- every stored file is byte-identical, and every name in the files folder is a sha256 (no name
  from a URL or header);
- no request reached another host (the replica records every Host header it was sent).

Faults on documents need a document that is fetched during the faulty crawl; stored documents are
not fetched again when their listing is unchanged, so those crawls widen the window back by 50 days
(`wide`): new meetings may then appear, but the faulted document must not get a file.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from replica.faults import FaultRule, FaultyReplica
from replica.server import _SESSION
from tests.plugin_replica import sendwatch

pytestmark = pytest.mark.slow

BASE_SINCE, WIDE_SINCE, UNTIL = 200, 250, 60  # days before / after the anchor
TIMEOUT = 2  # --timeout for every crawl here
VOLATILE = {"last_seen", "last_read"}  # when a thing was last seen / a meeting last read whole
BOOKKEEPING = ("crawl_runs", "crawl_errors", "changes")
SHA_NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}$")


# ---------------------------------------------------------------- helpers


def _window(anchor: date, wide: bool) -> list[str]:
    return [
        "--since",
        (anchor - timedelta(days=WIDE_SINCE if wide else BASE_SINCE)).isoformat(),
        "--until",
        (anchor + timedelta(days=UNTIL)).isoformat(),
    ]


def crawl(site, data: Path, councils, wide=False, *extra, timeout=150):
    args = [a for c in councils for a in ("--council", c)]
    started = time.monotonic()
    proc = sendwatch(
        "crawl",
        "--registry",
        str(site.registry),
        *args,
        *_window(site.replica.anchor, wide),
        "--db",
        str(data / "sendwatch.db"),
        "--files",
        str(data / "files"),
        "--delay",
        "0",
        "--timeout",
        str(TIMEOUT),
        "--retries",
        "1",
        "--revisit-days",
        "0",
        *extra,
        timeout=timeout,
    )
    proc.seconds = time.monotonic() - started
    return proc


def tables(db: Path) -> dict[str, list[dict]]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    names = [
        r[0]
        for r in con.execute("select name from sqlite_master where type='table'")
        if "_fts" not in r[0] and not r[0].startswith("sqlite_")
    ]
    out = {}
    for n in names:
        pk = [r[1] for r in con.execute(f"pragma table_info([{n}])") if r[5]]
        out[n] = {
            tuple(row[k] for k in pk) if pk else i: dict(row)
            for i, row in enumerate(con.execute(f"select * from [{n}]"))
        }
    con.close()
    return out


def files(folder: Path) -> dict[str, str]:
    """relative name -> sha256 of the bytes, for every file under the files folder."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def path_of(url: str) -> str:
    parts = urlsplit(_SESSION.sub("", url))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def check_nothing_lost(before_dir: Path, after_dir: Path, run_id: str, wide: bool = False):
    """Every stored row and file survives unchanged (but for last_seen); returns the rows new in this crawl."""
    before, after = tables(before_dir / "sendwatch.db"), tables(after_dir / "sendwatch.db")
    baseline_meetings = {k[0] for k in before["meetings"]}
    new_rows = {}
    for table, rows in before.items():
        assert table in after, f"table {table} lost"
        for key, row in rows.items():
            assert key in after[table], f"{table} row {key} lost"
            ignore = set() if table in BOOKKEEPING else VOLATILE
            old = {k: v for k, v in row.items() if k not in ignore}
            new = {k: v for k, v in after[table][key].items() if k not in ignore}
            assert new == old, f"{table} row {key} altered: " + ", ".join(
                f"{k}: {old.get(k)!r} -> {new.get(k)!r}" for k in set(old) | set(new) if old.get(k) != new.get(k)
            )
        if table in BOOKKEEPING:
            continue
        added = [r for k, r in after[table].items() if k not in rows]
        new_rows[table] = added
        if not wide:
            assert not added, f"{table} gained rows in a crawl of unchanged pages: {added[:3]}"
        else:  # only things of meetings outside the baseline window
            for r in added:
                owner = r.get("meeting") or r.get("id")
                if table in ("meetings", "agenda_items", "documents", "withheld"):
                    assert owner not in baseline_meetings, f"{table}: {r}"
    for table, rows in after.items():
        for r in rows.values():
            if "removed_on" in r:
                assert r["removed_on"] is None, f"{table} row marked removed by a faulty crawl: {r}"
    changes = [c for c in after["changes"].values() if c["run_id"] == run_id]
    stored_ids = {k[0] for t, rows in before.items() if t not in BOOKKEEPING for k in rows if isinstance(k, tuple)}
    bad = [c for c in changes if c["object_id"] in stored_ids or c["meeting"] in baseline_meetings or not wide]
    assert not bad, f"a faulty crawl recorded changes to stored things: {bad}"

    fb, fa = files(before_dir / "files"), files(after_dir / "files")
    for name, digest in fb.items():
        assert fa.get(name) == digest, f"stored file {name} altered or lost"
    for name, digest in fa.items():
        assert SHA_NAME.match(name), f"file name not content-addressed: {name}"
        assert name.split("/")[1] == digest, f"file {name} does not hold the bytes its name says"
    referenced = {r["sha256"] for r in after["documents"].values() if r.get("sha256")}
    assert {n.split("/")[1] for n in fa} <= referenced | {n.split("/")[1] for n in fb}, "orphan file stored"
    return new_rows


def last_run(data: Path, council: str) -> dict:
    con = sqlite3.connect(data / "sendwatch.db")
    con.row_factory = sqlite3.Row
    row = con.execute(
        "select * from crawl_runs where council = ? order by started desc, id desc limit 1", [council]
    ).fetchone()
    ok = con.execute("pragma integrity_check").fetchone()[0]
    con.close()
    assert ok == "ok"
    return dict(row)


def errors(data: Path, run_id: str) -> list[dict]:
    con = sqlite3.connect(data / "sendwatch.db")
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute("select * from crawl_errors where run_id = ?", [run_id])]
    con.close()
    return rows


# ---------------------------------------------------------------- fixtures


@dataclass
class FaultSite:
    replica: FaultyReplica
    registry: Path
    base: Path
    targets: dict


def _targets(replica: FaultyReplica) -> dict[str, str]:
    n, w = replica.sites["northby"], replica.sites["westerham"]
    forum = n.committees[0]
    in_window = forum.meetings[5]  # 150 days back: SEND report, restricted Part 2 item
    dash = forum.meetings[6]  # 60 days back: "High Needs Block monitoring 2026/27 – Month 7"
    assert any("–" in it.title for it in dash.items)
    new = forum.meetings[4]  # 240 days back: only in the wide window
    new_doc = next(it for it in new.items if it.docs).docs[0]
    wforum = w.committees[0]
    wm = wforum.meetings[3]  # 130 days back, read from HTML
    anchor = replica.anchor
    assert anchor - timedelta(days=WIDE_SINCE) <= new.day(anchor) < anchor - timedelta(days=BASE_SINCE)
    assert in_window.day(anchor) >= anchor - timedelta(days=BASE_SINCE)
    return {
        "robots": "/robots.txt",
        "get_committees": "/northby/mgWebService.asmx/GetCommittees",
        "get_meetings": f"/northby/mgWebService.asmx/GetMeetings?lCommitteeId={forum.cid}",
        "get_meeting": f"/northby/mgWebService.asmx/GetMeeting?lMeetingId={in_window.mid}",
        "get_meeting_dash": f"/northby/mgWebService.asmx/GetMeeting?lMeetingId={dash.mid}",
        "agenda": f"/northby/ieListDocuments.aspx?CId={forum.cid}&MId={in_window.mid}",
        "html_agenda": f"/westerham/ieListDocuments.aspx?CId={wforum.cid}&MId={wm.mid}",
        "html_meetings": f"/westerham/ieListMeetings.aspx?CId={wforum.cid}",
        "new_doc": f"/northby/mgConvert2PDF.aspx?ID={new_doc.att}",
        "new_pack": f"/northby/mgConvert2PDF.aspx?ID={new.mid}&T=10",
    }


@pytest.fixture(scope="module")
def fault_site(tmp_path_factory):
    replica = FaultyReplica(date.today())
    replica.start()
    try:
        root = tmp_path_factory.mktemp("faults")
        registry = root / "councils.csv"
        replica.write_registry(registry)
        base = root / "base"
        base.mkdir()
        site = FaultSite(replica, registry, base, _targets(replica))
        proc = crawl(site, base, ["northby", "westerham"])
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert not replica.foreign_hosts()
        yield site
    finally:
        replica.stop()


@pytest.fixture
def run_dir(fault_site, tmp_path):
    data = tmp_path / "run"
    shutil.copytree(fault_site.base, data)
    fault_site.replica.clear_faults()
    fault_site.replica.reset_log()
    yield data
    fault_site.replica.clear_faults()


# ---------------------------------------------------------------- faults that must be recorded


@dataclass
class Case:
    id: str
    kind: str
    target: str  # key of _targets
    reason: str  # regex the crawl_errors reason must match
    council: str = "northby"
    params: dict | None = None
    wide: bool = False
    max_seconds: float = 60


CASES = [
    Case("http500", "http_status", "get_meeting", r"HTTP 500", params={"status": 500}),
    Case(
        "http500-retry-after", "http_status", "get_meeting", r"HTTP 500", params={"status": 500, "retry_after": "3600"}
    ),
    Case("http503", "http_status", "agenda", r"HTTP 503", params={"status": 503}),
    Case("http503-retry-after", "http_status", "agenda", r"HTTP 503", params={"status": 503, "retry_after": "120"}),
    Case(
        "http503-document", "http_status", "new_doc", r"HTTP 503", params={"status": 503, "retry_after": "5"}, wide=True
    ),
    Case("timeout", "hang", "agenda", r"(?i)timeout|timed out", params={"seconds": 8}),
    Case("timeout-trickle", "trickle", "new_pack", r"(?i)timeout|timed out", params={"seconds": 12}, wide=True),
    Case("reset", "reset", "get_meeting", r"(?i)connection|reset"),
    Case("reset-document", "reset", "new_doc", r"(?i)connection|reset", wide=True),
    Case("truncated-xml", "truncate", "get_meeting", r"(?i)truncat|data ?loss|incomplete"),
    Case("truncated-document", "truncate", "new_pack", r"(?i)truncat|data ?loss|incomplete", wide=True),
    Case("http500-html-agenda", "http_status", "html_agenda", r"HTTP 500", council="westerham", params={"status": 500}),
    Case("error-page-agenda", "error_page", "html_agenda", r"UnexpectedStructure", council="westerham"),
    Case("error-page-web-service", "error_page", "get_meeting", r"UnexpectedStructure"),
    Case("error-page-document", "error_page", "new_doc", r"(?i)html|error page|not a document", wide=True),
    Case("login-agenda", "login", "agenda", r"(?i)login"),
    Case("login-document", "login", "new_doc", r"(?i)login", wide=True),
    Case("redirect-loop", "redirect_loop", "agenda", r"(?i)redirect"),
    Case("offhost-agenda", "offhost", "agenda", r"(?i)host", params={"host": "localhost"}),
    Case("offhost-document", "offhost", "new_doc", r"(?i)host", params={"host": "127.0.0.2"}, wide=True),
    Case("oversize-declared", "oversize", "new_pack", r"(?i)size|large|limit", wide=True),
    Case(
        "oversize-streamed",
        "oversize_stream",
        "new_pack",
        r"(?i)size|large|limit",
        params={"limit": 160 * 1024 * 1024},
        wide=True,
    ),
    Case("malformed-xml-meeting", "bad_xml", "get_meeting", r"(?i)malformed|UnexpectedStructure"),
    Case(
        "garbage-xml-meeting",
        "bad_xml",
        "get_meeting",
        r"(?i)malformed|UnexpectedStructure",
        params={"mode": "garbage"},
    ),
    Case("malformed-xml-meetings", "bad_xml", "get_meetings", r"(?i)malformed|UnexpectedStructure"),
    Case("malformed-xml-committees", "bad_xml", "get_committees", r"(?i)malformed|UnexpectedStructure"),
    Case("wrong-encoding-xml", "wrong_encoding", "get_meeting_dash", r"(?i)encod|utf-?8|decod"),
    Case("wrong-encoding-html", "wrong_encoding", "html_agenda", r"(?i)encod|utf-?8|decod", council="westerham"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fault_is_recorded_and_nothing_is_lost(fault_site, run_dir, case):
    replica, target = fault_site.replica, fault_site.targets[case.target]
    rule = replica.add_fault(case.kind, target, **(case.params or {}))
    proc = crawl(fault_site, run_dir, [case.council], case.wide)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert proc.seconds < case.max_seconds, f"crawl took {proc.seconds:.0f} s"
    assert rule.hits >= 1, "the fault was never reached"
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]

    run = last_run(run_dir, case.council)
    assert run["finished"] and run["status"] in ("errors", "failed"), run
    errs = errors(run_dir, run["run_id"])
    matcher = FaultRule(case.kind, target)
    hits = [e for e in errs if matcher.matches(path_of(e["url"]))]
    assert hits, f"no crawl_errors row for {target}: {errs}"
    assert any(re.search(case.reason, e["reason"] or "") for e in hits), hits
    assert all(e["url"].startswith(replica.base_url) for e in errs), errs

    new = check_nothing_lost(fault_site.base, run_dir, run["run_id"], wide=case.wide)
    if case.wide:
        faulted = [d for d in new["documents"] if matcher.matches(path_of(d["url"]))]
        assert faulted and all(d["sha256"] is None for d in faulted), faulted
    assert not replica.foreign_hosts(), replica.foreign_hosts()


def test_offhost_redirect_is_recorded_as_a_new_host(fault_site, run_dir):
    replica = fault_site.replica
    replica.add_fault("offhost", fault_site.targets["agenda"], host="localhost")
    proc = crawl(fault_site, run_dir, ["northby"])
    assert proc.returncode in (0, 1), proc.stderr
    run = last_run(run_dir, "northby")
    assert json.loads(run["new_hosts"] or "[]") == [f"localhost:{replica.port}"], run
    assert not replica.foreign_hosts()


def test_robots_disallow_all_stops_the_crawl_politely(fault_site, run_dir):
    replica = fault_site.replica
    replica.add_fault("robots", "/robots.txt")
    proc = crawl(fault_site, run_dir, ["northby"])
    assert proc.returncode == 1, proc.stdout + proc.stderr
    run = last_run(run_dir, "northby")
    assert run["finished"] and run["status"] == "failed", run
    errs = errors(run_dir, run["run_id"])
    assert errs and all(re.search(r"(?i)robots", e["reason"]) for e in errs), errs
    assert [p for p in replica.requests if p != "/robots.txt"] == [], "a request went past robots.txt"
    check_nothing_lost(fault_site.base, run_dir, run["run_id"])


# ---------------------------------------------------------------- faults the crawl recovers from

RECOVERED = [
    Case("http503-once-retry-after", "http_status", "get_meeting", "", params={"status": 503, "retry_after": "1"}),
    Case("reset-once", "reset", "agenda", ""),
    Case("slow-within-timeout", "slow", "get_meeting", "", params={"seconds": TIMEOUT / 3}),
]


@pytest.mark.parametrize("case", RECOVERED, ids=[c.id for c in RECOVERED])
def test_transient_fault_is_retried_and_the_crawl_is_clean(fault_site, run_dir, case):
    replica, target = fault_site.replica, fault_site.targets[case.target]
    times = None if case.kind == "slow" else 1
    rule = replica.add_fault(case.kind, target, times=times, **(case.params or {}))
    proc = crawl(fault_site, run_dir, [case.council])
    assert rule.hits >= 1
    run = last_run(run_dir, case.council)
    assert proc.returncode == 0 and run["status"] == "ok", (run, errors(run_dir, run["run_id"]), proc.stderr[-2000:])
    check_nothing_lost(fault_site.base, run_dir, run["run_id"])
