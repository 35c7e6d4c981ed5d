"""Benchmark nightly crawling: the offline replica scaled to 50 councils, crawled repeatedly.

    python bench/bench_crawl.py [--councils 50] [--changed 0.05] [--parallel N]

The replica's councils (northby, southshire, westerham) are cloned under numbered slugs
(northby-01, southshire-02, ...) until there are --councils of them, each served under its own
path prefix. All councils are crawled in ONE `sendwatch crawl` process (one --council flag
each), in a subprocess whose peak RSS is read with os.wait4:

  (a) first crawl into an empty database
  (b) second crawl, nothing changed on the sites
  (b2) the same, over the nightly `crawl --all` rolling window (6 weeks back, 8 ahead)
  (c) third crawl after --changed (5%) of meetings changed: every item's agenda text, one
      item's title, and one document per meeting republished (new bytes; where the replica
      supports Doc.revision, also a new web-service publication date and listed size)
  (c2) the same again with --revisit-days 0 (if the crawler has it): older meetings, which a
      nightly run re-reads only every SENDWATCH_REVISIT_DAYS, are read again

Prints requests and bytes (summed from crawl_runs), seconds, peak RSS, documents the replica
served, and the crawler's own counts of documents skipped; then second/first bytes (target
< 10%), documents downloaded again in (b) (target 0), whether (c) picked up every republished
document, and peak memory (target < 400 MB).

The crawler re-reads old meetings only every few days (SENDWATCH_REVISIT_DAYS), so a change
to an old meeting made just before (c) may be picked up by a later night: the bench prints
republished documents found in recent/upcoming meetings and in older ones separately.

Clones keep their template council's name inside documents, so the replica generates each
template document once (reportlab is slow) and makes each clone's copy distinct with a PDF
comment after %%EOF. That warm-up is done before crawl (a) and is not timed.
"""

from __future__ import annotations

import argparse
import copy
import inspect
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from replica.server import Replica

DOC_PATH = re.compile(r"mgconvert2pdf\.aspx|/documents/[sg]\d+/", re.IGNORECASE)
STAT = re.compile(r"'(sendwatch/[a-z_]+)': (\d+)")


def _setting(name: str, default):
    """A crawler setting from scrapers/settings.py (the bench reports against the crawler's policy)."""
    try:
        from scrapers import settings
    except ImportError:
        return default
    return getattr(settings, name, default)


# meetings this recent (and upcoming ones) are read whole every run; older ones every REVISIT_DAYS
HOT_DAYS = int(_setting("SENDWATCH_HOT_DAYS", 42))
REVISIT_DAYS = _setting("SENDWATCH_REVISIT_DAYS", 7)


def _raw(name: str):
    """The uncached generator behind Replica.<name> (whatever caching the replica does)."""
    fn = getattr(Replica, "_" + name, None) or getattr(Replica, name)
    return inspect.unwrap(fn)


class ScaledReplica(Replica):
    """The replica with its registry councils cloned to `councils` sites (northby-01, ...)."""

    def __init__(self, councils: int, anchor: date | None = None):
        super().__init__(anchor)
        templates = [s for s in self.sites.values() if s.in_registry]
        self.template_of: dict[str, str] = {}
        self.number: dict[str, int] = {}
        sites = {}
        for i in range(councils):
            t = templates[i % len(templates)]
            site = copy.deepcopy(t)
            site.slug = f"{t.slug}-{i + 1:02d}"
            sites[site.slug] = site
            self.template_of[site.slug] = t.slug
            self.number[site.slug] = i + 1
        self.sites = sites
        # (slug, "m"/"d", id) -> how many times it was changed; part of the cache key
        self.changed: dict[tuple, int] = {}
        self._cache: dict[tuple, tuple[bytes, str]] = {}
        self._cache_lock = threading.Lock()
        self.counter = {"requests": 0, "doc_downloads": 0, "doc_bytes": 0}
        self.served_paths: list[str] = []
        self._count_lock = threading.Lock()

    # Each clone's registry row gets a distinct name; documents keep the template's name.
    def registry_rows(self) -> list[dict]:
        rows = super().registry_rows()
        for r in rows:
            r["name"] = f"{r['name']} ({self.number[r['slug']]:02d})"
        return rows

    def fault_targets(self) -> dict[str, str]:
        return {}  # no faults in the benchmark (the base class looks for a site called northby)

    # ------------------------------------------------------------ bytes, generated once per template
    def _token(self, slug: str, kind: str, ident: int):
        n = self.changed.get((slug, kind, ident), 0)
        return (self.template_of[slug],) if not n else (slug, n)

    def _cached(self, key, make):
        hit = self._cache.get(key)
        if hit is None:
            hit = make()
            with self._cache_lock:
                self._cache[key] = hit
        return hit

    def _mark(self, slug: str, body: bytes, ctype: str) -> bytes:
        if ctype == "application/pdf":
            return body + f"\n%sendwatch-bench {slug}\n".encode()
        return body

    def doc_bytes(self, slug: str, att: int) -> tuple[bytes, str]:
        d = self.doc(self.sites[slug], att)[0]
        rev = getattr(d, "revision", 1)
        key = ("d", att, rev, d.title, self._token(slug, "d", att))
        raw = _raw("doc_bytes")
        extra = (rev,) if len(inspect.signature(raw).parameters) == 4 else ()
        body, ctype = self._cached(key, lambda: raw(self, slug, att, *extra))
        return self._mark(slug, body, ctype), ctype

    def pack_bytes(self, slug: str, mid: int, t: int) -> bytes:
        key = ("p", mid, t, self._token(slug, "m", mid))
        raw = _raw("pack_bytes")
        extra = (self.edition,) if len(inspect.signature(raw).parameters) == 5 else ()
        body = self._cached(key, lambda: (raw(self, slug, mid, t, *extra), "application/pdf"))[0]
        return self._mark(slug, body, "application/pdf")

    def warm(self, since: date, until: date) -> int:
        n = 0
        for slug, site in self.sites.items():
            for c in site.committees:
                for m in c.meetings:
                    if not (since <= m.day(self.anchor) <= until) or m.cancelled:
                        continue
                    for it in m.items:
                        for d in it.docs:
                            if not d.restricted and not d.reasons:
                                self.doc_bytes(slug, d.att)
                                n += 1
                    for t in (0, 1, 10):
                        self.pack_bytes(slug, m.mid, t)
                        n += 1
        return n

    # ------------------------------------------------------------ counting what is served
    def handle(self, raw_path: str):
        status, ctype, body, headers = super().handle(raw_path)
        with self._count_lock:
            self.counter["requests"] += 1
            if status == 200 and DOC_PATH.search(raw_path):
                self.counter["doc_downloads"] += 1
                self.counter["doc_bytes"] += len(body)
                self.served_paths.append(raw_path)
        return status, ctype, body, headers

    def reset_counter(self) -> dict:
        with self._count_lock:
            old, self.counter = self.counter, {k: 0 for k in self.counter}
            old["paths"], self.served_paths = self.served_paths, []
        return old

    # ------------------------------------------------------------ changing the sites
    def change_meetings(
        self, fraction: float, since: date, until: date, stored: set[tuple[str, str]], seed: int = 1
    ) -> list[tuple[str, int, int]]:
        """Change `fraction` of the meetings in the window; return (slug, attachment id, meeting
        offset in days from the anchor) of each document republished.

        The document republished in a meeting is one the crawler stored (`stored`: (slug, attachment
        id) with a sha256) when there is one: the crawler only downloads SEND-related papers."""
        meetings = [
            (slug, m)
            for slug, site in self.sites.items()
            for c in site.committees
            for m in c.meetings
            if since <= m.day(self.anchor) <= until and not m.cancelled and m.items
        ]
        rng = random.Random(seed)
        chosen = rng.sample(meetings, max(1, round(fraction * len(meetings))))
        republished = []
        for slug, m in chosen:
            for it in m.items:
                it.text += " This report was updated after publication."
            doc_item = next((it for it in m.items for d in it.docs if not d.restricted and not d.reasons), None)
            if doc_item is None:
                m.items[0].title += " (updated)"
            else:
                public = [(it, d) for it in m.items for d in it.docs if not d.restricted and not d.reasons]
                doc_item, d = next(((it, d) for it, d in public if (slug, str(d.att)) in stored), public[0])
                doc_item.title += " (updated)"
                if hasattr(d, "revision"):
                    d.revision += 1  # new bytes, new publication date and listed size
                else:
                    d.title += " (revised)"  # new bytes only: this replica has no Doc.revision
                self.changed[(slug, "d", d.att)] = self.changed.get((slug, "d", d.att), 0) + 1
                republished.append((slug, d.att, m.offset))
            self.changed[(slug, "m", m.mid)] = self.changed.get((slug, "m", m.mid), 0) + 1
        self.meetings_changed = len(chosen)
        self.meetings_total = len(meetings)
        return republished


# ---------------------------------------------------------------- measuring
def run_measured(cmd: list[str], log: Path, timeout: float) -> tuple[int, float, float]:
    """Run cmd; return (exit code, seconds, peak RSS MB of the child) via os.wait4."""
    started = time.monotonic()
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, time.monotonic() - started, usage.ru_maxrss / 1024  # Linux: KiB


def crawl_help() -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "sendwatch.cli", "crawl", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout


def documents(db: Path) -> dict[str, tuple]:
    if not db.exists():
        return {}
    con = sqlite3.connect(db)
    try:
        return {
            r[0]: r[1:]
            for r in con.execute("select id, council, attachment_id, sha256, fetched_at, versions from documents")
        }
    except sqlite3.OperationalError:
        return {}
    finally:
        con.close()


def run_ids(db: Path) -> set[str]:
    if not db.exists():
        return set()
    con = sqlite3.connect(db)
    try:
        return {r[0] for r in con.execute("select distinct run_id from crawl_runs")}
    except sqlite3.OperationalError:
        return set()
    finally:
        con.close()


def run_totals(db: Path, runs: set[str]) -> dict:
    """Councils, requests and bytes of the given crawl runs, from crawl_runs."""
    if not runs:
        return {"councils": 0, "requests": 0, "bytes": 0, "ok": 0}
    con = sqlite3.connect(db)
    try:
        row = con.execute(
            f"select count(*), sum(requests), sum(bytes), sum(status = 'ok') from crawl_runs "
            f"where run_id in ({','.join('?' * len(runs))})",
            sorted(runs),
        ).fetchone()
    finally:
        con.close()
    return {
        "councils": row[0] or 0,
        "requests": row[1] or 0,
        "bytes": row[2] or 0,
        "ok": row[3] or 0,
    }


def crawl(
    label: str,
    replica: ScaledReplica,
    args,
    registry: Path,
    db: Path,
    work: Path,
    window: tuple[date, date] | None = None,
    extra: tuple[str, ...] = (),
) -> dict:
    since, until = window or args.window
    cmd = [
        sys.executable,
        "-m",
        "sendwatch.cli",
        "crawl",
        "--registry",
        str(registry),
        *[a for slug in replica.sites for a in ("--council", slug)],
        "--since",
        since.isoformat(),
        "--until",
        until.isoformat(),
        "--db",
        str(db),
        "--delay",
        "0",
        "--log-level",
        "INFO",
    ]
    cmd += list(extra)
    if args.parallel:
        cmd += ["--parallel", str(args.parallel)]
    before, runs_before = documents(db), run_ids(db)
    replica.reset_counter()
    log = work / f"crawl-{label}.log"
    rc, seconds, rss = run_measured(cmd, log, args.timeout)
    served = replica.reset_counter()
    after = documents(db)
    text = log.read_text(errors="replace")
    stats: dict[str, int] = {}
    for name, value in STAT.findall(text):
        stats[name] = stats.get(name, 0) + int(value)
    refetched_changed = [k for k, v in after.items() if k in before and v[3] != before[k][3]]
    totals = run_totals(db, run_ids(db) - runs_before)
    return {
        "label": label,
        "rc": rc,
        "seconds": seconds,
        "rss_mb": rss,
        **totals,
        "served_docs": served["doc_downloads"],
        "served_doc_bytes": served["doc_bytes"],
        "served_requests": served["requests"],
        "served_paths": served["paths"],
        "stats": stats,
        "docs_rows": len(after),
        "new_content": refetched_changed,
        "before": before,
        "after": after,
        "log": log,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--councils", type=int, default=50)
    ap.add_argument("--changed", type=float, default=0.05, help="fraction of meetings changed before crawl (c)")
    ap.add_argument(
        "--parallel",
        type=int,
        default=None,
        help="pass --parallel N to sendwatch crawl (default: the crawler's own default)",
    )
    ap.add_argument("--timeout", type=float, default=900, help="seconds allowed per crawl")
    ap.add_argument("--keep", type=Path, default=None, help="keep the database and logs in this folder")
    args = ap.parse_args(argv)

    anchor = date.today()
    args.window = (anchor - timedelta(days=730), anchor + timedelta(days=120))
    args.nightly = (anchor - timedelta(weeks=6), anchor + timedelta(weeks=8))
    work = Path(tempfile.mkdtemp(prefix="bench-crawl-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    db = work / "sendwatch.db"
    for p in (db, work / "files"):
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()

    t0 = time.monotonic()
    replica = ScaledReplica(args.councils, anchor)
    replica.start()
    registry = work / "councils.csv"
    replica.write_registry(registry)
    warmed = replica.warm(*args.window)
    print(
        f"replica: {len(replica.sites)} councils at {replica.base_url}; {warmed} documents and packs "
        f"generated in {time.monotonic() - t0:.1f}s (not timed)"
    )
    print(
        f"crawl window {args.window[0]}..{args.window[1]}; one `sendwatch crawl` with "
        f"{len(replica.sites)} --council flags" + (f", --parallel {args.parallel}" if args.parallel else ""),
        flush=True,
    )

    results = []
    try:
        results.append(crawl("a-first", replica, args, registry, db, work))
        print(f"  (a) done in {results[-1]['seconds']:.1f}s", flush=True)
        results.append(crawl("b-unchanged", replica, args, registry, db, work))
        print(f"  (b) done in {results[-1]['seconds']:.1f}s", flush=True)
        results.append(crawl("b2-unchanged-nightly", replica, args, registry, db, work, window=args.nightly))
        print(f"  (b2) done in {results[-1]['seconds']:.1f}s", flush=True)
        stored = {(v[0], str(v[1])) for v in results[-1]["after"].values() if v[1] and v[2]}
        republished = replica.change_meetings(args.changed, *args.window, stored=stored)
        replica.warm(*args.window)  # only the changed documents and packs are generated
        print(
            f"  changed {replica.meetings_changed} of {replica.meetings_total} meetings; "
            f"{len(republished)} documents republished "
            f"({sum((s, str(a)) in stored for s, a, _ in republished)} of them ones the crawler stored)",
            flush=True,
        )
        results.append(crawl("c-5pct-changed", replica, args, registry, db, work))
        print(f"  (c) done in {results[-1]['seconds']:.1f}s", flush=True)
        if "--revisit-days" in crawl_help():
            # What the nightly run does within SENDWATCH_REVISIT_DAYS: old meetings read again.
            results.append(
                crawl(
                    "c2-old-meetings-reread",
                    replica,
                    args,
                    registry,
                    db,
                    work,
                    extra=("--revisit-days", "0"),
                )
            )
            print(f"  (c2) done in {results[-1]['seconds']:.1f}s", flush=True)
    finally:
        replica.stop()

    a, b, b2, c = results[:4]
    c2 = results[4] if len(results) > 4 else None
    print()
    print(
        f"{'crawl':22} {'exit':>4} {'councils ok':>11} {'requests':>9} {'bytes':>13} {'seconds':>8} "
        f"{'peak RSS MB':>11} {'docs served':>11} {'docs skipped':>12} {'304s':>5} "
        f"{'mtgs not reread':>15}"
    )
    for r in results:
        st = r["stats"]
        print(
            f"{r['label']:22} {r['rc']:>4} {r['ok']:>5}/{r['councils']:<5} {r['requests']:>9,} "
            f"{r['bytes']:>13,} {r['seconds']:>8.1f} {r['rss_mb']:>11.0f} {r['served_docs']:>11,} "
            f"{st.get('sendwatch/documents_unchanged_listing', 0):>12,} "
            f"{st.get('sendwatch/documents_not_modified', 0):>5,} "
            f"{st.get('sendwatch/meetings_not_revisited', 0):>15,}"
        )
    print(
        f"  window {args.window[0]}..{args.window[1]} except b2: {args.nightly[0]}..{args.nightly[1]} (the "
        f"nightly --all rolling window, 6 weeks back to 8 ahead)"
    )
    print(
        "  requests/bytes = sums of crawl_runs; docs served = document and pack downloads answered 200 by "
        "the replica; docs skipped = the crawler's stat sendwatch/documents_unchanged_listing; "
        "304s = sendwatch/documents_not_modified; mtgs not reread = "
        "sendwatch/meetings_not_revisited"
    )

    def verdict(ok: bool) -> str:
        return "OK" if ok else "MISSED"

    def ratio(r):
        return r["bytes"] / a["bytes"] if a["bytes"] else float("nan")

    print()
    for label, r in (
        ("unchanged", b),
        ("unchanged, nightly window", b2),
        (f"{args.changed:.0%} of meetings changed", c),
    ):
        print(
            f"second-crawl bytes / first-crawl bytes, {label + ':':27} {ratio(r):6.1%}   target < 10%  "
            f"{verdict(ratio(r) < 0.10)}"
        )
    print(
        f"documents downloaded again in the unchanged crawl (b):       {b['served_docs']:6d}   target 0      "
        f"{verdict(b['served_docs'] == 0)}"
        f"   ({b['served_doc_bytes']:,} bytes; {len(b['new_content'])} with new content)"
    )
    if b["served_paths"]:
        packs = [x for x in b["served_paths"] if re.search(r"[?&]T=|/documents/g", x, re.IGNORECASE)]
        hosts = sorted({x.split("/")[1].rsplit("-", 1)[0] for x in b["served_paths"]})
        print(
            f"  of which {len(packs)} meeting packs and {len(b['served_paths']) - len(packs)} documents, "
            f"on clones of {', '.join(hosts)}; e.g. {min(b['served_paths'])}"
        )
    after, before = c["after"], c["before"]
    by_att = {(v[0], str(v[1])): k for k, v in after.items() if v[1]}
    watched = [(s_, a_, off) for s_, a_, off in republished if (s_, str(a_)) in stored]

    def fetched(s_, a_):
        k = by_att.get((s_, str(a_)))
        return bool(k and k in before and after[k][2] != before[k][2])

    hot = [w for w in watched if w[2] >= -HOT_DAYS]
    older = [w for w in watched if w[2] < -HOT_DAYS]
    got_hot = sum(fetched(s_, a_) for s_, a_, _ in hot)
    got_old = sum(fetched(s_, a_) for s_, a_, _ in older)
    late = 0
    if c2 is not None:
        after2 = c2["after"]
        for s_, a_, _ in watched:
            k = by_att.get((s_, str(a_)))
            if k and k in before and after[k][2] == before[k][2] and after2[k][2] != before[k][2]:
                late += 1
    print(
        f"republished (stored) documents fetched again by crawl (c):   {got_hot + got_old:6d} of "
        f"{len(watched)}" + ("" if c2 is not None else f"   {verdict(got_hot + got_old == len(watched))}")
    )
    print(
        f"  meetings of the last {HOT_DAYS} days or upcoming: {got_hot} of {len(hot)}; "
        f"older meetings: {got_old} of {len(older)}"
    )
    if c2 is not None:
        total = got_hot + got_old + late
        print(
            f"  ... and by (c2), old meetings re-read (--revisit-days 0, as a nightly run does within "
            f"{REVISIT_DAYS} days): {late} more; in all {total} of {len(watched)}   "
            f"{verdict(total == len(watched))}"
        )
    print(
        f"documents downloaded in crawl (c):                           {c['served_docs']:6d}   "
        f"({len(c['new_content'])} stored with new content, documents and packs)"
    )
    peak = max(r["rss_mb"] for r in results)
    print(
        f"peak memory of a crawl process:                              {peak:6.0f} MB target < 400 MB "
        f"{verdict(peak < 400)}"
    )
    print(f"total bench time {time.monotonic() - t0:.0f}s")
    failed = [r["label"] for r in results if r["rc"] != 0]
    if failed:
        print(f"non-zero exit (a council had errors): {', '.join(failed)}; logs: crawl-*.log")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"database, files and crawl logs kept in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
