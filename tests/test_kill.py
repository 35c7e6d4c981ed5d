"""A crawl killed with SIGKILL leaves a sound database, and the next run ends where an unbroken run ends.

Compared: every data table (tests.plugin_replica.snapshot) and the stored files. Not compared,
because they record when something happened rather than what the site holds: first_seen,
last_seen, last_read, removed_on (NULL in both anyway) and documents.fetched_at; nor the
crawl bookkeeping tables (crawl_runs, crawl_errors, changes). The killed run's crawl_runs row
stays `running` until the next crawl of that council marks it `interrupted`.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from replica.faults import FaultyReplica
from tests.plugin_replica import ROOT, sendwatch, snapshot

pytestmark = pytest.mark.slow

MOMENT = {"first_seen", "last_seen", "last_read", "removed_on", "fetched_at"}


def _args(replica: FaultyReplica, registry: Path, data: Path) -> list[str]:
    anchor = replica.anchor
    return [
        "crawl",
        "--registry",
        str(registry),
        "--council",
        "northby",
        "--since",
        (anchor - timedelta(days=730)).isoformat(),
        "--until",
        (anchor + timedelta(days=120)).isoformat(),
        "--db",
        str(data / "sendwatch.db"),
        "--files",
        str(data / "files"),
        "--delay",
        "0",
        "--timeout",
        "10",
        "--revisit-days",
        "0",
        "--no-progress",
    ]


def _count(db: Path, sql: str) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _comparable(db: Path) -> dict:
    return {t: [{k: v for k, v in row.items() if k not in MOMENT} for row in rows] for t, rows in snapshot(db).items()}


def _files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".part-")
    }


def test_sigkill_mid_crawl_then_rerun_matches_an_unbroken_crawl(tmp_path):
    replica = FaultyReplica(date.today())
    replica.start()
    try:
        registry = tmp_path / "councils.csv"
        replica.write_registry(registry)
        # Meetings and documents answer slowly, so the crawl is still busy writing when it is killed.
        slow = replica.add_fault("slow", "/northby/mgConvert2PDF.aspx*", seconds=0.4)
        replica.add_fault("slow", "/northby/mgWebService.asmx/GetMeeting?*", seconds=0.2)

        killed = tmp_path / "killed"
        killed.mkdir()
        db = killed / "sendwatch.db"
        proc = subprocess.Popen(
            [sys.executable, "-m", "sendwatch.cli", *_args(replica, registry, killed)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None:
                if (
                    _count(db, "select count(*) from meetings") >= 5
                    and _count(db, "select count(*) from documents where sha256 is not null") >= 2
                ):
                    break
                time.sleep(0.05)
            assert proc.poll() is None, "the crawl ended before it could be killed; slow it down"
            os.kill(proc.pid, signal.SIGKILL)
            assert proc.wait(timeout=10) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
        assert slow.hits >= 1

        con = sqlite3.connect(db)
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        run = con.execute("select status, finished from crawl_runs").fetchall()
        partial = con.execute(
            "select (select count(*) from agenda_items), (select count(*) from documents where sha256 is not null)"
        ).fetchone()
        con.close()
        assert run == [("running", None)], run  # a SIGKILLed run cannot close its row

        replica.clear_faults()
        rerun = sendwatch(*_args(replica, registry, killed), timeout=180)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr

        whole = tmp_path / "whole"
        whole.mkdir()
        fresh = sendwatch(*_args(replica, registry, whole), timeout=180)
        assert fresh.returncode == 0, fresh.stdout + fresh.stderr

        con = sqlite3.connect(db)
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        statuses = [r[0] for r in con.execute("select status from crawl_runs order by started")]
        con.close()
        assert statuses == ["interrupted", "ok"], statuses

        con = sqlite3.connect(whole / "sendwatch.db")
        complete = con.execute(
            "select (select count(*) from agenda_items), (select count(*) from documents where sha256 is not null)"
        ).fetchone()
        con.close()
        assert partial[0] < complete[0] or partial[1] < complete[1], ("killed too late", partial, complete)

        after, expected = _comparable(db), _comparable(whole / "sendwatch.db")
        assert after.keys() == expected.keys()
        for table in expected:
            assert after[table] == expected[table], f"{table} differs after kill + rerun"
        assert _files(killed / "files") == _files(whole / "files")
    finally:
        replica.stop()
