"""`sendwatch demo`: the offline replica crawled, extracted and ready to serve."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path


def _run(args: list[str], echo) -> int:
    proc = subprocess.run([sys.executable, "-m", "sendwatch.cli", *args], capture_output=True, text=True)
    echo(proc.stdout.rstrip())
    if proc.returncode not in (0, 1):
        echo(proc.stderr[-3000:])
        raise SystemExit(f"sendwatch {args[0]} failed (exit {proc.returncode})")
    return proc.returncode


def replica_crawls(replica, registry: Path, db: Path, *extra: str) -> list[list[str]]:
    """The `sendwatch crawl` commands that crawl the whole replica: its registry councils in one run,
    then each council not in the registry by --base-url. Shared by the demo and the tests."""
    window = [
        "--since",
        (replica.anchor - timedelta(days=730)).isoformat(),
        "--until",
        (replica.anchor + timedelta(days=120)).isoformat(),
    ]
    common = [*window, "--db", str(db), "--delay", "0", *extra]
    listed = [a for s in replica.sites.values() if s.in_registry for a in ("--council", s.slug)]
    commands = [["crawl", "--registry", str(registry), *listed, *common]]
    for s in replica.sites.values():
        if not s.in_registry:
            commands.append(["crawl", "--base-url", f"{replica.base_url}/{s.slug}", "--council-name", s.name, *common])
    return commands


def build_demo(data_dir: Path, *, replica_port: int = 8765, echo=print) -> Path:
    """Start the replica, crawl it (every council, two years), extract, change the sites, crawl and
    extract again, and return the database path."""
    from replica.server import Replica

    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    db = data_dir / "sendwatch.db"
    replica = Replica(date.today())
    url = replica.start(replica_port)
    echo(f"replica of council sites: {url} ({', '.join(replica.sites)})")
    registry = data_dir / "replica-councils.csv"
    replica.write_registry(registry)
    try:
        for edition in (1, 2):
            if edition == 2:
                # The sites a while later: a paper republished, an appendix pulled, an item re-classified
                # as exempt, a withheld report published, a meeting cancelled (replica/content.py EDITION_2).
                replica.set_edition(2)
                echo("replica sites changed; crawling again to record what changed")
            again = ["--revisit-days", "0"] if edition == 2 else []
            for command in replica_crawls(replica, registry, db, *again, "--no-progress"):
                _run(command, echo)
            _run(["extract", "--db", str(db), "--files", str(data_dir / "files")], echo)
    finally:
        replica.stop()
    return db
