"""How fast is the published site at scale? Full-text search and every canned query.

    python bench/bench_datasette.py                   # 200,000 pages, 150 councils
    python bench/bench_datasette.py --pages 20000     # quicker

Builds a synthetic database (bench/synth_db.py) unless --reuse finds one, then times each
request through Datasette's own client (metadata.yml, plugins/ and settings loaded, as
`sendwatch serve` runs it) next to the same SQL run directly on SQLite, and prints the
median and p95 in milliseconds. Targets: full-text search p95 < 200 ms, canned queries p95 < 500 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.synth_db import build_synthetic_db
from plugins.sendwatch_sql import register
from sendwatch.publish import datasette_instance, load_metadata

FTS_TARGET_MS = 200
QUERY_TARGET_MS = 500
SEARCH_TERMS = [
    "deficit",
    "safety valve",
    '"High Needs Block"',
    "tribunal",
    "transport OR placements",
]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def cases(conn: sqlite3.Connection) -> list[tuple[str, str, str, dict]]:
    """(label, Datasette path, SQL, params) for every case to time."""
    queries = load_metadata()["databases"]["sendwatch"]["queries"]
    council = conn.execute(
        "select council from withheld where send_related = 1 group by council order by count(*) desc limit 1"
    ).fetchone()[0]
    year = conn.execute("select max(year) - 1 from withheld").fetchone()[0]
    params = {
        "search_papers": {"q": "deficit", "council": ""},
        "search_agenda_items": {"q": "safety valve", "council": ""},
        "withheld_send_items": {"council": council, "date_from": "", "date_to": ""},
        "withholding_league": {"year": str(year)},
        "council_figures": {"council": council, "metric": ""},
        "upcoming_send_meetings": {"council": "", "from_date": ""},
        "newest_send_papers": {"council": ""},
        "feed_send_papers": {"council": ""},
        "feed_withheld": {"council": council},
        "what_changed": {"council": "", "days": "3650", "send_only": ""},
        "crawl_health": {"quiet_days": ""},
    }
    out = []
    for term in SEARCH_TERMS:
        qs = urllib.parse.urlencode({"_search": term, "_shape": "array"})
        # What Datasette's table search runs (escaped mode): each term quoted.
        escaped = " ".join(f'"{t}"' for t in term.replace('"', "").split())
        sql = (
            "select pages.* from pages where rowid in "
            "(select rowid from pages_fts where pages_fts match :q) order by pages.id limit 51"
        )
        out.append((f"fts table search: {term}", f"/sendwatch/pages.json?{qs}", sql, {"q": escaped}))
    for term in ("deficit", "safety valve", "tribunal"):
        p = {"q": term, "council": ""}
        out.append(
            (
                f"search_papers q={term}",
                "/sendwatch/search_papers.json?" + urllib.parse.urlencode({**p, "_shape": "array"}),
                queries["search_papers"]["sql"],
                p,
            )
        )
    p = {"q": "deficit", "council": council}
    out.append(
        (
            f"search_papers q=deficit council={council}",
            "/sendwatch/search_papers.json?" + urllib.parse.urlencode({**p, "_shape": "array"}),
            queries["search_papers"]["sql"],
            p,
        )
    )
    for name, query in queries.items():
        p = params[name]
        fmt = "atom" if name.startswith("feed_") else "json"
        path = f"/sendwatch/{name}.{fmt}?" + urllib.parse.urlencode({**p, "_shape": "array"})
        out.append((name, path, query["sql"], p))
    out.append(("table page: withheld (html, facets)", "/sendwatch/withheld", "select 1", {}))
    out.append(("table page: figures (html, facets)", "/sendwatch/figures", "select 1", {}))
    return out


async def time_client(ds, path: str, runs: int) -> list[float]:
    r = await ds.client.get(path)  # warm-up
    if r.status_code != 200:
        raise SystemExit(f"{path} -> {r.status_code}: {r.text[:300]}")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = await ds.client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200
    return times


def time_direct(conn: sqlite3.Connection, sql: str, params: dict, runs: int) -> list[float]:
    conn.execute(sql, params).fetchall()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        conn.execute(sql, params).fetchall()
        times.append((time.perf_counter() - t0) * 1000)
    return times


async def run(db: Path, runs: int) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    register(conn)
    ds = datasette_instance(db)
    await ds.invoke_startup()
    print(f"{'case':58} {'datasette med':>13} {'p95':>7} {'sqlite med':>10} {'p95':>7} {'ratio':>6}")
    failures = 0
    for label, path, sql, params in cases(conn):
        client = await time_client(ds, path, runs)
        direct = time_direct(conn, sql, params, runs)
        target = FTS_TARGET_MS if label.startswith("fts") else QUERY_TARGET_MS
        p95 = pct(client, 95)
        flag = "" if p95 < target else f"  OVER {target} ms"
        failures += bool(flag)
        ratio = statistics.median(client) / max(statistics.median(direct), 0.01)
        print(
            f"{label[:58]:58} {statistics.median(client):13.1f} {p95:7.1f} "
            f"{statistics.median(direct):10.1f} {pct(direct, 95):7.1f} {ratio:6.1f}{flag}"
        )
    conn.close()
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200_000)
    parser.add_argument("--councils", type=int, default=150)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per case (after one warm-up)")
    parser.add_argument(
        "--db",
        type=Path,
        default=Path("/tmp/sendwatch-bench/sendwatch.db"),
        help="where to build the database (must be called sendwatch.db)",
    )
    parser.add_argument("--reuse", action="store_true", help="reuse --db if it exists with the same number of pages")
    args = parser.parse_args(argv)
    db = args.db
    have = None
    if args.reuse and db.exists():
        have = sqlite3.connect(db).execute("select count(*) from pages").fetchone()[0]
    if have != args.pages:
        t0 = time.time()
        build_synthetic_db(db, councils=args.councils, pages=args.pages, seed=0, verbose=True)
        print(f"built {db} ({db.stat().st_size / 1e6:.0f} MB) in {time.time() - t0:.0f} s")
    counts = (
        sqlite3.connect(db)
        .execute(
            "select (select count(*) from councils), (select count(*) from meetings), "
            "(select count(*) from agenda_items), (select count(*) from documents), "
            "(select count(*) from pages), (select count(*) from withheld), (select count(*) from figures)"
        )
        .fetchone()
    )
    print("councils {} meetings {} agenda_items {} documents {} pages {} withheld {} figures {}".format(*counts))
    print(
        f"times in ms over {args.runs} runs; targets: fts p95 < {FTS_TARGET_MS}, canned queries p95 < {QUERY_TARGET_MS}"
    )
    failures = asyncio.run(run(db, args.runs))
    print("all within target" if not failures else f"{failures} case(s) over target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
