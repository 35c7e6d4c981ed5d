"""Fixtures that start the offline replica of council sites and crawl it in a subprocess."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlite_utils

from replica.server import Replica
from sendwatch.demo import replica_crawls

ROOT = Path(__file__).resolve().parent.parent
WELSH = ("cwm-afon", "Cwm Afon County Borough Council")
VOLATILE = {"last_seen", "last_read"}


def sendwatch(*args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the sendwatch CLI in a subprocess (Twisted's reactor cannot restart in-process)."""
    proc = subprocess.run(
        [sys.executable, "-m", "sendwatch.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if check and proc.returncode not in (0, 1):
        raise AssertionError(f"sendwatch {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def crawl_replica(replica: Replica, registry: Path, db: Path, *extra: str) -> list[subprocess.CompletedProcess]:
    """Crawl the whole replica the way `make demo` does."""
    return [sendwatch(*command) for command in replica_crawls(replica, registry, db, *extra)]


def snapshot(db_path: Path) -> dict[str, list[dict]]:
    """Every row of every data table, minus the columns that are meant to move (last_seen)."""
    db = sqlite_utils.Database(db_path)
    out = {}
    for table in ("councils", "committees", "meetings", "agenda_items", "documents", "withheld", "pages", "figures"):
        if not db[table].exists():
            continue
        pk = "slug" if table == "councils" else "id"
        out[table] = [{k: v for k, v in row.items() if k not in VOLATILE} for row in db[table].rows_where(order_by=pk)]
    return out


@dataclass
class CrawledReplica:
    replica: Replica
    db: Path  # after two crawls of edition 1 (a copy, frozen)
    files: Path
    first: dict
    second: dict
    outputs: list
    final_db: Path  # after a third crawl, of edition 2 (the sites changed)


@pytest.fixture(scope="session")
def replica_site():
    replica = Replica(date.today())
    replica.start()
    yield replica
    replica.stop()


@pytest.fixture(scope="session")
def replica_registry(replica_site, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("registry") / "councils.csv"
    replica_site.write_registry(path)
    return path


@pytest.fixture(scope="session")
def crawled(replica_site, replica_registry, tmp_path_factory) -> CrawledReplica:
    """The replica crawled twice into one database (plus extraction when extract/ is present)."""
    data = tmp_path_factory.mktemp("crawl")
    db = data / "sendwatch.db"
    out1 = crawl_replica(replica_site, replica_registry, db)
    extract = sendwatch("extract", "--db", str(db), "--files", str(data / "files"), check=False)
    first = snapshot(db)
    out2 = crawl_replica(replica_site, replica_registry, db)
    sendwatch("extract", "--db", str(db), "--files", str(data / "files"), check=False)
    second = snapshot(db)
    frozen = data / "edition1.db"
    with sqlite3.connect(db) as src, sqlite3.connect(frozen) as dst:
        src.backup(dst)
    replica_site.set_edition(2)
    try:
        out3 = crawl_replica(replica_site, replica_registry, db, "--revisit-days", "0")
        sendwatch("extract", "--db", str(db), "--files", str(data / "files"), check=False)
    finally:
        replica_site.set_edition(1)
    return CrawledReplica(replica_site, frozen, data / "files", first, second, out1 + [extract] + out2 + out3, db)


@pytest.fixture(scope="session")
def demo_db(crawled) -> Path:
    """A crawled (and extracted) replica database, as `make demo` builds it: two editions of the sites."""
    return crawled.final_db
