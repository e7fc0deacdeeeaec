"""Results are kept no longer than the privacy notice promises."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask

from portal.extensions import db
from portal.models import Submission, utcnow
from portal.retention import purge_expired


def add(age_days: int, consent: bool) -> int:
    submission, _ = Submission.new(consent_evidence=consent, created_at=utcnow() - timedelta(days=age_days))
    db.session.add(submission)
    db.session.commit()
    return submission.id


def test_purge_keeps_each_result_only_as_long_as_promised(app: Flask) -> None:
    with app.app_context():
        kept = {add(29, False), add(700, True)}
        add(31, False)
        add(731, True)
        assert purge_expired() == 2
        assert set(db.session.execute(db.select(Submission.id)).scalars()) == kept


def test_purge_command_reports_what_it_deleted(app: Flask) -> None:
    with app.app_context():
        add(400, False)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and "Deleted 1 expired submission(s)." in result.output
