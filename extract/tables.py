"""Tables: from a grid of cells (pdfplumber, python-docx, HTML, or fast text lines) to figures.

The row label says what a number is ("High Needs Block", "Cumulative deficit"), the column
header says when and on what basis ("Outturn 2022-23", "Forecast", "Variance") and the header
or caption says the unit ("£000"). Brackets are negative in numeric cells.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extract import numbers, periods, rules
from extract.figures import Figure
from extract.text import Span, lines, trailing_cells
from sendwatch import constants as C

I = re.IGNORECASE  # noqa: E741 - the flag's own one-letter name, as in re
Cell = str | None

LABEL_RULES: tuple[tuple[str, str, re.Pattern], ...] = tuple(
    (name, metric, re.compile(p, I))
    for name, metric, p in (
        (
            "timeliness_20_weeks",
            C.METRIC_EHCP_20_WEEK_TIMELINESS,
            r"20[\s-]weeks?|timeliness|twenty\s+weeks",
        ),
        (
            "assessment_requests",
            C.METRIC_EHC_ASSESSMENT_REQUESTS,
            r"requests?|assessments?\s+requested",
        ),
        ("independent", C.METRIC_INDEPENDENT_SPEND, r"independent|non-maintained|\bINMSS\b"),
        ("ehcp_count", C.METRIC_EHCP_COUNT, rules.EHCP),
        ("safety_valve", C.METRIC_SAFETY_VALVE_INSTALMENT, r"safety\s+valve"),
        ("dbv_grant", C.METRIC_DBV_GRANT, r"delivering\s+better\s+value|\bDBV\b"),
        (
            "schools_block_transfer",
            C.METRIC_SCHOOLS_BLOCK_TRANSFER,
            r"transfer|schools\s+block\s+to",
        ),
        (
            "cumulative_deficit",
            C.METRIC_DSG_CUMULATIVE_DEFICIT,
            (
                r"cumulative|accumulated|carried\s+forward|\bc/f\b|closing|DSG\s+reserve|adjustment\s+account"
                r"|total\s+deficit|deficit\s+at|^\s*(?:DSG\s+|HNB\s+|high\s+needs\s+)?deficit\s*$"
            ),
        ),
        (
            "in_year_overspend",
            C.METRIC_DSG_INYEAR_OVERSPEND,
            r"in[\s-]year|over[\s-]?spend|variance|pressure|under[\s-]?spend",
        ),
        ("high_needs_allocation", C.METRIC_HNB_ALLOCATION, r"high[\s-]+needs|\bHNB\b"),
    )
)
_SKIP_LABEL = re.compile(
    r"brought\s+forward|\bb/f\b|opening|other\s+(?:DSG\s+)?blocks?|" + rules.EXCLUSIONS + "|" + rules.UNIT_COST,
    I,
)
# The table says how it signs a deficit: "Deficits are shown as positive figures".
_DEFICIT_POSITIVE = re.compile(r"deficits?\s+(?:are\s+|is\s+)?(?:shown|stated|presented)\s+as\s+(?:a\s+)?positive", I)
_DEFICIT = re.compile(r"\bdeficits?\b", I)
_COUNT_WORDS = re.compile(r"number|no\.|placements|pupils|children|young\s+people|count", I)
_MONEY_WORDS = re.compile(r"£|cost|spend|expenditure", I)
_KINDS = (
    (
        "variance",
        re.compile(r"variance|over\s*/\s*\(?under|under\s*/\s*over|over\s?spend|\bgap\b", I),
    ),
    (
        "skip",
        re.compile(r"change|movement|increase|decrease|difference|growth|total|%|per\s+cent", I),
    ),
    ("projection", re.compile(r"projection|unmitigated|mitigated|if\s+no\s+action", I)),
    ("forecast", re.compile(r"forecast|projected", I)),
    ("actual", re.compile(r"outturn|actual", I)),
    ("budget", re.compile(r"budget|allocation", I)),
)
_BASIS = {
    "projection": "projection",
    "forecast": "forecast",
    "actual": "actual",
    "budget": "budget",
}


def classify_label(label: str) -> tuple[str, str] | None:
    """(rule name, metric) for a row label, or None when it is not a local high-needs figure."""
    if not label or _SKIP_LABEL.search(label):
        return None
    for name, metric, pattern in LABEL_RULES:
        if pattern.search(label):
            return name, metric
    return None


def column_kind(header: str) -> str | None:
    """What a column holds: variance, forecast, actual, budget, projection, or skip."""
    for kind, pattern in _KINDS:
        if pattern.search(header or ""):
            return kind
    return None


def _clean(cell: Cell) -> str:
    return re.sub(r"\s+", " ", cell or "").strip()


def _is_header_row(row: Sequence[Cell]) -> bool:
    for cell in row[1:]:
        if numbers.parse_cell(cell) is not None and not re.fullmatch(r"\s*(19|20)\d{2}\s*", cell or ""):
            return False
    return True


def figures_from_grid(
    rows: Sequence[Sequence[Cell]],
    *,
    page: int = 1,
    context: str = "",
    bboxes: Sequence[Sequence[list[float] | None]] | None = None,
    spans: Sequence[Sequence[tuple[int, int] | None]] | None = None,
    rule_prefix: str = "table",
) -> list[Figure]:
    """Figures in one table. `context` is the caption/text above it (for "£000")."""
    rows = [[_clean(c) for c in r] for r in rows if r]
    if not rows:
        return []
    h = 0
    while h < len(rows) - 1 and h < 3 and _is_header_row(rows[h]):
        h += 1
    width = max(len(r) for r in rows)
    headers = [" ".join(r[j] for r in rows[:h] if j < len(r) and r[j]) for j in range(width)]
    table_scale = numbers.header_scale(" ".join([context, *headers])) or None
    # A table that labels a row or column "Deficit ..." (or says so in its caption) counts a
    # deficit as positive in every cumulative row or column, "Unmitigated c/f" included.
    deficit_positive = bool(
        _DEFICIT_POSITIVE.search(context)
        or any(_DEFICIT.search(x) for x in headers[1:])
        or any(_DEFICIT.search(r[0]) for r in rows[h:] if r)
    )

    def negative_line(vals: list[float | None]) -> bool:
        return all(v is None or v < 0 for v in vals) and any(v for v in vals)

    columns_negative = [
        negative_line([numbers.parse_cell(r[j], 1.0) if j < len(r) else None for r in rows[h:]]) for j in range(width)
    ]
    out: list[Figure] = []
    for i in range(h, len(rows)):
        row = rows[i]
        label = row[0]
        if rules.NOT_A_COUNT_BEFORE.search(label):
            continue  # "5. High Needs Block forecast at Month 7": a heading, not a row
        row_period = periods.period_of_header(label)
        hit = classify_label(label)
        all_negative = negative_line([numbers.parse_cell(c, 1.0) for c in row[1:]])
        for j in range(1, len(row)):
            cell, header = row[j], headers[j] if j < len(headers) else ""
            if numbers.parse_cell(cell) is None:
                continue
            this, period = hit, periods.period_of_header(header)
            what, when, negative = label, header, all_negative
            if row_period is not None:  # transposed: years down the side, metrics across
                this, period, what, when = classify_label(header), row_period, header, label
                negative = columns_negative[j]
            if this is None:
                continue
            fig = _cell_figure(this, what, when, cell, table_scale, period, negative, deficit_positive)
            if fig is None:
                continue
            fig.row_label, fig.column_label = label, header or None
            fig.page = page
            fig.rule = f"{rule_prefix}:{this[0]}"
            if bboxes and i < len(bboxes) and j < len(bboxes[i]):
                fig.bbox = bboxes[i][j]
            if spans and i < len(spans) and j < len(spans[i]):
                fig.span = spans[i][j]
            out.append(fig)
    return out


def _cell_figure(
    hit: tuple[str, str],
    label: str,
    header: str,
    cell: str,
    table_scale: float | None,
    period: periods.Period | None,
    all_negative: bool,
    deficit_positive: bool = False,
) -> Figure | None:
    metric = hit[1]
    kind = column_kind(header)
    if kind is None and column_kind(label) == "projection":
        kind = "projection"  # transposed: "Unmitigated c/f" names the basis of its column
    words = f"{label} {header}"
    if kind == "skip" and "%" not in cell:
        return None
    if metric == C.METRIC_HNB_ALLOCATION:
        if kind == "variance":
            metric = C.METRIC_DSG_INYEAR_OVERSPEND
        elif kind in ("forecast", "actual", "projection"):
            return None  # spend against the block, not the allocation
    elif kind == "variance" and metric != C.METRIC_DSG_INYEAR_OVERSPEND:
        return None  # the variance on a line is not the line's spend, count or deficit
    if metric == C.METRIC_INDEPENDENT_SPEND and _COUNT_WORDS.search(words) and not _MONEY_WORDS.search(words + cell):
        metric = C.METRIC_INDEPENDENT_PLACEMENTS
    if metric == C.METRIC_SAFETY_VALVE_INSTALMENT and re.search(r"total", words, I):
        metric = C.METRIC_SAFETY_VALVE_TOTAL
    if metric in (
        C.METRIC_EHCP_COUNT,
        C.METRIC_EHC_ASSESSMENT_REQUESTS,
        C.METRIC_INDEPENDENT_PLACEMENTS,
    ):
        if "£" in cell or "%" in cell:
            return None
        unit, value = C.UNIT_COUNT, numbers.parse_cell(cell, 1.0)
    elif metric == C.METRIC_EHCP_20_WEEK_TIMELINESS or (
        metric == C.METRIC_SCHOOLS_BLOCK_TRANSFER and "%" in words + cell
    ):
        unit, value = C.UNIT_PERCENT, numbers.parse_cell(cell, 1.0)
    else:
        if "%" in cell:
            return None
        unit = C.UNIT_GBP
        scale = numbers.header_scale(header) or table_scale
        value = numbers.parse_cell(cell, scale or 1.0)
        if value is not None and scale is None and not re.search(r"£|\d\s?[mMkK]|bn", cell):
            if abs(value) < 1000:
                return None  # "7" with no unit anywhere: not an amount of money
        if value is not None and abs(value) >= rules.MAX_LOCAL_GBP:
            return None  # a national total
    if value is None:
        return None
    # A deficit shown as a negative balance ("DSG reserve (45,000)") is a positive deficit;
    # a "deficit" row, or any cumulative line in a table that counts deficits as positive,
    # keeps its sign unless every value in it is negative.
    if metric == C.METRIC_DSG_CUMULATIVE_DEFICIT and (
        not (re.search(r"deficit", label, I) or deficit_positive) or all_negative
    ):
        value = -value
    if (
        metric == C.METRIC_DSG_INYEAR_OVERSPEND
        and re.search(r"under[\s-]?spend", label, I)
        and not re.search(r"over", label, I)
    ):
        # "Underspend 118" is -118; in "Other blocks (underspend)" brackets already say so.
        value = -abs(value)
    return Figure(
        page=1,
        metric=metric,
        value=value,
        unit=unit,
        matched_text=cell,
        sentence=f"{label} | {header}".strip(" |"),
        rule="",
        period=period.period if period else None,
        stock_date=period.stock_date if period else None,
        basis=_BASIS.get(kind or "") or rules.basis_of(header),
        row_label=label,
        column_label=header or None,
    )


# ---- the fast path: tables read from pypdfium2 text lines, no pdfplumber ----

_HEADER_PERIOD = re.compile(periods.FY_RE.pattern + "|" + periods.DATE_WORDS_RE.pattern, I)


def text_table_figures(text: str, page: int = 1) -> tuple[list[Figure], bool]:
    """Figures from table rows that pypdfium2 keeps on one line each.

    Returns (figures, clean): `clean` is False when a row with a metric label could not be
    lined up with its column headers; the caller then reads the page with pdfplumber.
    """
    all_lines = lines(text)
    out: list[Figure] = []
    clean = True
    for k, row_line in enumerate(all_lines):
        stripped = row_line.text.strip()
        if not stripped or stripped.endswith(".") or not _ROW_HINT.search(stripped):
            continue
        cells = trailing_cells(row_line.text)
        label = row_line.text[: cells[0].start()].strip() if cells else ""
        if not cells or len(label) > 60:
            continue
        if periods.period_of_header(label) and rules.page_has_cue(text):
            clean = False  # years down the side: pdfplumber lines the columns up
            continue
        if not classify_label(label):
            continue
        header_lines = _header_lines(all_lines, k)
        cols = _columns(" ".join(h.text for h in header_lines), len(cells))
        if cols is None:
            clean = False
            continue
        context = " ".join(ln.text for ln in all_lines[max(0, k - 8) : k])
        grid = [["", *cols], [label, *(c.group(0) for c in cells)]]
        row_spans = [(row_line.start + c.start(), row_line.start + c.end()) for c in cells]
        spans = [[None] * (len(cells) + 1), [None, *row_spans]]
        out.extend(figures_from_grid(grid, page=page, context=context, spans=spans, rule_prefix="text_table"))
    return out, clean


_ROW_HINT = re.compile(r"\d(?:\.\d+)?\s?(?:[mkMK]|bn|\)|%)?\s*$")


def _header_lines(all_lines: list[Span], k: int | None) -> list[Span]:
    """Lines above a table row, up to the first blank line or sentence, skipping other rows."""
    if k is None:
        return []
    found: list[Span] = []
    j = k - 1
    while j >= 0 and len(found) < 4:
        s = all_lines[j].text.strip()
        if not s or s.endswith("."):
            break
        if not trailing_cells(s):
            found.insert(0, all_lines[j])
        elif found:
            break
        j -= 1
    return found


def _columns(header: str, n: int) -> list[str] | None:
    """Column headers lined up with `n` cells, or None when they cannot be lined up.

    Periods split the header line into columns ("Outturn 2022-23 Budget 2023-24"); words
    after the last period, or a count that does not match, mean the columns are unclear.
    """
    pers = list(_HEADER_PERIOD.finditer(header))
    kinds = [m for _, p in _KINDS for m in p.finditer(header)]
    if not pers:
        if not kinds:
            return [""] if n == 1 else None
        if len(kinds) != n:
            return None
        kinds.sort(key=lambda m: m.start())
        return [m.group(0) for m in kinds]
    if len(pers) != n or len(kinds) not in (0, n):
        return None
    if any(m.start() >= pers[-1].end() for m in kinds):
        return None  # "2022-23 Outturn 2023-24 Budget": words trail the years
    segs, pos = [], 0
    for p in pers:
        segs.append(header[pos : p.end()].strip())
        pos = p.end()
    if n > 1:  # the first segment also holds the label column's header: keep the same shape
        segs[0] = " ".join(segs[0].split()[-len(segs[1].split()) :])
    else:
        first_kind = min((m.start() for m in kinds), default=pers[0].start())
        segs[0] = header[min(first_kind, pers[0].start()) : pers[0].end()].strip()
    return segs
