"""Fixtures for the published site: the database to publish, a running Datasette, and Chromium.

- ``synthetic_db``: a small realistic database from bench/synth_db.py (fictional councils).
- ``published_db``: the crawled demo database (``demo_db`` from plugin_replica.py) when that
  fixture exists, else ``synthetic_db``. Always a file called sendwatch.db.
- ``published_url``: ``python -m datasette serve`` with sendwatch's own arguments
  (sendwatch.publish.datasette_args) on a free port on 127.0.0.1.
- ``browser_type_launch_args``: pytest-playwright drives Debian's /usr/bin/chromium
  (never ``playwright install``), with flags that stop Chromium's background connections.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-output" / "screenshots"

CHROMIUM = os.environ.get("SENDWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def synthetic_db(tmp_path_factory) -> Path:
    """A small synthetic sendwatch.db: 8 fictional councils, 1,500 pages."""
    from bench.synth_db import build_synthetic_db

    path = tmp_path_factory.mktemp("synthetic") / "sendwatch.db"
    return build_synthetic_db(path, councils=8, pages=1500, seed=1)


@pytest.fixture(scope="session")
def published_db(request, tmp_path_factory) -> Path:
    """The demo database if the replica fixtures provide one, else the synthetic one."""
    try:
        db = Path(request.getfixturevalue("demo_db"))
    except pytest.FixtureLookupError:
        return request.getfixturevalue("synthetic_db")
    if db.name != "sendwatch.db":
        # The database name in URLs comes from the file name.
        link = tmp_path_factory.mktemp("published") / "sendwatch.db"
        link.symlink_to(db.resolve())
        return link
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"datasette exited with {proc.returncode} before serving {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"datasette did not answer {url} within {timeout}s")


@pytest.fixture(scope="session")
def published_url(published_db, tmp_path_factory):
    """Base URL (no trailing slash) of Datasette serving ``published_db`` as sendwatch does."""
    from sendwatch.publish import serve_command_line

    port = free_port()
    log = tmp_path_factory.mktemp("datasette") / "datasette.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            serve_command_line(published_db, host="127.0.0.1", port=port),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/-/versions.json", proc)
    except RuntimeError:
        proc.kill()
        raise RuntimeError(log.read_text(errors="replace")[-3000:]) from None
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def published_sqlite(published_db):
    """A read-only sqlite3 connection to the published database, with sendwatch's SQL functions."""
    import sqlite3

    from plugins.sendwatch_sql import register

    conn = sqlite3.connect(f"file:{published_db}?mode=ro", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    register(conn)
    yield conn
    conn.close()
