"""PDFs: a fast pass over every page with pypdfium2, pdfplumber only where a table needs it.

pypdfium2 text costs about 0.5 ms a page and keeps table rows on one line, so most tables are
read from it (tables.text_table_figures). pdfplumber (about 40 ms a page) is opened only for
pages whose table rows could not be lined up with their headers. Bounding boxes come from
pypdfium2's character boxes, converted to pdfplumber's [x0, top, x1, bottom].
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from datetime import date

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extract import figures as figs
from extract import markers, rules, tables
from extract.figures import Figure
from extract.text import same_length
from sendwatch import constants as C

MIN_TEXT_CHARS = 10  # a page with fewer non-blank characters has no text layer


@dataclass
class PageResult:
    """One page: its text, the figures on it and any withheld markers."""

    page: int
    text: str
    figures: list[Figure] = field(default_factory=list)
    markers: list[markers.Marker] = field(default_factory=list)


@dataclass
class PdfRead:
    """What the PDF pass found; `status` is constants.EXTRACT_*."""

    status: str
    message: str = ""
    page_count: int | None = None
    pages: list[PageResult] = field(default_factory=list)
    plumber_pages: list[int] = field(default_factory=list)
    rule_errors: list[str] = field(default_factory=list)


def rule_error(page: int, what: str, e: Exception) -> str:
    """The message for a bug in a rule: the file is fine, the rules failed on one page."""
    return f"rule error on page {page} ({what}): {type(e).__name__}: {e}"


def open_error(e: Exception) -> tuple[str, str]:
    """Status and message for a PDF pypdfium2 cannot open."""
    text = str(e)
    if "password" in text.lower() or "security" in text.lower():
        return C.EXTRACT_ENCRYPTED, f"encrypted PDF needs a password ({text})"
    return C.EXTRACT_CORRUPT, f"damaged or truncated PDF ({text})"


def read_pdf(
    data: bytes,
    *,
    meeting_date: date | None = None,
    max_pages: int = 5000,
    deadline: float | None = None,
) -> PdfRead:
    """Text, figures and markers from every page of a PDF, with statuses for bad files."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if re.search(rb"/Count\s*0\b", data) and not re.search(rb"/Count\s*[1-9]", data):
            return PdfRead(C.EXTRACT_EMPTY, "PDF has no pages", 0)  # pdfium will not open these
        return PdfRead(*open_error(e))
    try:
        n = len(pdf)
        if n == 0:
            return PdfRead(C.EXTRACT_EMPTY, "PDF has no pages", 0)
        if n > max_pages:
            return PdfRead(C.EXTRACT_TOO_LARGE, f"{n} pages is over the limit of {max_pages}", n)
        result = PdfRead(C.EXTRACT_OK, "", n)
        text_chars = 0
        for i in range(n):
            if deadline is not None and time.monotonic() > deadline:
                return PdfRead(C.EXTRACT_TIMEOUT, f"time limit reached at page {i + 1} of {n}", n)
            try:
                page_result, clean = _read_page(pdf, i, meeting_date, result.rule_errors)
            except pdfium.PdfiumError as e:  # one damaged page: keep the rest
                page_result, clean = PageResult(i + 1, ""), True
                result.message = f"page {i + 1} unreadable ({e})"
            if text_chars < MIN_TEXT_CHARS * 3:  # enough to know there is a text layer
                text_chars += len("".join(page_result.text[:500].split()))
            if not clean:
                result.plumber_pages.append(i)
            result.pages.append(page_result)
    finally:
        pdf.close()
    if text_chars < MIN_TEXT_CHARS * max(1, min(n, 3)):
        result.status, result.message = C.EXTRACT_NO_TEXT, "no text layer (scanned?)"
        return result
    if result.plumber_pages:
        _plumber_pass(data, result)
    if result.rule_errors:
        # A bug in extract/, not a bad file: the pages and their text are kept, the status
        # stays ok, and the message says which page's figures or markers may be missing.
        note = "; ".join(result.rule_errors[:5])
        more = len(result.rule_errors) - 5
        note += f"; and {more} more" if more > 0 else ""
        result.message = f"{result.message}; {note}" if result.message else note
    return result


def _read_page(
    pdf: pdfium.PdfDocument,
    i: int,
    meeting_date: date | None,
    errors: list[str] | None = None,
) -> tuple[PageResult, bool]:
    page = pdf[i]
    textpage = page.get_textpage()
    errors = [] if errors is None else errors
    try:
        raw = textpage.get_text_range()
        text = same_length(raw)
        found: list[Figure] = []
        clean = True
        if rules.page_has_cue(text):
            try:
                found = figs.figures_from_text(text, i + 1, meeting_date)
                table_found, clean = tables.text_table_figures(text, i + 1)
                found = dedupe(table_found + found)
                height = page.get_height()
                for f in found:
                    if f.span:
                        f.bbox = _bbox(textpage, f.span, height)
            except pdfium.PdfiumError:
                raise
            except Exception as e:  # noqa: BLE001 - a rule bug must not lose the page
                found, clean = [], True
                errors.append(rule_error(i + 1, "figures", e))
        try:
            found_markers = markers.find_markers(text, i + 1)
        except Exception as e:  # noqa: BLE001
            found_markers = []
            errors.append(rule_error(i + 1, "markers", e))
        result = PageResult(
            page=i + 1,
            text=raw.replace("\r\n", "\n").replace("\x00", ""),
            figures=found,
            markers=found_markers,
        )
    finally:
        textpage.close()
        page.close()
    return result, clean


def _bbox(textpage: pdfium.PdfTextPage, span: tuple[int, int], height: float) -> list[float] | None:
    boxes = []
    for k in range(span[0], min(span[1], textpage.count_chars())):
        left, bottom, right, top = textpage.get_charbox(k, loose=True)
        if right > left:
            boxes.append((left, bottom, right, top))
    if not boxes:
        return None
    x0 = min(b[0] for b in boxes)
    x1 = max(b[2] for b in boxes)
    top = height - max(b[3] for b in boxes)
    bottom = height - min(b[1] for b in boxes)
    return [round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2)]


def _plumber_pass(data: bytes, result: PdfRead) -> None:
    """Re-read tables with pdfplumber on the pages the text pass could not line up."""
    src = pdfium.PdfDocument(data)
    try:
        for i in result.plumber_pages:
            try:
                found = plumber_table_figures(src, i)
            except Exception as e:  # noqa: BLE001 - keep the fast-path figures
                result.rule_errors.append(rule_error(i + 1, "tables", e))
                continue
            pr = result.pages[i]
            prose = [f for f in pr.figures if f.rule.startswith("sentence:")]
            text_tables = [f for f in pr.figures if f.rule.startswith("text_table:")]
            pr.figures = dedupe(found + text_tables + prose)
    finally:
        src.close()


def graphics_only_page(src: pdfium.PdfDocument, i: int) -> bytes:
    """Page `i` as a one-page PDF with its text objects removed: just the ruling lines.

    pdfplumber's table finder (lines strategy) needs only the lines and rectangles; parsing
    the text as well is what makes pdfplumber slow, so the cell text comes from pypdfium2.
    """
    new = pdfium.PdfDocument.new()
    try:
        new.import_pages(src, [i])
        page = new[0]
        for obj in list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=1)):
            page.remove_obj(obj)
        page.gen_content()
        page.close()
        buf = io.BytesIO()
        new.save(buf)
        return buf.getvalue()
    finally:
        new.close()


def plumber_table_figures(src: pdfium.PdfDocument, i: int) -> list[Figure]:
    """Figures from the ruled tables pdfplumber finds on page `i` (cell text from pypdfium2)."""
    import pdfplumber

    page = src[i]
    textpage = page.get_textpage()
    height, width = page.get_height(), page.get_width()

    def text_in(x0: float, top: float, x1: float, bottom: float) -> str:
        return same_length(textpage.get_text_bounded(x0, height - bottom, x1, height - top))

    out: list[Figure] = []
    try:
        with pdfplumber.open(io.BytesIO(graphics_only_page(src, i))) as plumber:
            ppage = plumber.pages[0]
            for table in ppage.find_tables():
                grid = [[text_in(*c) if c else None for c in row.cells] for row in table.rows]
                bboxes = [[[round(v, 2) for v in c] if c else None for c in row.cells] for row in table.rows]
                top = table.bbox[1]
                caption = text_in(0, max(0.0, top - 60), width, top)
                out.extend(tables.figures_from_grid(grid, page=i + 1, context=caption, bboxes=bboxes))
            ppage.close()
    finally:
        textpage.close()
        page.close()
    return out


def dedupe(found: list[Figure]) -> list[Figure]:
    """Keep the first of figures that are the same figure (tables come first: they have labels)."""
    seen: set[tuple] = set()
    out = []
    for f in found:
        if f.key() not in seen:
            seen.add(f.key())
            out.append(f)
    return out
