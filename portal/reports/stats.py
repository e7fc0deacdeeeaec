"""Aggregates for the reports: forms failing each rule by place, phase and census term, small counts hidden.

Two layers of tables are protected (see portal/disclosure.py):

1. what every page shows whichever rule is chosen: forms by region, local authority, phase, academic year and
   census term; forms failing each rule; forms asking for each census item;
2. the chosen rule's breakdowns, protected with every cell of layer 1 fixed, so that switching rules never
   shows a number another page hides.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Text, and_, cast, extract, func

from .. import disclosure
from ..disclosure import Equation
from ..extensions import db
from ..localities import PHASES, local_authorities
from ..models import Finding, JobStatus, ReviewStatus, Submission

FAILS = ("missing", "violation")
PASSES = ("present", "clear")
#: What each column of a rule's table counts; "other" holds forms the rule does not apply to, or with no
#: verdict for it (one column, not two: a sum of two hidden columns, one nearly always zero, would reveal it).
COLUMNS = ("fails", "passes", "applies", "other")
TERMS = ("Autumn", "Spring", "Summer")
CENSUS_ITEMS = (
    "nationality",
    "country_of_birth",
    "ethnicity",
    "first_language",
    "english_proficiency",
    "religion",
    "free_school_meals",
    "sen",
    "medical",
    "ap_placement_reason",
    "passport_or_immigration",
)
ITEM_LABELS = {
    "country_of_birth": "Country of birth",
    "first_language": "First language",
    "english_proficiency": "Proficiency in English",
    "free_school_meals": "Free school meals",
    "sen": "Special educational needs",
    "medical": "Medical needs",
    "ap_placement_reason": "Alternative provision placement reason",
    "passport_or_immigration": "Passport or immigration status",
}
DIMENSIONS: dict[str, str] = {
    "region": "Region",
    "local_authority": "Local authority",
    "phase": "School phase",
    "term": "Census term",
    "year": "Academic year",
}
#: Dimensions nested in another: (child, parent).
NESTED = {"local_authority": "region", "term": "year"}
UNKNOWN = {
    "region": "Not given",
    "local_authority": "Not given",
    "phase": "Not given",
    "term": "Date not known",
    "year": "Date not known",
}


# -- census terms -----------------------------------------------------------------------------------------


def academic_year(year: int, month: int) -> str:
    """Return the English academic year (September to August) a month falls in, as "2016/17"."""
    start = year if month >= 9 else year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def census_term(year: int, month: int) -> str:
    """Return the census term a form sent home in this month prepares for, as "Autumn 2016/17".

    Autumn census in October (forms from September to December), spring in January (January to March),
    summer in May (April to August).
    """
    season = "Autumn" if month >= 9 else "Spring" if month <= 3 else "Summer"
    return f"{season} {academic_year(year, month)}"


def _term_order(label: str | None) -> tuple[Any, ...]:
    """Sort terms chronologically, unknown last."""
    if label is None:
        return (1, "", 0)
    season, year = label.split(" ")
    return (0, year, TERMS.index(season))


# -- selection --------------------------------------------------------------------------------------------


def eligible(include_unreviewed: bool = False) -> ColumnElement[bool]:
    """Return the condition for submissions that count: audited and confirmed (or not yet reviewed)."""
    statuses = [ReviewStatus.CONFIRMED.value]
    if include_unreviewed:
        statuses += [ReviewStatus.PENDING.value, ReviewStatus.DISPUTED.value]
    return and_(Submission.status == JobStatus.DONE.value, Submission.review_status.in_(statuses))


def _month_columns() -> tuple[Any, Any]:
    """Return SQL expressions for the year and month of a form's date (the uploader's month first)."""
    when = func.coalesce(Submission.form_month, Submission.form_date)
    return extract("year", when), extract("month", when)


Key = tuple[str | None, str | None, int | None, int | None]  # local authority, phase, year, month


def groups_of(key: Key) -> dict[str, str | None]:
    """Return the group a form falls in for each dimension."""
    la, phase, year, month = key
    authority = local_authorities().get(la or "")
    known = year is not None and month is not None
    return {
        "region": authority.region if authority else None,
        "local_authority": authority.code if authority else None,
        "phase": phase if phase in PHASES else None,
        "term": census_term(int(year), int(month)) if known else None,  # type: ignore[arg-type]
        "year": academic_year(int(year), int(month)) if known else None,  # type: ignore[arg-type]
    }


def label(dimension: str, group: str | None) -> str:
    """Return a group's name for people."""
    if group is None:
        return UNKNOWN[dimension]
    if dimension == "local_authority":
        return local_authorities()[group].name
    if dimension == "phase":
        return PHASES[group]
    return group


def _order(dimension: str, groups: Iterable[str | None]) -> list[str | None]:
    """Return the groups in reading order: by name, phases as listed, terms by date; unknown last."""
    if dimension in ("term", "year"):
        return sorted(groups, key=_term_order if dimension == "term" else lambda g: (g is None, g or ""))
    if dimension == "phase":
        return sorted(groups, key=lambda g: (g is None, list(PHASES).index(g) if g else 0))
    return sorted(groups, key=lambda g: (g is None, label(dimension, g)))


# -- the published figures --------------------------------------------------------------------------------


@dataclass
class Row:
    """One published line of a table: None means hidden."""

    key: str | None
    label: str
    forms: int | None
    applies: int | None = None
    fails: int | None = None
    title: str = ""

    @property
    def share(self) -> float | None:
        """Return the share failing, hidden with its numerator or denominator."""
        return disclosure.share(self.fails, self.applies)

    @property
    def hidden(self) -> bool:
        """Tell whether the share cannot be published (as opposed to having no denominator)."""
        return self.fails is None or self.applies is None


@dataclass
class ItemRow:
    """How many forms ask for one census item."""

    key: str
    label: str
    asks: int | None
    forms: int | None

    @property
    def share(self) -> float | None:
        """Return the share of forms asking, hidden with its numerator or denominator."""
        return disclosure.share(self.asks, self.forms)

    @property
    def hidden(self) -> bool:
        """Tell whether the share cannot be published."""
        return self.asks is None or self.forms is None


@dataclass
class Breakdown:
    """The chosen rule's figures by one dimension."""

    dimension: str
    title: str
    rows: list[Row]
    total: Row


@dataclass
class Report:
    """Everything a reports page shows, already protected."""

    threshold: int
    include_unreviewed: bool
    forms: int | None
    rules: list[Row]
    items: list[ItemRow]
    rule: Any  # the chosen catalogue rule
    breakdowns: list[Breakdown] = field(default_factory=list)


def _category(status: str) -> str:
    """Return the column a finding's final status counts in."""
    if status in FAILS:
        return "fails"
    if status in PASSES:
        return "passes"
    return "other"


def forms_by_context(include_unreviewed: bool = False) -> Counter[Key]:
    """Count the forms that count, by local authority, phase, year and month."""
    year, month = _month_columns()
    counts: Counter[Key] = Counter()
    for la, phase, y, m, n in db.session.execute(
        db.select(Submission.local_authority, Submission.phase, year, month, func.count())
        .where(eligible(include_unreviewed))
        .group_by(Submission.local_authority, Submission.phase, year, month)
    ):
        counts[(la, phase, y, m)] += n
    return counts


@dataclass
class _LayerOne:
    """The figures every page shows whichever rule is chosen, and what protection hid among them."""

    forms_by_key: Counter[Key]
    groups: _Groups
    rule_ids: list[str]
    values: dict[Hashable, int]
    eqs: list[Equation]
    hidden: set[Hashable]


def _layer_one(include_unreviewed: bool, threshold: int) -> _LayerOne:
    """Count forms by context, findings by rule and census items asked for, and protect them together."""
    from ..audit import rules as catalogue_module

    catalogue = catalogue_module.CATALOGUE
    where = eligible(include_unreviewed)
    forms_by_key = forms_by_context(include_unreviewed)
    status = func.coalesce(Finding.reviewed_status, Finding.status)
    by_rule: dict[str, Counter[str]] = {}
    for rule_id_, status_, n in db.session.execute(
        db.select(Finding.rule_id, status, func.count())
        .join(Submission, Finding.submission_id == Submission.id)
        .where(where)
        .group_by(Finding.rule_id, status)
    ):
        by_rule.setdefault(rule_id_, Counter())[_category(status_)] += n
    items: Counter[str] = Counter()
    as_text = cast(Submission.census_items, Text)  # few distinct lists: group them in the database
    for text, n in db.session.execute(db.select(as_text, func.count()).where(where).group_by(as_text)):
        for item in set(json.loads(text or "null") or ()) & set(CENSUS_ITEMS):
            items[item] += n

    total = sum(forms_by_key.values())
    values: dict[Hashable, int] = {("forms",): total}
    eqs: list[Equation] = []
    groups = _forms_cells(forms_by_key, values, eqs)
    rule_ids = [r.id for r in catalogue.rules] + sorted(set(by_rule) - {r.id for r in catalogue.rules})
    for rid in rule_ids:
        counts = by_rule.get(rid, Counter())
        counted = sum(counts.values())
        cells = {c: counts.get(c, 0) for c in ("fails", "passes")}
        cells["other"] = counts.get("other", 0) + max(0, total - counted)
        cells["applies"] = cells["fails"] + cells["passes"]
        for c, v in cells.items():
            values[("rule", rid, c)] = v
        eqs += _row_equations(("rule", rid), ("forms",))
    for item in CENSUS_ITEMS:
        values[("item", item, "yes")] = items.get(item, 0)
        values[("item", item, "no")] = total - items.get(item, 0)
        eqs.append(Equation(("forms",), (("item", item, "yes"), ("item", item, "no"))))
    hidden = disclosure.protect(values, eqs, threshold)
    return _LayerOne(forms_by_key, groups, rule_ids, values, eqs, hidden)


def shown_groups(include_unreviewed: bool = False) -> dict[str, set[str | None]]:
    """Return, for each dimension, the groups whose number of forms the reports show."""
    layer = _layer_one(include_unreviewed, current_app.config["SUPPRESSION_THRESHOLD"])
    return {
        d: {g for g in members if ("forms", d, g) not in layer.hidden}
        for d, members in layer.groups.members.items()
    }


def build(rule_id: str | None = None, include_unreviewed: bool = False) -> Report:
    """Compute every figure of the reports page for one chosen rule, protected against disclosure."""
    from ..audit import rules as catalogue_module

    catalogue = catalogue_module.CATALOGUE
    threshold: int = current_app.config["SUPPRESSION_THRESHOLD"]
    layer = _layer_one(include_unreviewed, threshold)
    forms_by_key, forms_groups, rule_ids = layer.forms_by_key, layer.groups, layer.rule_ids
    values, eqs, hidden = layer.values, layer.eqs, layer.hidden
    shown = disclosure.publish(values, hidden)
    where = eligible(include_unreviewed)
    year, month = _month_columns()
    status = func.coalesce(Finding.reviewed_status, Finding.status)

    report = Report(
        threshold=threshold,
        include_unreviewed=include_unreviewed,
        forms=shown[("forms",)],
        rules=[
            Row(
                rid,
                rid,
                shown[("forms",)],
                shown[("rule", rid, "applies")],
                shown[("rule", rid, "fails")],
                title=_title(catalogue, rid),
            )
            for rid in rule_ids
        ],
        items=[
            ItemRow(
                item,
                ITEM_LABELS.get(item, item.replace("_", " ").capitalize()),
                shown[("item", item, "yes")],
                shown[("forms",)],
            )
            for item in CENSUS_ITEMS
        ],
        rule=_chosen(catalogue, rule_id),
    )

    # layer 2: the chosen rule by every dimension, with layer 1 fixed
    chosen = report.rule.id
    fixed = {c: c in hidden for c in values}
    per_key: dict[Key, Counter[str]] = {}
    for la, phase, y, m, status_, n in db.session.execute(
        db.select(Submission.local_authority, Submission.phase, year, month, status, func.count())
        .join(Finding, Finding.submission_id == Submission.id)
        .where(where, Finding.rule_id == chosen)
        .group_by(Submission.local_authority, Submission.phase, year, month, status)
    ):
        per_key.setdefault((la, phase, y, m), Counter())[_category(status_)] += n
    cells2: dict[tuple[str, str | None], Counter[str]] = {}
    for key, forms in forms_by_key.items():
        counts = per_key.get(key, Counter())
        missing = forms - sum(counts.values())
        for dimension, group in groups_of(key).items():
            cell = cells2.setdefault((dimension, group), Counter())
            cell.update(counts)
            cell["other"] += max(0, missing)
    for (dimension, group), counts in cells2.items():
        counts["applies"] = counts["fails"] + counts["passes"]
        for c in COLUMNS:
            values[("by", dimension, group, c)] = counts.get(c, 0)
        eqs += _row_equations(("by", dimension, group), ("forms", dimension, group))
    for c in COLUMNS:
        eqs += forms_groups.equations(lambda d, g, c=c: ("by", d, g, c), ("rule", chosen, c))
    hidden2 = disclosure.protect(values, eqs, threshold, fixed=fixed)
    shown2 = disclosure.publish(values, hidden2)
    for dimension, title in DIMENSIONS.items():
        rows = [
            Row(
                group,
                label(dimension, group),
                shown2[("forms", dimension, group)],
                shown2[("by", dimension, group, "applies")],
                shown2[("by", dimension, group, "fails")],
            )
            for group in _order(dimension, forms_groups.members[dimension])
        ]
        report.breakdowns.append(
            Breakdown(
                dimension,
                title,
                rows,
                Row(
                    None,
                    "All forms",
                    shown[("forms",)],
                    shown[("rule", chosen, "applies")],
                    shown[("rule", chosen, "fails")],
                ),
            )
        )
    return report


@dataclass
class _Groups:
    """The groups of every dimension, and which parent group each nested group belongs to."""

    members: dict[str, set[str | None]]
    parents: dict[str, dict[str | None, str | None]]

    def equations(self, cell: Any, total: Hashable) -> list[Equation]:
        """Return the equations tying each dimension's column of ``cell`` to ``total`` (or to its parents)."""
        eqs: list[Equation] = []
        for dimension in DIMENSIONS:
            groups = sorted(self.members[dimension], key=str)
            if dimension not in NESTED:
                eqs.append(Equation(total, tuple(cell(dimension, g) for g in groups)))
                continue
            children: dict[str | None, list[str | None]] = {}
            for g in groups:
                children.setdefault(self.parents[dimension][g], []).append(g)
            eqs += [
                Equation(cell(NESTED[dimension], p), tuple(cell(dimension, g) for g in kids))
                for p, kids in children.items()
            ]
        return eqs


def _forms_cells(forms_by_key: Counter[Key], values: dict[Hashable, int], eqs: list[Equation]) -> _Groups:
    """Add the forms-by-dimension cells and their equations; return the groups of each dimension."""
    counts: dict[str, Counter[str | None]] = {d: Counter() for d in DIMENSIONS}
    parents: dict[str, dict[str | None, str | None]] = {d: {} for d in NESTED}
    for key, n in forms_by_key.items():
        groups = groups_of(key)
        for dimension, group in groups.items():
            counts[dimension][group] += n
        for child, parent in NESTED.items():
            parents[child][groups[child]] = groups[parent]
    for dimension, counter in counts.items():
        for group, n in counter.items():
            values[("forms", dimension, group)] = n
    layout = _Groups({d: set(c) for d, c in counts.items()}, parents)
    eqs += layout.equations(lambda d, g: ("forms", d, g), ("forms",))
    return layout


def _row_equations(prefix: tuple[Any, ...], forms: Hashable) -> list[Equation]:
    """Return a rule row's identities: applies = fails + passes; forms = applies + other."""
    return [
        Equation((*prefix, "applies"), ((*prefix, "fails"), (*prefix, "passes"))),
        Equation(forms, ((*prefix, "applies"), (*prefix, "other"))),
    ]


def _title(catalogue: Any, rule_id: str) -> str:
    """Return a rule's title, or its id when the catalogue no longer has it (a rule of an older version)."""
    rule = {r.id: r for r in catalogue.rules}.get(rule_id)
    return rule.title if rule else rule_id


def _chosen(catalogue: Any, rule_id: str | None) -> Any:
    """Return the chosen rule: the one asked for, else CEN-01 (nationality optional), else the first."""
    ids = {r.id: r for r in catalogue.rules}
    return ids.get(rule_id or "") or ids.get("CEN-01") or catalogue.rules[0]


def rule_choices() -> Sequence[Any]:
    """Return the catalogue's rules, for the chooser."""
    from ..audit import rules as catalogue_module

    return list(catalogue_module.CATALOGUE.rules)
