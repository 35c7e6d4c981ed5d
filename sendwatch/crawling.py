"""Running the spiders: one crawler per council in one process, isolated from each other."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from db.schema import open_db
from db.store import now


@dataclass
class CrawlTarget:
    council: str | None = None
    base_url: str | None = None
    council_name: str | None = None
    url: str | None = None


def crawl_settings(db: Path, files: Path, *, delay: float | None = None, timeout: float | None = None,
                   log_level: str = "INFO", extra: dict | None = None) -> Settings:
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


def run_crawl(targets: list[CrawlTarget], *, db: Path, files: Path, since: str | None = None,
              until: str | None = None, registry: str | None = None, delay: float | None = None,
              timeout: float | None = None, log_level: str = "INFO") -> list[dict]:
    """Crawl every target; return the crawl_runs rows of this run (one per council)."""
    from scrapers.spiders.moderngov import ModernGovSpider

    run_id = now() + "-" + uuid.uuid4().hex[:6]
    settings = crawl_settings(db, files, delay=delay, timeout=timeout, log_level=log_level,
                              extra={"SENDWATCH_RUN_ID": run_id})
    process = CrawlerProcess(settings)
    problems = []
    for t in targets:
        kwargs = {k: v for k, v in dict(council=t.council, base_url=t.base_url, council_name=t.council_name,
                                         url=t.url, since=since, until=until, registry=registry).items() if v}
        try:
            ModernGovSpider._resolve(t.council, t.base_url, t.council_name, t.url, registry)
        except ValueError as exc:
            problems.append(str(exc))
            logging.getLogger("sendwatch").error("%s", exc)
            continue
        process.crawl(ModernGovSpider, **kwargs)
    if process.crawlers:
        process.start()
    database = open_db(db)
    rows = list(database["crawl_runs"].rows_where("run_id = ?", [run_id], order_by="council"))
    for p in problems:
        rows.append({"council": "?", "status": "failed", "errors": 1, "message": p})
    return rows
