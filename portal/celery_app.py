"""Audit jobs on Celery workers with a Redis broker, chosen by PORTAL_BROKER_URL.

Start a worker with ``celery -A portal.celery_app worker -Q audit``: it builds the Flask app from the same
configuration as the web tier (instance/config.py, then PORTAL_* environment).

Nothing is lost when a worker or the broker dies:

- messages are acknowledged only after the audit commits (``acks_late``), and a pool process killed in the
  middle of an audit hands its message back (``task_reject_on_worker_lost``); a whole worker that dies leaves
  its message unacknowledged, and Redis hands it out again after the visibility timeout;
- the database, not the broker, is the record of work: ``run_audit`` claims a submission with a
  compare-and-set and a lease renewed by a heartbeat, so duplicate deliveries commit exactly one result;
- Redis may keep nothing on disk, so every sent audit is also marked in a Redis set; a sweeper in each
  worker (one at a time across machines) re-sends queued audits whose mark is gone, and running audits
  whose lease lapsed. The same sweep runs when a web or worker process starts (``jobs.resume``).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from datetime import timedelta
from typing import Any

import redis
from celery import Celery, Task, signals
from flask import Flask
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from .auditing import BUSY, run_audit
from .extensions import db
from .models import JobStatus, Submission, utcnow

log = logging.getLogger(__name__)

TASK_NAME = "portal.audit_submission"
MAX_RETRIES = 25  # database or broker errors, and waits for a live claim, before a delivery gives up
MARK_DAYS = 7  # marks older than this are pruned (a worker died between commit and unmarking)
PURGE_INTERVAL = 3600.0  # seconds between retention purges, one worker at a time


def make_celery(app: Flask) -> Celery:
    """Return a Celery app configured from the Flask app, with the audit task bound to it."""
    c = app.config
    celery = Celery(app.import_name, broker=c["BROKER_URL"], set_as_current=False)
    celery.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,  # the database holds every result
        task_default_queue=c["AUDIT_QUEUE"],
        task_acks_late=True,  # acknowledge after the audit commits, not when it starts
        task_reject_on_worker_lost=True,  # a killed pool process hands its message back at once
        worker_prefetch_multiplier=1,  # OCR is slow: a worker reserves one audit per process, no more
        broker_transport_options={
            # Redis re-delivers an unacknowledged audit after this long: longer than the slowest audit
            # (MAX_PAGES x OCR_TIMEOUT), or a slow audit would run twice.
            "visibility_timeout": c["VISIBILITY_TIMEOUT"],
        },
        broker_connection_retry_on_startup=True,
        task_publish_retry=True,
        # An upload must not hang on a dead broker: a few quick tries, then the sweeper sends it later.
        task_publish_retry_policy={
            "max_retries": 2, "interval_start": 0.1, "interval_step": 0.2, "interval_max": 0.5,
        },
        broker_connection_timeout=4,
        redis_socket_connect_timeout=4,
        worker_send_task_events=False,
        # On a lost broker connection, let running audits finish and commit: the database records the result,
        # and a message the broker kept is then a harmless duplicate.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        enable_utc=True,
    )

    class FlaskTask(Task):  # type: ignore[misc]
        """A task that runs inside the Flask app's context and leaves no session behind."""

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                try:
                    return self.run(*args, **kwargs)
                finally:
                    db.session.remove()

    @celery.task(
        name=TASK_NAME, bind=True, base=FlaskTask, shared=False, max_retries=MAX_RETRIES,
        autoretry_for=(OperationalError, BrokerError, RedisError), retry_backoff=2, retry_backoff_max=300,
        retry_jitter=True,
    )
    def audit_submission(self: Task, submission_id: int) -> str:
        """Audit one submission by id; wait and retry while another worker's claim on it is live."""
        status = run_audit(submission_id)
        if status == BUSY:
            # A killed worker's claim lapses AUDIT_LEASE after its last heartbeat: look again twice a lease.
            raise self.retry(countdown=max(1.0, app.config["AUDIT_LEASE"] / 2))
        app.extensions["jobs"].unmark(submission_id)
        return status

    return celery


class CeleryQueue:
    """Audit jobs sent by id to Celery workers through Redis, with a record of what the broker was given."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.celery = make_celery(app)
        self.task = self.celery.tasks[TASK_NAME]
        self._redis: redis.Redis | None = None
        self._redis_pid = 0
        prefix = f"portal:{app.config['AUDIT_QUEUE']}"
        self.marks = f"{prefix}:sent"  # sorted set: submission id -> when it was last handed to the broker
        self.sweep_lock = f"{prefix}:sweeping"
        self.purge_lock = f"{prefix}:purging"

    def redis(self) -> redis.Redis:
        """Return this process's Redis client (a forked worker process makes its own)."""
        if self._redis is None or self._redis_pid != os.getpid():
            self._redis = redis.Redis.from_url(
                self.app.config["BROKER_URL"], socket_timeout=5, socket_connect_timeout=4
            )
            self._redis_pid = os.getpid()
        return self._redis

    def enqueue(self, submission_id: int) -> None:
        """Send the audit to the workers; when the broker is down, leave it to the sweeper."""
        try:
            self.task.apply_async(args=[submission_id])
        except (BrokerError, RedisError, OSError) as e:
            log.warning("could not send submission %s to the broker (%s); a sweep will send it",
                        submission_id, type(e).__name__)
            return
        try:
            self.redis().zadd(self.marks, {str(submission_id): time.time()})
        except RedisError as e:  # unmarked work is only sent twice: harmless
            log.warning("could not mark submission %s as sent (%s)", submission_id, type(e).__name__)

    def unmark(self, submission_id: int) -> None:
        """Forget that the broker holds this submission's audit (it has finished)."""
        try:
            self.redis().zrem(self.marks, str(submission_id))
        except RedisError as e:  # a stale mark of a finished audit is pruned later
            log.warning("could not unmark submission %s (%s)", submission_id, type(e).__name__)

    def resume(self) -> int:
        """Re-send what the broker lost while this process was away (at start); return how many."""
        return self.sweep()

    def sweep(self) -> int:
        """Re-send audits the broker lost or whose worker died; return how many (one sweeper at a time)."""
        c = self.app.config
        try:
            hold = max(1, int(c["SWEEP_INTERVAL"] / 2))
            if not self.redis().set(self.sweep_lock, os.getpid(), nx=True, ex=hold):
                return 0  # another process swept a moment ago
            now, wall = utcnow(), time.time()
            lease, resend_after = timedelta(seconds=c["AUDIT_LEASE"]), timedelta(seconds=c["RESEND_AFTER"])
            with self.app.app_context():
                try:
                    queued = db.session.execute(db.select(Submission.id).where(
                        Submission.status == JobStatus.QUEUED,
                        Submission.created_at < now - resend_after,
                    )).scalars().all()
                    lapsed = db.session.execute(db.select(Submission.id).where(
                        Submission.status == JobStatus.RUNNING,
                        Submission.started_at.is_(None) | (Submission.started_at < now - lease),
                    )).scalars().all()
                finally:
                    db.session.remove()
            candidates = [(i, False) for i in queued] + [(i, True) for i in lapsed]
            marks = self.redis().zmscore(self.marks, [str(i) for i, _ in candidates]) if candidates else []
            lost = [
                submission_id for (submission_id, running), mark in zip(candidates, marks, strict=True)
                if mark is None  # the broker never had it, or lost it in a restart
                or (running and mark < wall - c["RESEND_AFTER"])  # its worker died holding it
                or mark < wall - 2 * c["VISIBILITY_TIMEOUT"]  # long overdue: a duplicate is harmless
            ]
            for submission_id in lost:
                self.enqueue(submission_id)
            self.redis().zremrangebyscore(self.marks, 0, wall - MARK_DAYS * 86400)
        except (RedisError, BrokerError, SQLAlchemyError, OSError) as e:
            log.warning("sweep for lost audits failed (%s); the next sweep tries again", type(e).__name__)
            return 0
        if lost:
            log.info("re-sent %d audit(s) the broker had lost", len(lost))
        return len(lost)

    def purge(self) -> int:
        """Delete results past their retention period, once an hour across all workers; return how many."""
        from .retention import purge_expired

        try:
            if not self.redis().set(self.purge_lock, os.getpid(), nx=True, ex=int(PURGE_INTERVAL)):
                return 0
            with self.app.app_context():
                try:
                    return purge_expired()
                finally:
                    db.session.remove()
        except (RedisError, SQLAlchemyError) as e:
            log.warning("purge of expired submissions failed (%s); retrying later", type(e).__name__)
            return 0

    def join(self, timeout: float | None = None) -> None:
        """Wait until no audit is in flight: none running, none queued and sent (tests, benchmarks)."""
        deadline = time.monotonic() + (3600 if timeout is None else timeout)
        with self.app.app_context():
            try:
                while True:
                    rows = db.session.execute(db.select(Submission.id, Submission.status).where(
                        Submission.status.in_([JobStatus.QUEUED, JobStatus.RUNNING])
                    )).all()
                    db.session.rollback()
                    queued = [str(r.id) for r in rows if r.status == JobStatus.QUEUED]
                    sent = self.redis().zmscore(self.marks, queued) if queued else []
                    waiting = len(rows) - len(queued) + sum(mark is not None for mark in sent)
                    if not waiting:
                        return
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{waiting} audit(s) still queued or running after {timeout} s")
                    time.sleep(0.2)
            finally:
                db.session.remove()

    def close(self) -> None:
        """Release broker and Redis connections."""
        if self._redis is not None and self._redis_pid == os.getpid():
            self._redis.close()
        self._redis = None
        self.celery.close()


# The worker process: `celery -A portal.celery_app worker` looks up `celery` here, which builds the app.
_worker: Flask | None = None
_stop = threading.Event()


def __getattr__(name: str) -> Celery:
    """Build the worker's Flask app and return its Celery app, on first use of ``celery``."""
    global _worker
    if name != "celery":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if _worker is None:
        from . import create_app

        app = create_app()
        if not isinstance(app.extensions.get("jobs"), CeleryQueue):
            raise RuntimeError("BROKER_URL is not set: set PORTAL_BROKER_URL (a redis:// URL) for workers.")
        _worker = app
    return _worker.extensions["jobs"].celery


@signals.worker_process_init.connect
def _own_connections(**_: Any) -> None:
    """Give each forked pool process its own database connections, never the parent's sockets."""
    if _worker is not None:
        with _worker.app_context():
            db.engine.dispose(close=False)


@signals.worker_ready.connect
def _start_sweeper(**_: Any) -> None:
    """Sweep for lost audits and purge expired results on a thread of the worker's main process."""
    if _worker is None:
        return
    queue: CeleryQueue = _worker.extensions["jobs"]
    interval = queue.app.config["SWEEP_INTERVAL"]

    def run() -> None:
        while not _stop.wait(interval):
            queue.sweep()
            queue.purge()

    _stop.clear()
    threading.Thread(target=run, name="sweeper", daemon=True).start()


@signals.worker_shutdown.connect
def _stop_sweeper(**_: Any) -> None:
    """Stop the sweeper thread."""
    _stop.set()
