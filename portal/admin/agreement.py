"""How often two reviewers who judged the same finding agreed, per rule."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ..extensions import db
from ..models import Finding, FindingReview


@dataclass(frozen=True)
class RuleAgreement:
    """Agreement on one rule: findings judged by two or more reviewers, reviewer pairs, pairs that agreed."""

    rule_id: str
    findings: int
    pairs: int
    agreeing: int

    @property
    def rate(self) -> float:
        """Return the share of reviewer pairs that gave the same status."""
        return self.agreeing / self.pairs if self.pairs else 0.0


def agreement_by_rule() -> list[RuleAgreement]:
    """Return agreement per rule (each reviewer's latest verdict on a finding counts), in rule order."""
    latest: dict[int, dict[int, str]] = defaultdict(dict)
    rule_of: dict[int, str] = {}
    rows = db.session.execute(
        db.select(FindingReview.finding_id, Finding.rule_id, FindingReview.user_id, FindingReview.status)
        .join(Finding, Finding.id == FindingReview.finding_id)
        .where(FindingReview.user_id.is_not(None))
        .order_by(FindingReview.at, FindingReview.id)
        .execution_options(yield_per=5000)
    )
    for finding_id, rule_id, user_id, status in rows:
        latest[finding_id][user_id] = status
        rule_of[finding_id] = rule_id
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for finding_id, verdicts in latest.items():
        if len(verdicts) < 2:
            continue
        total = totals[rule_of[finding_id]]
        total[0] += 1
        for a, b in combinations(verdicts.values(), 2):
            total[1] += 1
            total[2] += a == b
    return [
        RuleAgreement(rule_id, *counts)
        for rule_id, counts in sorted(totals.items(), key=lambda kv: _order(kv[0]))
    ]


def _order(rule_id: str) -> tuple[int, int, str]:
    """Sort rule ids as the catalogue does: FP, CEN, AP, then by number."""
    prefix, _, number = rule_id.partition("-")
    return ({"FP": 0, "CEN": 1, "AP": 2}.get(prefix, 3), int(number) if number.isdigit() else 0, rule_id)
