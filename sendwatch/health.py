"""Crawl health: councils that failed, went quiet, or moved host.

The SQL lives once, as the `crawl_health` canned query in metadata.yml; `sendwatch health` runs the
same query, so the terminal and the website always agree.
"""

from __future__ import annotations

from pathlib import Path

from db.schema import open_db
from sendwatch.publish import load_metadata


def health_sql() -> str:
    return load_metadata()["databases"]["sendwatch"]["queries"]["crawl_health"]["sql"]


def health_rows(db_path: str | Path, *, quiet_days: int = 120) -> list[dict]:
    """One row per council: its latest crawl and the problem, if any ('ok' otherwise)."""
    db = open_db(db_path)
    return [dict(r) for r in db.query(health_sql(), {"quiet_days": str(quiet_days)})]
