"""Build a realistic synthetic sendwatch database (fictional councils) for tests and benchmarks.

    python bench/synth_db.py /tmp/sendwatch.db --councils 150 --pages 200000

Rows follow db/schema.py and the vocabulary in sendwatch/constants.py: councils, committees,
meetings (past and upcoming), agenda items with send_terms, documents with extracted pages,
withheld items citing Schedule 12A paragraphs, and figures (DSG deficit, High Needs Block,
EHCPs) whose sentence also appears in the page text they point to.
Deterministic for a given seed and ``today``. FTS indexes are built once, after the inserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from db.schema import TABLES, ensure_schema, open_db
from sendwatch import constants as C

ROOTS = [
    "Ash",
    "Brack",
    "Calder",
    "Dun",
    "Elm",
    "Fen",
    "Glen",
    "Hart",
    "Ivel",
    "Kings",
    "Lang",
    "Marsh",
    "Nor",
    "Oak",
    "Pen",
    "Rook",
    "Sand",
    "Thorn",
    "Wester",
    "Yar",
]
ENDINGS = ["dale", "field", "bridge", "ford", "ham", "mouth", "wick", "ton", "moor", "borough"]
KINDS = ["County Council", "Borough Council", "City Council", "Metropolitan Borough Council"]

COMMITTEES = [
    ("Schools Forum", "Education"),
    ("Cabinet", "Executive"),
    ("Children and Young People Scrutiny Committee", "Scrutiny"),
    ("Audit and Governance Committee", "Governance"),
    ("Full Council", "Council"),
]

SEND_ITEMS = [
    ("Dedicated Schools Grant: High Needs Block budget monitoring", ["DSG", "High Needs Block"]),
    ("DSG deficit management plan update", ["DSG", "deficit management plan"]),
    ("SEND Sufficiency Strategy 2024-2029", ["SEND"]),
    ("Safety Valve agreement: progress report to the DfE", ["safety valve", "DSG"]),
    ("Delivering Better Value in SEND programme", ["Delivering Better Value", "SEND"]),
    (
        "Schools Block transfer to the High Needs Block",
        ["High Needs Block", "Schools Block transfer"],
    ),
    ("Home to school transport for pupils with SEND", ["SEND"]),
    ("Education, Health and Care plan timeliness", ["EHCP", "EHC plan"]),
    ("Special educational needs and disabilities: annual report", ["special educational needs"]),
    ("High needs funding formula and top-up bands", ["high needs"]),
]
SEND_RESTRICTED_ITEMS = [
    ("Independent special school placements: contract award", ["independent placements", "SEND"]),
    ("SEND capital programme: acquisition of site for new special school", ["SEND"]),
    ("Safety Valve negotiations with the Department for Education", ["safety valve"]),
    ("Tribunal appeals relating to EHC plans", ["EHC plan"]),
]
OTHER_ITEMS = [
    "Apologies for absence",
    "Declarations of interest",
    "Minutes of the previous meeting",
    "Revenue budget monitoring: quarter two",
    "Capital programme update",
    "Highways maintenance programme",
    "Corporate risk register",
    "Treasury management strategy",
    "Adult social care charging policy",
    "Libraries consultation outcome",
    "Work programme",
    "Local plan: consultation response",
    "Waste collection contract extension",
]
OTHER_RESTRICTED = [
    "Disposal of surplus land at the former depot",
    "Leisure centre operator contract",
    "Senior staffing restructure",
]

SENTENCES = [
    "The {committee} is asked to note the {adj} position of the {block} and the actions set out in this report.",
    "Demand for {service} has continued to rise, with {count} new requests received since the last report.",
    "The number of children and young people with an Education, Health and Care plan continues to increase faster than the national average.",
    "Officers have worked with headteachers and the Schools Forum to review the banding framework for top-up funding.",
    "Placements in independent and non-maintained special schools remain the largest single pressure on the {block}.",
    "The statutory override means the DSG deficit is held in an unusable reserve and does not affect the General Fund.",
    "The council continues to take part in the Delivering Better Value in SEND programme led by the Department for Education.",
    "A transfer of 0.5% from the Schools Block to the High Needs Block was supported by the Schools Forum.",
    "The forecast assumes that growth in EHC plans slows as the early intervention work takes effect.",
    "Members asked how many pupils were placed outside the county and what the average cost of a placement was.",
    "The mitigations include additional resourced provision in mainstream schools and a new free special school.",
    "Revenue budget monitoring at {period} shows a forecast {adj} variance across the {service} service.",
    "The report was considered by the {committee} and comments are included at appendix {appendix}.",
    "Consultation with parents and carers took place over {count} weeks and the responses are summarised in section {section}.",
    "Home to school transport costs for pupils with SEND have risen because of price increases and longer journeys.",
    "The proportion of new EHC plans issued within 20 weeks was below the target set in the improvement plan.",
    "The Safety Valve agreement requires the authority to reach an in-year balance by {fy}.",
    "Capital funding from the High Needs Provision Capital Allocation will be used to create additional specialist places.",
    "Risks to delivery are recorded in the corporate risk register and reviewed by the Audit and Governance Committee.",
    "The equality impact assessment identifies no adverse impact on pupils with protected characteristics.",
    "Schools have reported increasing numbers of pupils requiring SEN support without an EHC plan.",
    "Tribunal appeals have increased and most were resolved before a hearing.",
    "The council's financial strategy sets out savings of {money} over the medium term.",
    "Highways maintenance, waste collection and libraries budgets are reported separately to Cabinet.",
    "Treasury management activity remained within the prudential indicators approved by Full Council.",
    "The recommendations were agreed and the decision will be published in the forward plan.",
]
FILL = {
    "committee": ["Schools Forum", "Cabinet", "Scrutiny Committee", "Executive"],
    "adj": ["overspend", "underspend", "adverse", "improved", "deteriorating", "balanced"],
    "block": ["High Needs Block", "Dedicated Schools Grant", "Early Years Block", "Schools Block"],
    "service": [
        "SEND",
        "children's services",
        "education",
        "home to school transport",
        "adult social care",
    ],
    "count": ["120", "245", "380", "64", "1,050", "twelve", "eight"],
    "period": ["Month 7", "quarter two", "period 6", "quarter three", "outturn"],
    "appendix": ["A", "B", "C", "2"],
    "section": ["3", "4.2", "5", "6.1"],
    "fy": ["2025-26", "2026-27", "2027-28"],
    "money": ["£12.3m", "£4.385m", "£20 million", "£810,000", "£1.2bn", "£300k"],
}

WITHHELD_REASON = (
    "This report is not for publication because it contains exempt information under paragraph "
    "{paras} of Part 1 of Schedule 12A to the Local Government Act 1972 ({desc}), and the public "
    "interest in maintaining the exemption outweighs the public interest in disclosing it."
)
PARA_DESC = {
    1: "information relating to any individual",
    2: "information which is likely to reveal the identity of an individual",
    3: "information relating to the financial or business affairs of any particular person",
    5: "information in respect of which a claim to legal professional privilege could be maintained",
}


def _councils(n: int, rng: random.Random) -> list[dict]:
    names = [r + e for r in ROOTS for e in ENDINGS]
    rng.shuffle(names)
    if n > len(names):
        names += [f"{nm} North" for nm in names]
    out = []
    for i, base in enumerate(names[:n]):
        kind = KINDS[i % len(KINDS)]
        slug = base.lower()
        out.append(
            {
                "slug": slug,
                "name": f"{base} {kind}",
                "gss_code": f"E{10000000 + i * 7:08d}",
                "dfe_la_code": str(800 + i),
                "education_authority": 1,
                "platform": "moderngov" if i % 5 else "cmis",
                "base_url": f"https://democracy.{slug}.example.gov.uk",
                "source": "synthetic (bench/synth_db.py)",
            }
        )
    return out


STOPWORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "for",
    "is",
    "that",
    "on",
    "be",
    "by",
    "with",
    "as",
    "are",
    "this",
    "from",
    "at",
    "will",
    "which",
    "has",
    "have",
    "been",
    "it",
    "not",
    "or",
    "an",
    "was",
    "were",
    "their",
    "its",
    "would",
    "should",
    "may",
    "also",
    "these",
    "there",
    "than",
    "other",
    "any",
    "all",
]
SYLLABLES = [
    "ba",
    "ce",
    "di",
    "fo",
    "gu",
    "ha",
    "je",
    "ki",
    "lo",
    "mu",
    "na",
    "pe",
    "ri",
    "so",
    "tu",
    "va",
    "we",
    "zo",
    "ar",
    "en",
    "il",
    "or",
    "un",
    "st",
    "th",
    "ch",
    "ley",
    "ton",
]


def _sentence_pool(rng: random.Random, size: int = 3000) -> list[str]:
    """Council and SEND sentences: the phrases campaigners search for, each on a few % of pages."""
    pool = []
    for _ in range(size):
        template = rng.choice(SENTENCES)
        pool.append(template.format(**{k: rng.choice(v) for k, v in FILL.items()}))
    return pool


def _generic_pool(rng: random.Random, size: int = 20000) -> list[str]:
    """Filler sentences with a Zipf-like vocabulary (stopwords, council words, a long tail)."""
    words = list(STOPWORDS)
    council_words = sorted(set(re.findall(r"[a-z]{4,}", " ".join(SENTENCES).lower())) - set(words))
    rng.shuffle(council_words)
    words += council_words
    words += ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(15000)]
    cum, total = [], 0.0
    for rank in range(len(words)):
        total += 1.0 / (rank + 2.7)
        cum.append(total)
    pool = []
    for _ in range(size):
        ws = rng.choices(words, cum_weights=cum, k=rng.randint(8, 24))
        pool.append(" ".join(ws).capitalize() + ".")
    return pool


def _page_text(rng: random.Random, pool: list[str], generic: list[str], heading: str, extra: list[str]) -> str:
    n = rng.randint(10, 18)
    k = sum(rng.random() < 0.12 for _ in range(n))
    sentences = rng.sample(pool, k) + rng.sample(generic, n - k)
    rng.shuffle(sentences)
    for s in extra:
        sentences.insert(rng.randint(0, len(sentences)), s)
    paras = []
    while sentences:
        k = rng.randint(2, 5)
        paras.append(" ".join(sentences[:k]))
        sentences = sentences[k:]
    return heading + "\n\n" + "\n\n".join(paras)


def _fy(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def _fmt_m(value: float) -> str:
    return f"£{value / 1e6:.1f}m"


def build_synthetic_db(
    path,
    *,
    councils: int = 12,
    pages: int = 2000,
    seed: int = 0,
    today: dt.date | None = None,
    start_year: int = 2019,
    meetings_per_committee_per_year: int = 6,
    verbose: bool = False,
) -> Path:
    """Create (replacing) a synthetic sendwatch database at ``path`` and return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    rng = random.Random(seed)
    today = today or dt.date.today()
    t0 = time.time()
    db = open_db(path)
    # Drop FTS (and its triggers) so the bulk insert is not indexed row by row; rebuilt below.
    for name, spec in TABLES.items():
        if spec.get("fts") and db[f"{name}_fts"].exists():
            db[name].disable_fts()
    conn = db.conn
    pool = _sentence_pool(rng)
    generic = _generic_pool(rng)
    seen = f"{today.isoformat()}T06:00:00+00:00"

    council_rows = _councils(councils, rng)
    committee_rows, meeting_rows, item_rows = [], [], []
    end = today + dt.timedelta(days=120)
    days = (end - dt.date(start_year, 1, 1)).days
    n_meet = max(1, int(meetings_per_committee_per_year * days / 365))
    for c in council_rows:
        slug = c["slug"]
        for ci, (title, category) in enumerate(COMMITTEES):
            cid = f"{slug}:c{ci + 1}"
            committee_rows.append(
                {
                    "id": cid,
                    "council": slug,
                    "committee_id": str(100 + ci),
                    "title": title,
                    "category": category,
                    "expired": 0,
                    "url": f"{c['base_url']}/mgCommitteeDetails.aspx?ID={100 + ci}",
                    "first_seen": seen,
                    "last_seen": seen,
                }
            )
            for k in range(n_meet):
                date = dt.date(start_year, 1, 1) + dt.timedelta(days=int((k + rng.random()) * days / n_meet))
                mid = f"{slug}:m{ci + 1}-{k + 1}"
                meeting_id = str(1000 * (ci + 1) + k)
                cancelled = int(rng.random() < 0.03)
                meeting_rows.append(
                    {
                        "id": mid,
                        "council": slug,
                        "committee": cid,
                        "committee_title": title,
                        "meeting_id": meeting_id,
                        "date": date.isoformat(),
                        "year": date.year,
                        "time": rng.choice(["10:00", "14:00", "18:30"]),
                        "status": "Cancelled" if cancelled else "Confirmed",
                        "cancelled": cancelled,
                        "location": "Council Chamber, Civic Centre",
                        "url": f"{c['base_url']}/ieListDocuments.aspx?MId={meeting_id}",
                        "read_via": C.VIA_WEB_SERVICE if c["platform"] == "moderngov" else C.VIA_HTML,
                        "send_related": 0,
                        "first_seen": seen,
                        "last_seen": seen,
                    }
                )
                send_share = 0.7 if ci == 0 else 0.2
                n_items = rng.randint(4, 8)
                for pos in range(1, n_items + 1):
                    restricted = 0
                    terms: list[str] = []
                    r = rng.random()
                    if pos <= 3:
                        title_i = OTHER_ITEMS[pos - 1]
                    elif r < send_share * 0.12:
                        title_i, terms = rng.choice(SEND_RESTRICTED_ITEMS)
                        restricted = 1
                    elif r < send_share:
                        title_i, terms = rng.choice(SEND_ITEMS)
                    elif r < send_share + 0.04:
                        title_i = rng.choice(OTHER_RESTRICTED)
                        restricted = 1
                    else:
                        title_i = rng.choice(OTHER_ITEMS[3:])
                    past = date < today
                    item_rows.append(
                        {
                            "id": f"{mid}:i{pos}",
                            "council": slug,
                            "meeting": mid,
                            "committee_title": title,
                            "meeting_date": date.isoformat(),
                            "item_id": f"{meeting_id}{pos:02d}",
                            "number": str(pos),
                            "position": pos,
                            "title": title_i,
                            "agenda_text": ("Part 2 - not for publication. " if restricted else "") + rng.choice(pool),
                            "minutes_text": rng.choice(pool) if past else None,
                            "url": f"{c['base_url']}/mgIssueHistoryHome.aspx?IId={meeting_id}{pos:02d}",
                            "restricted": restricted,
                            "send_terms": json.dumps(terms),
                            "send_related": int(bool(terms)),
                            "first_seen": seen,
                            "last_seen": seen,
                        }
                    )
                    if terms:
                        meeting_rows[-1]["send_related"] = 1

    # Documents and pages: SEND items first, then others, until the page budget is spent.
    items_by_council_send = [it for it in item_rows if it["send_related"] and not it["restricted"]]
    others = [it for it in item_rows if not it["send_related"] and not it["restricted"] and it["position"] > 3]
    rng.shuffle(others)
    past_send = [it for it in items_by_council_send if it["meeting_date"] < today.isoformat()]
    rng.shuffle(past_send)
    candidates = past_send + others
    councils_by_slug = {c["slug"]: c for c in council_rows}
    # Per-council figure series.
    series = {}
    for c in council_rows:
        series[c["slug"]] = {
            "deficit0": rng.uniform(2e6, 40e6),
            "growth": rng.uniform(1.15, 1.45),
            "hnb0": rng.uniform(40e6, 200e6),
            "ehcp0": rng.randint(1500, 8000),
        }

    doc_rows, page_rows, figure_rows, withheld_rows = [], [], [], []
    pages_left = pages
    ci = 0
    while pages_left > 0 and candidates:
        item = candidates[ci % len(candidates)]
        appendix = ci // len(candidates)
        ci += 1
        c = councils_by_slug[item["council"]]
        n_pages = min(pages_left, rng.randint(2, 16))
        pages_left -= n_pages
        doc_id = f"{item['id']}:d{appendix + 1}"
        attachment = str(50000 + ci)
        mdate = dt.date.fromisoformat(item["meeting_date"])
        title = item["title"] if appendix == 0 else f"Appendix {chr(65 + appendix % 26)} - {item['title']}"
        doc_rows.append(
            {
                "id": doc_id,
                "council": item["council"],
                "meeting": item["meeting"],
                "agenda_item": item["id"],
                "kind": C.DOC_REPORT,
                "title": title,
                "url": f"{c['base_url']}/documents/s{attachment}/report.pdf",
                "attachment_id": attachment,
                "publication_date": (mdate - dt.timedelta(days=7)).isoformat(),
                "listed_size": f"{rng.randint(80, 900)} KB",
                "restricted": 0,
                "restrictions_ref": None,
                "send_terms": item["send_terms"],
                "send_related": item["send_related"],
                "sha256": hashlib.sha256(doc_id.encode()).hexdigest(),
                "bytes": rng.randint(80_000, 900_000),
                "content_type": "application/pdf",
                "http_status": 200,
                "fetched_at": seen,
                "extract_status": C.EXTRACT_OK,
                "extract_message": None,
                "page_count": n_pages,
                "extracted_sha256": hashlib.sha256(doc_id.encode()).hexdigest(),
                "extract_rules_version": "1",
                "first_seen": seen,
                "last_seen": seen,
            }
        )
        # Figures: the latest 31 March before the meeting, on page 1-2 of SEND reports.
        figs: dict[int, list[tuple[dict, str]]] = {}
        if item["send_related"] and appendix == 0:
            s = series[item["council"]]
            fy_end = mdate.year if mdate.month > 3 else mdate.year - 1
            years = fy_end - 2018
            stock = dt.date(fy_end, 3, 31).isoformat()
            period = _fy(fy_end - 1)
            deficit = round(s["deficit0"] * s["growth"] ** years, -5)
            hnb = round(s["hnb0"] * 1.06**years, -5)
            ehcp = int(s["ehcp0"] * 1.1**years)
            specs = [
                (
                    C.METRIC_DSG_CUMULATIVE_DEFICIT,
                    deficit,
                    C.UNIT_GBP,
                    _fmt_m(deficit),
                    f"The cumulative DSG deficit at 31 March {fy_end} was {_fmt_m(deficit)}.",
                ),
                (
                    C.METRIC_HNB_ALLOCATION,
                    hnb,
                    C.UNIT_GBP,
                    _fmt_m(hnb),
                    f"The High Needs Block allocation for {period} was {_fmt_m(hnb)} after recoupment.",
                ),
                (
                    C.METRIC_EHCP_COUNT,
                    ehcp,
                    C.UNIT_COUNT,
                    f"{ehcp:,}",
                    f"At 31 March {fy_end} the council maintained {ehcp:,} EHC plans.",
                ),
            ]
            for metric, value, unit, matched, sentence in specs:
                page_no = rng.randint(1, min(2, n_pages))
                fig = {
                    "id": f"{doc_id}:f:{metric}",
                    "document": doc_id,
                    "council": item["council"],
                    "meeting": item["meeting"],
                    "meeting_date": item["meeting_date"],
                    "page": page_no,
                    "metric": metric,
                    "value": float(value),
                    "unit": unit,
                    "low": None,
                    "high": None,
                    "period": period,
                    "stock_date": stock,
                    "basis": "actual",
                    "approximate": 0,
                    "matched_text": matched,
                    "sentence": sentence,
                    "row_label": None,
                    "column_label": None,
                    "bbox": None,
                    "rule": f"{metric}_sentence",
                    "rule_version": "1",
                }
                figs.setdefault(page_no, []).append((fig, sentence))
        for p in range(1, n_pages + 1):
            extra = [s for _, s in figs.get(p, [])]
            heading = f"{c['name']} - {item['committee_title']} - {item['meeting_date']}\n{title}"
            page_rows.append(
                (
                    f"{doc_id}:p{p}",
                    doc_id,
                    item["council"],
                    p,
                    _page_text(rng, pool, generic, heading if p == 1 else f"Page {p}", extra),
                )
            )
            figure_rows.extend(f for f, _ in figs.get(p, []))

    # Withheld rows for every restricted item.
    meetings_by_id = {m["id"]: m for m in meeting_rows}
    for item in item_rows:
        if not item["restricted"]:
            continue
        m = meetings_by_id[item["meeting"]]
        r = rng.random()
        paras = [3] if r < 0.7 else ([1, 2] if r < 0.85 else ([5] if r < 0.95 else [1]))
        desc = "; ".join(PARA_DESC[p] for p in paras)
        source = rng.choice(C.WITHHELD_SOURCES[:4])
        sources = sorted({source, C.WITHHELD_AGENDA_TEXT})
        with_doc = rng.random() < 0.5
        withheld_rows.append(
            {
                "id": f"{item['id']}:w",
                "council": item["council"],
                "committee_title": item["committee_title"],
                "meeting": item["meeting"],
                "meeting_date": item["meeting_date"],
                "year": m["year"],
                "meeting_url": m["url"],
                "agenda_item": item["id"],
                "item_number": item["number"],
                "item_title": item["title"],
                "document": f"{item['id']}:exempt" if with_doc else None,
                "document_title": f"Exempt appendix - {item['title']}" if with_doc else None,
                "paragraphs": json.dumps(paras),
                "jurisdiction": C.JURISDICTION_ENGLAND,
                "reason": WITHHELD_REASON.format(paras=" and ".join(map(str, paras)), desc=desc),
                "source": source,
                "sources": json.dumps(sources),
                "reasons_url": (
                    f"{councils_by_slug[item['council']]['base_url']}/mgReasonsRestricted.aspx?ID={item['item_id']}"
                ),
                "page": None,
                "send_related": item["send_related"],
                "first_seen": seen,
                "last_seen": seen,
            }
        )

    def insert(table: str, rows: list) -> None:
        if not rows:
            return
        cols = list(TABLES[table]["columns"])
        sql = f"insert into [{table}] ({', '.join(cols)}) values ({', '.join('?' * len(cols))})"
        if isinstance(rows[0], dict):
            rows = [tuple(r.get(c) for c in cols) for r in rows]
        conn.executemany(sql, rows)

    # Nightly history: a crawl_runs row per council per night for 60 nights, and changes.
    run_rows, change_rows = [], []
    kinds = ["new_version", "removed", "withheld", "published", "changed"]
    for night in range(60):
        started = f"2026-{9 + night // 30:02d}-{night % 30 + 1:02d}T02:30:00+00:00"
        run_id = f"{started}-synth"
        for c in council_rows:
            status = "ok" if rng.random() > 0.03 else rng.choice(["errors", "failed"])
            run_rows.append(
                {
                    "id": f"{run_id}/{c['slug']}",
                    "run_id": run_id,
                    "council": c["slug"],
                    "started": started,
                    "finished": started,
                    "status": status,
                    "read_via": "web_service",
                    "requests": rng.randint(40, 400),
                    "bytes": rng.randint(10**5, 10**7),
                    "meetings": rng.randint(5, 40),
                    "errors": 0 if status == "ok" else rng.randint(1, 9),
                }
            )
        for n in range(rng.randint(100, 300)):
            m = rng.choice(meeting_rows)
            change_rows.append(
                {
                    "id": f"{run_id}/{n}",
                    "run_id": run_id,
                    "council": m["council"],
                    "detected_at": started,
                    "object_type": "document",
                    "object_id": f"{m['id']}/{n}",
                    "meeting": m["id"],
                    "change": rng.choice(kinds),
                    "summary": "synthetic change",
                    "send_related": int(rng.random() < 0.3),
                }
            )

    with conn:
        insert("crawl_runs", run_rows)
        insert("changes", change_rows)
        insert("councils", council_rows)
        insert("committees", committee_rows)
        insert("meetings", meeting_rows)
        insert("agenda_items", item_rows)
        insert("documents", doc_rows)
        insert("pages", page_rows)
        insert("withheld", withheld_rows)
        insert("figures", figure_rows)
    if verbose:
        print(f"inserted in {time.time() - t0:.1f}s", file=sys.stderr)
    ensure_schema(db)  # recreates FTS tables + triggers and populates them
    with conn:
        for name, spec in TABLES.items():
            if spec.get("fts"):
                conn.execute(f"insert into [{name}_fts]([{name}_fts]) values ('optimize')")
    conn.execute("ANALYZE")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    if verbose:
        print(
            f"built {path} in {time.time() - t0:.1f}s: {len(council_rows)} councils, "
            f"{len(meeting_rows)} meetings, {len(item_rows)} items, {len(doc_rows)} documents, "
            f"{len(page_rows)} pages, {len(withheld_rows)} withheld, {len(figure_rows)} figures",
            file=sys.stderr,
        )
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--councils", type=int, default=12)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    build_synthetic_db(args.path, councils=args.councils, pages=args.pages, seed=args.seed, verbose=True)


if __name__ == "__main__":
    main()
