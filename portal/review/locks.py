"""The review lock: one reviewer at a time on a submission, lapsing after REVIEW_LOCK_MINUTES."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, update

from ..auth.core import aware
from ..extensions import db
from ..models import Submission, User, utcnow


def _cutoff() -> datetime:
    """Return the moment before which a lock has lapsed."""
    return utcnow() - timedelta(minutes=current_app.config["REVIEW_LOCK_MINUTES"])


def holder(submission: Submission) -> User | None:
    """Return the user whose lock on the submission is still in force, if any."""
    locked_at = aware(submission.locked_at)
    if submission.locked_by_id is None or locked_at is None or locked_at < _cutoff():
        return None
    return db.session.get(User, submission.locked_by_id)


def expires(submission: Submission) -> datetime | None:
    """Return when the submission's lock lapses."""
    locked_at = aware(submission.locked_at)
    return locked_at + timedelta(minutes=current_app.config["REVIEW_LOCK_MINUTES"]) if locked_at else None


def acquire(submission: Submission, user: User) -> bool:
    """Take or renew ``user``'s lock unless someone else holds it (atomic: two reviewers cannot both win)."""
    result = db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id)
        .where(
            or_(
                Submission.locked_by_id.is_(None),
                Submission.locked_by_id == user.id,
                Submission.locked_at.is_(None),
                Submission.locked_at < _cutoff(),
            )
        )
        .values(locked_by_id=user.id, locked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(submission, ["locked_by_id", "locked_at"])
    return bool(result.rowcount)  # type: ignore[attr-defined]


def release(submission: Submission, user: User) -> None:
    """Give up ``user``'s lock on the submission (someone else's lock stays)."""
    if submission.locked_by_id == user.id:
        submission.locked_by_id = None
        submission.locked_at = None
