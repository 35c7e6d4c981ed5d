"""Sentence rules: from prose to SEND / high-needs figures.

Each figure found (money, count, percentage) gets the metric whose cue phrase is nearest to
it in its sentence (see rules.py), unless its own clause marks it as national, a school
balance, general fund, PFI or falling rolls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from extract import numbers, periods, rules
from extract.text import Span, split_blocks
from sendwatch import constants as C


@dataclass
class Figure:
    """One figure, as a `figures` row without the document-level columns."""

    page: int
    metric: str
    value: float
    unit: str
    matched_text: str
    sentence: str
    rule: str
    low: float | None = None
    high: float | None = None
    period: str | None = None
    stock_date: str | None = None
    basis: str | None = None
    approximate: bool = False
    row_label: str | None = None
    column_label: str | None = None
    bbox: list[float] | None = None
    rule_version: str = rules.RULES_VERSION
    # Character span in the page text (for bounding boxes); not stored.
    span: tuple[int, int] | None = field(default=None, repr=False)

    def key(self) -> tuple:
        """What makes two figures the same figure on a page."""
        return (self.page, self.metric, self.unit, round(self.value), self.period, self.stock_date)


_CONTINUES = re.compile(
    r"^[\s,]*(?:\S+\s+){0,8}?(?:compared\s+(?:with|to)|against|from|to|to\s+be|be|reach\w*"
    r"|(?:ris|increas|grow|fall|decreas|reduc)\w*\s+to|then|or)\s*$",
    re.IGNORECASE,
)
_DIRECTION_AFTER = re.compile(r"^\s*\(?\s*(under[\s-]?spend|surplus|over[\s-]?spend)", re.IGNORECASE)
_FLOWS = {C.METRIC_HNB_ALLOCATION, C.METRIC_DSG_INYEAR_OVERSPEND}
_HAS_FIGURE = re.compile(r"\d")
_RESTATED = re.compile(r"^\s*\(\s*$")
_ENDS_SENTENCE = re.compile(r"[.;!?]\s*$")
_CUT_RIGHT = re.compile(r"[;,)]|\s(?:and|but|which|while|whereas|rising|falling|compared)\s")


def figures_from_text(text: str, page: int = 1, meeting_date: date | None = None) -> list[Figure]:
    """All figures in the prose of one page (table-like lines are left to tables.py)."""
    if not rules.page_has_cue(text):
        return []
    sentences, _ = split_blocks(text)
    out: list[Figure] = []
    for k, s in enumerate(sentences):
        if _HAS_FIGURE.search(s.text) and rules.ANY_CUE.search(s.text):
            # The sentence before may name the subject ("The cumulative DSG deficit is ...
            # If no action was taken, the deficit ..."): used for the `needs` test only.
            # Headings and captions are skipped: a heading is not a statement about a figure.
            before = ""
            for prev in sentences[max(0, k - 8) : k][::-1]:
                if _ENDS_SENTENCE.search(prev.text):
                    before = prev.text
                    break
            out.extend(figures_from_sentence(s, page, meeting_date, before=before, page_text=text))
    return out


def _amounts(s: str, found_periods: list[periods.Period]) -> list[numbers.Amount]:
    money = numbers.find_money(s)
    pct = numbers.find_percents(s)
    taken = [(a.start, a.end) for a in money + pct]
    taken += [(p.start, p.end) for p in found_periods]
    counts = []
    for a in numbers.find_counts(s):
        if any(a.start < e and st < a.end for st, e in taken):
            continue
        if rules.NOT_A_COUNT_BEFORE.search(s[max(0, a.start - 20) : a.start]):
            continue
        if rules.NOT_A_COUNT_AFTER.match(s[a.end :]):
            continue
        counts.append(a)
    return sorted(money + pct + counts, key=lambda a: a.start)


def figures_from_sentence(
    span: Span,
    page: int = 1,
    meeting_date: date | None = None,
    *,
    before: str = "",
    page_text: str = "",
) -> list[Figure]:
    """Figures in one sentence; `span` offsets are kept so bboxes can be found later.

    `before` is the previous sentence: it can satisfy a rule's `needs` (the subject named
    once, then "the deficit", "the first instalment"), never supply a cue.
    """
    s = span.text
    found_periods = periods.find_periods(s, meeting_date)
    amounts = _amounts(s, found_periods)
    picked = _pick_rules(s, amounts, before, page_text)
    # A period written right after any figure belongs to that figure, picked or not
    # ("from 337 to 262 by 2027-28": the year is the target's, not the current count's).
    all_direct = {id(a): _direct_period(a, s, amounts, found_periods) for a in amounts}
    direct = [all_direct[id(a)] for a, *_ in picked]
    claimed = {d[2] for d in all_direct.values() if d and d[2] is not None}
    out: list[Figure] = []
    for (a, rule, left, right), d in zip(picked, direct, strict=True):
        period, stock = _period_fallback(d, found_periods, claimed)
        metric, sign = rule.metric, rule.sign
        direction = _DIRECTION_AFTER.match(right)
        if direction and metric in _FLOWS:
            # "£0.6m (underspend)": the words after the figure give its direction.
            metric = C.METRIC_DSG_INYEAR_OVERSPEND
            sign = -1 if re.match(r"under|surplus", direction.group(1), re.IGNORECASE) else 1
        if rule.name == "deficit" and period and not stock and not _says_cumulative(s):
            metric = C.METRIC_DSG_INYEAR_OVERSPEND
        near = _near_basis_context(left, right)
        out.append(
            Figure(
                page=page,
                metric=metric,
                value=sign * a.value,
                unit=a.unit,
                low=None if a.low is None else sign * a.low,
                high=None if a.high is None else sign * a.high,
                matched_text=a.text,
                sentence=span.clean,
                rule=f"sentence:{rule.name}",
                period=period,
                stock_date=stock,
                basis=rules.basis_of(*near, left, *([s] if len(picked) == 1 else [])),
                approximate=a.approximate,
                span=(span.start + a.start, span.start + a.end),
            )
        )
    return out


def _pick_rules(
    s: str, amounts: list[numbers.Amount], before: str = "", page_text: str = ""
) -> list[tuple[numbers.Amount, rules.Rule, str, str]]:
    """The amounts in a sentence that are figures we measure, with their rule and contexts."""
    picked: list[tuple[numbers.Amount, rules.Rule, str, str]] = []
    for a in amounts:
        # Counts do not cut the context of money ("£5m for 312 placements in independent..."),
        # nor do percentages ("a transfer of 0.5% of the Schools Block (£1.6m)").
        is_count = a.unit == C.UNIT_COUNT
        if is_count:
            bounds = amounts
        elif a.unit == C.UNIT_GBP:
            bounds = [b for b in amounts if b.unit == C.UNIT_GBP]
        else:
            bounds = [b for b in amounts if b.unit != C.UNIT_COUNT]
        prev_end = max((b.end for b in bounds if b.end <= a.start), default=0)
        next_start = min((b.start for b in bounds if b.start >= a.end), default=len(s))
        left, right = s[prev_end : a.start], s[a.end : next_start]
        if rules.excluded(left, right, sentence_start=prev_end == 0):
            continue
        if a.unit == C.UNIT_GBP and (
            a.value >= rules.MAX_LOCAL_GBP
            or rules.national(s[: a.start])
            or rules.NOT_A_METRIC_LEFT.search(s[: a.start])
        ):
            continue  # a national total, or not one of our metrics at all
        if rules.is_change(s[: a.start], s[a.end :]):
            continue  # "would increase by £0.9m": a change, not the level of anything
        hit = rules.nearest_rule(left, right[:100], s, a.unit, right_first=is_count, before=before, page=page_text)
        restated = _RESTATED.match(left) and picked and picked[-1][0].unit == a.unit and picked[-1][0].end == prev_end
        if restated and picked[-1][0].approximate and not a.approximate:
            # "a grant of up to £1 million (£0.947m confirmed)": the exact figure in brackets
            # is the value; the ceiling before it is not.
            hit = picked.pop()[1], "left"
        elif not hit and picked and picked[-1][0].unit == a.unit and _CONTINUES.search(left):
            # "£92.6m for 2024-25, compared with £88.4m last year": same metric, other period.
            hit = picked[-1][1], "left"
        if not hit:
            continue
        rule, where = hit
        if is_count and not _count_is_adjacent(rule, left, right, where):
            continue
        picked.append((a, rule, left, right))
    return picked


def _count_is_adjacent(rule: rules.Rule, left: str, right: str, where: str) -> bool:
    # "4,200 EHCPs", "612 requests for EHC needs assessment", "EHCPs rose to 4,200".
    if where == "right":
        m = rule.cue.search(right)
        return bool(m) and len(right[: m.start()].split()) <= 4
    ms = list(rule.cue.finditer(left))
    if not ms:  # carried over from the previous figure ("from 312 to 243"): no cue of its own
        return False
    between = left[ms[-1].end() :]
    # "... independent special schools, where the number of children placed has risen to 337"
    limit = 12 if re.search(r"\bnumber\s+of\b", between, re.IGNORECASE) else 8
    return len(between.split()) <= limit


def _says_cumulative(s: str) -> bool:
    return bool(
        re.search(
            r"cumulative|accumulated|carried\s+forward|by\s+(?:the\s+end|31|march)"
            r"|\b(?:rise|rises|rising|grow|grows|increase|increases)\s+to\b|\breach",
            s,
            re.IGNORECASE,
        )
    )


def _direct_period(
    a: numbers.Amount, s: str, amounts: list[numbers.Amount], found: list[periods.Period]
) -> tuple[str | None, str | None, int | None] | None:
    """(period, stock date, claimed position) written right after or before the figure."""
    bounds = [b for b in amounts if b.unit != C.UNIT_COUNT or a.unit == C.UNIT_COUNT]
    lo = max((b.end for b in bounds if b.end <= a.start), default=0)
    hi = min((b.start for b in bounds if b.start >= a.end), default=len(s))
    # Right after the figure ("£12m in 2023-24", "£45m at 31 March 2025"), within its clause:
    # that period belongs to this figure alone.
    right = s[a.end : hi]
    cut = _CUT_RIGHT.search(right)
    limit = a.end + (cut.start() if cut else len(right))
    after = [p for p in found if a.end <= p.start < min(limit, a.end + 30)]
    if after:
        return after[0].period, after[0].stock_date, after[0].start
    # Before the figure, in its own clause ("In 2024-25 the Forum agreed ... £1.553m"), but
    # not across a semicolon ("received in March 2024; subsequent instalments of £2.9m").
    before = [p for p in found if lo <= p.start and p.end <= a.start and ";" not in s[p.end : a.start]]
    if before:
        return before[-1].period, before[-1].stock_date, None
    return None


def _period_fallback(
    direct: tuple | None, found: list[periods.Period], claimed: set[int]
) -> tuple[str | None, str | None]:
    if direct:
        return direct[0], direct[1]
    # One period in the sentence that no other figure has claimed covers this figure too.
    free = {(p.period, p.stock_date) for p in found if p.start not in claimed}
    if len(free) == 1 and len({(p.period, p.stock_date) for p in found}) == 1:
        return free.pop()
    return None, None


def _near_basis_context(left: str, right: str) -> tuple[str, str]:
    clause = re.split(r"[,;:]|\s(?:and|but|while|whereas|or)\s", left)[-1]
    rclause = _CUT_RIGHT.split(right)[0]
    return clause, rclause
