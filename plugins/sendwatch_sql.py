"""SQL functions and cell rendering used by the canned queries in metadata.yml.

Loaded by Datasette with ``--plugins-dir plugins/``. The functions are plain Python so that
tests and the benchmark can register them on a bare sqlite3 connection with ``register()``.

- ``fts_query(text)``: turns what a campaigner types into a safe FTS5 query
  (phrases in double quotes and OR/NOT are kept; stray punctuation never raises a syntax error).
- ``schedule12a(paragraphs_json, jurisdiction)``: "3 (financial or business affairs)".
- ``paragraph_topic(n, jurisdiction)``: "3. financial or business affairs" (Welsh 14 -> 3).
- ``money(value, unit)``: "£23.4m", "1,234", "87%".
- ``row_link(table, pk)``: path of a row page in this Datasette, e.g. /sendwatch/documents/k~3A1.

Columns whose name ends in ``_link`` and whose value is such a path are rendered as links.
Every other cell keeps Datasette's default HTML escaping.
"""

from __future__ import annotations

import json
import re
import sqlite3

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

DATABASE = "sendwatch"

# Schedule 12A Part 1 (England), short descriptions.
SCHEDULE_12A = {
    1: "information relating to an individual",
    2: "information likely to reveal an individual's identity",
    3: "financial or business affairs",
    4: "labour relations consultations or negotiations",
    5: "legal professional privilege",
    6: "notice, order or direction the authority proposes",
    7: "prevention, investigation or prosecution of crime",
}
# Wales numbers the same descriptions 12-18 (Part 4).
WALES_OFFSET = 11

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"[^\w*]+", re.UNICODE)
_OPERATORS = {"OR", "AND", "NOT"}


def fts_query(text: str | None) -> str:
    """Make a safe FTS5 MATCH expression from free text.

    ``high needs`` -> ``"high" "needs"`` (both words); ``"safety valve" OR DBV`` keeps the phrase
    and the OR; ``assess*`` is a prefix search. Anything else is quoted, so no input raises.
    """
    parts: list[str] = []
    for phrase, word in _TOKEN.findall(text or ""):
        if phrase:
            cleaned = " ".join(_WORD.sub(" ", phrase).replace("*", " ").split())
            if cleaned:
                parts.append(f'"{cleaned}"')
            continue
        if word in _OPERATORS:
            parts.append(word)
            continue
        # "high-needs" or "£4.3m" become phrases, as the tokenizer splits them the same way.
        pieces = _WORD.sub(" ", word).replace("*", " ").split()
        if pieces:
            parts.append('"' + " ".join(pieces) + '"' + ("*" if word.endswith("*") else ""))
    # Operators only make sense between two terms.
    while parts and parts[0] in _OPERATORS:
        parts.pop(0)
    while parts and parts[-1] in _OPERATORS:
        parts.pop()
    cleaned_parts: list[str] = []
    for part in parts:
        if part in _OPERATORS and cleaned_parts and cleaned_parts[-1] in _OPERATORS:
            continue
        cleaned_parts.append(part)
    return " ".join(cleaned_parts) or '""'


def schedule12a(paragraphs: str | None, jurisdiction: str | None = None) -> str | None:
    """Describe a JSON list of Schedule 12A paragraphs, e.g. '[3]' -> '3 (financial or ...)'."""
    if paragraphs in (None, ""):
        return None
    try:
        numbers = json.loads(paragraphs)
    except (TypeError, ValueError):
        return str(paragraphs)
    if not isinstance(numbers, list):
        numbers = [numbers]
    if not numbers:
        return "no paragraph cited"
    welsh = bool(jurisdiction) and jurisdiction.lower().startswith("wales")
    out = []
    for number in numbers:
        try:
            n = int(str(number).strip())
        except ValueError:
            out.append(str(number))
            continue
        english = n - WALES_OFFSET if welsh else n
        label = SCHEDULE_12A.get(english)
        out.append(f"{n} ({label})" if label else str(n))
    return "; ".join(out)


def paragraph_topic(paragraph, jurisdiction: str | None = None) -> str | None:
    """One paragraph in English numbering with its description: '3. financial or business affairs'.

    Welsh paragraph 14 is the English paragraph 3, so both give the same label.
    """
    try:
        n = int(str(paragraph).strip())
    except (TypeError, ValueError):
        return None if paragraph in (None, "") else str(paragraph)
    if jurisdiction and jurisdiction.lower().startswith("wales"):
        n -= WALES_OFFSET
    label = SCHEDULE_12A.get(n)
    return f"{n}. {label}" if label else str(n)


def money(value: float | None, unit: str | None = "GBP") -> str | None:
    """Format a figure for reading: £23.4m, £1.20bn, £810,000, 1,234, 87%."""
    if value is None:
        return None
    unit = (unit or "").lower()
    if unit == "gbp":
        sign = "-" if value < 0 else ""
        v = abs(value)
        if v >= 1e9:
            return f"{sign}£{v / 1e9:.2f}bn"
        if v >= 1e6:
            return f"{sign}£{v / 1e6:.1f}m"
        return f"{sign}£{v:,.0f}"
    if unit == "percent":
        return f"{value:g}%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,}"


def row_path(database: str, table: str | None, pk: str | None, base: str = "/") -> str | None:
    if table is None or pk is None:
        return None
    return f"{base}{tilde_encode(database)}/{tilde_encode(table)}/{tilde_encode(str(pk))}"


def register(conn: sqlite3.Connection, database: str = DATABASE, base: str = "/") -> None:
    """Register the functions on a connection (Datasette calls this through the hook)."""
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    conn.create_function("schedule12a", 1, schedule12a, deterministic=True)
    conn.create_function("schedule12a", 2, schedule12a, deterministic=True)
    conn.create_function("paragraph_topic", 1, paragraph_topic, deterministic=True)
    conn.create_function("paragraph_topic", 2, paragraph_topic, deterministic=True)
    conn.create_function("money", 2, money, deterministic=True)
    conn.create_function("row_link", 2, lambda table, pk: row_path(database, table, pk, base), deterministic=True)


@hookimpl
def prepare_connection(conn, database, datasette):
    register(conn, database, datasette.setting("base_url") or "/")


@hookimpl
def render_cell(value, column, datasette):
    # Only our own computed *_link columns become links; scraped text is never rendered as HTML.
    base = datasette.setting("base_url") or "/"
    if isinstance(value, str) and column.endswith("_link") and value.startswith(base) and not value.startswith("//"):
        return Markup(f'<a href="{escape(value)}">{escape(value)}</a>')
    return None
