"""Writing crawl results: deterministic ids, idempotent upserts, content-addressed files.

Nothing here deletes a row. first_seen is set once; last_seen moves on every sighting.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from sendwatch.constants import WITHHELD_SOURCES


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# ---------------------------------------------------------------- ids


def committee_id(council: str, cid: str) -> str:
    return f"{council}/committee/{cid}"


def meeting_id(council: str, mid: str) -> str:
    return f"{council}/meeting/{mid}"


def item_id(council: str, aid: str) -> str:
    return f"{council}/item/{aid}"


def document_id(
    council: str, *, meeting: str, attachment: str | None = None, pack_type: str | None = None, url: str | None = None
) -> str:
    if attachment:
        return f"{council}/doc/{attachment}"
    if pack_type is not None:
        return f"{council}/pack/{meeting}/{pack_type or 'x'}"
    digest = hashlib.sha256((url or "").encode()).hexdigest()[:16]
    return f"{council}/url/{digest}"


def withheld_id(council: str, meeting: str, item: str | None, attachment: str | None) -> str:
    return f"{council}/withheld/{meeting}/{item or '-'}/{attachment or '-'}"


# ---------------------------------------------------------------- files


def file_path(files_dir: Path, sha256: str) -> Path:
    return Path(files_dir) / sha256[:2] / sha256


def store_file(files_dir: Path, body: bytes) -> str:
    """Store bytes under their sha256 (never a name from a URL). Atomic; returns the digest."""
    digest = hashlib.sha256(body).hexdigest()
    target = file_path(files_dir, digest)
    if target.exists() and target.stat().st_size == len(body):
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return digest


def sweep_partial_files(files_dir: Path, older_than: float = 3600) -> int:
    """Remove temporary files left by a crawl killed while writing (never a stored file)."""
    import time

    removed = 0
    root = Path(files_dir)
    if not root.exists():
        return 0
    for part in root.glob("*/.part-*"):
        try:
            if time.time() - part.stat().st_mtime > older_than:
                part.unlink()
                removed += 1
        except OSError:
            pass
    return removed


# ---------------------------------------------------------------- upserts


def upsert_seen(
    db: sqlite_utils.Database, table: str, row: dict, seen: str, *, pk: str = "id", keep: tuple[str, ...] = ()
) -> tuple[dict | None, dict]:
    """Insert with first_seen, or update every given column and last_seen.

    Columns whose new value is None do not overwrite a stored value (a page that shows less
    than the web service does not erase what was seen), nor do the columns named in keep.
    A row marked removed that is seen again loses its removed_on.
    Returns the stored row before the call (None if new) and the columns that changed.
    """
    t = db[table]
    existing = next(iter(t.rows_where(f"[{pk}] = ?", [row[pk]])), None)
    if existing is None:
        t.insert({**row, "first_seen": seen, "last_seen": seen}, pk=pk, alter=False)
        return None, {}
    update = {k: v for k, v in row.items() if v is not None and k not in keep and k != pk}
    update["last_seen"] = seen
    if existing.get("removed_on"):
        update["removed_on"] = None
    changed = {k: v for k, v in update.items() if existing.get(k) != v}
    if changed:
        t.update(row[pk], changed)
    return existing, {k: v for k, v in changed.items() if k != "last_seen"}


def record_change(
    db: sqlite_utils.Database,
    *,
    run_id: str,
    council: str,
    object_type: str,
    object_id: str,
    change: str,
    meeting: str | None = None,
    field: str | None = None,
    old=None,
    new=None,
    summary: str = "",
    send_related: bool | int | None = None,
) -> None:
    """One row in `changes`: something that appeared, changed, was withheld, published or removed."""
    digest = hashlib.sha256(f"{run_id}|{object_id}|{change}|{field}".encode()).hexdigest()[:20]
    db["changes"].insert(
        {
            "id": digest,
            "run_id": run_id,
            "council": council,
            "detected_at": now(),
            "object_type": object_type,
            "object_id": object_id,
            "meeting": meeting,
            "change": change,
            "field": field,
            "old_value": None if old is None else str(old),
            "new_value": None if new is None else str(new),
            "summary": summary,
            "send_related": None if send_related is None else int(bool(send_related)),
        },
        pk="id",
        replace=True,
    )


_PRIORITY = {s: i for i, s in enumerate(WITHHELD_SOURCES)}


def merge_withheld(existing: dict | None, new: dict) -> dict:
    """One row per withheld thing; sources accumulate; details come from the best source.

    Order-independent, so two crawls seeing the same sources in any order store the same row.
    """
    if existing is None:
        return {**new, "sources": json.dumps([new["source"]])}
    sources = sorted(
        set(json.loads(existing.get("sources") or "[]")) | {new["source"]}, key=lambda s: _PRIORITY.get(s, 99)
    )
    merged = dict(existing)
    for k, v in new.items():
        if merged.get(k) in (None, "", "[]") and v not in (None, "", "[]"):
            merged[k] = v

    def rank(row: dict) -> tuple:
        paras = json.loads(row.get("paragraphs") or "[]")
        return (0 if paras else 1, _PRIORITY.get(row.get("source"), 99), row.get("reason") or "")

    best = min((existing, new), key=rank)
    for k in ("source", "paragraphs", "jurisdiction", "reason", "reasons_url"):
        if best.get(k) not in (None, ""):
            merged[k] = best[k]
    merged["send_related"] = int(bool(existing.get("send_related")) or bool(new.get("send_related")))
    merged["sources"] = json.dumps(sources)
    return merged


def upsert_withheld(db: sqlite_utils.Database, row: dict, seen: str) -> dict | None:
    """Merge one sighting into its withheld row; returns the row as it was (None if new)."""
    t = db["withheld"]
    existing = next(iter(t.rows_where("id = ?", [row["id"]])), None)
    merged = merge_withheld(existing, row)
    if existing is None:
        t.insert({**merged, "first_seen": seen, "last_seen": seen}, pk="id")
    else:
        merged["last_seen"] = seen
        merged["removed_on"] = None
        changed = {k: v for k, v in merged.items() if existing.get(k) != v and k != "id"}
        if changed:
            t.update(row["id"], changed)
    return existing


def record_error(
    db: sqlite_utils.Database,
    *,
    run_id: str,
    council: str,
    url: str,
    stage: str,
    reason: str,
    http_status: int | None = None,
) -> None:
    at = now()
    digest = hashlib.sha256(f"{run_id}|{council}|{url}|{stage}|{reason}".encode()).hexdigest()[:20]
    db["crawl_errors"].insert(
        {
            "id": digest,
            "run_id": run_id,
            "council": council,
            "url": url,
            "stage": stage,
            "http_status": http_status,
            "reason": reason[:2000],
            "at": at,
        },
        pk="id",
        replace=True,
    )


def _council_rows(db_path, table: str, needs: str, sql: str, council: str) -> list[dict]:
    """Rows of a council from an existing database (none before the first crawl or migration)."""
    path = Path(db_path)
    if not path.exists():
        return []
    db = sqlite_utils.Database(path)
    try:
        if not db[table].exists() or needs not in db[table].columns_dict:
            return []
        return [dict(r) for r in db.query(sql, [council])]
    finally:
        db.conn.close()


def document_state(db_path, council: str, files_dir) -> dict[str, dict]:
    """What the store holds of a council's documents, for deciding what to fetch again."""
    rows = _council_rows(
        db_path,
        "documents",
        "etag",
        "select id, sha256, publication_date, listed_size, etag, last_modified from documents "
        "where council = ? and sha256 is not null",
        council,
    )
    for r in rows:
        r["file_present"] = file_path(Path(files_dir), r["sha256"]).exists()
    return {r["id"]: r for r in rows}


def meeting_state(db_path, council: str) -> dict[str, dict]:
    """When each of a council's meetings was last read whole, and its listed status and date."""
    rows = _council_rows(
        db_path,
        "meetings",
        "last_read",
        "select meeting_id, last_read, status, date from meetings where council = ? and removed_on is null",
        council,
    )
    return {r["meeting_id"]: r for r in rows}
