"""The sendwatch database schema, declared once.

Table and column names are a public API for journalists' SQL: add, never rename.
Every column is described in metadata.yml (a test checks that).
"""

from __future__ import annotations

import sqlite_utils

# name -> (columns in order, primary key, full-text-search columns, foreign keys, indexes)
TABLES: dict[str, dict] = {
    "councils": {
        "columns": {
            "slug": str,
            "name": str,
            "gss_code": str,
            "dfe_la_code": str,
            "education_authority": int,
            "platform": str,
            "base_url": str,
            "source": str,
        },
        "pk": "slug",
    },
    "committees": {
        "columns": {
            "id": str,
            "council": str,
            "committee_id": str,
            "title": str,
            "category": str,
            "expired": int,
            "url": str,
            "first_seen": str,
            "last_seen": str,
        },
        "pk": "id",
        "foreign_keys": [("council", "councils", "slug")],
        "indexes": [["council"]],
    },
    "meetings": {
        "columns": {
            "id": str,
            "council": str,
            "committee": str,
            "committee_title": str,
            "meeting_id": str,
            "date": str,
            "year": int,
            "time": str,
            "status": str,
            "cancelled": int,
            "location": str,
            "url": str,
            "read_via": str,
            "send_related": int,
            "first_seen": str,
            "last_seen": str,
            "last_read": str,
            "removed_on": str,
        },
        "pk": "id",
        "foreign_keys": [("council", "councils", "slug"), ("committee", "committees", "id")],
        "indexes": [["council", "date"], ["date"]],
    },
    "agenda_items": {
        "columns": {
            "id": str,
            "council": str,
            "meeting": str,
            "committee_title": str,
            "meeting_date": str,
            "item_id": str,
            "number": str,
            "position": int,
            "title": str,
            "agenda_text": str,
            "minutes_text": str,
            "url": str,
            "restricted": int,
            "send_terms": str,
            "send_related": int,
            "first_seen": str,
            "last_seen": str,
            "removed_on": str,
        },
        "pk": "id",
        "foreign_keys": [("council", "councils", "slug"), ("meeting", "meetings", "id")],
        "indexes": [["meeting"], ["council", "meeting_date"], ["send_related"]],
        "fts": ["title", "agenda_text", "minutes_text"],
    },
    "documents": {
        "columns": {
            "id": str,
            "council": str,
            "meeting": str,
            "agenda_item": str,
            "kind": str,
            "title": str,
            "url": str,
            "attachment_id": str,
            "publication_date": str,
            "listed_size": str,
            "restricted": int,
            "restrictions_ref": str,
            "send_terms": str,
            "send_related": int,
            "sha256": str,
            "bytes": int,
            "content_type": str,
            "http_status": int,
            "etag": str,
            "last_modified": str,
            "versions": int,
            "fetched_at": str,
            "extract_status": str,
            "extract_message": str,
            "page_count": int,
            "extracted_sha256": str,
            "extract_rules_version": str,
            "first_seen": str,
            "last_seen": str,
            "removed_on": str,
        },
        "pk": "id",
        "foreign_keys": [
            ("council", "councils", "slug"),
            ("meeting", "meetings", "id"),
            ("agenda_item", "agenda_items", "id"),
        ],
        "indexes": [["meeting"], ["agenda_item"], ["sha256"], ["council"]],
        "fts": ["title"],
    },
    "withheld": {
        "columns": {
            "id": str,
            "council": str,
            "committee_title": str,
            "meeting": str,
            "meeting_date": str,
            "year": int,
            "meeting_url": str,
            "agenda_item": str,
            "item_number": str,
            "item_title": str,
            "document": str,
            "document_title": str,
            "paragraphs": str,
            "jurisdiction": str,
            "reason": str,
            "source": str,
            "sources": str,
            "reasons_url": str,
            "page": int,
            "send_related": int,
            "first_seen": str,
            "last_seen": str,
            "removed_on": str,
        },
        "pk": "id",
        "foreign_keys": [("council", "councils", "slug"), ("meeting", "meetings", "id")],
        "indexes": [["council", "meeting_date"], ["meeting"], ["send_related"]],
    },
    "document_versions": {
        "columns": {
            "id": str,
            "document": str,
            "council": str,
            "sha256": str,
            "bytes": int,
            "content_type": str,
            "first_seen": str,
            "last_seen": str,
            "superseded_on": str,
        },
        "pk": "id",
        "foreign_keys": [("document", "documents", "id")],
        "indexes": [["document"]],
    },
    "changes": {
        "columns": {
            "id": str,
            "run_id": str,
            "council": str,
            "detected_at": str,
            "object_type": str,
            "object_id": str,
            "meeting": str,
            "change": str,
            "field": str,
            "old_value": str,
            "new_value": str,
            "summary": str,
            "send_related": int,
        },
        "pk": "id",
        "indexes": [["council", "detected_at"], ["detected_at"], ["object_id"]],
    },
    "crawl_runs": {
        "columns": {
            "id": str,
            "run_id": str,
            "council": str,
            "started": str,
            "finished": str,
            "status": str,
            "read_via": str,
            "window_since": str,
            "window_until": str,
            "new_hosts": str,
            "requests": int,
            "bytes": int,
            "meetings": int,
            "items": int,
            "documents": int,
            "documents_fetched": int,
            "documents_unchanged": int,
            "meetings_not_revisited": int,
            "withheld": int,
            "errors": int,
        },
        "pk": "id",
        "indexes": [["council", "started"]],
    },
    "crawl_errors": {
        "columns": {
            "id": str,
            "run_id": str,
            "council": str,
            "url": str,
            "stage": str,
            "http_status": int,
            "reason": str,
            "at": str,
        },
        "pk": "id",
        "indexes": [["council", "at"], ["run_id"]],
    },
    "pages": {
        "columns": {
            "id": str,
            "document": str,
            "council": str,
            "page": int,
            "text": str,
        },
        "pk": "id",
        "foreign_keys": [("document", "documents", "id")],
        "indexes": [["document", "page"]],
        "fts": ["text"],
    },
    "figures": {
        "columns": {
            "id": str,
            "document": str,
            "council": str,
            "meeting": str,
            "meeting_date": str,
            "page": int,
            "metric": str,
            "value": float,
            "unit": str,
            "low": float,
            "high": float,
            "period": str,
            "stock_date": str,
            "basis": str,
            "approximate": int,
            "matched_text": str,
            "sentence": str,
            "row_label": str,
            "column_label": str,
            "bbox": str,
            "rule": str,
            "rule_version": str,
        },
        "pk": "id",
        "foreign_keys": [("document", "documents", "id")],
        "indexes": [["council", "metric"], ["document"]],
    },
}


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, columns, indexes and FTS tables. Safe to call on every run."""
    db.conn.execute("PRAGMA journal_mode=WAL")
    db.conn.execute("PRAGMA synchronous=NORMAL")
    for name, spec in TABLES.items():
        table = db[name]
        if not table.exists():
            table.create(spec["columns"], pk=spec["pk"], not_null={spec["pk"]})
        else:
            existing = set(table.columns_dict)
            for col, typ in spec["columns"].items():
                if col not in existing:
                    table.add_column(col, typ)
        for cols in spec.get("indexes", []):
            table.create_index(cols, if_not_exists=True)
    for name, spec in TABLES.items():
        for col, other, other_col in spec.get("foreign_keys", []):
            # Declared for Datasette's links; sqlite-utils records them in the table DDL.
            if not any(fk.column == col for fk in db[name].foreign_keys):
                db[name].add_foreign_key(col, other, other_col, ignore=True)
        if spec.get("fts") and not db[f"{name}_fts"].exists():
            db[name].enable_fts(spec["fts"], create_triggers=True, tokenize="porter")


def open_db(path) -> sqlite_utils.Database:
    """Open (creating if needed) a sendwatch database with the schema in place."""
    db = sqlite_utils.Database(path)
    ensure_schema(db)
    return db
