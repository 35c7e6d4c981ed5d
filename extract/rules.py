"""The vocabulary that ties a figure to a metric: cue phrases, exclusions, basis words.

Bump `RULES_VERSION` whenever a rule changes what is extracted: documents extracted with an
older version are re-extracted on the next run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sendwatch import constants as C

RULES_VERSION = "2026.11.2"

I = re.IGNORECASE  # noqa: E741 - the flag's own one-letter name, as in re


@dataclass(frozen=True)
class Rule:
    """A cue phrase that names a metric when it is the nearest cue to a figure."""

    name: str
    metric: str
    cue: re.Pattern
    units: tuple[str, ...] = (C.UNIT_GBP,)
    needs: re.Pattern | None = None  # must also appear somewhere in the sentence
    sign: int = 1
    tier: int = 0  # a cue of a lower tier anywhere in the context beats a nearer higher tier
    needs_page: bool = False  # `needs` may be met anywhere on the page


def _r(p: str, flags: int = I) -> re.Pattern:
    return re.compile(p, flags)


# The sentence is about the local DSG / high-needs picture (SEND in capitals: "send" is a verb).
DSG_CONTEXT = re.compile(
    r"(?i:\bDSG\b|dedicated\s+schools\s+grant|high[\s-]+needs|\bHNB\b|special\s+educational"
    r"|safety\s+valve|schools\s+forum|statutory\s+override)|\bSEND\b|\bSEN\b"
)
SV = _r(r"safety\s+valve")
SCHOOLS_BLOCK = _r(r"schools\s+block")
EHCP = r"(?:EHCPs?|EHC\s+plans?|education,?\s+health\s+(?:and|&)\s+care\s+plans?)"

EXCLUSIONS = (
    r"\bnational(?:ly)?\b|across\s+(?:England|the\s+country)|\bin\s+England\b"
    r"|all\s+(?:local\s+authorities|councils|LAs)|school(?:s'|'s|s)?\s+(?:revenue\s+)?balances"
    r"|balances\s+held\s+by\s+schools|general\s+fund|\bPFI\b|private\s+finance"
    r"|falling\s+rolls|growth\s+fund|council\s+tax|per\s+pupil|capital\s+programme"
    r"|all\s+(?:\w+\s+)?(?:local\s+)?(?:authorities|councils|LAs)\b|\btransport\b"
)
# Unit costs, not totals: only when they lead up to the figure ("an average of £63,473").
UNIT_COST = r"\baverage\b|\bper\s+(?:place|placement|child|plan|EHCP|head)\b|\beach\s+(?:additional|new)\b"

EXCLUSION_RE = _r(EXCLUSIONS)
UNIT_COST_RE = _r(UNIT_COST)
_CLAUSE_BREAK = _r(r"[,;:(]|\s(?:and|but|while|whereas|although|compared\s+(?:to|with))\s")


# Not a level at all: a change ("would increase by £0.9m", "an increase of £3.7m",
# "£11.6m more of the deficit", "£35,000 a year less than").
CHANGE_LEFT = _r(
    r"(?:\b(?:increas|ris(?:e|es|en|ing)\b|rose|grow|grew|fall|fell|decreas|reduc|cut|lower|rais|slow)\w*"
    r"(?:\s+[\w'-]+){0,5}?\s+by|\b(?:an?\s+|the\s+)?(?:increase|reduction|rise|fall|decrease|growth"
    r"|change|movement|saving|difference)s?\s+of)\s*(?:up\s+to\s+|about\s+|around\s+|c\.?\s?)?$"
)
CHANGE_RIGHT = _r(r"^\s*(?:a\s+year\s+|per\s+year\s+|a\s+month\s+)?(?:more|less|higher|lower|extra)\b")
# The sentence up to the figure is about something that is not a metric of ours.
NOT_A_METRIC_LEFT = _r(r"cost\s+of\s+carrying|lost\s+interest|interest\s+(?:cost|charge)s?|cost\s+avoidance")
# A sentence that opens on the national picture ("Nationally, ...", "Across England, ...")
# governs every figure after it unless the sentence turns back to the council.
NATIONAL_OPENING = _r(r"\bnationally\b|across\s+(?:England|the\s+country)|\bin\s+England\b")
LOCAL_TURN = _r(
    r"\b(?:our|locally|the\s+council(?:'s)?|this\s+council|the\s+authority(?:'s)?|we)\b"
    r"|\bwhile\b|\bwhereas\b|\bbut\b"
)
MAX_LOCAL_GBP = 1e9  # no council's high-needs figure reaches £1bn: that is a national total


def national(left_of_sentence: str) -> bool:
    """True when the sentence up to the figure is about the national picture."""
    hits = list(NATIONAL_OPENING.finditer(left_of_sentence))
    return bool(hits) and not LOCAL_TURN.search(left_of_sentence[hits[-1].end() :])


def is_change(left: str, right: str) -> bool:
    """True when the figure is a change in something, not its level."""
    return bool(CHANGE_LEFT.search(left[-80:]) or CHANGE_RIGHT.match(right))


def excluded(left: str, right: str, *, sentence_start: bool = False) -> bool:
    """True when the figure's own clause says it is national, a school balance, general fund...

    `sentence_start`: the left context starts the sentence, so a short opening adverbial
    ("Nationally, ...", "Across England, ...") governs the figure too.
    """
    parts = _CLAUSE_BREAK.split(left)
    clause = parts[-1] if parts else left
    if not clause.strip() and len(parts) > 1:
        clause = parts[-2]  # "national funding (£10.5bn)": the clause before the bracket
    if sentence_start and len(parts) > 1 and len(parts[0].split()) <= 4:
        clause = parts[0] + " " + clause
    own_right = _CLAUSE_BREAK.split(right, maxsplit=1)[0]
    return bool(EXCLUSION_RE.search(clause) or UNIT_COST_RE.search(clause) or EXCLUSION_RE.search(own_right[:25]))


PROSE_RULES: tuple[Rule, ...] = (
    Rule(
        "timeliness_20_weeks",
        C.METRIC_EHCP_20_WEEK_TIMELINESS,
        _r(r"20[\s-]weeks?|twenty\s+weeks|statutory\s+time\s?(?:scale|frame|limit)s?"),
        (C.UNIT_PERCENT,),
    ),
    Rule(
        "assessment_requests",
        C.METRIC_EHC_ASSESSMENT_REQUESTS,
        _r(
            r"requests?\s+for\s+(?:an?\s+)?(?:statutory\s+)?(?:EHC|education,?\s+health\s+and\s+care)"
            r"(?:\s+needs)?\s+assessments?|(?:EHC|EHCNA|EHC\s+needs|needs)\s+assessment\s+requests?"
            r"|requests?\s+for\s+(?:statutory\s+)?assessments?"
        ),
        (C.UNIT_COUNT,),
    ),
    Rule("ehcp_count", C.METRIC_EHCP_COUNT, _r(EHCP), (C.UNIT_COUNT,)),
    Rule(
        "independent_placements",
        C.METRIC_INDEPENDENT_PLACEMENTS,
        _r(
            r"independent\s+(?:and\s+non-maintained\s+)?(?:special\s+)?(?:schools?|sector|placements?|providers?|settings?)|non-maintained|\bINMSS\b|\bISP\b"
        ),
        (C.UNIT_COUNT,),
    ),
    Rule(
        "independent_spend",
        C.METRIC_INDEPENDENT_SPEND,
        _r(
            r"independent\s+(?:and\s+non-maintained\s+)?(?:special\s+)?(?:schools?|sector|placements?|providers?|settings?)|non-maintained|\bINMSS\b"
        ),
    ),
    Rule(
        "safety_valve_instalment",
        C.METRIC_SAFETY_VALVE_INSTALMENT,
        _r(r"instal+ments?|tranches?|(?:annual|further|final|first|second|next)\s+payments?"),
        needs=SV,
        needs_page=True,  # "The DfE has withheld the 2024-25 instalment of £2.9m ..."
    ),
    Rule("safety_valve_total", C.METRIC_SAFETY_VALVE_TOTAL, SV),
    Rule("dbv_grant", C.METRIC_DBV_GRANT, _r(r"delivering\s+better\s+value|\bDBV\b")),
    Rule(
        "schools_block_transfer",
        C.METRIC_SCHOOLS_BLOCK_TRANSFER,
        _r(r"transfer\w*|\bmov(?:e|ed|ing|ement)\b|top[\s-]?slic\w*|disapplication|from\s+(?:the\s+)?schools\s+block"),
        (C.UNIT_GBP, C.UNIT_PERCENT),
        needs=SCHOOLS_BLOCK,
    ),
    Rule(
        "cumulative_deficit",
        C.METRIC_DSG_CUMULATIVE_DEFICIT,
        _r(
            r"cumulative|accumulated|historic(?:al)?\s+deficit|carried\s+forward|brought\s+forward"
            r"|overall\s+deficit|total\s+deficit|DSG\s+reserve|adjustment\s+account|deficit\s+reserve"
            r"|unusable\s+reserve"
        ),
        needs=DSG_CONTEXT,
    ),
    Rule(
        "cumulative_surplus",
        C.METRIC_DSG_CUMULATIVE_DEFICIT,
        _r(r"cumulative\s+surplus|surplus\s+carried\s+forward"),
        needs=DSG_CONTEXT,
        sign=-1,
    ),
    Rule(
        "in_year_underspend",
        C.METRIC_DSG_INYEAR_OVERSPEND,
        _r(r"under[\s-]?spen\w*|in[\s-]year\s+surplus"),
        needs=DSG_CONTEXT,
        sign=-1,
    ),
    Rule(
        "in_year_overspend",
        C.METRIC_DSG_INYEAR_OVERSPEND,
        _r(r"in[\s-]year|over[\s-]?spen\w*|pressures?|shortfall|variance|\bgap\b"),
        needs=DSG_CONTEXT,
    ),
    # "deficit" alone: cumulative or in-year is decided from the period (see figures.py).
    Rule("deficit", C.METRIC_DSG_CUMULATIVE_DEFICIT, _r(r"deficits?"), needs=DSG_CONTEXT, tier=1),
    Rule(
        "high_needs_allocation",
        C.METRIC_HNB_ALLOCATION,
        _r(
            r"high[\s-]+needs\s+(?:block\s+)?(?:funding|allocation|budget|grant|DSG)"
            r"|(?:high[\s-]+needs\s+block|\bHNB\b)(?!\s+(?:spend|forecast|overspend|gap|pressure|deficit))"
        ),
        tier=2,
    ),
)

# Any cue at all: sentences without one skip the figure rules.
ANY_CUE = re.compile(
    "|".join(f"(?:{r.cue.pattern})" for r in PROSE_RULES) + r"|(?i:high[\s-]+needs|\bDSG\b)",
    I,
)

# Page triage: plain substring tests on the lower-cased page, far cheaper than a regex.
# Every rule needs one of these words on the page (metric cues or the DSG context).
PAGE_WORDS = (
    "dsg", "dedicated schools grant", "high needs", "high-needs", "hnb", "special educational",
    "safety valve", "schools forum", "ehcp", "ehc plan", "ehc needs", "ehcna",
    "education, health", "education health", "independent", "non-maintained", "inmss", "dbv",
    "delivering better value", "schools block", "20 week", "20-week", "twenty weeks",
    "statutory override",
)  # fmt: skip
_SEND_UPPER = re.compile(r"\bSEND?\b")


def page_has_cue(text: str) -> bool:
    """Cheap triage: could this page hold a SEND / high-needs figure at all?"""
    low = text.lower()
    return any(w in low for w in PAGE_WORDS) or bool(_SEND_UPPER.search(text))


BASIS = (
    (
        "projection",
        _r(r"project(?:ed|ion|ions|s)?\b|if\s+no\s+action|unmitigated|mitigat\w+|do[\s-]nothing"),
    ),
    (
        "forecast",
        _r(r"forecast\w*|\bQ[1-4]\b|quarter\s+[1-4]|month\s+\d+|period\s+\d+|expected\s+to|anticipated"),
    ),
    ("budget", _r(r"budget\w*|planned|target\w*|trajectory")),
    ("actual", _r(r"\bactual\w*|outturn\w*|audited|closing\s+balance")),
)

# Numbers that are not counts of anything we measure.
NOT_A_COUNT_BEFORE = re.compile(
    r"(?:paragraphs?|paras?|items?|appendix|appendices|table|page|section|schedule|part|minute|"
    r"Q|quarter|month|period|phase|tier|band|year|years|age|aged|ages|key\s+stage|ks|no\.?|number|"
    r"of\s+the|option|recommendation|figure|chart|annex|step|stage|point)\s*$",
    I,
)
NOT_A_COUNT_AFTER = re.compile(
    r"^[\s-]*(?:weeks?|days?|months?|years?|hours?|%|per\s+cent|schools?\b|local\s+authorities|LAs\b|councils?)",
    I,
)


def nearest_rule(
    left: str,
    right: str,
    sentence: str,
    unit: str,
    *,
    right_first: bool = False,
    before: str = "",
    page: str = "",
) -> tuple[Rule, str] | None:
    """The rule whose cue is nearest the figure, in the lowest tier present.

    Looks in the left context first, then the right (`right_first` for counts: "612 requests").
    A rule's `needs` may be met by the sentence or by the one `before` it.
    Returns the rule and where its cue was found ("left" or "right").
    """

    def needs_met(r: Rule) -> bool:
        if r.needs is None or r.needs.search(sentence) or r.needs.search(before):
            return True
        return r.needs_page and bool(r.needs.search(page))

    usable = [r for r in PROSE_RULES if unit in r.units and needs_met(r)]
    sides = (("right", right), ("left", left)) if right_first else (("left", left), ("right", right))
    for where, ctx in sides:
        best: tuple[int, int, int, Rule] | None = None
        for order, rule in enumerate(usable):
            ms = list(rule.cue.finditer(ctx))
            if not ms:
                continue
            dist = len(ctx) - ms[-1].end() if where == "left" else ms[0].start()
            cand = (rule.tier, dist, order, rule)
            if best is None or cand[:3] < best[:3]:
                best = cand
        if best:
            return best[3], where
    return None


def basis_of(*contexts: str) -> str | None:
    """The basis the nearest context names (projection beats forecast beats budget/actual)."""
    for ctx in contexts:
        for name, pattern in BASIS:
            if pattern.search(ctx):
                return name
    return None
