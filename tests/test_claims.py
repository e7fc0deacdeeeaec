"""Exactly one result per submission however deliveries race: the claim, its lease, the fence at commit.

These call the job body directly from threads, on SQLite in the embedded run and PostgreSQL in the scaled one.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask

from portal import auditing, create_app
from portal.extensions import db
from portal.models import Finding, JobStatus, PageImage, PendingUpload, Submission
from tests.support import formgen, services


@pytest.fixture(scope="module")
def form_png() -> bytes:
    return formgen.to_bytes(formgen.render_form(seed=7).image, "PNG")


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Hold every page two seconds before OCR, so that audits overlap."""
    return {**app_config, "OCR_ENGINE": "tests.support.slow_ocr:engine", "TEST_OCR_DELAY": 2.0}


@contextmanager
def worker_app(app_config: dict[str, Any], **settings: Any) -> Iterator[Flask]:
    """Create another app on the same database, as another worker machine with its own settings."""
    other = create_app({**app_config, **settings})
    try:
        yield other
    finally:
        with other.app_context():
            db.engine.dispose()
        queue = other.extensions["jobs"]
        if hasattr(queue, "close"):
            queue.close()


def pending(app: Flask, form: bytes, **fields: Any) -> int:
    """Store a submission with its original, as an upload does, without queueing it."""
    with app.app_context():
        submission, _ = Submission.new(**fields)
        submission.originals = [PendingUpload(data=form)]
        db.session.add(submission)
        db.session.commit()
        return submission.id


def run_in_thread(app: Flask, submission_id: int) -> tuple[threading.Thread, list[str]]:
    """Start ``run_audit`` on a thread of its own, as a second worker would; return it and its outcome."""
    outcome: list[str] = []

    def run() -> None:
        with app.app_context():
            try:
                outcome.append(auditing.run_audit(submission_id))
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def row(app: Flask, submission_id: int) -> tuple[str, int]:
    with app.app_context():
        try:
            found = db.session.execute(
                db.select(Submission.status, Submission.attempts).where(Submission.id == submission_id)
            ).one()
            return found.status, found.attempts
        finally:
            db.session.remove()


def results(app: Flask, submission_id: int) -> tuple[Counter[str], int, int]:
    """Return findings per rule, page images and originals left for a submission."""
    with app.app_context():
        try:
            per_rule = Counter(db.session.execute(
                db.select(Finding.rule_id).where(Finding.submission_id == submission_id)
            ).scalars())
            images = len(db.session.execute(
                db.select(PageImage.id).where(PageImage.submission_id == submission_id)
            ).all())
            originals = len(db.session.execute(
                db.select(PendingUpload.id).where(PendingUpload.submission_id == submission_id)
            ).all())
            return per_rule, images, originals
        finally:
            db.session.remove()


def test_a_delivery_while_a_live_claim_holds_does_nothing(app: Flask, form_png: bytes) -> None:
    submission_id = pending(app, form_png)
    first, outcome = run_in_thread(app, submission_id)
    services.wait_until(lambda: row(app, submission_id)[0] == JobStatus.RUNNING, 30, "the first claim")

    with app.app_context():
        assert auditing.run_audit(submission_id) == auditing.BUSY
        db.session.remove()
    assert row(app, submission_id) == (JobStatus.RUNNING, 1)
    first.join(120)

    assert outcome == [JobStatus.DONE] and row(app, submission_id) == (JobStatus.DONE, 1)
    per_rule, images, originals = results(app, submission_id)
    assert per_rule and set(per_rule.values()) == {1} and images == 1 and originals == 0


def test_a_worker_whose_lease_lapsed_commits_nothing(app: Flask, app_config: dict[str, Any],
                                                     form_png: bytes) -> None:
    submission_id = pending(app, form_png)
    # The first worker stalls: its lease is so long that it sends no heartbeat during the test.
    with worker_app(app_config, AUDIT_LEASE=600.0) as slow, worker_app(app_config, AUDIT_LEASE=0.5) as quick:
        stalled, stalled_outcome = run_in_thread(slow, submission_id)
        services.wait_until(lambda: row(app, submission_id)[0] == JobStatus.RUNNING, 30, "the first claim")
        time.sleep(1.0)
        # The second, with a lease of half a second, finds the first claim lapsed and takes over.
        taker, taker_outcome = run_in_thread(quick, submission_id)
        services.wait_until(lambda: row(app, submission_id)[1] == 2, 30, "the take-over")
        stalled.join(120)
        taker.join(120)

    assert stalled_outcome == [auditing.SUPERSEDED]  # its result was dropped at the fence
    assert taker_outcome == [JobStatus.DONE] and row(app, submission_id) == (JobStatus.DONE, 2)
    per_rule, images, originals = results(app, submission_id)
    assert per_rule and set(per_rule.values()) == {1} and images == 1 and originals == 0


def test_a_form_that_stopped_every_worker_is_failed_not_tried_forever(app: Flask, form_png: bytes) -> None:
    submission_id = pending(app, form_png, status=JobStatus.RUNNING, attempts=auditing.MAX_ATTEMPTS)
    with app.app_context():
        assert auditing.run_audit(submission_id) == JobStatus.FAILED
        submission = db.session.get(Submission, submission_id)
        assert submission is not None and submission.error_code == "internal_error"
        db.session.remove()
    assert results(app, submission_id) == (Counter(), 0, 0)  # the original is deleted all the same
