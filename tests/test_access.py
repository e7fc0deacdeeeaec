"""The access log: rows are added for the current user and can never be changed or deleted."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from portal import access
from portal.access import AppendOnlyError
from portal.extensions import db
from portal.models import AccessLog, Submission


def add_row(app: Flask, **fields: Any) -> int:
    """Record one row outside a request and return its id."""
    with app.app_context():
        access.record("view", **fields)
        db.session.commit()
        return db.session.execute(db.select(db.func.max(AccessLog.id))).scalar_one()


def test_record_stores_action_reason_and_detail(app: Flask) -> None:
    row_id = add_row(app, submission_id=7, reason="  checking CEN-01  ", detail="page 1")
    with app.app_context():
        row = db.session.get(AccessLog, row_id)
        assert (row.action, row.submission_id, row.reason, row.detail, row.user_id) == (
            "view",
            7,
            "checking CEN-01",
            "page 1",
            None,
        )
        assert row.at is not None


def test_record_uses_the_signed_in_user(app: Flask, client: Any, login: Any) -> None:
    user = login("researcher")
    with app.app_context():
        actions = db.session.execute(db.select(AccessLog.user_id, AccessLog.action)).all()
    assert (user.id, "login") in [tuple(a) for a in actions]


@pytest.mark.parametrize("change", ["update", "delete", "bulk update", "bulk delete"])
def test_rows_cannot_be_changed_or_deleted(app: Flask, change: str) -> None:
    row_id = add_row(app, submission_id=1, reason="first")
    with app.app_context():
        row = db.session.get(AccessLog, row_id)
        with pytest.raises(AppendOnlyError):
            if change == "update":
                row.reason = "rewritten"
                db.session.flush()
            elif change == "delete":
                db.session.delete(row)
                db.session.flush()
            elif change == "bulk update":
                db.session.execute(db.update(AccessLog).values(reason="rewritten"))
            else:
                db.session.execute(db.delete(AccessLog).where(AccessLog.id == row_id))
        db.session.rollback()
        assert db.session.get(AccessLog, row_id).reason == "first"


def test_deleting_a_submission_keeps_its_log_rows(app: Flask) -> None:
    with app.app_context():
        submission, _token = Submission.new()
        db.session.add(submission)
        db.session.commit()
        sid = submission.id
    add_row(app, submission_id=sid, reason="looked at it")
    with app.app_context():
        db.session.delete(db.session.get(Submission, sid))
        db.session.commit()
        assert (
            db.session.execute(db.select(AccessLog).where(AccessLog.submission_id == sid)).scalar_one().reason
            == "looked at it"
        )
