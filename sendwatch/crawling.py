"""Running the spiders: one crawler per council (and per date chunk), in one process.

Councils are crawled concurrently up to a limit; each has its own host, so per-host politeness
holds. One council's failure never stops another: each crawler is isolated and its outcome is
its own crawl_runs row.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from db.schema import open_db
from db.store import now

log = logging.getLogger("sendwatch")


@dataclass
class CrawlTarget:
    council: str | None = None
    base_url: str | None = None
    council_name: str | None = None
    url: str | None = None
    since: str | None = None
    until: str | None = None

    @property
    def label(self) -> str:
        who = self.council or self.council_name or self.base_url or self.url or "?"
        return f"{who} {self.since}..{self.until}" if self.since and self.until else who


def crawl_settings(
    db: Path,
    files: Path,
    *,
    delay: float | None = None,
    timeout: float | None = None,
    log_level: str = "INFO",
    extra: dict | None = None,
) -> Settings:
    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    settings.set("SENDWATCH_DB", str(db), priority="cmdline")
    settings.set("SENDWATCH_FILES", str(files), priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    if delay is not None:
        settings.set("DOWNLOAD_DELAY", delay, priority="cmdline")
        settings.set("AUTOTHROTTLE_START_DELAY", max(delay, 0.01), priority="cmdline")
        settings.set("DOWNLOAD_DELAY_JITTER", 0.5 if delay > 0 else 0, priority="cmdline")
    if timeout is not None:
        settings.set("DOWNLOAD_TIMEOUT", timeout, priority="cmdline")
    for k, v in (extra or {}).items():
        settings.set(k, v, priority="cmdline")
    return settings


def rolling_window(weeks_back: int, weeks_ahead: int, today: date | None = None) -> tuple[str, str]:
    today = today or date.today()
    return (today - timedelta(weeks=weeks_back)).isoformat(), (today + timedelta(weeks=weeks_ahead)).isoformat()


def date_chunks(since: str, until: str, days: int = 365) -> list[tuple[str, str]]:
    """[since, until] cut into consecutive chunks of at most `days` days."""
    start, end = date.fromisoformat(since), date.fromisoformat(until)
    out = []
    while start <= end:
        stop = min(start + timedelta(days=days - 1), end)
        out.append((start.isoformat(), stop.isoformat()))
        start = stop + timedelta(days=1)
    return out


def completed_chunks(db: Path, council: str) -> set[tuple[str, str]]:
    """Windows already crawled to the end without failure (so a backfill can resume)."""
    if not Path(db).exists():
        return set()
    database = open_db(db)
    return {
        (r["window_since"], r["window_until"])
        for r in database.query(
            "select window_since, window_until from crawl_runs where council = ? and finished is not null "
            "and status in ('ok', 'errors')",
            [council],
        )
    }


@dataclass
class Progress:
    """Per-council progress: a live line on a terminal, plain log lines otherwise."""

    total: int
    stream: object = field(default_factory=lambda: sys.stderr)
    running: set = field(default_factory=set)
    done: int = 0
    failed: list = field(default_factory=list)

    def __post_init__(self):
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def started(self, label: str):
        self.running.add(label)
        if not self.tty:
            print(f"[sendwatch] started {label}", file=self.stream, flush=True)
        self._draw()

    def finished(self, label: str, status: str, detail: str = ""):
        self.running.discard(label)
        self.done += 1
        if status not in ("ok",):
            self.failed.append(label)
        if self.tty:
            print(f"\r\x1b[K{label}: {status} {detail}", file=self.stream, flush=True)
        else:
            print(f"[sendwatch] finished {label}: {status} {detail}", file=self.stream, flush=True)
        self._draw()

    def _draw(self):
        if self.tty:
            running = ", ".join(sorted(self.running)[:4]) + (" ..." if len(self.running) > 4 else "")
            print(
                f"\r\x1b[K{self.done}/{self.total} done, {len(self.failed)} with errors; running: {running}",
                end="",
                file=self.stream,
                flush=True,
            )


def run_crawl(
    targets: list[CrawlTarget],
    *,
    db: Path,
    files: Path,
    since: str | None = None,
    until: str | None = None,
    registry: str | None = None,
    delay: float | None = None,
    timeout: float | None = None,
    log_level: str = "INFO",
    parallel: int = 8,
    settings_extra: dict | None = None,
    progress: bool = True,
) -> list[dict]:
    """Crawl every target, at most `parallel` at once; return this run's crawl_runs rows."""
    from scrapers.spiders.moderngov import ModernGovSpider

    run_id = now() + "-" + uuid.uuid4().hex[:6]
    settings = crawl_settings(
        db,
        files,
        delay=delay,
        timeout=timeout,
        log_level=log_level,
        extra={"SENDWATCH_RUN_ID": run_id, **(settings_extra or {})},
    )
    open_db(db).conn.close()  # the schema exists before crawlers open it concurrently
    process = CrawlerProcess(settings)
    problems, queue = [], []
    for t in targets:
        try:
            ModernGovSpider._resolve(t.council, t.base_url, t.council_name, t.url, registry)
        except ValueError as exc:
            problems.append((t.label, str(exc)))
            log.error("%s", exc)
            continue
        queue.append(t)
    meter = Progress(len(queue)) if progress else None
    active = {"n": 0}
    busy: set[str] = set()

    from scrapy.utils.reactor import install_reactor

    install_reactor(settings["TWISTED_REACTOR"])
    from twisted.internet import reactor

    def launch():
        while queue and active["n"] < parallel:
            # Never two crawls of one council at once (backfill chunks): one host, polite.
            t = next((t for t in queue if t.council is None or t.council not in busy), None)
            if t is None:
                return
            queue.remove(t)
            if t.council:
                busy.add(t.council)
            kwargs = {
                k: v
                for k, v in dict(
                    council=t.council,
                    base_url=t.base_url,
                    council_name=t.council_name,
                    url=t.url,
                    since=t.since or since,
                    until=t.until or until,
                    registry=registry,
                ).items()
                if v
            }
            crawler = process.create_crawler(ModernGovSpider)
            if meter:
                meter.started(t.label)
            active["n"] += 1
            started = time.monotonic()
            d = process.crawl(crawler, **kwargs)

            def done(result, t=t, crawler=crawler, started=started):
                active["n"] -= 1
                busy.discard(t.council)
                if hasattr(result, "getTraceback"):
                    log.error("%s: crawl stopped: %s", t.label, result.getTraceback())
                if meter:
                    stats = crawler.stats.get_stats() if crawler.stats else {}
                    status = stats.get("sendwatch/status") or ("failed" if hasattr(result, "getTraceback") else "?")
                    meter.finished(
                        t.label,
                        status,
                        f"({stats.get('item_scraped_count', 0)} records, {time.monotonic() - started:.0f}s)",
                    )
                launch()
                if not queue and active["n"] == 0 and reactor.running:
                    reactor.callLater(0, reactor.stop)
                return None

            d.addBoth(done)

    if queue:
        reactor.callWhenRunning(launch)
        process.start(stop_after_crawl=False)
    database = open_db(db)
    rows = list(database["crawl_runs"].rows_where("run_id = ?", [run_id], order_by="council, window_since"))
    for label, message in problems:
        rows.append({"council": label, "status": "failed", "errors": 1, "message": message})
    return rows


__all__ = ["CrawlTarget", "completed_chunks", "date_chunks", "rolling_window", "run_crawl"]
