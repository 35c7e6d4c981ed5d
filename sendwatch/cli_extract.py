"""`sendwatch extract`: pages, figures and withheld markers from stored documents or given files."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

EXAMPLES = """\b
Examples:
  sendwatch extract --db data/sendwatch.db --files data/files
  sendwatch extract report.pdf minutes.docx --json
"""


@click.command("extract", epilog=EXAMPLES)
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--db",
    "db_path",
    default=lambda: os.environ.get("SENDWATCH_DB", "data/sendwatch.db"),
    show_default="$SENDWATCH_DB or data/sendwatch.db",
    help="Database written by the crawl.",
)
@click.option(
    "--files",
    "files_dir",
    default=lambda: os.environ.get("SENDWATCH_FILES", "data/files"),
    show_default="$SENDWATCH_FILES or data/files",
    help="Folder of stored files (content-addressed by sha256).",
)
@click.option("--ocr", is_flag=True, help="Run ocrmypdf on PDFs without a text layer, if installed.")
@click.option("--force", is_flag=True, help="Re-extract every document, changed or not.")
@click.option("--json", "as_json", is_flag=True, help="With FILE...: print one JSON object per file.")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds allowed per document.")
def extract_command(
    files: tuple[Path, ...],
    db_path: str,
    files_dir: str,
    ocr: bool,
    force: bool,
    as_json: bool,
    timeout: float,
) -> None:
    """Extract text, SEND figures and withheld markers.

    With no FILE, processes the documents the crawl stored in the database, skipping those
    already extracted with the same file and rules. With FILE..., reads those files (PDF,
    .docx, HTML or plain text) and prints what it found.

    Example: sendwatch extract --db data/sendwatch.db  (or: sendwatch extract report.pdf --json)
    """
    if files:
        _extract_files(files, ocr=ocr, as_json=as_json, timeout=timeout)
        return
    from db.schema import open_db
    from sendwatch.extracting import extract_database

    db = open_db(db_path)

    def progress(doc: dict, result) -> None:
        if result.status != "ok":
            click.echo(f"{result.status}: {result.message}", err=True)

    summary = extract_database(db, Path(files_dir), ocr=ocr, force=force, timeout=timeout, progress=progress)
    click.echo(
        f"{summary['documents']} documents, {summary['pages']} pages, "
        f"{summary['figures']} figures, {summary['withheld']} withheld markers; "
        + ", ".join(f"{k}={v}" for k, v in sorted(summary["statuses"].items()))
    )


def _extract_files(files: tuple[Path, ...], *, ocr: bool, as_json: bool, timeout: float) -> None:
    from extract import extract_file

    for path in files:
        result = extract_file(path, name=str(path), ocr=ocr, time_limit=timeout)
        if as_json:
            click.echo(json.dumps(result.to_json(), ensure_ascii=False))
            continue
        click.echo(f"{path}: {result.status} {result.message}".rstrip())
        for f in result.figures:
            click.echo(
                f"  p{f.page} {f.metric} {f.value:,.0f} {f.unit} {f.period or f.stock_date or ''}  [{f.matched_text}]"
            )
        for m in result.markers:
            click.echo(f"  p{m.page} withheld {m.kind} paragraphs={m.paragraphs}")


if __name__ == "__main__":
    extract_command(sys.argv[1:])
