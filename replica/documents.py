"""Deterministic generator of the replica's committee documents (fictional councils only).

Every public function returns bytes that are identical on every call with the same arguments:
reportlab runs with ``invariant = 1`` (fixed creation date and document id), pypdfium2 output
(report packs, trimmed reports) has its /ID and /CreationDate rewritten to fixed values, and
.docx zips are rebuilt with fixed member timestamps and fixed core properties.

Figures are drawn from ``random.Random`` seeded with strings (never ``hash()``), so they vary with
``seed`` (and with the council, whose size scales them) but never from run to run.
``report_facts()`` returns the headline figures a SEND report of a given topic carries, so tests
of the extractor can compare what they read against what was written.

Text notes for consumers: PDFs use the standard Helvetica fonts (WinAnsi), so "£" and "–" extract
as such with pypdfium2/pdfplumber; prose wraps, so normalise whitespace before matching sentences.
The Schedule 12A sentence on exempt reports is always set on a single line.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import random
import re
import zipfile
from xml.sax.saxutils import escape

from reportlab import rl_config

rl_config.invariant = 1
rl_config.useA85 = 0  # binary streams: smaller files and no slow pure-Python ASCII85 encoding

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    KeepInFrame,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

__all__ = [
    "NON_SEND_TOPICS",
    "SEND_TOPICS",
    "TOPICS",
    "agenda_frontsheet_pdf",
    "appendix_pdf",
    "exempt_sentence",
    "minutes_pdf",
    "report_docx",
    "report_facts",
    "report_pdf",
    "reports_pack_pdf",
    "scanned_pdf",
]

SEND_TOPICS = (
    "dsg_budget",
    "high_needs_monitoring",
    "safety_valve",
    "send_sufficiency",
    "ehcp_performance",
    "dbv",
)
NON_SEND_TOPICS = ("highways", "housing", "general_budget", "audit")
TOPICS = SEND_TOPICS + NON_SEND_TOPICS

_PAGE_W, _PAGE_H = A4
_MARGIN = 2.0 * cm
_FRAME_W = _PAGE_W - 2 * _MARGIN
_FIXED_PDF_DATE = b"D:20250101000000+00'00'"  # same length as pdfium's CreationDate value
_DOCX_ZIP_TIME = (2025, 1, 1, 0, 0, 0)

# ----------------------------------------------------------------------------------------------
# styles

_BASE = ParagraphStyle("base", fontName="Helvetica", fontSize=10, leading=13.2, spaceAfter=5)
_BODY = ParagraphStyle("body", parent=_BASE, leftIndent=0.8 * cm, firstLineIndent=-0.8 * cm)
_BULLET = ParagraphStyle("bullet", parent=_BASE, leftIndent=1.7 * cm, firstLineIndent=-0.5 * cm, spaceAfter=3)
_H1 = ParagraphStyle(
    "h1",
    parent=_BASE,
    fontName="Helvetica-Bold",
    fontSize=11.5,
    leading=15,
    spaceBefore=8,
    spaceAfter=5,
)
_TITLE = ParagraphStyle("title", parent=_BASE, fontName="Helvetica-Bold", fontSize=15, leading=19, spaceAfter=8)
_COUNCIL = ParagraphStyle(
    "council",
    parent=_BASE,
    fontName="Helvetica-Bold",
    fontSize=17,
    leading=21,
    textColor=colors.HexColor("#1f3d66"),
    spaceAfter=6,
)
_SMALL = ParagraphStyle("small", parent=_BASE, fontSize=8.5, leading=10.5, spaceAfter=2)
_CELL = ParagraphStyle("cell", parent=_BASE, fontSize=8.5, leading=10.2, spaceAfter=0)
_CELL_B = ParagraphStyle("cellb", parent=_CELL, fontName="Helvetica-Bold")
_CELL_R = ParagraphStyle("cellr", parent=_CELL, alignment=TA_RIGHT)
_CELL_RB = ParagraphStyle("cellrb", parent=_CELL_R, fontName="Helvetica-Bold")
_CAPTION = ParagraphStyle("caption", parent=_BASE, fontName="Helvetica-Bold", fontSize=9.5, spaceBefore=4, spaceAfter=4)
_CENTRE = ParagraphStyle("centre", parent=_BASE, alignment=TA_CENTER)
_BANNER = ParagraphStyle(
    "banner",
    parent=_BASE,
    fontName="Helvetica-Bold",
    fontSize=14,
    leading=17,
    alignment=TA_CENTER,
    textColor=colors.HexColor("#9b0000"),
    spaceAfter=2,
)


def _memoise_font_widths() -> None:
    """reportlab's pure-Python width code dominates build time; memoise it per font instance.

    Same results (a pure function of text, size, encoding), about a third faster; affects only
    these two standard fonts in this process."""
    from functools import lru_cache

    from reportlab.pdfbase import pdfmetrics

    for name in ("Helvetica", "Helvetica-Bold"):
        font = pdfmetrics.getFont(name)
        if not hasattr(font.stringWidth, "cache_info"):
            font.stringWidth = lru_cache(maxsize=32768)(font.stringWidth)


_memoise_font_widths()


def _p(text: str, style=_BASE) -> Paragraph:
    return Paragraph(escape(text), style)


# ----------------------------------------------------------------------------------------------
# small helpers: dates, periods, money


def _d(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suf = "th"
    else:
        suf = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suf}"


def _d_mg(day: datetime.date) -> str:
    """ModernGov style: 'Thursday, 16th January, 2025'."""
    return f"{day:%A}, {_ordinal(day.day)} {day:%B}, {day.year}"


def _fy_start(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _fy(y: int, style: str = "-") -> str:
    """Financial year starting April of ``y``."""
    if style == "/":
        return f"{y}/{(y + 1) % 100:02d}"
    if style == "to":
        return f"{y} to {y + 1}"
    if style == "FY":
        return f"FY {y}-{(y + 1) % 100:02d}"
    return f"{y}-{(y + 1) % 100:02d}"


def _rng(*parts) -> random.Random:
    return random.Random("|".join(str(p) for p in parts))


def _m(v: float, dp: int = 1) -> str:
    return f"£{v:,.{dp}f}m"


def _mil(v: float, dp: int = 1) -> str:
    return f"£{v:,.{dp}f} million"


def _pounds(v: float) -> str:
    return f"£{round(v):,}"


def _k(v: float) -> str:
    """v in £; '£300k'."""
    return f"£{round(v / 1000):,}k"


def _cell(v: float, dp: int = 0) -> str:
    """Numeric table cell in £000 etc.: brackets for negatives."""
    s = f"{abs(v):,.{dp}f}"
    if round(v, dp) < 0:
        return f"({s})"
    if round(v, dp) == 0:
        return "-" if dp == 0 else f"{0:.{dp}f}"
    return s


def _money_any(rng: random.Random, v_m: float) -> str:
    """A £m value in one of the many ways papers write it."""
    style = rng.choice(["m1", "m3", "million", "M", "pounds", "c", "approx", "m2"])
    if style == "m1":
        return _m(v_m)
    if style == "m2":
        return _m(v_m, 2)
    if style == "m3":
        return _m(v_m, 3)
    if style == "million":
        return _mil(v_m)
    if style == "M":
        return f"£{v_m:.2f}M"
    if style == "pounds":
        return _pounds(v_m * 1e6)
    if style == "c":
        return rng.choice(["c£", "c £", "circa £"]) + f"{v_m:.1f}m"
    word = rng.choice(["about", "just under", "over", "around", "approximately"])
    shown = v_m + (0.05 if word == "just under" else (-0.05 if word == "over" else 0.0))
    return f"{word} £{shown:.1f} million"


def _slug(council: str) -> str:
    words = re.sub(r"[^a-z ]", "", council.lower()).split()
    drop = {
        "council",
        "county",
        "borough",
        "city",
        "district",
        "metropolitan",
        "of",
        "the",
        "royal",
        "london",
    }
    kept = [w for w in words if w not in drop] or words or ["council"]
    return "".join(kept)


_FIRST = [
    "Helen",
    "Mark",
    "Priya",
    "Gareth",
    "Joanne",
    "Tomasz",
    "Rachel",
    "Imran",
    "Claire",
    "Owen",
    "Sian",
    "Daniel",
    "Fatima",
    "Stuart",
    "Louise",
    "Ade",
    "Katherine",
    "Neil",
    "Beverley",
    "Rhys",
    "Grace",
    "Martin",
    "Nadia",
    "Philip",
]
_LAST = [
    "Ashworth",
    "Pennington",
    "Okafor",
    "Bramley",
    "Tindall",
    "Haworth",
    "Quayle",
    "Merridew",
    "Castleton",
    "Farrant",
    "Lumsden",
    "Oduya",
    "Greaves",
    "Whitlock",
    "Rudd",
    "Kenward",
    "Halloran",
    "Dobbs",
    "Sangha",
    "Ellwood",
    "Fairbairn",
    "Treharne",
    "Mottram",
    "Cheung",
]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


_SCHED12A = {
    1: "Information relating to any individual.",
    2: "Information which is likely to reveal the identity of an individual.",
    3: "Information relating to the financial or business affairs of any particular person "
    "(including the authority holding that information).",
    4: "Information relating to any consultations or negotiations, or contemplated consultations "
    "or negotiations, in connection with any labour relations matter arising between the "
    "authority or a Minister of the Crown and employees of, or office holders under, the "
    "authority.",
    5: "Information in respect of which a claim to legal professional privilege could be "
    "maintained in legal proceedings.",
    6: "Information which reveals that the authority proposes (a) to give under any enactment a "
    "notice under or by virtue of which requirements are imposed on a person; or (b) to make "
    "an order or direction under any enactment.",
    7: "Information relating to any action taken or to be taken in connection with the "
    "prevention, investigation or prosecution of crime.",
}


def exempt_sentence(paragraph: int, welsh: bool = False) -> str:
    """The exact Schedule 12A sentence printed on page 1 of an exempt report."""
    part = 4 if welsh else 1
    return (
        f"This report is not for publication by virtue of paragraph {paragraph} of Part "
        f"{part} of Schedule 12A of the Local Government Act 1972."
    )


def _check_paragraph(paragraph: int, welsh: bool) -> None:
    ok = range(12, 19) if welsh else range(1, 8)
    if paragraph not in ok:
        where = "Wales (Part 4)" if welsh else "England (Part 1)"
        raise ValueError(
            f"exempt_paragraph {paragraph} is not a Schedule 12A paragraph for {where}: use {ok.start}-{ok.stop - 1}"
        )


# ----------------------------------------------------------------------------------------------
# PDF plumbing


def _fix_pdfium_bytes(data: bytes) -> bytes:
    """Make pdfium output deterministic: fixed CreationDate, /ID from the content hash.

    Replacements keep byte lengths, so the xref table stays valid."""
    data = re.sub(
        rb"D:\d{14}[+\-Z]\d{2}'\d{2}'",
        lambda m: _FIXED_PDF_DATE[: len(m.group(0))].ljust(len(m.group(0)), b"0"),
        data,
    )
    blank = re.sub(rb"/ID\[<[0-9A-Fa-f]+><[0-9A-Fa-f]+>\]", b"/ID[]", data)
    digest = hashlib.md5(blank).hexdigest().upper().encode()

    def _id(m: re.Match) -> bytes:
        n = (len(m.group(0)) - len(b"/ID[<><>]")) // 2
        h = (digest * 4)[:n]
        return b"/ID[<" + h + b"><" + h + b">]"

    return re.sub(rb"/ID\[<[0-9A-Fa-f]+><[0-9A-Fa-f]+>\]", _id, data)


def _pdfium_save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return _fix_pdfium_bytes(out.getvalue())


def _page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


class _Doc:
    """Build a platypus story into deterministic PDF bytes with a running header/footer."""

    def __init__(self, *, title: str, author: str, header: str, footer: str, subject: str = ""):
        self.title, self.author, self.header, self.footer = title, author, header, footer
        self.subject = subject
        self.pages = 0

    def _decorate(self, canv, doc):
        canv.saveState()
        canv.setFont("Helvetica", 7.5)
        canv.setFillColor(colors.HexColor("#555555"))
        if self.header and doc.page > 1:
            canv.drawString(_MARGIN, _PAGE_H - 1.2 * cm, self.header)
        canv.drawCentredString(_PAGE_W / 2, 1.1 * cm, f"Page {doc.page}")
        if self.footer:
            canv.drawRightString(_PAGE_W - _MARGIN, 1.1 * cm, self.footer)
        canv.restoreState()
        self.pages = doc.page

    def build(self, story) -> bytes:
        buf = io.BytesIO()
        doc = SimpleDocTemplate(
            buf,
            pagesize=A4,
            leftMargin=_MARGIN,
            rightMargin=_MARGIN,
            topMargin=_MARGIN,
            bottomMargin=_MARGIN,
            title=self.title,
            author=self.author,
            subject=self.subject,
            creator="Modern.Gov document generator (sendwatch replica)",
            producer="ReportLab",
            invariant=1,
        )
        doc.build(list(story), onFirstPage=self._decorate, onLaterPages=self._decorate)
        return buf.getvalue()


def _table(
    header: list[str],
    rows: list[list[str]],
    widths: list[float] | None = None,
    total_rows: tuple[int, ...] = (),
) -> Table:
    ncol = len(header)
    if widths is None:
        first = _FRAME_W * (0.6 if ncol <= 2 else 0.42 if ncol <= 4 else 0.24)
        widths = [first] + [(_FRAME_W - first) / (ncol - 1)] * (ncol - 1)

    def cell(text: str, col: int, bold: bool):
        font = "Helvetica-Bold" if bold else "Helvetica"
        if stringWidth(text, font, 8.5) <= widths[col] - 6:
            return text  # plain strings are much cheaper than Paragraphs
        st = (_CELL_B if bold else _CELL) if col == 0 else (_CELL_RB if bold else _CELL_R)
        return Paragraph(escape(text), st)

    data = [[cell(h, i, True) for i, h in enumerate(header)]]
    for r, row in enumerate(rows):
        data.append([cell(c, i, r in total_rows) for i, c in enumerate(row)])
    t = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5, 10.2),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5, 10.2),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for r in total_rows:
        style.append(("BACKGROUND", (0, r + 1), (-1, r + 1), colors.HexColor("#f0f0f0")))
        style.append(("FONT", (0, r + 1), (-1, r + 1), "Helvetica-Bold", 8.5, 10.2))
    t.setStyle(TableStyle(style))
    return t


# ----------------------------------------------------------------------------------------------
# facts: the figures behind each report


def _scale(council: str) -> float:
    return _rng("scale", council).uniform(0.6, 2.4)


_NATIONAL_HN_BN = {
    2019: 7.1,
    2020: 8.0,
    2021: 8.9,
    2022: 9.1,
    2023: 10.1,
    2024: 10.5,
    2025: 11.9,
    2026: 12.4,
}


def report_facts(*, council: str, topic: str, seed: int, meeting_date: datetime.date) -> dict:
    """Headline figures written into ``report_pdf`` with the same arguments (money in £m unless
    the key says otherwise; counts and percentages as numbers).

    SEND figures share one base per (council, seed, financial year), so a public monitoring report
    and an exempt safety valve report generated with the same seed agree with each other."""
    return _spec(council, topic, seed, meeting_date)[1]


def _spec(council: str, topic: str, seed: int, meeting_date: datetime.date):
    rng = _rng("report", council, topic, seed, meeting_date.isoformat())
    facts = _base_facts(council=council, topic=topic, seed=seed, meeting_date=meeting_date)
    spec = _BUILDERS[topic](facts, rng, _ctx(council, meeting_date))
    return spec, facts, rng


def _ctx(council: str, day: datetime.date) -> dict:
    return {"date": day, "scale": _scale(council), "council": council}


def _base_facts(*, council: str, topic: str, seed: int, meeting_date: datetime.date) -> dict:
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; choose from {TOPICS}")
    fy = _fy_start(meeting_date)
    s = _scale(council)
    r = _rng("base", council, seed, fy)
    f: dict = {"topic": topic, "fy_start": fy}
    hnb_prev = round(s * 48 * r.uniform(0.92, 1.08), 1)
    growth = r.uniform(0.035, 0.09)
    sb_prev = round(s * 245 * r.uniform(0.95, 1.05), 1)
    f.update(
        budget_year=fy + 1 if meeting_date.month >= 10 or meeting_date.month <= 3 else fy,
        hnb_prev=hnb_prev,
        hnb=round(hnb_prev * (1 + growth), 1),
        schools_block_prev=sb_prev,
        schools_block=round(sb_prev * r.uniform(1.01, 1.04), 1),
        eyb=round(s * 27 * r.uniform(0.9, 1.1), 1),
        cssb=round(s * 3.1 * r.uniform(0.9, 1.1), 1),
        cumulative_deficit=round(s * r.uniform(8, 40), 1),
        in_year_overspend=round(s * r.uniform(2.5, 9), 1),
        unmitigated_low=0.0,
        ehcps=int(s * r.uniform(2200, 3400)),
        ehcp_growth_pct=round(r.uniform(6, 14), 1),
        timeliness_pct=round(r.uniform(18, 92), 1),
        independent_placements=int(s * r.uniform(140, 320)),
        independent_avg_cost=int(r.uniform(58000, 82000)),
        special_places=int(s * r.uniform(700, 1300)),
        sen_transport=round(s * r.uniform(8, 18), 1),
        sv_share=r.uniform(0.6, 0.95),
        dbv_grant=round(r.uniform(0.85, 1.0), 3),
        dbv_cost_avoidance=round(s * r.uniform(8, 25), 1),
        school_balances=round(s * r.uniform(9, 22), 1),
        interest_cost=round(s * r.uniform(0.4, 1.6), 2),
        sv_status=r.choice(["on track", "on track", "under review", "instalment withheld"]),
    )
    f["budget_year_label"] = _fy(f["budget_year"])
    f["dsg_total_prev"] = round(sb_prev + hnb_prev + f["eyb"] / 1.05 + f["cssb"], 1)
    f["dsg_total"] = round(f["schools_block"] + f["hnb"] + f["eyb"] + f["cssb"], 1)
    f["transfer_pct"] = 0.5
    f["transfer"] = round(f["schools_block"] * 0.005, 2)
    f["forecast_deficit"] = round(f["cumulative_deficit"] + f["in_year_overspend"], 1)
    f["unmitigated_low"] = round(f["forecast_deficit"] * 2.2 / 5) * 5
    f["unmitigated_high"] = f["unmitigated_low"] + round(f["forecast_deficit"] * 0.9 / 5 + 1) * 5
    f["requests"] = int(f["ehcps"] * r.uniform(0.25, 0.38))
    f["independent_spend"] = round(f["independent_placements"] * f["independent_avg_cost"] / 1e6, 1)
    f["sv_total"] = round(f["cumulative_deficit"] * f.pop("sv_share"), 1)
    f["sv_end_year"] = fy + 4
    f["sv_instalment"] = round(f["sv_total"] / 5, 1)
    f["sv_la_contribution"] = round(f["sv_total"] * r.uniform(0.12, 0.25), 1)
    f["national_hn_bn"] = _NATIONAL_HN_BN.get(f["budget_year"], 10.5)
    f["month"] = (meeting_date.month - 4) % 12 or 12
    # EHCP counts are "at January <census_year>": the latest January census before the meeting
    f["census_year"] = meeting_date.year if meeting_date.month >= 2 else meeting_date.year - 1
    return f


# ----------------------------------------------------------------------------------------------
# topic content
#
# A topic builder returns a dict:
#   director, purpose [str], recs [str], sections [(heading, [item])], finance [item], legal [item],
#   appendices [str], key_decision bool
# where item is str (a numbered paragraph), ("bullets", [str]), ("table", caption, header, rows,
# total_rows) or ("note", str) (an unnumbered paragraph).

_CS = "Director of Children's Services"


def _t_dsg_budget(f, rng, ctx):
    by, py_ = f["budget_year"], f["budget_year"] - 1
    sl = rng.choice(["/", "-"])
    pub = datetime.date(py_, 12, 18 if rng.random() < 0.5 else 19)
    rows, tot = [], [0.0, 0.0]
    for name, a, b in [
        ("Schools Block", f["schools_block_prev"], f["schools_block"]),
        ("Central School Services Block", f["cssb"] * 0.97, f["cssb"]),
        ("High Needs Block", f["hnb_prev"], f["hnb"]),
        ("Early Years Block", f["eyb"] / 1.05, f["eyb"]),
    ]:
        rows.append([name, _cell(a * 1000, 1), _cell(b * 1000, 1), _cell((b - a) * 1000, 1)])
        tot[0] += a
        tot[1] += b
    rows.append(
        [
            "Total DSG before recoupment",
            _cell(tot[0] * 1000, 1),
            _cell(tot[1] * 1000, 1),
            _cell((tot[1] - tot[0]) * 1000, 1),
        ]
    )
    ratio = rng.uniform(0.35, 0.6)  # share of the Schools Block recouped for academies
    recoup = [f["schools_block_prev"] * ratio, f["schools_block"] * ratio * rng.uniform(1.0, 1.04)]
    rows.append(
        [
            "Less: academy recoupment",
            _cell(-recoup[0] * 1000, 1),
            _cell(-recoup[1] * 1000, 1),
            _cell(-(recoup[1] - recoup[0]) * 1000, 1),
        ]
    )
    rows.append(
        [
            "DSG after recoupment",
            _cell((tot[0] - recoup[0]) * 1000, 1),
            _cell((tot[1] - recoup[1]) * 1000, 1),
            _cell(((tot[1] - recoup[1]) - (tot[0] - recoup[0])) * 1000, 1),
        ]
    )
    hn_inc = f["hnb"] - f["hnb_prev"]
    prev_transfer = round(f["schools_block_prev"] * 0.005, 3)
    votes_for = rng.randint(7, 14)
    votes_against = rng.randint(1, 6)
    abst = rng.randint(0, 3)
    hn_rows = []
    lines = [
        ("Top-up funding – mainstream schools", 0.22),
        ("Top-up funding – special schools", 0.2),
        ("Special school place funding (£10,000 per place)", 0.14),
        ("Independent and non-maintained special schools", 0.24),
        ("Post-16", 0.08),
        ("Alternative provision and PRU", 0.07),
        ("SEN support services", 0.05),
    ]
    tb, tp = 0.0, 0.0
    weights = [share * rng.uniform(0.95, 1.05) for _, share in lines]
    for (name, _share), w in zip(lines, weights, strict=True):
        b = f["hnb"] * 1000 * w / sum(weights)  # the lines add up to the allocation
        p = b * rng.uniform(1.02, 1.16)
        tb += b
        tp += p
        hn_rows.append([name, _cell(b), _cell(p), _cell(p - b)])
    hn_rows.append(["Total", _cell(tb), _cell(tp), _cell(tp - tb)])
    f["hn_budget_gap"] = round((tp - tb) / 1000, 1)
    sections = [
        (
            "Background",
            [
                (
                    f"The Dedicated Schools Grant (DSG) is a ring-fenced grant paid to the local authority "
                    f"by the Department for Education (DfE) in four blocks: the Schools Block, the Central "
                    f"School Services Block, the High Needs Block and the Early Years Block. The DfE "
                    f"published the {_fy(by, sl)} allocations on {_d(pub)}."
                ),
                (
                    f"The total DSG allocation for {_fy(by)} is {_pounds(f['dsg_total'] * 1e6 + rng.randint(0, 99999))} "
                    f"before academy recoupment, compared with {_money_any(rng, f['dsg_total_prev'])} in "
                    f"{_fy(py_, sl)}."
                ),
                (
                    f"The High Needs Block allocation for {_fy(by)} is {_mil(f['hnb'])}. This is an "
                    f"increase of {_m(hn_inc)} ({hn_inc / f['hnb_prev'] * 100:.1f}%) on the {_fy(py_)} "
                    f"allocation of {_m(f['hnb_prev'], 3)}, but remains below the level of demand the "
                    f"Council is experiencing for specialist provision."
                ),
                (
                    f"Nationally, high needs funding rises to £{f['national_hn_bn']:.1f} billion in "
                    f"{_fy(by)}. The national funding formula floor limits the increase for any authority "
                    f"to between 7% and 10% per head of the 2 to 18 population."
                ),
                (
                    "table",
                    f"Table 1: DSG allocation by block, {_fy(py_, '/')} and {_fy(by, '/')}",
                    ["Block", f"{_fy(py_, '/')} £000", f"{_fy(by, '/')} £000", "Change £000"],
                    rows,
                    (4, 6),
                ),
            ],
        ),
        (
            "High Needs Block pressures",
            [
                (
                    f"Demand for Education, Health and Care Plans (EHCPs) has continued to grow, with "
                    f"{f['ehcps']:,} plans maintained in January {f['census_year']}, an "
                    f"increase of {f['ehcp_growth_pct']}% in a year. The number of placements in "
                    f"independent special schools has risen to {f['independent_placements']}."
                ),
                (
                    f"At 31 March {py_} the cumulative DSG deficit was {_m(f['cumulative_deficit'])}. "
                    f"The statutory override, which keeps DSG deficits off the Council's general reserves, "
                    f"has been extended to "
                    f"{'the end of 2027-28' if ctx['date'] >= datetime.date(2024, 12, 18) else '31 March 2026'}."
                ),
                (
                    "table",
                    f"Table 2: High Needs Block budget requirement {_fy(by, '/')} (£000)",
                    ["Budget line", "Allocation £000", "Projected need £000", "Gap £000"],
                    hn_rows,
                    (len(hn_rows) - 1,),
                ),
            ],
        ),
        (
            "Schools Block to High Needs Block transfer",
            [
                (
                    "Local authorities may transfer up to 0.5% of their Schools Block to other blocks with "
                    "the agreement of the Schools Forum. A transfer above 0.5%, or one the Forum does not "
                    "support, requires a disapplication request to the Secretary of State."
                ),
                (
                    f"A transfer of 0.5% of the Schools Block to the High Needs Block "
                    f"({_m(f['transfer'])}) is proposed for {_fy(by)}."
                ),
                (
                    f"In {_fy(py_)} the Forum agreed a transfer of 0.5% ({_m(prev_transfer, 3)}). At that "
                    f"meeting members voted {votes_for} in favour and {votes_against} against, with "
                    f"{abst} abstention{'s' if abst != 1 else ''}."
                ),
                (
                    f"All schools were consulted between {_d(datetime.date(py_, 10, 7))} and "
                    f"{_d(datetime.date(py_, 11, 1))}. {rng.randint(38, 71)} schools responded: "
                    f"{rng.randint(40, 62)}% supported the transfer, with primary schools less supportive "
                    f"than secondary schools. The transfer would reduce the per-pupil funding of a typical "
                    f"primary school by around £{rng.randint(18, 34)} per pupil."
                ),
                (
                    f"Maintained school balances totalled {_m(f['school_balances'])} at 31 March {py_}; "
                    f"these balances belong to schools and are not available to meet high needs pressures."
                ),
            ],
        ),
    ]
    return {
        "director": f"{_CS} and the Director of Finance (Section 151 Officer)",
        "purpose": [
            (
                f"To inform the Schools Forum of the Dedicated Schools Grant (DSG) settlement for "
                f"{_fy(by)} and to seek the Forum's decision on a transfer of 0.5% of the Schools "
                f"Block to the High Needs Block."
            )
        ],
        "recs": [
            f"That the Forum notes the DSG allocations for {_fy(by)} set out in Table 1.",
            (
                f"That the Forum votes on the proposed transfer of 0.5% ({_m(f['transfer'])}) from "
                f"the Schools Block to the High Needs Block in {_fy(by)}."
            ),
            "That the Forum notes the High Needs Block pressures described in this report.",
        ],
        "sections": sections,
        "finance": [
            (
                f"If the transfer is not agreed, the forecast High Needs Block gap of "
                f"{_m(f['hn_budget_gap'])} in {_fy(by)} would increase by {_m(f['transfer'])} and "
                f"add to the cumulative DSG deficit."
            )
        ],
        "legal": [
            (
                "The School and Early Years Finance (England) Regulations require the Schools "
                "Forum to be consulted on the schools budget and give the Forum the power to agree "
                "a transfer of up to 0.5% of the Schools Block."
            )
        ],
        "appendices": [
            "Appendix A – DSG allocations by block",
            "Appendix B – Consultation responses",
        ],
        "key_decision": False,
    }


def _t_high_needs_monitoring(f, rng, ctx):
    mon_fy = _fy_start(ctx["date"] - datetime.timedelta(days=31))
    m = f["month"]
    sl = rng.choice(["/", "-"])
    basis = rng.choice(["month", "month", "quarter"])
    period = f"Month {m}" if basis == "month" else f"Q{max(1, (m + 2) // 3 if m < 12 else 4)}"
    over = f["in_year_overspend"]
    override = "the end of 2027-28" if ctx["date"] >= datetime.date(2024, 12, 18) else "31 March 2026"
    lines = [
        ("Top-up funding – mainstream", 0.21, 0.28),
        ("Top-up funding – special schools", 0.19, 0.12),
        ("Special school place funding", 0.14, -0.03),
        ("Independent special schools", 0.2, 0.45),
        ("Post-16", 0.08, 0.1),
        ("Alternative provision", 0.07, 0.09),
        ("Out of authority recoupment", 0.04, 0.02),
        ("SEN support services", 0.04, -0.02),
        ("Inclusion and early intervention", 0.03, -0.01),
    ]
    raw = [w * rng.uniform(0.9, 1.1) for _, _, w in lines]
    k = over * 1000 / sum(raw)
    rows, tb = [], 0.0
    for (name, share, _w), rv in zip(lines, raw):
        b = round(f["hnb"] * share * 1000, 1)
        v = round(rv * k, 1)
        rows.append([name, _cell(b, 1), _cell(b + v, 1), _cell(v, 1)])
        tb += b
    rows.append(["Total High Needs Block", _cell(tb, 1), _cell(tb + over * 1000, 1), _cell(over * 1000, 1)])
    def_rows = [
        ["Cumulative deficit brought forward at 1 April", _cell(f["cumulative_deficit"] * 1000)],
        ["Forecast in-year High Needs overspend", _cell(over * 1000)],
        ["Other DSG blocks – forecast (underspend)", _cell(-rng.uniform(80, 450))],
        ["Forecast cumulative deficit carried forward", _cell(f["forecast_deficit"] * 1000)],
    ]
    sections = [
        (
            "Background",
            [
                (
                    f"The High Needs Block budget for {_fy(mon_fy, sl)} is {_m(f['hnb'], 3)}, funded from "
                    f"the Dedicated Schools Grant (DSG) allocation and a transfer of 0.5% from the Schools "
                    f"Block."
                ),
                f"At 31 March {mon_fy} the cumulative DSG deficit stood at {_m(f['cumulative_deficit'])}.",
                (
                    "The statutory override means the deficit is held in the Dedicated Schools Grant "
                    "Adjustment Account and is not charged to the Council's general reserves. The override "
                    f"has been extended to {override}, after which the position for local authorities "
                    "with large deficits remains uncertain."
                ),
            ],
        ),
        (
            f"High Needs Block forecast at {period}",
            [
                f"At {period} the High Needs Block is forecasting an overspend of {_m(over)}.",
                (
                    f"The main driver remains placements in independent special schools, where the number "
                    f"of children placed has risen to {f['independent_placements']} at an average annual "
                    f"cost of {_pounds(f['independent_avg_cost'])}."
                ),
                (
                    "table",
                    (f"Table 1: High Needs Block forecast outturn {_fy(mon_fy, '/')} ({period}) £'000"),
                    ["Budget line", "Budget £'000", "Forecast £'000", "Variance £'000"],
                    rows,
                    (len(rows) - 1,),
                ),
                (
                    "Figures in brackets are underspends. Post-16 costs continue to rise as young people "
                    "with EHC plans remain in education up to age 25."
                ),
                (
                    f"The cumulative DSG deficit is forecast to be {_m(f['forecast_deficit'])} at 31st March "
                    f"{mon_fy + 1}."
                ),
                (
                    "table",
                    "Table 2: DSG reserve (£'000) – deficit shown as positive",
                    ["", "£'000"],
                    def_rows,
                    (3,),
                ),
                (
                    f"If no action was taken, the deficit is projected to rise to between "
                    f"£{f['unmitigated_low']:.0f}m and £{f['unmitigated_high']:.0f}m by March "
                    f"{mon_fy + 4}."
                ),
                (
                    f"The cost of carrying the deficit, in lost interest on the Council's cash balances, is "
                    f"estimated at {_k(f['interest_cost'] * 1e6)} in {_fy(mon_fy, 'to')}."
                ),
                (
                    f"For context, nationally, high needs funding rises to £{_NATIONAL_HN_BN.get(mon_fy, 10.5):.1f} "
                    f"billion in {_fy(mon_fy)}; surveys by the Local Government Association suggest "
                    f"cumulative DSG deficits across England could exceed £5 billion."
                ),
            ],
        ),
        (
            "Management actions",
            [
                (
                    "bullets",
                    [
                        "review of top-up banding for mainstream schools, with new bands from September;",
                        (
                            f"opening {rng.randint(40, 120)} additional special school places to reduce "
                            f"reliance on the independent sector;"
                        ),
                        (
                            "a panel to agree all new independent placements, chaired by the Assistant "
                            "Director for Education;"
                        ),
                        "early help and SEN support in mainstream settings through the inclusion fund.",
                    ],
                ),
                (
                    f"These actions are expected to reduce the forecast by {_money_any(rng, over * 0.15)} "
                    f"in the current year; the full effect is in the DSG management plan."
                ),
            ],
        ),
    ]
    return {
        "director": f"{_CS} and the Director of Finance (Section 151 Officer)",
        "purpose": [
            (
                f"To report the forecast outturn on the High Needs Block of the Dedicated Schools "
                f"Grant at {period} {_fy(mon_fy, sl)} and the forecast cumulative DSG deficit."
            )
        ],
        "recs": [
            f"That the forecast High Needs Block overspend of {_m(over)} at {period} is noted.",
            "That the management actions set out in this report are noted.",
        ],
        "sections": sections,
        "finance": [
            (
                f"The forecast cumulative deficit of {_m(f['forecast_deficit'])} is equivalent to "
                f"{f['forecast_deficit'] / f['dsg_total'] * 100:.1f}% of the Council's DSG "
                f"allocation."
            )
        ],
        "legal": [
            (
                "The DSG is a ring-fenced specific grant. The Local Authorities (Capital Finance "
                "and Accounting) (England) Regulations 2003, as amended, require DSG deficits to be "
                "held in a separate account while the statutory override applies."
            )
        ],
        "appendices": ["Appendix A – High Needs Block monitoring detail"],
        "key_decision": False,
    }


def _t_safety_valve(f, rng, ctx):
    fy = f["fy_start"]
    sl = rng.choice(["/", "-"])
    inst = f["sv_instalment"]
    first = round(f["sv_total"] - inst * 4, 1)
    rows, received = [], 0.0
    for i in range(5):
        y = fy - 1 + i
        amt = first if i == 0 else inst
        if i == 0:
            status = "Received"
            received += amt
        elif y == fy and f["sv_status"] == "instalment withheld":
            status = "Withheld"
        else:
            status = "Due, subject to progress"
        rows.append([_fy(y, "/"), _cell(amt, 1), status])
    rows.append(["Total", _cell(f["sv_total"], 1), ""])
    f["sv_first_instalment"] = first
    status_text = {
        "on track": "The DfE has confirmed that the Council remains on track and the next "
        "instalment is expected to be paid in full.",
        "under review": "Following the most recent monitoring return the DfE has placed the "
        "agreement under review, and the Council is preparing a revised plan.",
        "instalment withheld": f"The DfE has withheld the {_fy(fy)} instalment of {_m(inst)} "
        f"pending a revised plan, as the in-year deficit is above the "
        f"agreed trajectory.",
    }[f["sv_status"]]
    sections = [
        (
            "Background",
            [
                (
                    "The safety valve programme is the DfE's very high deficit intervention. Since "
                    "2020-21, 38 local authorities have entered safety valve agreements: 5 in 2020-21, "
                    "9 in 2021-22, 20 in 2022-23 and 4 in 2023-24."
                ),
                (
                    f"At 31 March {fy - 1} the Council's cumulative DSG deficit was "
                    f"{_m(f['cumulative_deficit'] * 1.08)}, one of the highest as a proportion of DSG in "
                    f"the region."
                ),
            ],
        ),
        (
            "The agreement",
            [
                (
                    f"Under the safety valve agreement the DfE will provide {_m(f['sv_total'])} by "
                    f"{_fy(f['sv_end_year'])} towards the historic DSG deficit."
                ),
                (
                    f"The first instalment of {_m(first)} was received in March {fy}; subsequent "
                    f"instalments of {_m(inst)} are paid each year subject to the Council meeting its "
                    f"conditions."
                ),
                (
                    f"The Council will contribute {_m(f['sv_la_contribution'])} from the General Fund and "
                    f"must reach an in-year balance on the DSG by {_fy(f['sv_end_year'] - 1, sl)}."
                ),
                (
                    "table",
                    "Table 1: Safety valve instalments (£m)",
                    ["Year", "£m", "Status"],
                    rows,
                    (len(rows) - 1,),
                ),
                "The conditions of the agreement include:",
                (
                    "bullets",
                    [
                        (
                            f"reducing independent special school placements from "
                            f"{f['independent_placements']} to {int(f['independent_placements'] * 0.78)} by "
                            f"{_fy(f['sv_end_year'] - 1)};"
                        ),
                        (f"creating {rng.randint(150, 400)} additional specialist places in the maintained sector;"),
                        "ceasing EHCPs where outcomes have been met, following annual review;",
                        "a Schools Block transfer of 0.5% in each year of the agreement;",
                        "quarterly monitoring returns to the DfE.",
                    ],
                ),
            ],
        ),
        (
            "Progress",
            [
                status_text,
                (
                    f"The High Needs Block is forecasting an overspend of {_m(f['in_year_overspend'])} in "
                    f"{_fy(fy)}, against a planned in-year deficit of "
                    f"{_m(f['in_year_overspend'] * rng.uniform(0.55, 0.85))} in the agreement."
                ),
            ],
        ),
    ]
    return {
        "director": _CS,
        "purpose": [
            (
                f"To update Cabinet on the safety valve agreement with the Department for "
                f"Education (DfE) on the Dedicated Schools Grant deficit and progress against "
                f"its conditions in {_fy(fy, sl)}."
            )
        ],
        "recs": [
            "That Cabinet notes progress against the safety valve agreement.",
            (
                f"That Cabinet approves the revised DSG management plan, including the General Fund "
                f"contribution of {_m(f['sv_la_contribution'])}."
            ),
            (
                "That authority is delegated to the Director of Children's Services, in "
                "consultation with the Cabinet Member, to agree any variation with the DfE."
            ),
        ],
        "sections": sections,
        "finance": [
            (
                f"If instalments were withheld, the Council would carry up to "
                f"{_m(f['sv_total'] - received)} more of the deficit, and its "
                f"{_m(f['interest_cost'])} a year cost of carrying the deficit would rise."
            )
        ],
        "legal": [
            (
                "The agreement is made under section 14 of the Education Act 2002 and is not a "
                "contract; the DfE may withhold instalments if conditions are not met."
            )
        ],
        "appendices": ["Appendix A – DSG management plan", "Appendix B – DfE conditions of grant"],
        "key_decision": True,
    }


def _t_send_sufficiency(f, rng, ctx):
    fy = f["fy_start"]
    sl = rng.choice(["/", "-"])
    places = f["special_places"]
    need = int(places * rng.uniform(1.12, 1.25))
    rows = []
    for name, share in [
        ("Maintained special schools", 0.48),
        ("Special academies", 0.3),
        ("Resource bases in mainstream schools", 0.14),
        ("Alternative provision", 0.08),
    ]:
        now = int(places * share)
        rows.append(
            [
                name,
                f"{now:,}",
                f"{int(now * rng.uniform(1.03, 1.12)):,}",
                f"{int(now * rng.uniform(1.1, 1.25)):,}",
            ]
        )
    cap = round(ctx["scale"] * rng.uniform(2.5, 9), 2)
    sections = [
        (
            "Current provision",
            [
                (
                    f"There are currently {places:,} commissioned special school places in the county. "
                    f"Demand is forecast to require {need:,} places by September {fy + 3}."
                ),
                (
                    f"The Council currently funds {f['independent_placements']} placements in "
                    f"independent and non-maintained special schools at an annual cost of "
                    f"{_m(f['independent_spend'])}, an average of {_pounds(f['independent_avg_cost'])} per "
                    f"placement. These costs fall on the High Needs Block of the DSG."
                ),
                (
                    "table",
                    "Table 1: Specialist places (number)",
                    ["Provision", f"Sept {fy}", f"Sept {fy + 1}", f"Sept {fy + 2}"],
                    rows,
                    (),
                ),
            ],
        ),
        (
            "Capital programme",
            [
                (
                    f"The DfE has confirmed a High Needs Provision Capital Allocation of {_money_any(rng, cap)} "
                    f"for {_fy(fy + 1, sl)}. Proposed schemes total £{cap * 1.1:.1f}-£{cap * 1.35:.1f}m, "
                    f"with the balance from the Council's capital programme."
                ),
                (
                    "Each new specialist place in the maintained sector is estimated to cost around "
                    "£35,000 a year less than an independent placement."
                ),
                (
                    f"Nationally, the DfE has allocated £740 million of high needs capital for "
                    f"{_fy(fy + 1)}, to be shared between all local authorities."
                ),
            ],
        ),
        (
            "SEN transport",
            [
                (
                    f"Home to school transport for children with SEND is forecast at "
                    f"{_m(f['sen_transport'])} in {_fy(fy)}, an overspend of "
                    f"{_m(f['sen_transport'] * rng.uniform(0.08, 0.2))} on the General Fund budget."
                ),
            ],
        ),
    ]
    return {
        "director": _CS,
        "purpose": [("To present the SEND Sufficiency Strategy and the specialist places capital programme.")],
        "recs": [
            "That the SEND Sufficiency Strategy is approved.",
            (
                "That the capital schemes funded from the High Needs Provision Capital Allocation "
                "are added to the capital programme."
            ),
        ],
        "sections": sections,
        "finance": [
            (
                f"The strategy is expected to reduce High Needs Block spend by "
                f"{_m(f['independent_spend'] * rng.uniform(0.08, 0.15))} a year by {_fy(fy + 3)}."
            )
        ],
        "legal": [
            (
                "Section 14 of the Education Act 1996 requires the Council to secure sufficient "
                "schools; the Children and Families Act 2014 requires it to keep its special "
                "educational provision under review."
            )
        ],
        "appendices": ["Appendix A – SEND Sufficiency Strategy"],
        "key_decision": True,
    }


def _t_ehcp_performance(f, rng, ctx):
    cal = f["census_year"]
    eh = f["ehcps"]
    rows = []
    e, q = eh, f["requests"]
    hist = []
    for y in range(cal, cal - 4, -1):
        hist.append((y, e, q, round(max(8.0, min(99.0, f["timeliness_pct"] + rng.uniform(-12, 12))), 1)))
        e = int(e / (1 + rng.uniform(0.06, 0.14)))
        q = int(q / (1 + rng.uniform(0.04, 0.15)))
    hist[0] = (cal, eh, f["requests"], f["timeliness_pct"])
    for y, e, q, t in reversed(hist):
        rows.append([f"January {y}", f"{e:,}", f"{q:,}", f"{t}%"])
    sections = [
        (
            "Current position",
            [
                (
                    f"There were {eh:,} EHCPs at January {cal}, an increase of {f['ehcp_growth_pct']}% on "
                    f"January {cal - 1}."
                ),
                (
                    f"In the {cal - 1} calendar year the Council received {f['requests']:,} requests for an "
                    f"EHC needs assessment."
                ),
                (
                    f"{f['timeliness_pct']}% of new EHC plans were issued within 20 weeks, compared with a "
                    f"national average of 46.4%."
                ),
                (
                    "table",
                    "Table 1: EHC plans and timeliness",
                    [
                        "Date",
                        "EHCPs maintained",
                        "Requests for assessment (prior year)",
                        "% issued within 20 weeks",
                    ],
                    rows,
                    (),
                ),
            ],
        ),
        (
            "Financial context",
            [
                (
                    f"Growth in EHCPs is the main driver of pressure on the High Needs Block, which is "
                    f"forecasting an overspend of {_m(f['in_year_overspend'])} this year. The cumulative "
                    f"DSG deficit was {_m(f['cumulative_deficit'])} at 31 March {f['fy_start']}."
                ),
                (
                    f"Nationally, high needs funding rises to £{f['national_hn_bn']:.1f} billion in "
                    f"{_fy(f['budget_year'])}, but growth in plans has outpaced funding in most areas."
                ),
            ],
        ),
        (
            "Improvement actions",
            [
                (
                    "bullets",
                    [
                        f"recruitment of {rng.randint(3, 9)} additional educational psychologists;",
                        "a quality assurance framework for EHC plans with health and social care;",
                        "weekly tracking of all assessments approaching the 20-week limit.",
                    ],
                ),
            ],
        ),
    ]
    return {
        "director": _CS,
        "purpose": [
            (
                "To update the Committee on the number of Education, Health and Care Plans "
                "(EHCPs), requests for assessment and timeliness against the 20-week limit."
            )
        ],
        "recs": ["That the Committee notes EHCP performance and the improvement actions."],
        "sections": sections,
        "finance": [
            (
                f"Each additional EHCP in mainstream carries an average top-up of about "
                f"£{rng.randint(6, 11)},{rng.randint(100, 999)} from the High Needs Block."
            )
        ],
        "legal": [
            (
                "The Special Educational Needs and Disability Regulations 2014 require EHC plans to "
                "be issued within 20 weeks of the request, subject to limited exceptions."
            )
        ],
        "appendices": ["Appendix A – SEND performance dashboard"],
        "key_decision": False,
    }


def _t_dbv(f, rng, ctx):
    fy = f["fy_start"]
    g = f["dbv_grant"]
    ws = [
        ("Early identification and SEN support", 0.3),
        ("Inclusive mainstream practice", 0.28),
        ("Preparation for adulthood", 0.17),
        ("Panel and decision-making", 0.1),
        ("Programme management and data", 0.15),
    ]
    raw = [share * rng.uniform(0.7, 1.3) for _, share in ws]
    rows = []
    for (name, share), rv in zip(ws, raw):
        rows.append([name, _cell(g * share * 1000), _cell(f["dbv_cost_avoidance"] * 1000 * rv / sum(raw))])
    rows.append(["Total", _cell(g * 1000), _cell(f["dbv_cost_avoidance"] * 1000)])
    sections = [
        (
            "Background",
            [
                (
                    "The Delivering Better Value (DBV) in SEND programme is run by the DfE with around 55 "
                    "local authorities whose DSG deficits are smaller than those in the safety valve "
                    "programme."
                ),
                (
                    f"The Council has been awarded a Delivering Better Value grant of up to £1 million "
                    f"({_m(g, 3)} confirmed) to implement the programme in {_fy(fy)} and {_fy(fy + 1)}."
                ),
                (
                    f"Without mitigation, the cumulative DSG deficit is projected to reach "
                    f"£{f['unmitigated_low']:.0f}-£{f['unmitigated_high']:.0f}m by {_fy(fy + 4)}; the "
                    f"deficit at 31 March {fy} was {_m(f['cumulative_deficit'])}."
                ),
            ],
        ),
        (
            "Workstreams",
            [
                (
                    "table",
                    "Table 1: DBV workstreams – grant and planned cost avoidance (£000)",
                    ["Workstream", "Grant £000", "Cost avoidance to " + _fy(fy + 4, "/") + " £000"],
                    rows,
                    (len(rows) - 1,),
                ),
                (
                    f"Planned cost avoidance is {_m(f['dbv_cost_avoidance'])} over five years against the "
                    f"unmitigated High Needs Block forecast."
                ),
                (
                    f"Nationally, high needs funding rises to £{f['national_hn_bn']:.1f} billion in "
                    f"{_fy(f['budget_year'])}; the DBV programme itself is worth about £85 million "
                    f"across all participating authorities."
                ),
            ],
        ),
    ]
    return {
        "director": _CS,
        "purpose": ["To seek approval to spend the Delivering Better Value in SEND grant."],
        "recs": [
            "That the DBV implementation plan is approved.",
            f"That the grant of {_m(g, 3)} is accepted and added to the revenue budget.",
        ],
        "sections": sections,
        "finance": [
            (
                "The grant is a one-off Section 31 grant. Cost avoidance is not a saving to the "
                "General Fund; it slows growth in the DSG deficit."
            )
        ],
        "legal": ["The grant is subject to DfE conditions of grant and quarterly reporting."],
        "appendices": ["Appendix A – DBV implementation plan"],
        "key_decision": True,
    }


# ---- non-SEND distractors (must never mention SEND, high needs, DSG or EHCPs)


def _t_highways(f, rng, ctx):
    fy = f["fy_start"] + 1 if ctx["date"].month <= 3 else f["fy_start"]
    s = ctx["scale"]
    total = round(s * rng.uniform(12, 30), 1)
    dft = round(total * rng.uniform(0.35, 0.5), 1)
    schemes = [
        ("Carriageway resurfacing", 0.38),
        ("Surface dressing", 0.14),
        ("Footways", 0.1),
        ("Bridges and structures", 0.12),
        ("Drainage", 0.08),
        ("Street lighting LED", 0.08),
        ("Traffic signals", 0.05),
        ("Pothole Action Fund", 0.05),
    ]
    rows = [[n, _cell(total * sh * 1000)] for n, sh in schemes]
    rows.append(["Total", _cell(total * 1000)])
    f.update(highways_programme=total, dft_block=dft)
    return {
        "director": "Director of Place",
        "purpose": [f"To approve the Highways Maintenance Capital Programme for {_fy(fy, '/')}."],
        "recs": [
            f"That the programme of {_m(total)} is approved.",
            ("That delegated authority is given to the Director of Place to vary schemes within the overall budget."),
        ],
        "sections": [
            (
                "Background",
                [
                    (
                        f"The Council maintains {rng.randint(2500, 5200):,} miles of road. The Department for "
                        f"Transport (DfT) Highways Maintenance Block allocation for {_fy(fy)} is "
                        f"{_m(dft)}, including an incentive element of {_k(dft * 1e6 * 0.25)}."
                    ),
                    (
                        f"In {_fy(fy - 1, 'to')} the Council repaired {rng.randint(14000, 42000):,} potholes. "
                        f"The backlog of carriageway maintenance is estimated at between "
                        f"£{int(total * 4)}m and £{int(total * 6)}m."
                    ),
                    (
                        "table",
                        f"Table 1: Highways capital programme {_fy(fy, '/')} (£000)",
                        ["Scheme type", "£000"],
                        rows,
                        (len(rows) - 1,),
                    ),
                ],
            )
        ],
        "finance": [
            (f"The programme is funded by DfT grant of {_m(dft)} and prudential borrowing of {_m(total - dft)}.")
        ],
        "legal": [
            (
                "The Council is the highway authority under the Highways Act 1980 and has a duty "
                "under section 41 to maintain the highway."
            )
        ],
        "appendices": ["Appendix A – Scheme list"],
        "key_decision": True,
    }


def _t_housing(f, rng, ctx):
    fy = f["fy_start"] + 1 if ctx["date"].month <= 3 else f["fy_start"]
    s = ctx["scale"]
    homes = int(s * rng.uniform(4000, 14000))
    rent = round(rng.uniform(88, 112), 2)
    hra = round(homes * rent * 52 / 1e6, 1)
    rows = [
        ["Dwelling rents", _cell(-hra * 1000)],
        ["Service charges", _cell(-hra * 40)],
        ["Repairs and maintenance", _cell(hra * 310)],
        ["Supervision and management", _cell(hra * 240)],
        ["Depreciation", _cell(hra * 220)],
        ["Interest on HRA debt", _cell(hra * 150)],
        ["Revenue contribution to capital", _cell(hra * 120)],
    ]
    net = sum(float(r[1].strip("()").replace(",", "")) * (-1 if r[1].startswith("(") else 1) for r in rows)
    rows.append(["(Surplus)/deficit for the year", _cell(net)])
    f.update(hra_rent_income=hra, average_rent=rent)
    return {
        "director": "Director of Housing and Communities",
        "purpose": [f"To set Housing Revenue Account (HRA) rents and the HRA budget for {_fy(fy, '/')}."],
        "recs": [
            f"That rents are increased by 2.7% (CPI + 1%) from {_d(datetime.date(fy, 4, 7))}.",
            "That the HRA budget in Table 1 is approved.",
        ],
        "sections": [
            (
                "Background",
                [
                    (f"The Council owns {homes:,} homes. The average weekly rent will be £{rent:.2f} over 52 weeks."),
                    (
                        f"Rent income is forecast at {_m(hra)} in {_fy(fy)}. The 30-year business plan "
                        f"includes {_m(hra * 0.9)} of investment to meet the Decent Homes Standard."
                    ),
                    (
                        "table",
                        f"Table 1: HRA budget {_fy(fy, '/')} (£000)",
                        ["", "£000"],
                        rows,
                        (len(rows) - 1,),
                    ),
                ],
            )
        ],
        "finance": [f"HRA balances are forecast at {_pounds(hra * 1e6 * 0.06)} at 31 March {fy + 1}."],
        "legal": [
            (
                "The Local Government and Housing Act 1989 requires the HRA to be kept in "
                "balance. The rent standard is set by the Regulator of Social Housing."
            )
        ],
        "appendices": ["Appendix A – HRA business plan"],
        "key_decision": True,
    }


def _t_general_budget(f, rng, ctx):
    fy = f["fy_start"] + 1 if ctx["date"].month <= 3 else f["fy_start"]
    s = ctx["scale"]
    net = round(s * rng.uniform(280, 520), 1)
    band_d = round(rng.uniform(1750, 2150), 2)
    gap = round(net * rng.uniform(0.03, 0.08), 1)
    pfi = round(s * rng.uniform(6, 18), 1)
    rows = [
        ["Adult social care", _cell(net * 390)],
        ["Children's social care", _cell(net * 240)],
        ["Environment and waste", _cell(net * 110)],
        ["Highways and transport", _cell(net * 80)],
        ["Corporate and central", _cell(net * 120)],
        ["Capital financing", _cell(net * 60)],
        ["Net budget requirement", _cell(net * 1000)],
    ]
    f.update(net_budget=net, band_d=band_d, budget_gap=gap, pfi_charge=pfi)
    return {
        "director": "Director of Finance (Section 151 Officer)",
        "purpose": [
            (
                f"To recommend the revenue budget and council tax for {_fy(fy, '/')} and the "
                f"Medium Term Financial Strategy."
            )
        ],
        "recs": [
            f"That a net revenue budget of {_mil(net)} is recommended to Council.",
            (
                f"That Band D council tax of £{band_d:,.2f} is set, an increase of 4.99% including "
                f"2% for the adult social care precept."
            ),
        ],
        "sections": [
            (
                "Background",
                [
                    (
                        f"The net revenue budget for {_fy(fy)} is {_mil(net)}. A gap of {_m(gap)} is closed by "
                        f"savings of {_m(gap * 0.7)} and use of reserves of {_m(gap * 0.3)}."
                    ),
                    (
                        f"The PFI unitary charge for the street lighting and waste contracts is "
                        f"{_m(pfi)}, funded partly by PFI credits of {_pounds(pfi * 1e6 * 0.4)}."
                    ),
                    f"General reserves are forecast at c£{net * 0.05:.1f}m at 31st March {fy}.",
                    (
                        "table",
                        f"Table 1: Net revenue budget {_fy(fy, '/')} (£000)",
                        ["Service", "£000"],
                        rows,
                        (len(rows) - 1,),
                    ),
                ],
            )
        ],
        "finance": [
            (
                f"The Section 151 Officer's statement on the robustness of estimates is at "
                f"Appendix C. Reserves of just under £{net * 0.08:.1f} million are held for risks."
            )
        ],
        "legal": [
            (
                "The Local Government Finance Act 1992 requires the Council to set a balanced "
                "budget and council tax before 11 March."
            )
        ],
        "appendices": ["Appendix A – Budget by service", "Appendix C – Section 25 statement"],
        "key_decision": True,
    }


def _t_audit(f, rng, ctx):
    fy = f["fy_start"] - 1
    s = ctx["scale"]
    mat = round(s * rng.uniform(5, 14), 1)
    fee = int(s * rng.uniform(180000, 420000))
    rows = []
    for area in [
        "Payroll",
        "Accounts payable",
        "Treasury management",
        "Council tax collection",
        "IT access controls",
        "Fleet management",
        "Procurement cards",
    ]:
        rows.append(
            [
                area,
                rng.choice(["Substantial", "Reasonable", "Reasonable", "Limited"]),
                str(rng.randint(0, 6)),
            ]
        )
    f.update(materiality=mat, audit_fee=fee)
    return {
        "director": "Head of Internal Audit",
        "purpose": [
            (f"To report the internal audit work completed in {_fy(fy, '/')} and the external auditor's findings.")
        ],
        "recs": ["That the Committee notes the internal audit progress report."],
        "sections": [
            (
                "Summary",
                [
                    (
                        f"The external auditor has set materiality at {_m(mat)} for the {_fy(fy)} accounts. "
                        f"The audit fee is {_pounds(fee)}."
                    ),
                    (
                        "table",
                        "Table 1: Audit opinions",
                        ["Audit", "Assurance", "Actions"],
                        rows,
                        (),
                    ),
                    (f"Irrecoverable debts of {_k(rng.randint(80, 400) * 1000)} were written off in the year."),
                ],
            )
        ],
        "finance": ["There are no direct financial implications."],
        "legal": [
            ("The Accounts and Audit Regulations 2015 require the Council to maintain an effective internal audit.")
        ],
        "appendices": ["Appendix A – Audit plan progress"],
        "key_decision": False,
    }


_BUILDERS = {
    "dsg_budget": _t_dsg_budget,
    "high_needs_monitoring": _t_high_needs_monitoring,
    "safety_valve": _t_safety_valve,
    "send_sufficiency": _t_send_sufficiency,
    "ehcp_performance": _t_ehcp_performance,
    "dbv": _t_dbv,
    "highways": _t_highways,
    "housing": _t_housing,
    "general_budget": _t_general_budget,
    "audit": _t_audit,
}

# ---- generic prose (safe for every topic: never mentions SEND, high needs, DSG, EHCPs)

_GENERIC = {
    "Consultation": [
        ("The proposals have been discussed with the relevant Cabinet Member and with the Corporate Leadership Team."),
        "Ward members have been informed where schemes affect their divisions.",
        "No formal public consultation is required for the recommendations in this report.",
        "Trade union representatives have been briefed through the Joint Consultative Committee.",
    ],
    "Risk management": [
        (
            "The risks associated with the recommendations are recorded on the directorate risk "
            "register and reviewed monthly."
        ),
        (
            "The principal risk is that demand continues to rise faster than planned, in which case "
            "further measures will be brought back to members."
        ),
        "Inflation in contract prices remains a significant uncertainty for the medium term.",
    ],
    "Climate and environmental implications": [
        "There are no significant climate implications arising directly from this report.",
        (
            "Officers will seek to reduce travel and carbon emissions wherever practicable, in line "
            "with the Council's climate emergency declaration."
        ),
    ],
    "Data protection": [
        (
            "No personal data is processed as a result of the recommendations. Any data used in "
            "monitoring is held in accordance with the UK GDPR and the Data Protection Act 2018."
        ),
    ],
    "Corporate plan": [
        (
            "The recommendations support the Council's corporate plan priorities of thriving "
            "communities and a well-run council."
        ),
        (
            "The proposals contribute to the Council's commitment to value for money and to "
            "financial sustainability over the medium term."
        ),
    ],
}

_SEND_CONTEXT = [
    (
        "The local area SEND inspection by Ofsted and the Care Quality Commission found that leaders "
        "understood the strengths and weaknesses of the local area, but that too many families waited "
        "too long for assessments and that the quality of plans was inconsistent."
    ),
    (
        "The SEND and Alternative Provision Improvement Plan, published by the Government in March "
        "2023, sets out national standards and a move towards more inclusive mainstream provision. "
        "Further national reform of the SEND system is expected."
    ),
    (
        "Parental confidence remains low. The number of appeals to the First-tier Tribunal (Special "
        "Educational Needs and Disability) has risen, and the Council concedes or loses most appeals "
        "that reach a hearing."
    ),
    (
        "The Local Offer website has been redesigned with parents and carers, and the Parent Carer "
        "Forum has co-produced the new guidance on SEN support in mainstream schools."
    ),
    (
        "The proportion of children with an EHC plan educated in mainstream schools has fallen over "
        "five years, while the proportion placed in specialist settings has risen, in line with the "
        "national trend."
    ),
    (
        "Demand for specialist places has been driven particularly by autism and by social, emotional "
        "and mental health needs, and by growth in the number of young people aged 19 to 25 with "
        "plans."
    ),
    (
        "Schools report that the thresholds for top-up funding are unclear, and headteachers have "
        "asked for a simpler banding system that recognises the cost of meeting needs without a plan."
    ),
    (
        "Health partners, through the integrated care board, contribute to joint commissioning of "
        "therapies, although waiting times for neurodevelopmental assessment remain long."
    ),
    (
        "The DSG management plan is updated each term and shared with the DfE, the Schools Forum "
        "and the Council's external auditor."
    ),
    (
        "The Council's external auditor has reported the DSG deficit as a significant risk to the "
        "Council's financial sustainability once the statutory override ends."
    ),
    (
        "Work with schools on inclusion includes outreach from special schools, an inclusion "
        "charter, and training for special educational needs co-ordinators (SENCOs)."
    ),
    (
        "Home to school transport for children with special educational needs is funded from the "
        "General Fund, not the DSG, but is driven by the same growth in plans and in placements "
        "further from home."
    ),
]
_SEND_OPTIONS = [
    (
        "Option 1 – do nothing. This is not recommended: the deficit would continue to grow and the "
        "Council would not meet its statutory duties within the resources available."
    ),
    (
        "Option 2 – reduce top-up rates across the board. This is not recommended because it would "
        "place unmanageable pressure on school budgets and could increase requests for specialist "
        "places."
    ),
    (
        "Option 3 – the recommended option, which combines investment in local specialist places, "
        "earlier support in mainstream schools and tighter commissioning of independent placements."
    ),
]
_GENERAL_OPTIONS = [
    (
        "Option 1 – do nothing. This is not recommended because it would leave the Council exposed "
        "to rising costs and would not meet its statutory duties."
    ),
    (
        "Option 2 – defer the decision to a later meeting. This would delay delivery and increase "
        "the risk of cost inflation."
    ),
    "Option 3 – approve the recommendations in this report, which is the preferred option.",
]

_FILLER = [
    (
        "The Council continues to operate in a challenging financial environment, with inflation in "
        "contract prices, pay awards and energy costs all exceeding the assumptions made when the "
        "medium term financial strategy was approved."
    ),
    (
        "Officers have reviewed the governance arrangements for the programme, and a programme board "
        "chaired by the relevant director meets monthly to review progress, risks and issues."
    ),
    (
        "Performance indicators are reported to the relevant overview and scrutiny committee each "
        "quarter, and exceptions are escalated to the Corporate Leadership Team."
    ),
    (
        "The Council's procurement rules require competitive quotations for contracts above the "
        "relevant thresholds, and all contracts are published on the contracts register."
    ),
    (
        "A communications plan has been prepared so that residents, partners and staff are kept "
        "informed of changes and of the reasons for them."
    ),
    (
        "The workforce strategy sets out the Council's approach to recruitment and retention in "
        "hard-to-fill roles, including the use of market supplements where justified."
    ),
    (
        "Members will recall that the previous report to this committee set out a range of options; "
        "the preferred option balances cost, risk and the speed of delivery."
    ),
    (
        "The Council's partners, including the integrated care board, the police and the voluntary "
        "sector, have been engaged through the existing partnership arrangements."
    ),
    (
        "Benchmarking with statistical neighbours shows the Council's unit costs to be close to the "
        "median, although there is considerable variation between service areas."
    ),
    (
        "Internal audit has reviewed the controls in this area and its recommendations have been "
        "accepted by management, with target dates for implementation agreed."
    ),
    (
        "The digital strategy will replace a number of legacy systems over the next three years, "
        "improving the quality of management information available to officers and members."
    ),
    (
        "Equality impact assessments are reviewed whenever proposals change materially, and the "
        "findings are taken into account before any final decision is made."
    ),
    (
        "Feedback from residents' surveys indicates that satisfaction with the service has remained "
        "broadly stable, although response rates have fallen since the previous survey."
    ),
    (
        "Where savings depend on changes in demand, officers will monitor delivery closely and report "
        "any slippage through the regular budget monitoring process."
    ),
]
_FILLER_HEADINGS = [
    "Supporting information",
    "Governance and assurance",
    "Options considered",
    "Performance and benchmarking",
    "Implementation and next steps",
    "Partnership working",
    "Workforce implications",
    "Communications",
]


def _filler_page(rng: random.Random, n: int) -> KeepInFrame:
    flow = [_p(f"Annex {n}: {rng.choice(_FILLER_HEADINGS)}", _H1)]
    order = list(range(len(_FILLER)))
    for i in range(12):
        if i % len(order) == 0:
            rng.shuffle(order)
        flow.append(
            _p(
                f"{n}.{i + 1}  " + _FILLER[order[i % len(order)]] + " " + _FILLER[order[(i + 5) % len(order)]],
                _BASE,
            )
        )
    return KeepInFrame(_FRAME_W, _PAGE_H - 2 * _MARGIN - 14, flow, mode="truncate")


# ----------------------------------------------------------------------------------------------
# report assembly


def _meta_table(rows: list[tuple[str, str]]) -> Table:
    data = [[Paragraph(escape(k), _CELL_B), Paragraph(escape(v), _CELL)] for k, v in rows]
    t = Table(data, colWidths=[4.2 * cm, _FRAME_W - 4.2 * cm])
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef1f5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


def _one_line(text: str, font: str, size: float) -> Paragraph:
    while size > 5 and stringWidth(text, font, size) > _FRAME_W - 14:
        size -= 0.25
    return Paragraph(
        escape(text),
        ParagraphStyle(
            "oneline",
            parent=_BASE,
            fontName=font,
            fontSize=size,
            leading=size * 1.25,
            alignment=TA_CENTER,
        ),
    )


def _banner(paragraph: int, welsh: bool) -> Table:
    eng = paragraph - 11 if welsh else paragraph
    flow = [
        Paragraph("NOT FOR PUBLICATION", _BANNER),
        _one_line(exempt_sentence(paragraph, welsh), "Helvetica-Bold", 9),
        Paragraph(escape(f"Exempt information: {_SCHED12A[eng]}"), _SMALL),
    ]
    if welsh:
        flow.insert(1, Paragraph("NID I'W GYHOEDDI", _CENTRE))
    t = Table([[flow]], colWidths=[_FRAME_W])
    t.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, colors.HexColor("#9b0000")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fdeeee")),
            ]
        )
    )
    return t


def _story_items(items, sec_no: int, rng: random.Random) -> list:
    out, n = [], 0
    for it in items:
        if isinstance(it, str):
            n += 1
            out.append(Paragraph(f"{sec_no}.{n}&nbsp;&nbsp;&nbsp;" + escape(it), _BODY))
        elif it[0] == "bullets":
            for b in it[1]:
                out.append(Paragraph("&bull;&nbsp;&nbsp;" + escape(b), _BULLET))
        elif it[0] == "note":
            out.append(_p(it[1], _BASE))
        elif it[0] == "table":
            _, caption, header, rows, totals = it
            out.append(_p(caption, _CAPTION))
            out.append(_table(header, rows, total_rows=totals))
            out.append(Spacer(1, 6))
    return out


def _report_story(
    *,
    title,
    council,
    committee,
    meeting_date,
    topic,
    seed,
    exempt_paragraph,
    welsh,
    extra_background: int,
) -> tuple[list, dict]:
    spec, facts, rng = _spec(council, topic, seed, meeting_date)
    author = _person(rng)
    slug = _slug(council)
    email = f"{author.lower().replace(' ', '.')}@{slug}.gov.uk"

    story: list = []
    if exempt_paragraph is not None:
        story += [_banner(exempt_paragraph, welsh), Spacer(1, 8)]
    story.append(_p(council, _COUNCIL))
    if welsh:
        story.append(_p("Adroddiad i'r Pwyllgor / Report to Committee", _SMALL))
    story.append(_p(title, _TITLE))
    story.append(_p(f"Report of the {spec['director']}", _H1))
    meta = [
        ("Report to", committee),
        ("Date of meeting", _d(meeting_date)),
        ("Report of", spec["director"]),
        ("Cabinet Member", f"Councillor {_person(rng)}"),
        ("Wards / divisions affected", "All"),
        ("Key decision", "Yes" if spec["key_decision"] else "No"),
        ("Classification", "Exempt – Part 2" if exempt_paragraph is not None else "Public"),
        ("Contact officer", f"{author}, {email}"),
    ]
    story += [_meta_table(meta), Spacer(1, 10)]

    sections = [
        ("Purpose of report", list(spec["purpose"])),
        (
            "Recommendations",
            list(spec["recs"])
            + [
                (
                    "Reason for recommendations: to ensure that members are informed and that "
                    "decisions are taken in accordance with the Council's constitution."
                )
            ],
        ),
    ]
    send = topic in SEND_TOPICS
    pool = _SEND_CONTEXT if send else _FILLER
    n_ctx = rng.randint(3, min(len(pool), 4 + 2 * extra_background))
    ctx_pars = rng.sample(pool, n_ctx)
    sections.insert(2, ("Context", ctx_pars[: max(2, n_ctx // 2)]))
    sections += spec["sections"]
    sections.append(("Options considered", list(_SEND_OPTIONS if send else _GENERAL_OPTIONS)))
    if n_ctx // 2 < n_ctx:
        sections.append(
            (
                "Implementation and next steps",
                ctx_pars[max(2, n_ctx // 2) :] + rng.sample(_FILLER, rng.randint(1, 4)),
            )
        )
    keys = list(_GENERIC)
    rng.shuffle(keys)
    for k in keys[:extra_background]:
        sections.append((k, list(_GENERIC[k])))
    sections.append(
        (
            "Financial implications",
            list(spec["finance"])
            + ["The Section 151 Officer has been consulted on this report and the figures within it."],
        )
    )
    legal = list(spec["legal"])
    if exempt_paragraph is not None:
        legal.append(
            "The report is exempt under Schedule 12A because it contains information "
            "about the financial or business affairs of the Council and third parties. "
            "In all the circumstances the public interest in maintaining the exemption "
            "outweighs the public interest in disclosing the information."
        )
    sections.append(("Legal implications", legal))
    sections.append(
        (
            "Equalities implications",
            [
                (
                    "The Public Sector Equality Duty under section 149 of the Equality Act 2010 requires the "
                    "Council to have due regard to the need to eliminate discrimination and to advance "
                    "equality of opportunity. An equality impact assessment has been completed."
                )
            ],
        )
    )
    sections.append(("Appendices", [("bullets", spec["appendices"])]))
    sections.append(("Background papers", [("note", ("None, other than those referred to in this report."))]))
    for i, (h, items) in enumerate(sections, 1):
        story.append(_p(f"{i}.  {h}", _H1))
        story += _story_items(items, i, rng)
    # most real reports carry their appendices inline: add 0-3 annexes of tables and analysis
    for a in range(rng.choice([0, 1, 1, 2, 2, 3])):
        story += [
            PageBreak(),
            _p(
                f"Appendix {'ABC'[a]} – {rng.choice(_FILLER_HEADINGS) if a else 'Supporting tables'}",
                _H1,
            ),
        ]
        if a == 0:
            story += _appendix_tables(facts, _rng("annex", council, topic, seed), topic, council, seed)
        pool = _SEND_CONTEXT + _FILLER if send else _FILLER
        for j, par in enumerate(rng.sample(pool, rng.randint(4, 10)), 1):
            story.append(_p(f"{'ABC'[a]}{j}.  {par}", _BASE))
    return story, {"author": author, "director": spec["director"]}


def report_pdf(
    *,
    title: str,
    council: str,
    committee: str,
    meeting_date: datetime.date,
    topic: str,
    seed: int,
    exempt_paragraph: int | None = None,
    welsh: bool = False,
    pages: int | None = None,
) -> bytes:
    """A committee report. ``pages`` forces an exact page count (filler annexes, or truncation)."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; choose from {TOPICS}")
    if exempt_paragraph is not None:
        _check_paragraph(exempt_paragraph, welsh)
    if pages is not None and pages < 1:
        raise ValueError("pages must be >= 1")
    extra = _rng("extra", council, topic, seed).randint(2, len(_GENERIC))

    def fresh_story():  # platypus flowables cannot be laid out twice: rebuild them
        return _report_story(
            title=title,
            council=council,
            committee=committee,
            meeting_date=meeting_date,
            topic=topic,
            seed=seed,
            exempt_paragraph=exempt_paragraph,
            welsh=welsh,
            extra_background=extra,
        )

    story, info = fresh_story()
    builder = _Doc(
        title=title,
        author=info["author"],
        header=f"{council} – {committee} – {_d(meeting_date)}",
        footer=("NOT FOR PUBLICATION" if exempt_paragraph is not None else ""),
        subject=topic,
    )
    data = builder.build(story)
    if pages is None or pages == builder.pages:
        return data
    if pages > builder.pages:
        frng = _rng("filler", council, topic, seed)
        extra_story = []
        for n in range(pages - builder.pages):
            extra_story += [PageBreak(), _filler_page(frng, n + 1)]
        data = builder.build(fresh_story()[0] + extra_story)
        if builder.pages == pages:
            return data
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        while len(doc) > pages:
            doc.del_page(len(doc) - 1)
        return _pdfium_save(doc)
    finally:
        doc.close()


def appendix_pdf(*, title: str, council: str, topic: str, seed: int) -> bytes:
    """An appendix: mostly one or two tables, little prose."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; choose from {TOPICS}")
    rng = _rng("appendix", council, topic, seed)
    # appendices have no meeting date: anchor them to a fixed year chosen by seed
    day = datetime.date(2024 + seed % 2, 11, 14)
    f = _base_facts(council=council, topic=topic, seed=seed, meeting_date=day)
    story = [_p(council, _COUNCIL), _p(title, _TITLE)] + _appendix_tables(f, rng, topic, council, seed)
    story.append(Spacer(1, 8))
    story.append(_p("Source: Council finance system. Figures may not sum due to rounding.", _SMALL))
    return _Doc(title=title, author="Finance", header=council, footer="", subject=topic).build(story)


def _appendix_tables(f: dict, rng: random.Random, topic: str, council: str, seed: int) -> list:
    fy = f["fy_start"]
    story: list = []
    if topic in ("dsg_budget", "high_needs_monitoring", "safety_valve", "dbv"):
        rows = []
        cum = f["cumulative_deficit"]
        in_year = f["in_year_overspend"]
        rows_unmit = []
        cum_u = cum
        for i, y in enumerate(range(fy - 1, fy + 5)):
            if i == 0:
                iy = round(in_year * 0.8, 1)
            else:
                iy = round(in_year * (1.0 - 0.3 * (i - 1)), 1)
            cum_start = cum
            cum = round(cum + iy, 1)
            cum_u = round(cum_u + in_year * (1 + 0.12 * i), 1)
            rows.append(
                [
                    _fy(y, "/"),
                    _cell(cum_start * 1000),
                    _cell(iy * 1000),
                    _cell(cum * 1000),
                    _cell(cum_u * 1000),
                ]
            )
            rows_unmit.append(cum_u)
        story += [
            _p(
                f"DSG management plan: High Needs Block and cumulative DSG deficit, "
                f"{_fy(fy - 1, '/')} to {_fy(fy + 4, '/')}. Deficits are shown as positive "
                f"figures; a surplus would be shown with a minus sign.",
                _BASE,
            ),
            _p("Table A1: DSG deficit – mitigated and unmitigated (£000)", _CAPTION),
            _table(
                [
                    "Year",
                    "Deficit b/f £000",
                    "In-year £000",
                    "Deficit c/f £000",
                    "Unmitigated c/f £000",
                ],
                rows,
            ),
            Spacer(1, 8),
        ]
        hn_rows, tb, tf = [], 0.0, 0.0
        for name, share in [
            ("Top-up funding – mainstream", 0.21),
            ("Top-up funding – special", 0.19),
            ("Special school place funding", 0.15),
            ("Independent special schools", 0.2),
            ("Post-16", 0.08),
            ("Alternative provision", 0.08),
            ("Hospital education", 0.03),
            ("SEN support services", 0.06),
        ]:
            b = f["hnb"] * share * 1000
            v = b * rng.uniform(-0.04, 0.18)
            hn_rows.append([name, _cell(b, 1), _cell(b + v, 1), _cell(v, 1)])
            tb += b
            tf += b + v
        hn_rows.append(["Total High Needs Block", _cell(tb, 1), _cell(tf, 1), _cell(tf - tb, 1)])
        story += [
            _p(
                f"Table A2: High Needs Block {_fy(fy, '/')} (£'000); underspends in brackets",
                _CAPTION,
            ),
            _table(
                ["Line", "Budget £'000", "Forecast £'000", "Variance £'000"],
                hn_rows,
                total_rows=(len(hn_rows) - 1,),
            ),
        ]
    elif topic in ("send_sufficiency", "ehcp_performance"):
        rows = []
        total = f["ehcps"]
        for need, share in [
            ("Autistic spectrum disorder", 0.33),
            (("Speech, language and communication needs"), 0.2),
            ("Social, emotional and mental health", 0.16),
            ("Moderate learning difficulty", 0.1),
            (("Severe learning difficulty"), 0.08),
            ("Profound and multiple learning difficulty", 0.03),
            ("Physical disability", 0.04),
            ("Other", 0.06),
        ]:
            n = int(total * share)
            rows.append([need, f"{n:,}", f"{share * 100:.1f}%"])
        rows.append(["Total EHCPs", f"{total:,}", "100.0%"])
        story += [
            _p(f"EHCPs by primary need, January {f['census_year']}", _CAPTION),
            _table(["Primary need", "EHCPs", "%"], rows, total_rows=(len(rows) - 1,)),
            Spacer(1, 8),
        ]
        prow = [
            [
                "Independent and non-maintained special schools",
                str(f["independent_placements"]),
                _cell(f["independent_spend"] * 1000),
            ],
            [
                "Maintained special schools and academies",
                f"{f['special_places']:,}",
                _cell(f["special_places"] * 24.5),
            ],
            ["SEN transport (General Fund)", "-", _cell(f["sen_transport"] * 1000)],
        ]
        story += [
            _p(f"Placements and cost {_fy(fy, '/')} (£000)", _CAPTION),
            _table(["Provision", "Number", "Cost £000"], prow),
        ]
    else:
        rng2 = _rng("appx2", council, topic, seed)
        rows = []
        for i in range(rng2.randint(8, 16)):
            a = rng2.uniform(50, 2500)
            rows.append(
                [
                    f"{rng2.choice(_FILLER_HEADINGS)} – item {i + 1}",
                    _cell(a),
                    _cell(a * rng2.uniform(0.9, 1.1)),
                    _cell(a * rng2.uniform(-0.1, 0.1)),
                ]
            )
        story += [
            _p("Schedule of budgets (£000)", _CAPTION),
            _table(["Item", "Budget £000", "Forecast £000", "Variance £000"], rows),
        ]
    return story


def minutes_pdf(*, council: str, committee: str, meeting_date: datetime.date, items: list[dict], seed: int) -> bytes:
    """Minutes of a meeting; each item's ``minutes`` text is printed as given."""
    rng = _rng("minutes", council, committee, meeting_date.isoformat(), seed)
    members = sorted({_person(rng) for _ in range(rng.randint(6, 11))})
    chair = members[0]
    venue = rng.choice(
        [
            "Council Chamber, County Hall",
            "Committee Room 1, Civic Centre",
            "The Guildhall",
            "Committee Room 2, Town Hall",
        ]
    )
    start = rng.choice(["10.00 am", "2.00 pm", "6.30 pm", "9.30 am"])
    story = [
        _p(council, _COUNCIL),
        _p(
            f"MINUTES of a meeting of the {committee} held at {venue} on {_d_mg(meeting_date)} at {start}",
            _H1,
        ),
        _p(
            "PRESENT: Councillor " + ", ".join(f"{m}{' (Chair)' if m == chair else ''}" for m in members),
            _BASE,
        ),
        _p(
            f"Officers in attendance: {_person(rng)} (Democratic Services), {_person(rng)} "
            f"(Director), {_person(rng)} (Finance).",
            _BASE,
        ),
        Spacer(1, 6),
    ]
    for it in items:
        story.append(_p(f"{it.get('number', '')} {it.get('title', '')}".strip(), _H1))
        text = str(it.get("minutes", ""))
        for para in re.split(r"\n\s*\n", text.strip()):
            if para.strip():
                story.append(Paragraph("<br/>".join(escape(x) for x in para.split("\n")), _BASE))
    story += [
        Spacer(1, 10),
        _p(f"The meeting ended at {rng.randint(3, 8)}.{rng.randint(10, 55)} pm.", _BASE),
        Spacer(1, 14),
        _p("CHAIR", _BASE),
    ]
    return _Doc(
        title=f"Minutes – {committee} – {_d(meeting_date)}",
        author="Democratic Services",
        header=f"{committee} – {_d(meeting_date)}",
        footer="",
    ).build(story)


def _frontsheet_story(council, committee, meeting_date, items) -> list:
    rng = _rng("frontsheet", council, committee, meeting_date.isoformat())
    officer = _person(rng)
    story = [
        _p("Public Document Pack", _SMALL),
        _p(council, _COUNCIL),
        _p(committee, _TITLE),
        _meta_table(
            [
                ("Date", _d_mg(meeting_date)),
                ("Time", rng.choice(["10.00 am", "2.00 pm", "6.30 pm"])),
                (
                    "Venue",
                    rng.choice(["Council Chamber, County Hall", "Committee Room 1, Civic Centre"]),
                ),
                (
                    "Contact",
                    (
                        f"{officer}, Democratic Services, "
                        f"{officer.split()[0].lower()}.{officer.split()[1].lower()}"
                        f"@{_slug(council)}.gov.uk"
                    ),
                ),
            ]
        ),
        Spacer(1, 8),
        _p(
            "Members of the public are welcome to attend this meeting, except for any items "
            "where the public is excluded because exempt information is likely to be "
            "disclosed.",
            _BASE,
        ),
        _p("AGENDA", _H1),
    ]
    part2_done = False
    for it in items:
        ex = it.get("exempt") or it.get("restricted") or it.get("paragraph")
        if ex and not part2_done:
            story.append(_p("PART 2 – EXCLUSION OF THE PRESS AND PUBLIC", _H1))
            story.append(
                _p(
                    "To resolve that the press and public be excluded from the meeting "
                    "for the following item(s) on the grounds that they involve the "
                    "likely disclosure of exempt information as defined in Schedule 12A "
                    "of the Local Government Act 1972.",
                    _BASE,
                )
            )
            part2_done = True
        line = f"{it.get('number', '')}  {it.get('title', '')}"
        if it.get("pages"):
            line += f"  (Pages {it['pages']})"
        story.append(_p(line.strip(), _CAPTION))
        if it.get("description"):
            story.append(_p(str(it["description"]), _BASE))
        if ex:
            para = (
                it.get("paragraph")
                if isinstance(it.get("paragraph"), int)
                else (ex if isinstance(ex, int) and not isinstance(ex, bool) else None)
            )
            story.append(
                _p(
                    "Not for publication"
                    + (
                        f" by virtue of paragraph {para} of Part 1 of Schedule 12A of the Local Government Act 1972."
                        if para
                        else "."
                    ),
                    _SMALL,
                )
            )
    story.append(Spacer(1, 12))
    story.append(_p(f"Date of publication: {_d(meeting_date - datetime.timedelta(days=8))}", _SMALL))
    return story


def agenda_frontsheet_pdf(*, council: str, committee: str, meeting_date: datetime.date, items: list[dict]) -> bytes:
    """Agenda front sheet. Item keys: number, title, optional description, pages ('5 - 18'),
    exempt/restricted (bool or paragraph int) or paragraph (int)."""
    return _Doc(
        title=f"Agenda – {committee} – {_d(meeting_date)}",
        author="Democratic Services",
        header=council,
        footer="",
    ).build(_frontsheet_story(council, committee, meeting_date, items))


def reports_pack_pdf(
    *,
    council: str,
    committee: str,
    meeting_date: datetime.date,
    items: list[dict],
    reports: list[bytes],
) -> bytes:
    """Front sheet followed by every page of every report, merged with pypdfium2."""
    import pypdfium2 as pdfium

    front = agenda_frontsheet_pdf(council=council, committee=committee, meeting_date=meeting_date, items=items)
    out = pdfium.PdfDocument.new()
    srcs = []
    try:
        for data in [front, *reports]:
            src = pdfium.PdfDocument(data)
            srcs.append(src)
            out.import_pages(src)
        return _pdfium_save(out)
    finally:
        out.close()
        for s in srcs:
            s.close()


def scanned_pdf(*, title: str, seed: int) -> bytes:
    """An image-only PDF (a scanned signed decision record): no text layer at all."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rng = _rng("scan", title, seed)
    officer, witness = _person(rng), _person(rng)
    day = datetime.date(2023 + seed % 3, 1 + seed % 12, 1 + seed % 27)
    story = [
        _p("RECORD OF OFFICER DECISION", _TITLE),
        _p(title, _H1),
        _meta_table(
            [
                ("Decision maker", f"{officer}, Director"),
                ("Date of decision", _d(day)),
                ("Reference", f"OD/{day.year}/{rng.randint(10, 399):03d}"),
            ]
        ),
    ]
    for i in range(rng.randint(5, 9)):
        story.append(_p(f"{i + 1}. " + _FILLER[rng.randrange(len(_FILLER))], _BASE))
    story += [
        Spacer(1, 30),
        _p(f"Signed: ............................   {officer}", _BASE),
        _p(f"Witnessed: ..........................   {witness}", _BASE),
    ]
    src = _Doc(title=title, author="", header="", footer="").build(story)
    doc = pdfium.PdfDocument(src)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle("")
    c.setCreator("Scanner")
    try:
        for i in range(len(doc)):
            img = doc[i].render(scale=100 / 72, grayscale=True).to_pil().convert("L")
            angle = rng.uniform(-0.8, 0.8)
            img = img.rotate(angle, resample=Image.BILINEAR, fillcolor=255)
            img = img.point(lambda v: 0 if v < 150 else 255)
            draw = ImageDraw.Draw(img)
            w, h = img.size
            for _ in range(120):  # scanner speckle
                x, y = rng.randrange(w), rng.randrange(h)
                draw.point((x, y), fill=0)
            c.drawImage(ImageReader(img.convert("1").convert("L")), 0, 0, width=_PAGE_W, height=_PAGE_H)
            c.showPage()
    finally:
        doc.close()
    c.save()
    return buf.getvalue()


def report_docx(*, title: str, council: str, topic: str, seed: int) -> bytes:
    """A Word version of a report (deterministic: fixed core properties and zip timestamps)."""
    import docx

    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; choose from {TOPICS}")
    day = datetime.date(2024 + seed % 2, 11, 14)
    rng = _rng("docx", council, topic, seed)
    f = _base_facts(council=council, topic=topic, seed=seed, meeting_date=day)
    spec = _BUILDERS[topic](f, rng, _ctx(council, day))
    d = docx.Document()
    d.add_heading(council, level=0)
    d.add_heading(title, level=1)
    d.add_paragraph(f"Report of the {spec['director']}")
    d.add_paragraph(f"Date: {_d(day)}")
    sections = [("Purpose of report", spec["purpose"]), ("Recommendations", spec["recs"])]
    sections += spec["sections"]
    sections += [("Financial implications", spec["finance"]), ("Legal implications", spec["legal"])]
    for i, (h, items) in enumerate(sections, 1):
        d.add_heading(f"{i}. {h}", level=2)
        n = 0
        for it in items:
            if isinstance(it, str):
                n += 1
                d.add_paragraph(f"{i}.{n}  {it}")
            elif it[0] == "bullets":
                for b in it[1]:
                    d.add_paragraph(b, style="List Bullet")
            elif it[0] == "note":
                d.add_paragraph(it[1])
            elif it[0] == "table":
                _, caption, header, rows, _tot = it
                d.add_paragraph(caption).runs[0].bold = True
                t = d.add_table(rows=1 + len(rows), cols=len(header))
                t.style = "Table Grid"
                for ci, hv in enumerate(header):
                    t.cell(0, ci).text = hv
                for ri, row in enumerate(rows, 1):
                    for ci, v in enumerate(row):
                        t.cell(ri, ci).text = v
    cp = d.core_properties
    fixed = datetime.datetime(2025, 1, 1, 0, 0, 0)
    cp.created = cp.modified = cp.last_printed = fixed
    cp.author = cp.last_modified_by = "Democratic Services"
    cp.title = title
    cp.revision = 1
    raw = io.BytesIO()
    d.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=_DOCX_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, zin.read(info.filename))
    return out.getvalue()
