"""Benchmark extract/ on a generated council reports pack.

    python bench/bench_extract.py [--pages 300] [--memory-pages 1000]

Prints, measured in the same run on the same 300-page PDF (about 5% of pages carry SEND
figures and tables; every page has a paragraph of money and a table):
  (a) pypdfium2 text alone, every page
  extract_file (the whole extraction: fast text, rules, pdfplumber only where needed)
  (b) pdfplumber text + tables on every page, with the same rules
and whether (b) finds any figure the fast path misses. Then the peak memory (ru_maxrss) of
extracting a 1,000-page PDF in a fresh subprocess.
Targets: extraction within 2x of (a), at least 20x faster than (b), same figures, < 500 MB.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber
import pypdfium2 as pdfium
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from extract import extract_file
from extract.figures import figures_from_text
from extract.pdf import dedupe
from extract.rules import page_has_cue
from extract.tables import figures_from_grid

SERVICES = ["Adult Social Care", "Highways", "Waste Collection", "Libraries", "Housing Benefit"]
FILLER = (
    "Item {n}: the revenue budget for {svc} is £{a}.{b}m for 2024-25, against spend of "
    "£{c},{d}00 last quarter. Officers will send an update to members on contract renewals, "
    "staffing and the capital programme (see paragraph {n}.2). Income from fees is forecast at "
    "£{b}{a}0k and the reserve stands at £{c}.{a}m. The committee noted the report and asked for "
    "a further review of demand, inflation and the delivery of agreed savings in {svc}."
)
SEND_TEXT = [
    ("The cumulative DSG deficit was £{a}.{b}m at 31 March 2024 and is forecast to be £{c}.{a}m at 31 March 2025."),
    (
        "At Month {b} the in-year High Needs Block overspend is c£{b}.{c}m, driven by "
        "independent special schools, where spend was £{a}.{b}m in 2023-24."
    ),
    (
        "The number of EHCPs rose to {c},{a}{b}0, with {a}{b}0 requests for EHC needs assessment "
        "in 2023-24; {a}{b}% of EHC plans were issued within 20 weeks."
    ),
    (
        "The Schools Forum agreed a transfer of 0.5% (£1.{a}m) from the Schools Block to the High "
        "Needs Block for 2024-25. National high needs funding is £10.5bn."
    ),
]


def _table(rows: list[list[str]]) -> Table:
    t = Table(rows)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    return t


def build_pack(pages: int, send_every: int = 20) -> bytes:
    """A reports pack: one agenda item per page; every `send_every`th page is about SEND."""
    styles = getSampleStyleSheet()
    story = []
    for n in range(1, pages + 1):
        a, b, c, d = n % 9 + 1, n % 7 + 1, n % 5 + 2, n % 8 + 1
        if n % send_every == 0:
            story.append(Paragraph(f"Item {n}: Dedicated Schools Grant monitoring", styles["Heading2"]))
            for t in SEND_TEXT:
                story.append(Paragraph(t.format(a=a, b=b, c=c), styles["Normal"]))
                story.append(Spacer(1, 6))
            story.append(Paragraph("DSG position (£000)", styles["Normal"]))
            if n % (2 * send_every) == 0:  # clean headers: read from the fast text
                rows = [
                    ["", "Outturn\n2022-23", "Budget 2023-24"],
                    ["High Needs Block allocation", f"4{a},{b}00.0", f"4{b},{c}50.5"],
                    ["Cumulative deficit", f"{c},{a}00", f"({a},{b}00)"],
                    ["Schools Block", "310,200.0", "315,100.0"],
                ]
            else:  # three columns, two years: only pdfplumber can line them up
                rows = [
                    ["Block", "Budget 2023-24", "Forecast 2023-24", "Variance"],
                    ["Schools Block", "310,200.0", "310,150.0", "(50.0)"],
                    ["High Needs Block", f"5{a},{b}00.0", f"5{c},{a}50.5", f"{c},{b}50.5"],
                    ["Early Years Block", "30,100.0", "29,900.0", "(200.0)"],
                ]
        else:
            story.append(Paragraph(f"Item {n}: {SERVICES[n % 5]} budget monitoring", styles["Heading2"]))
            for k in range(3):
                story.append(
                    Paragraph(
                        FILLER.format(n=n, svc=SERVICES[(n + k) % 5], a=a, b=b, c=c, d=d),
                        styles["Normal"],
                    )
                )
                story.append(Spacer(1, 6))
            rows = [["Service", "Budget", "Forecast", "Variance"]] + [
                [s, f"£{a}{k}.{b}m", f"£{a}{k}.{c}m", f"£0.{d}m"] for k, s in enumerate(SERVICES[:4])
            ]
        story.append(_table(rows))
        story.append(PageBreak())
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()


def pdfium_text_only(data: bytes) -> int:
    """(a): pypdfium2 text for every page, nothing else."""
    pdf = pdfium.PdfDocument(data)
    chars = 0
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        chars += len(tp.get_text_range())
        tp.close()
        page.close()
    pdf.close()
    return chars


def plumber_everything(data: bytes) -> list:
    """(b): pdfplumber text + tables on every page, with the same figure rules."""
    found = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for i, page in enumerate(pdf.pages, start=1):
            text = page.extract_text() or ""
            figs = figures_from_text(text, i)
            # The same triage rule as the fast path: no SEND words, no figures.
            for table in page.find_tables() if page_has_cue(text) else []:
                top = table.bbox[1]
                caption = page.crop((0, max(0, top - 60), page.width, top)).extract_text() or ""
                figs = figures_from_grid(table.extract(), page=i, context=caption) + figs
            found.extend(dedupe(figs))
            page.close()
    return found


def timed(fn, data: bytes, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn(data)
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def peak_memory_mb(path: Path) -> tuple[float, float, str]:
    """Peak RSS (MB) of extracting `path` in a fresh process, and of the imports alone."""
    code = (
        f"import resource, sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from extract import extract_file\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"r = extract_file({str(path)!r})\n"
        "print(base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, r.status, r.page_count)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    base, peak, status, pages = out.stdout.split()
    return int(peak) / 1024, int(base) / 1024, f"{status}, {pages} pages"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--memory-pages", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()

    data = build_pack(args.pages)
    print(f"pack: {args.pages} pages, {len(data) / 1e6:.1f} MB, SEND pages every 20th")
    # (a) and the extraction alternate, so a busy machine slows both alike; medians reported.
    pdfium_text_only(data)
    result = extract_file(data, name="pack.pdf")
    ta, tf = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        pdfium_text_only(data)
        ta.append(time.perf_counter() - t)
        t = time.perf_counter()
        result = extract_file(data, name="pack.pdf")
        tf.append(time.perf_counter() - t)
    t_a, t_fast = statistics.median(ta), statistics.median(tf)
    best_ratio = min(f / a for f, a in zip(tf, ta))
    t_b, plumber_figs = timed(plumber_everything, data, 1)

    fast_keys = {f.key() for f in result.figures}
    full_keys = {f.key() for f in plumber_figs}
    missed = sorted(full_keys - fast_keys)
    extra = sorted(fast_keys - full_keys)

    rows = [
        ("(a) pypdfium2 text only", t_a),
        ("extract_file (whole extraction)", t_fast),
        ("(b) pdfplumber text + tables, every page", t_b),
    ]
    print(f"\n{'method':44} {'seconds':>8} {'pages/s':>9} {'ms/page':>8}")
    for name, t in rows:
        print(f"{name:44} {t:8.3f} {args.pages / t:9.0f} {1000 * t / args.pages:8.2f}")
    print(f"\npages sent to pdfplumber by triage: {len(result.plumber_pages)} of {args.pages}")
    print(
        f"extraction / (a) pypdfium2 text:   {t_fast / t_a:6.2f}x median, {best_ratio:.2f}x best"
        f" of {args.runs} paired runs   (target <= 2x)"
    )
    print(f"(b) pdfplumber everything / extraction: {t_b / t_fast:6.1f}x   (target >= 20x)")
    print(f"figures: fast path {len(fast_keys)}, pdfplumber-everything {len(full_keys)}")
    print(f"figures (b) finds that the fast path misses: {len(missed)}")
    for k in missed[:10]:
        print("   missed:", k)
    print(f"figures only the fast path finds: {len(extra)}")
    for k in extra[:10]:
        print("   extra:", k)

    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp, "big.pdf")
        big.write_bytes(build_pack(args.memory_pages))
        peak, base, what = peak_memory_mb(big)
    print(
        f"\npeak memory, {args.memory_pages}-page PDF ({what}): {peak:.0f} MB ru_maxrss "
        f"(imports alone {base:.0f} MB; target < 500 MB)"
    )


if __name__ == "__main__":
    main()
