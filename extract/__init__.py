"""Turn a stored document into pages, figures and withheld markers. Pure: no database, no Scrapy.

>>> result = extract_file("report.pdf", name="report.pdf")
>>> result.status, len(result.figures)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from extract import markers as _markers
from extract import readers, tables
from extract.figures import Figure, figures_from_text
from extract.pdf import PageResult, dedupe, read_pdf, rule_error
from extract.rules import RULES_VERSION
from sendwatch import constants as C

__all__ = ["RULES_VERSION", "ExtractResult", "Figure", "PageResult", "extract_file"]

MAX_BYTES = 200 * 1024 * 1024
MAX_PAGES = 5000


@dataclass
class ExtractResult:
    """Everything extracted from one file; `status` is one of constants.EXTRACT_*."""

    name: str
    status: str
    message: str = ""
    kind: str | None = None
    page_count: int | None = None
    pages: list[PageResult] = field(default_factory=list)
    plumber_pages: list[int] = field(default_factory=list)
    seconds: float = 0.0
    rules_version: str = RULES_VERSION
    # Bugs in extract/'s rules (never a sign of a bad file): the page is kept without the
    # figures or markers of the failed step, the status is unchanged, the message says so.
    rule_errors: list[str] = field(default_factory=list)

    @property
    def figures(self) -> list[Figure]:
        return [f for p in self.pages for f in p.figures]

    @property
    def markers(self) -> list[_markers.Marker]:
        return [m for p in self.pages for m in p.markers]

    def to_json(self) -> dict:
        """A JSON-ready summary: pages that carry figures or markers, without page text."""
        pages = []
        for p in self.pages:
            if p.figures or p.markers:
                pages.append(
                    {
                        "page": p.page,
                        "figures": [_figure_json(f) for f in p.figures],
                        "withheld": [asdict(m) for m in p.markers],
                    }
                )
        return {
            "file": self.name,
            "status": self.status,
            "message": self.message,
            "kind": self.kind,
            "page_count": self.page_count,
            "rules_version": self.rules_version,
            "pages": pages,
        }


def _figure_json(f: Figure) -> dict:
    d = asdict(f)
    d.pop("span", None)
    return d


def extract_file(
    path_or_bytes: str | Path | bytes,
    *,
    name: str | None = None,
    content_type: str | None = None,
    meeting_date: date | str | None = None,
    ocr: bool = False,
    time_limit: float | None = None,
    max_bytes: int = MAX_BYTES,
    max_pages: int = MAX_PAGES,
) -> ExtractResult:
    """Extract pages, figures and withheld markers from a PDF, .docx, HTML or text file.

    Never raises for a bad file: the result's status says what went wrong and the message
    names the file. `time_limit` (seconds) is checked between pages.
    """
    started = time.monotonic()
    if isinstance(path_or_bytes, bytes):
        data, label = path_or_bytes, name or "<bytes>"
    else:
        p = Path(path_or_bytes)
        label = name or str(p)
        try:
            size = p.stat().st_size
        except OSError as e:
            return ExtractResult(label, C.EXTRACT_MISSING, f"{label}: cannot read ({e})")
        if size > max_bytes:
            return ExtractResult(label, C.EXTRACT_TOO_LARGE, f"{label}: {size} bytes is over {max_bytes}")
        data = p.read_bytes()
    if isinstance(meeting_date, str):
        meeting_date = date.fromisoformat(meeting_date[:10]) if meeting_date else None
    result = _extract(data, label, content_type, meeting_date, ocr, time_limit, max_bytes, max_pages)
    if result.message and not result.message.startswith(label):
        result.message = f"{label}: {result.message}"
    result.seconds = round(time.monotonic() - started, 4)
    return result


def _extract(data, label, content_type, meeting_date, ocr, time_limit, max_bytes, max_pages):
    if len(data) > max_bytes:
        return ExtractResult(label, C.EXTRACT_TOO_LARGE, f"{len(data)} bytes is over {max_bytes}")
    if not data:
        return ExtractResult(label, C.EXTRACT_EMPTY, "file is empty", page_count=0)
    kind = readers.sniff(data, label, content_type)
    if kind is None:
        return ExtractResult(label, C.EXTRACT_UNSUPPORTED, "not a PDF, .docx, HTML or text file")
    if kind != readers.KIND_PDF:
        return _extract_other(data, label, kind, meeting_date)
    deadline = time.monotonic() + time_limit if time_limit else None
    read = read_pdf(data, meeting_date=meeting_date, max_pages=max_pages, deadline=deadline)
    if read.status == C.EXTRACT_NO_TEXT and ocr:
        ocr_data, note = run_ocr(data)
        if ocr_data is not None:
            read = read_pdf(ocr_data, meeting_date=meeting_date, max_pages=max_pages, deadline=deadline)
            read.message = (read.message + "; " if read.message else "") + "text from OCR"
        else:
            read.message += f"; {note}"
    return ExtractResult(
        label,
        read.status,
        read.message,
        kind,
        read.page_count,
        read.pages,
        read.plumber_pages,
        rule_errors=read.rule_errors,
    )


def _extract_other(data: bytes, label: str, kind: str, meeting_date: date | None) -> ExtractResult:
    reader = {
        readers.KIND_DOCX: readers.read_docx,
        readers.KIND_HTML: readers.read_html,
        readers.KIND_TEXT: readers.read_text,
    }[kind]
    try:
        text_pages = reader(data)
    except readers.ReadError as e:
        return ExtractResult(label, e.status, str(e), kind)
    pages = []
    errors: list[str] = []
    for n, tp in enumerate(text_pages, start=1):
        try:
            found = [f for g in tp.tables for f in tables.figures_from_grid(g, page=n)]
            if kind == readers.KIND_TEXT:
                found += tables.text_table_figures(tp.prose, n)[0]
            found += figures_from_text(tp.prose, n, meeting_date)
        except Exception as e:  # noqa: BLE001 - a rule bug must not lose the page
            found = []
            errors.append(rule_error(n, "figures", e))
        for f in found:
            f.span = None
        try:
            found_markers = _markers.find_markers(tp.text, n)
        except Exception as e:  # noqa: BLE001
            found_markers = []
            errors.append(rule_error(n, "markers", e))
        pages.append(PageResult(n, tp.text, dedupe(found), found_markers))
    if not any(p.text.strip() for p in pages):
        return ExtractResult(label, C.EXTRACT_NO_TEXT, "no text", kind, len(pages), pages)
    return ExtractResult(label, C.EXTRACT_OK, "; ".join(errors), kind, len(pages), pages, rule_errors=errors)


def _ocrmypdf() -> str | None:
    """ocrmypdf on the PATH, or installed beside this Python (a virtualenv not on the PATH)."""
    beside = Path(sys.executable).parent / "ocrmypdf"
    return shutil.which("ocrmypdf") or (str(beside) if beside.exists() else None)


def ocr_available() -> bool:
    """True when `ocrmypdf` can be run."""
    return _ocrmypdf() is not None


def run_ocr(data: bytes, timeout: float = 600) -> tuple[bytes | None, str]:
    """Add a text layer with ocrmypdf; (None, reason) when it is missing or fails."""
    exe = _ocrmypdf()
    if not exe:
        return None, "ocrmypdf not installed: OCR skipped"
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp, "in.pdf"), Path(tmp, "out.pdf")
        src.write_bytes(data)
        proc = subprocess.run(
            [exe, "--skip-text", "--quiet", str(src), str(dst)],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0 or not dst.exists():
            return None, f"ocrmypdf failed ({proc.stderr.decode(errors='replace')[-200:].strip()})"
        return dst.read_bytes(), ""
