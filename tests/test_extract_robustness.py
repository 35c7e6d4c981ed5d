"""Bad files get a status and a message naming the file; other formats are read too."""

from __future__ import annotations

import io
import os

import docx
import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

from extract import extract_file, ocr_available
from sendwatch import constants as C

SENTENCE = "The cumulative DSG deficit was £15.1m at 31 March 2024."


def make_pdf(pages: list[str], *, encrypt: str | None = None, image_only: bool = False) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    for text in pages:
        if image_only:  # a "scan": shapes, no text layer
            for k in range(20):
                c.rect(2 * cm, 2 * cm + k * cm, 15 * cm, 0.5 * cm, fill=1)
        else:
            c.drawString(2 * cm, 27 * cm, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def test_good_pdf_has_pages_figures_and_bbox() -> None:
    r = extract_file(make_pdf(["Introduction", SENTENCE]), name="good.pdf")
    assert r.status == C.EXTRACT_OK and r.page_count == 2
    assert [p.page for p in r.pages] == [1, 2]
    [fig] = r.figures
    assert (fig.page, fig.metric, fig.value, fig.stock_date) == (
        2,
        C.METRIC_DSG_CUMULATIVE_DEFICIT,
        15_100_000,
        "2024-03-31",
    )
    # The bbox is pdfplumber's [x0, top, x1, bottom] for the matched text, within 2.5 points (pdfium uses the font box).
    with pdfplumber.open(io.BytesIO(make_pdf(["Introduction", SENTENCE]))) as pdf:
        [hit] = pdf.pages[1].search("£15.1m")
    want = [hit["x0"], hit["top"], hit["x1"], hit["bottom"]]
    assert all(abs(a - b) < 2.5 for a, b in zip(fig.bbox, want)), (fig.bbox, want)


def test_encrypted_pdf() -> None:
    r = extract_file(make_pdf([SENTENCE], encrypt="secret"), name="locked.pdf")
    assert r.status == C.EXTRACT_ENCRYPTED
    assert "locked.pdf" in r.message


def test_corrupt_pdf() -> None:
    r = extract_file(b"%PDF-1.7\n" + os.urandom(2000), name="noise.pdf")
    assert r.status == C.EXTRACT_CORRUPT and "noise.pdf" in r.message


def test_truncated_pdf_is_corrupt_or_partial() -> None:
    data = make_pdf([SENTENCE] * 40)
    r = extract_file(data[: len(data) // 3], name="cut.pdf")
    assert r.status in (C.EXTRACT_CORRUPT, C.EXTRACT_OK)
    if r.status == C.EXTRACT_CORRUPT:
        assert "cut.pdf" in r.message
    else:  # pdfium rebuilt what it could: fewer pages than written, never more
        assert 0 < r.page_count <= 40


def test_zero_page_pdf() -> None:
    doc = pdfium.PdfDocument.new()
    buf = io.BytesIO()
    doc.save(buf)
    r = extract_file(buf.getvalue(), name="blank.pdf")
    assert r.status == C.EXTRACT_EMPTY and "blank.pdf" in r.message


def test_empty_file() -> None:
    assert extract_file(b"", name="nothing.pdf").status == C.EXTRACT_EMPTY


def test_image_only_pdf_is_no_text() -> None:
    r = extract_file(make_pdf(["", ""], image_only=True), name="scan.pdf")
    assert r.status == C.EXTRACT_NO_TEXT and "scan.pdf" in r.message


def test_page_and_byte_limits() -> None:
    data = make_pdf(["a", "b", "c"])
    r = extract_file(data, name="long.pdf", max_pages=2)
    assert r.status == C.EXTRACT_TOO_LARGE and "long.pdf" in r.message
    r = extract_file(data, name="big.pdf", max_bytes=100)
    assert r.status == C.EXTRACT_TOO_LARGE and "big.pdf" in r.message


def test_time_limit_is_checked_between_pages() -> None:
    r = extract_file(make_pdf([SENTENCE] * 50), name="slow.pdf", time_limit=1e-9)
    assert r.status == C.EXTRACT_TIMEOUT and "slow.pdf" in r.message


def test_missing_path(tmp_path) -> None:
    r = extract_file(tmp_path / "gone.pdf")
    assert r.status == C.EXTRACT_MISSING and "gone.pdf" in r.message


def test_docx_prose_and_table() -> None:
    d = docx.Document()
    d.add_paragraph("Dedicated Schools Grant update")
    d.add_paragraph(SENTENCE)
    t = d.add_table(rows=2, cols=3)
    for cell, v in zip(t.rows[0].cells, ["£000", "2022-23", "2023-24"]):
        cell.text = v
    for cell, v in zip(t.rows[1].cells, ["High Needs Block allocation", "41,300.0", "44,950.2"]):
        cell.text = v
    buf = io.BytesIO()
    d.save(buf)
    r = extract_file(buf.getvalue(), name="report.docx")
    assert r.status == C.EXTRACT_OK and r.kind == "docx"
    got = sorted((f.metric, f.value, f.period) for f in r.figures)
    assert got == [
        (C.METRIC_DSG_CUMULATIVE_DEFICIT, 15_100_000, "2023-24"),
        (C.METRIC_HNB_ALLOCATION, 41_300_000, "2022-23"),
        (C.METRIC_HNB_ALLOCATION, 44_950_200, "2023-24"),
    ]
    assert "High Needs Block allocation" in r.pages[0].text  # tables are searchable too


def test_html_attachment() -> None:
    html = (
        "<html><head><script>var x = '£99m deficit';</script></head><body>"
        "<h1>Schools Forum</h1><p>The High Needs Block is forecast to overspend by £4.2m "
        "in 2024-25.</p><p>NOT FOR PUBLICATION by virtue of paragraph 3 of Part 1 of "
        "Schedule 12A.</p><table><tr><th>Measure</th><th>2023-24</th></tr>"
        "<tr><td>Number of EHCPs</td><td>2,950</td></tr></table></body></html>"
    ).encode()
    r = extract_file(html, name="item.html")
    assert r.status == C.EXTRACT_OK and r.kind == "html"
    got = sorted((f.metric, f.value, f.period) for f in r.figures)
    assert got == [
        (C.METRIC_DSG_INYEAR_OVERSPEND, 4_200_000, "2024-25"),
        (C.METRIC_EHCP_COUNT, 2950, "2023-24"),
    ]
    [m] = r.markers
    assert m.paragraphs == [3] and m.jurisdiction == C.JURISDICTION_ENGLAND


def test_plain_text() -> None:
    r = extract_file(SENTENCE.encode(), name="note.txt")
    assert r.status == C.EXTRACT_OK and [f.value for f in r.figures] == [15_100_000]


@pytest.mark.parametrize(
    "data,name",
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "chart.png"),
        (b"PK\x03\x04" + b"\x00" * 50, "pack.zip"),
    ],
)
def test_unsupported(data: bytes, name: str) -> None:
    r = extract_file(data, name=name)
    assert r.status == C.EXTRACT_UNSUPPORTED and name in r.message


def test_broken_docx_is_corrupt() -> None:
    r = extract_file(b"PK\x03\x04 not really a zip", name="broken.docx")
    assert r.status == C.EXTRACT_CORRUPT and "broken.docx" in r.message


@pytest.mark.skipif(not ocr_available(), reason="ocrmypdf is not installed")
def test_ocr_adds_text_to_a_scan(tmp_path) -> None:
    from reportlab.lib.utils import ImageReader  # noqa: F401 - reportlab renders the scan

    pdf = make_pdf([SENTENCE])
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=3).to_pil()
    img_path = tmp_path / "scan.png"
    image.save(img_path)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawImage(str(img_path), 0, 0, *A4)
    c.save()
    assert extract_file(buf.getvalue(), name="scan.pdf").status == C.EXTRACT_NO_TEXT
    r = extract_file(buf.getvalue(), name="scan.pdf", ocr=True)
    assert r.status == C.EXTRACT_OK and "OCR" in r.message
    assert any(f.value == 15_100_000 for f in r.figures)


def test_ocr_requested_without_ocrmypdf_says_so(monkeypatch) -> None:
    import extract

    monkeypatch.setattr(extract, "_ocrmypdf", lambda: None)
    r = extract_file(make_pdf(["", ""], image_only=True), name="scan.pdf", ocr=True)
    assert r.status == C.EXTRACT_NO_TEXT and "ocrmypdf not installed" in r.message
