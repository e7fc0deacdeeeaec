"""The review queue: which submissions a reviewer sees, in what order, and the census term of each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, select

from ..audit import rules
from ..extensions import db
from ..models import Finding, JobStatus, ReviewStatus, Submission

SEVERITIES = ("critical", "high", "medium", "low", "info")
FAILING = ("missing", "violation")
SEASONS = ("autumn", "spring", "summer")
#: The queue's status filter: what each choice shows.
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "open": (ReviewStatus.PENDING, ReviewStatus.DISPUTED),
    "pending": (ReviewStatus.PENDING,),
    "disputed": (ReviewStatus.DISPUTED,),
    "confirmed": (ReviewStatus.CONFIRMED,),
    "rejected": (ReviewStatus.REJECTED,),
    "all": tuple(ReviewStatus),
}
PAGE_SIZE = 50


def catalogue_rules() -> tuple[Any, ...]:
    """Return the rules of the current catalogue, in catalogue order."""
    return tuple(rules.CATALOGUE.rules)


def rule_info(rule_id: str) -> Any | None:
    """Return a rule of the current catalogue, or None for an id it no longer has."""
    for rule in catalogue_rules():
        if rule.id == rule_id:
            return rule
    return None


# --- census terms -------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Term:
    """A census term: the academic year it falls in (by its first calendar year) and the season."""

    year: int  # the academic year's first year: 2016 for 2016/17
    season: str

    @property
    def key(self) -> str:
        """Return the term as a query-string value, like "2016-autumn"."""
        return f"{self.year}-{self.season}"

    @property
    def label(self) -> str:
        """Return the term as people say it, like "Autumn 2016/17"."""
        return f"{self.season.capitalize()} {self.year}/{(self.year + 1) % 100:02d}"

    @property
    def sort_key(self) -> tuple[int, int]:
        """Order terms by time."""
        return self.year, SEASONS.index(self.season)

    def span(self) -> tuple[date, date]:
        """Return the first and last day of the months whose forms prepare for this term's census."""
        if self.season == "autumn":
            return date(self.year, 9, 1), date(self.year, 12, 31)
        if self.season == "spring":
            return date(self.year + 1, 1, 1), date(self.year + 1, 3, 31)
        return date(self.year + 1, 4, 1), date(self.year + 1, 8, 31)

    @classmethod
    def parse(cls, key: str) -> Term | None:
        """Read a term from its key, or None."""
        year, _, season = key.partition("-")
        if not (year.isdigit() and len(year) == 4 and season in SEASONS):
            return None
        return cls(int(year), season)


def census_term(when: date | None) -> Term | None:
    """Return the census term a form sent home on this date prepares for: autumn Sep–Dec, spring Jan–Mar,
    summer Apr–Aug."""
    if when is None:
        return None
    if when.month >= 9:
        return Term(when.year, "autumn")
    return Term(when.year - 1, "spring" if when.month <= 3 else "summer")


def form_when() -> Any:
    """Return the SQL expression of a submission's date: the uploader's month, else the date on the form."""
    return func.coalesce(Submission.form_month, Submission.form_date)


def terms_present() -> list[Term]:
    """Return the census terms of audited submissions, newest first."""
    dates = db.session.execute(
        select(form_when()).where(Submission.status == JobStatus.DONE).distinct()
    ).scalars()
    found = {census_term(d) for d in dates if d is not None}
    return sorted((t for t in found if t is not None), key=lambda t: t.sort_key, reverse=True)


# --- the queue ----------------------------------------------------------------------------------------------


def _fails() -> Any:
    """Return the SQL condition "this finding fails its rule", after review."""
    return func.coalesce(Finding.reviewed_status, Finding.status).in_(FAILING)


def _severity_rank() -> Any:
    """Return a SQL expression ranking a finding's rule by severity (0 = critical; unknown rules last)."""
    ranks = {rule.id: SEVERITIES.index(rule.severity) for rule in catalogue_rules()}
    return case(ranks, value=Finding.rule_id, else_=len(SEVERITIES)) if ranks else len(SEVERITIES)


@dataclass(frozen=True)
class Filters:
    """What the reviewer asked the queue for (each empty string means "any")."""

    rule: str = ""
    severity: str = ""
    local_authority: str = ""
    term: str = ""
    status: str = "open"


def queue_query(filters: Filters) -> Select[Submission, int, int]:
    """Return the queue's query: audited submissions, failing count, worst severity; failing first."""
    failing_count = func.sum(case((_fails(), 1), else_=0)).label("failing")
    worst = func.min(case((_fails(), _severity_rank()), else_=len(SEVERITIES))).label("worst")
    per_submission = (
        select(Finding.submission_id, failing_count, worst).group_by(Finding.submission_id).subquery()
    )
    failing = func.coalesce(per_submission.c.failing, 0)
    query = (
        select(
            Submission,
            failing.label("failing"),
            func.coalesce(per_submission.c.worst, len(SEVERITIES)).label("worst"),
        )
        .outerjoin(per_submission, per_submission.c.submission_id == Submission.id)
        .where(Submission.status == JobStatus.DONE)
        .where(Submission.review_status.in_(STATUS_FILTERS.get(filters.status, STATUS_FILTERS["open"])))
    )
    if filters.rule:
        query = query.where(
            Submission.id.in_(select(Finding.submission_id).where(Finding.rule_id == filters.rule, _fails()))
        )
    if filters.severity:
        ids = [rule.id for rule in catalogue_rules() if rule.severity == filters.severity]
        query = query.where(
            Submission.id.in_(select(Finding.submission_id).where(Finding.rule_id.in_(ids), _fails()))
        )
    if filters.local_authority:
        query = query.where(Submission.local_authority == filters.local_authority)
    term = Term.parse(filters.term) if filters.term else None
    if term is not None:
        first, last = term.span()
        query = query.where(and_(form_when() >= first, form_when() <= last))
    return query.order_by(
        case((failing > 0, 0), else_=1),
        per_submission.c.worst.asc().nulls_last(),
        failing.desc(),
        Submission.created_at.asc(),
        Submission.id.asc(),
    )


def page_of(query: Select[Submission, int, int], page: int) -> tuple[list[Any], int]:
    """Return one page of queue rows and the total number of rows."""
    total = db.session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    rows = db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return list(rows), total
