"""Serving and publishing: argument building, every canned query and feed on the published database."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import shlex
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from db.schema import open_db
from sendwatch.cli_publish import publish_command, serve_command
from sendwatch.publish import (
    METADATA,
    PLUGINS_DIR,
    PUBLISH_INSTALL,
    datasette_args,
    datasette_instance,
    load_metadata,
    publish_args,
)

ATOM = "{http://www.w3.org/2005/Atom}"
QUERIES = load_metadata()["databases"]["sendwatch"]["queries"]


def run_async(coro):
    """Datasette's client is async; run it in a worker thread (pytest-playwright owns the loop)."""
    with concurrent.futures.ThreadPoolExecutor(1) as ex:
        return ex.submit(asyncio.run, coro).result()


def get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read(), r.headers.get("content-type", "")
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers.get("content-type", "")


def query_rows(base: str, name: str, params: dict) -> list[dict]:
    qs = urllib.parse.urlencode({**params, "_shape": "array"})
    status, body, _ = get(f"{base}/sendwatch/{name}.json?{qs}")
    assert status == 200, body[:500]
    return json.loads(body)


# Argument building (no server).


def test_datasette_args(synthetic_db):
    args = datasette_args(synthetic_db, host="127.0.0.1", port=9999)
    assert args[0] == str(synthetic_db)
    assert args[args.index("--metadata") + 1] == str(METADATA)
    assert args[args.index("--plugins-dir") + 1] == str(PLUGINS_DIR)
    settings = {args[i + 1]: args[i + 2] for i, a in enumerate(args) if a == "--setting"}
    assert int(settings["sql_time_limit_ms"]) <= 5000
    assert args[-4:] == ["--host", "127.0.0.1", "--port", "9999"]
    assert datasette_args(synthetic_db, immutable=True)[:2] == ["-i", str(synthetic_db)]


def test_database_must_be_called_sendwatch(tmp_path):
    other = tmp_path / "other.db"
    open_db(other).close()
    with pytest.raises(ValueError, match="sendwatch.db"):
        datasette_args(other)
    result = CliRunner().invoke(serve_command, ["--db", str(other), "--dry-run"])
    assert result.exit_code == 2 and "sendwatch.db" in result.output


def test_serve_dry_run(synthetic_db):
    result = CliRunner().invoke(serve_command, ["--db", str(synthetic_db), "--port", "8123", "--dry-run"])
    assert result.exit_code == 0, result.output
    cmd = shlex.split(result.output)
    assert cmd[1:4] == ["-m", "datasette", "serve"]
    assert cmd[4:] == datasette_args(synthetic_db, port=8123)


@pytest.mark.parametrize("host", ["cloudrun", "heroku"])
def test_publish_dry_run(synthetic_db, host):
    result = CliRunner().invoke(
        publish_command,
        [
            host,
            "--db",
            str(synthetic_db),
            "--service",
            "sendwatch",
            "--name",
            "sendwatch",
            "--dry-run",
        ],
    )
    assert result.exit_code == 0, result.output
    cmd = shlex.split(result.output)
    assert cmd[3:6] == ["publish", host, str(synthetic_db)]
    assert cmd[cmd.index("--metadata") + 1] == str(METADATA)
    assert cmd[cmd.index("--plugins-dir") + 1] == str(PLUGINS_DIR)
    installs = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--install"]
    assert installs == list(PUBLISH_INSTALL)
    extra = cmd[cmd.index("--extra-options") + 1]
    assert "--setting sql_time_limit_ms" in extra
    assert ("--service" in cmd) == (host == "cloudrun")


def test_publish_arguments_are_accepted_by_datasette(synthetic_db):
    # datasette publish cannot reach a cloud here; check its parser accepts every option we build.
    args = publish_args(synthetic_db, "cloudrun", service="sendwatch")
    help_text = subprocess.run(
        [sys.executable, "-m", "datasette", "publish", "cloudrun", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for option in {a for a in args if a.startswith("--") and " " not in a}:
        assert option in help_text, option
    with pytest.raises(ValueError):
        publish_args(synthetic_db, "vercel")


# The running site.


@pytest.fixture(scope="module")
def samples(published_sqlite):
    """Parameters for each canned query that the published database can answer."""
    db = published_sqlite
    q = "deficit"
    if not db.execute("select 1 from pages_fts where pages_fts match ? limit 1", [q]).fetchone():
        text = db.execute("select text from pages where length(text) > 20 limit 1").fetchone()[0]
        q = next(w for w in text.split() if w.isalpha() and len(w) > 4)
    search_council = db.execute(
        "select p.council from pages_fts join pages p on p.rowid = pages_fts.rowid "
        "where pages_fts match fts_query(?) limit 1",
        [q],
    ).fetchone()[0]
    item_title = db.execute("select title from agenda_items where send_related = 1 limit 1").fetchone()[0]
    item_q = next(w for w in item_title.split() if w.isalpha() and len(w) > 3)
    withheld = db.execute(
        "select council, min(meeting_date), max(meeting_date), count(*) from withheld "
        "where send_related = 1 group by council order by 4 desc limit 1"
    ).fetchone()
    figures_council = db.execute(
        "select council from figures group by council order by count(*) desc limit 1"
    ).fetchone()[0]
    upcoming_from = ""
    if not db.execute("select 1 from meetings where send_related = 1 and date >= date('now') limit 1").fetchone():
        upcoming_from = db.execute("select max(date) from meetings where send_related = 1").fetchone()[0]
    return {
        "search_papers": [{"q": q, "council": ""}, {"q": q, "council": search_council}],
        "search_agenda_items": [{"q": item_q, "council": ""}],
        "withheld_send_items": [
            {"council": withheld[0], "date_from": withheld[1], "date_to": withheld[2]},
            {"council": "", "date_from": "", "date_to": ""},
        ],
        "withholding_league": [{"year": ""}, {"year": withheld[2][:4]}],
        "council_figures": [{"council": figures_council, "metric": ""}],
        "upcoming_send_meetings": [{"council": "", "from_date": upcoming_from}],
        "newest_send_papers": [{"council": ""}],
        "what_changed": [{"council": "", "days": "", "send_only": ""}, {"council": "", "days": "30", "send_only": "1"}],
        "crawl_health": [{"quiet_days": ""}],
        "feed_send_papers": [{"council": ""}, {"council": search_council}],
        "feed_withheld": [{"council": ""}, {"council": withheld[0]}],
        "_withheld_council": withheld[0],
    }


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_canned_query_returns_rows(published_url, samples, name):
    assert name in samples, f"add sample parameters for the new query {name}"
    for params in samples[name]:
        rows = query_rows(published_url, name, params)
        assert rows, f"{name} {params} returned no rows"
        if not name.startswith("feed_"):
            continue
        assert not any(r["atom_id"].startswith("tag:sendwatch,2025:no-entries") for r in rows)


def test_figures_link_to_their_source_page(published_url, samples):
    params = samples["council_figures"][0]
    rows = query_rows(published_url, "council_figures", params)
    linked = [r for r in rows if r["source_link"]]
    assert linked, "no figure could be tied to a stored page"
    status, body, _ = get(published_url + linked[0]["source_link"] + ".json?_shape=array")
    assert status == 200
    page = json.loads(body)[0]
    assert page["page"] == linked[0]["page"]


def test_search_respects_the_council_filter(published_url, samples):
    params = samples["search_papers"][1]
    rows = query_rows(published_url, "search_papers", params)
    names = {r["council"] for r in rows}
    assert len(names) == 1
    name = names.pop()
    by_name = query_rows(published_url, "search_papers", {**params, "council": name.upper()})
    assert {r["council"] for r in by_name} == {name}


def parse_atom(body: bytes) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None and root.find(f"{ATOM}{tag}").text, tag
    return root


@pytest.mark.parametrize("feed", ["feed_send_papers", "feed_withheld"])
def test_feeds_are_valid_atom(published_url, samples, feed):
    for params in samples[feed]:
        qs = urllib.parse.urlencode(params)
        status, body, ctype = get(f"{published_url}/sendwatch/{feed}.atom?{qs}")
        assert status == 200, body[:500]
        assert "xml" in ctype
        root = parse_atom(body)
        entries = root.findall(f"{ATOM}entry")
        assert entries
        ids = [e.find(f"{ATOM}id").text for e in entries]
        assert len(ids) == len(set(ids)) and all(i.startswith("tag:sendwatch,") for i in ids)
        for e in entries:
            assert e.find(f"{ATOM}title").text
            updated = e.find(f"{ATOM}updated").text
            assert len(updated) >= 20 and updated[4] == "-" and "T" in updated
            assert e.find(f"{ATOM}link").get("href", "").startswith("http")
            assert e.find(f"{ATOM}content").text


def test_feed_for_a_council_with_nothing_is_still_valid(published_url):
    status, body, _ = get(f"{published_url}/sendwatch/feed_withheld.atom?council=no-such-council")
    assert status == 200
    entries = parse_atom(body).findall(f"{ATOM}entry")
    assert len(entries) == 1 and "no-entries" in entries[0].find(f"{ATOM}id").text


def test_robots_txt(published_url):
    status, body, _ = get(published_url + "/robots.txt")
    lines = body.decode().splitlines()
    assert status == 200 and lines[0] == "User-agent: *"
    assert "Disallow: /-/" in lines and "Disallow: /" not in lines
    assert "Disallow: /sendwatch/search_papers" in lines


def test_no_write_plugins_and_time_limit(published_url):
    status, body, _ = get(published_url + "/-/plugins.json")
    names = {p["name"] for p in json.loads(body)}
    assert "sendwatch_sql.py" in names
    writers = {
        "datasette-write",
        "datasette-insert",
        "datasette-upload-csvs",
        "datasette-edit-schema",
        "datasette-write-ui",
        "datasette-import",
        "datasette-render-html",
    }
    assert not names & writers
    settings = json.loads(get(published_url + "/-/settings.json")[1])
    assert 0 < settings["sql_time_limit_ms"] <= 5000
    # Arbitrary SQL cannot write.
    qs = urllib.parse.urlencode({"sql": "delete from councils", "_shape": "array"})
    status, body, _ = get(f"{published_url}/sendwatch.json?{qs}")
    assert status == 400


def test_dashboard_page_serves_local_scripts_only(published_url):
    status, body, _ = get(published_url + "/-/dashboards/send-overview")
    assert status == 200
    html = body.decode()
    assert "renderChart('dsg-deficit'" in html
    srcs = [s.split('"')[1] for s in html.split("src=")[1:] if s.startswith('"')]
    assert srcs and all(s.startswith("/") for s in srcs), srcs


def test_scraped_html_is_escaped(tmp_path):
    path = tmp_path / "sendwatch.db"
    db = open_db(path)
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)> **bold**'
    db["councils"].insert({"slug": "evil", "name": "Evil Council"})
    db["agenda_items"].insert(
        {
            "id": "evil:1",
            "council": "evil",
            "title": evil,
            "agenda_text": evil,
            "meeting_date": "2025-01-01",
            "send_terms": '["SEND"]',
            "send_related": 1,
        }
    )
    db.close()

    async def fetch():
        ds = datasette_instance(path)
        await ds.invoke_startup()
        out = []
        for url in (
            "/sendwatch/agenda_items",
            "/sendwatch/agenda_items/evil~3A1",
            "/sendwatch/search_agenda_items?q=alert&council=",
        ):
            r = await ds.client.get(url)
            out.append((r.status_code, r.text))
        return out

    for status, html in run_async(fetch()):
        assert status == 200
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
        assert "<strong>bold</strong>" not in html
