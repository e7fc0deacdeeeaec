"""A generated dataset of audited submissions for the reports' tests and benchmark, written to the database.

Forms are spread over a few local authorities (some with only a handful of forms, so suppression has work to
do), every phase, several census terms and review states; each form has a verdict for every rule. The rows are
inserted in bulk, and the truth comes back as plain tuples so a test can count for itself.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert

from portal.extensions import db
from portal.models import Finding, Submission

#: (DfE code, weight): Camden and Hackney (London), Leeds and Bradford (Yorkshire), Cornwall and Devon
#: (South West), plus tiny ones.
AUTHORITIES = [
    ("202", 30),
    ("204", 20),
    ("383", 25),
    ("380", 10),
    ("908", 8),
    ("878", 2),
    ("210", 1),
    (None, 4),
]
PHASES = [
    ("primary", 40),
    ("secondary", 30),
    ("early_years", 5),
    ("special", 2),
    ("alternative_provision", 1),
    (None, 5),
]
MONTHS = [
    date(2016, 9, 1),
    date(2016, 10, 1),
    date(2017, 1, 1),
    date(2017, 5, 1),
    date(2018, 10, 1),
    date(2019, 1, 1),
    None,
]
REVIEW = [("confirmed", 70), ("pending", 20), ("disputed", 5), ("rejected", 5)]
ITEMS = [
    "nationality",
    "country_of_birth",
    "ethnicity",
    "first_language",
    "religion",
    "passport_or_immigration",
]
EVIDENCE = [
    "We are required by law to pass some of this information to the Department for Education (DfE).",
    "Please contact [NAME] on [PHONE] if you have any questions.",
    "Providing nationality and country of birth is optional.",
    "Return this form to the school office at 12 Acacia Avenue by Friday.",
    "Email dpo@example-school.org.uk with any concerns.",
    "Call 01632 960 123 to ask.",
]


@dataclass(frozen=True)
class Form:
    """The truth about one generated form."""

    id: int
    local_authority: str | None
    phase: str | None
    form_month: date | None
    form_date: date | None
    review_status: str
    census_items: tuple[str, ...]
    statuses: dict[str, str]


def _pick(rng: random.Random, weighted: list[tuple[object, int]]) -> object:
    """Pick one value by weight."""
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def populate(
    rule_ids: list[str], forms: int, seed: int = 7, keep: bool = True, batch: int = 2000
) -> list[Form]:
    """Insert ``forms`` audited submissions, a verdict per rule; return their truth (unless not ``keep``)."""
    rng = random.Random(seed)
    truth: list[Form] = []
    next_id = (db.session.execute(db.select(db.func.max(Submission.id))).scalar() or 0) + 1
    now = datetime.now(UTC)
    subs: list[dict[str, object]] = []
    finds: list[dict[str, object]] = []

    def flush() -> None:
        if subs:
            db.session.execute(insert(Submission), subs)
        if finds:
            db.session.execute(insert(Finding), finds)
        subs.clear()
        finds.clear()

    for i in range(forms):
        sid = next_id + i
        la = _pick(rng, AUTHORITIES)
        phase = _pick(rng, PHASES)
        month = rng.choice(MONTHS)
        detected = None
        if month is not None and rng.random() < 0.3:  # some dates come from the form itself, mid-month
            detected, month = month.replace(day=14), None
        review = _pick(rng, REVIEW)
        items = tuple(sorted(x for x in ITEMS if rng.random() < 0.4))
        statuses: dict[str, str] = {}
        for position, rule_id in enumerate(rule_ids):
            roll = rng.random()
            prohibition = rule_id in ("CEN-05", "CEN-06", "CEN-07", "CEN-10")
            if roll < 0.2:
                status = "not_applicable"
            elif roll < 0.55:
                status = "violation" if prohibition else "missing"
            else:
                status = "clear" if prohibition else "present"
            reviewed = None
            if review == "confirmed" and rng.random() < 0.05:  # a reviewer corrected the checker
                reviewed = "present" if status == "missing" else status
            statuses[rule_id] = reviewed or status
            evidence = rng.choice(EVIDENCE) if status in ("present", "violation") else None
            finds.append(
                {
                    "submission_id": sid,
                    "position": position,
                    "rule_id": rule_id,
                    "status": status,
                    "reviewed_status": reviewed,
                    "evidence": evidence,
                    "confidence": 1.0,
                }
            )
        subs.append(
            {
                "id": sid,
                "receipt_hash": hashlib.sha256(f"receipt-{seed}-{sid}".encode()).hexdigest(),
                "created_at": now,
                "source": "upload",
                "local_authority": la,
                "phase": phase,
                "form_month": month,
                "form_date": detected,
                "consent_evidence": True,
                "status": "done",
                "attempts": 1,
                "pages": 1,
                "rules_version": "1",
                "flags": [],
                "census_items": list(items),
                "pii": [],
                "text": "redacted text of [NAME]'s form",
                "review_status": review,
            }
        )
        if keep:
            truth.append(Form(sid, la, phase, month, detected, review, items, statuses))  # type: ignore[arg-type]
        if len(finds) >= batch:
            flush()
    flush()
    db.session.commit()
    return truth


def seed_database(path: Path, forms: int, seed: int) -> list[Form]:
    """Build a migrated SQLite database at ``path`` holding a generated dataset; return its truth."""
    import flask_migrate

    from portal import create_app
    from portal.audit import rules

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "seed-only",
            "RESUME_JOBS": False,
            "DATABASE_URL": f"sqlite:///{path}",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        truth = populate([r.id for r in rules.CATALOGUE.rules], forms, seed=seed)
        db.session.remove()
        db.engine.dispose()
    return truth


def copy_into_current(path: Path) -> None:
    """Copy the submissions and findings of a seeded database into the current app's (SQLite) database."""
    if db.engine.dialect.name != "sqlite":
        _copy_rows(path)
        return
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ATTACH DATABASE ? AS seed", (str(path),))
        connection.exec_driver_sql("INSERT INTO submission SELECT * FROM seed.submission")
        connection.exec_driver_sql("INSERT INTO finding SELECT * FROM seed.finding")
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DETACH DATABASE seed")


def _copy_rows(path: Path) -> None:
    """Copy the seeded rows one by one into a database that cannot attach SQLite (the scaled run's)."""
    import sqlalchemy as sa

    seed = sa.create_engine(f"sqlite:///{path}")
    try:
        with seed.connect() as source, db.engine.begin() as target:
            for name in ("submission", "finding"):
                table = db.metadata.tables[name]
                rows = [dict(row._mapping) for row in source.execute(sa.select(table))]
                if rows:
                    target.execute(table.insert(), rows)
                    target.exec_driver_sql(  # explicit ids: move the sequence past them
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                    )
    finally:
        seed.dispose()
