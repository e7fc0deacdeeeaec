"""Faults at scale: killed workers, a Redis restart, a cut database connection; nothing is lost or doubled.

Each test runs its own Celery workers on a database of this module's own (the session's worker never sees it),
with real Tesseract behind a pause (tests/support/slow_ocr.py) that holds each audit open long enough to break
something in the middle of it.
"""
from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from portal.extensions import db
from portal.models import Finding, JobStatus, PageImage, PendingUpload, Submission
from tests.conftest import receipt_token, upload
from tests.support import formgen, services

pytestmark = pytest.mark.scale

WORKER_APP_NAME = "portal-fault-worker"  # how the workers' PostgreSQL connections are named


@pytest.fixture(scope="module")
def form_png() -> bytes:
    """A filled one-page census data collection sheet."""
    return formgen.to_bytes(formgen.render_form(seed=5).image, "PNG")


@pytest.fixture(scope="module")
def fault_db(scaled_stack: services.Stack) -> Iterator[services.Database]:
    """A migrated database for this module only."""
    database = services.Database("fault")
    try:
        services.migrate({"DATABASE_URL": database.url()})
        yield database
    finally:
        database.drop()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[services.RedisServer]:
    """A private Redis that this test may stop and start (the machine's Redis serves everyone)."""
    server = services.RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def fault_settings(fault_db: services.Database, broker: services.RedisServer) -> dict[str, Any]:
    """Short leases and quick sweeps, and a pause before each page's OCR."""
    return {
        "DATABASE_URL": fault_db.url(),
        "BROKER_URL": broker.url,
        "AUDIT_QUEUE": "audit-fault",
        "AUDIT_LEASE": 8.0,  # short, but beyond the stalls of a busy shared machine
        "SWEEP_INTERVAL": 1.0,
        "RESEND_AFTER": 2.0,
        "VISIBILITY_TIMEOUT": 300,
        "OCR_ENGINE": "tests.support.slow_ocr:engine",
        "TEST_OCR_DELAY": 3.0,
    }


@pytest.fixture
def app_config(app_config: dict[str, Any], fault_settings: dict[str, Any],
               fault_db: services.Database) -> dict[str, Any]:
    """Point the web app at this module's database, emptied, and the private broker."""
    fault_db.empty()
    return {**app_config, **fault_settings}


@pytest.fixture
def workers(tmp_path: Path, fault_db: services.Database,
            fault_settings: dict[str, Any]) -> Iterator[Callable[..., services.Worker]]:
    """Return ``start(**settings)``, which starts a one-process Celery worker; all are stopped at the end."""
    started: list[services.Worker] = []

    def start(**overrides: Any) -> services.Worker:
        settings = {**fault_settings, "DATABASE_URL": fault_db.url(WORKER_APP_NAME), **overrides}
        worker = services.Worker(tmp_path / f"worker-{len(started)}.log", services.settings_env(settings),
                                 fault_settings["AUDIT_QUEUE"], concurrency=1)
        started.append(worker)
        return worker.wait_ready()

    yield start
    for worker in started:
        worker.stop()


def submit(client: FlaskClient, app: Flask, form: bytes) -> int:
    """Upload a form as a parent does and return its submission's id."""
    response = upload(client, form)
    assert response.status_code == 303
    token = receipt_token(response)
    with app.app_context():
        submission = Submission.by_token(token)
        assert submission is not None
        return submission.id


def status(app: Flask, submission_id: int) -> tuple[str, int]:
    """Return a submission's job status and attempts, read afresh."""
    with app.app_context():
        try:
            row = db.session.execute(
                db.select(Submission.status, Submission.attempts).where(Submission.id == submission_id)
            ).one()
            return row.status, row.attempts
        finally:
            db.session.remove()


def wait_for(app: Flask, submission_id: int, wanted: str, timeout: float, worker: services.Worker) -> None:
    """Wait until the submission reaches ``wanted``; fail with the worker's log when it does not."""
    try:
        services.wait_until(lambda: status(app, submission_id)[0] == wanted, timeout,
                            f"submission {submission_id} reaching {wanted}")
    except TimeoutError as e:
        pytest.fail(f"{e}; it is {status(app, submission_id)}. Worker log:\n{worker.tail()}")


def assert_exactly_one_result(app: Flask, submission_id: int) -> None:
    """Check that the audit committed once: one finding per rule, one image per page, no original left."""
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission is not None and submission.status == JobStatus.DONE
        per_rule = Counter(db.session.execute(
            db.select(Finding.rule_id).where(Finding.submission_id == submission_id)
        ).scalars())
        assert per_rule and set(per_rule.values()) == {1}, per_rule
        pages = db.session.execute(
            db.select(PageImage.number).where(PageImage.submission_id == submission_id)
        ).scalars().all()
        assert sorted(pages) == list(range(1, (submission.pages or 0) + 1)) and pages
        assert not db.session.execute(
            db.select(PendingUpload.id).where(PendingUpload.submission_id == submission_id)
        ).first()
        db.session.remove()


def test_a_pool_process_killed_mid_audit_hands_its_audit_back(
    workers: Callable[..., services.Worker], app: Flask, client: FlaskClient, form_png: bytes
) -> None:
    worker = workers(SWEEP_INTERVAL=3600.0)  # no sweeps: only the broker's redelivery can save this audit
    submission_id = submit(client, app, form_png)
    wait_for(app, submission_id, JobStatus.RUNNING, 60, worker)
    (victim,) = worker.pool_pids()
    os.kill(victim, signal.SIGKILL)

    wait_for(app, submission_id, JobStatus.DONE, 180, worker)
    assert status(app, submission_id)[1] >= 2  # claimed again once the dead process's lease lapsed
    assert_exactly_one_result(app, submission_id)
    assert "SIGKILL" in worker.tail(500)
    assert worker.alive()


def test_a_worker_killed_outright_mid_audit_loses_nothing(
    workers: Callable[..., services.Worker], app: Flask, client: FlaskClient, form_png: bytes
) -> None:
    first = workers()
    submission_id = submit(client, app, form_png)
    wait_for(app, submission_id, JobStatus.RUNNING, 60, first)
    first.kill()  # the whole machine: main process, pool and Tesseract; the message stays unacknowledged

    second = workers()
    wait_for(app, submission_id, JobStatus.DONE, 180, second)
    assert status(app, submission_id)[1] >= 2
    assert_exactly_one_result(app, submission_id)


def test_audits_queued_in_redis_survive_its_restart(
    workers: Callable[..., services.Worker], app: Flask, client: FlaskClient, form_png: bytes,
    broker: services.RedisServer,
) -> None:
    worker = workers()
    ids = [submit(client, app, form_png) for _ in range(2)]
    wait_for(app, ids[0], JobStatus.RUNNING, 60, worker)
    probe = redis.Redis.from_url(broker.url)
    try:
        assert probe.llen("audit-fault") == 1  # one audit running, one waiting in the broker
    finally:
        probe.close()

    broker.stop()  # Redis keeps nothing on disk: the queued messages are gone
    ids.append(submit(client, app, form_png))  # and a parent uploads while the broker is down
    broker.start()

    for submission_id in ids:
        wait_for(app, submission_id, JobStatus.DONE, 240, worker)
    for submission_id in ids:
        assert_exactly_one_result(app, submission_id)


def test_a_job_whose_database_connection_is_cut_retries_and_completes(
    workers: Callable[..., services.Worker], app: Flask, client: FlaskClient, form_png: bytes,
    fault_db: services.Database,
) -> None:
    worker = workers(AUDIT_LEASE=600.0)  # no heartbeat meanwhile: the one query waiting is the commit's
    submission_id = submit(client, app, form_png)
    wait_for(app, submission_id, JobStatus.RUNNING, 60, worker)
    with fault_db.connect(autocommit=False) as blocker, fault_db.connect() as admin:
        # Hold the row so that the worker's commit waits on it, then cut that worker's connections.
        blocker.execute("SELECT id FROM submission WHERE id = %s FOR UPDATE", [submission_id])

        def waiting() -> bool:
            return bool(admin.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s"
                " AND wait_event_type = 'Lock' AND query ILIKE %s", [WORKER_APP_NAME, "%FOR UPDATE%"]
            ).fetchone())

        services.wait_until(waiting, 120, "the worker's commit waiting on the row")
        cut = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s", [WORKER_APP_NAME]
        ).fetchone()
        assert cut is not None and cut[0] >= 1
        blocker.rollback()

    wait_for(app, submission_id, JobStatus.DONE, 180, worker)
    assert status(app, submission_id)[1] == 2  # the retry claimed it again at once: the claim was released
    assert_exactly_one_result(app, submission_id)
    assert "Retry in" in worker.tail(500)


def test_the_same_audit_delivered_twice_at_once_commits_once(
    workers: Callable[..., services.Worker], app: Flask, client: FlaskClient, form_png: bytes
) -> None:
    worker = workers(AUDIT_LEASE=60.0)
    second = workers(AUDIT_LEASE=60.0)
    submission_id = submit(client, app, form_png)
    app.extensions["jobs"].enqueue(submission_id)  # a duplicate, as a sweep racing the first send would make

    wait_for(app, submission_id, JobStatus.DONE, 180, worker)
    assert status(app, submission_id)[1] == 1  # the second delivery found the claim live and waited
    assert_exactly_one_result(app, submission_id)
    assert "Retry in" in worker.tail(500) + second.tail(500)
