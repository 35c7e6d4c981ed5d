"""Golden test set: sentences and tables written the way council papers write them.

Each case in tests/golden/*.json is rendered to a one-page PDF with reportlab at test time and
extracted with `extract_file`; the figures found must equal the expected figures exactly
(negative cases expect none). Fields not given in a case take their defaults (unit GBP, no
period, no basis, not approximate, no range, no labels).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from extract import extract_file

GOLDEN = Path(__file__).parent / "golden"
FIELDS = {
    "metric": None,
    "value": None,
    "unit": "GBP",
    "low": None,
    "high": None,
    "period": None,
    "stock_date": None,
    "basis": None,
    "approximate": False,
    "row_label": None,
    "column_label": None,
}
TABLE_FIELDS = {k: v for k, v in FIELDS.items() if k not in ("basis",)}


def _cases() -> list:
    sentences = json.loads((GOLDEN / "sentences.json").read_text())
    tables = json.loads((GOLDEN / "tables.json").read_text())
    return [pytest.param(c, id=c["id"]) for c in sentences + tables]


def render_pdf(case: dict) -> bytes:
    """A one-page report: a heading, the sentence or the table with its caption."""
    buf = io.BytesIO()
    styles = getSampleStyleSheet()
    story = [Paragraph("Item 7: Dedicated Schools Grant update", styles["Heading2"])]
    if "text" in case:
        story.append(Paragraph(case["text"].replace("&", "&amp;"), styles["Normal"]))
    else:
        story += [Paragraph(case["caption"], styles["Normal"]), Spacer(1, 6)]
        table = Table(case["rows"])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story.append(table)
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()


def _normalise(fig: dict, fields: dict) -> dict:
    out = {k: fig.get(k, default) for k, default in fields.items()}
    for k in ("value", "low", "high"):
        if out[k] is not None:
            out[k] = round(float(out[k]), 2)
    return out


def _sort_key(d: dict) -> tuple:
    return (d["metric"], d["value"], d["period"] or "", d["unit"])


@pytest.mark.parametrize("case", _cases())
def test_golden(case: dict) -> None:
    result = extract_file(render_pdf(case), name=f"{case['id']}.pdf", meeting_date=case.get("meeting_date"))
    assert result.status == "ok", result.message
    fields = FIELDS if "text" in case else TABLE_FIELDS
    got = sorted((_normalise(f.__dict__, fields) for f in result.figures), key=_sort_key)
    want = sorted((_normalise(f, fields) for f in case["expected"]), key=_sort_key)
    assert got == want
    for f in result.figures:  # every figure can be found again on the page
        assert f.bbox and f.bbox[0] < f.bbox[2] and f.bbox[1] < f.bbox[3], f
        assert f.rule and f.rule_version


def test_golden_set_is_big_enough() -> None:
    sentences = json.loads((GOLDEN / "sentences.json").read_text())
    tables = json.loads((GOLDEN / "tables.json").read_text())
    assert len(sentences) >= 40 and len(tables) >= 5
    assert sum(1 for c in sentences if not c["expected"]) >= 8  # negative cases
