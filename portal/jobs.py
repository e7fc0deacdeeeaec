"""Run "audit submission N" in the background: in-process threads by default, Celery at scale."""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from flask import Flask

from . import retention
from .auditing import run_audit
from .extensions import db
from .models import JobStatus, Submission

log = logging.getLogger(__name__)


class JobQueue(Protocol):
    """Where audit jobs go: they carry only a submission id."""

    def enqueue(self, submission_id: int) -> None:
        """Queue the audit of one submission."""


class InProcessQueue:
    """Audit jobs on worker threads inside the web process (the embedded default)."""

    def __init__(self, app: Flask, threads: int) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="audit")
        self.pending: set[Future[None]] = set()
        self.lock = threading.Lock()

    def enqueue(self, submission_id: int) -> None:
        """Run the audit on a worker thread, with its own app context and database session."""
        future = self.pool.submit(self._run, submission_id)
        with self.lock:
            self.pending.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self.lock:
            self.pending.discard(future)

    def _run(self, submission_id: int) -> None:
        with self.app.app_context():
            try:
                run_audit(submission_id)
            except Exception:
                log.exception("audit job for submission %s stopped; it is resumed at next start", submission_id)
            finally:
                db.session.remove()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the queued jobs to finish (tests and shutdown)."""
        with self.lock:
            futures = list(self.pending)
        for future in futures:
            future.result(timeout=timeout)


class SyncQueue:
    """Run each audit at once, in the caller's context (for the command line and simple tests)."""

    def enqueue(self, submission_id: int) -> None:
        """Audit the submission now."""
        run_audit(submission_id)


def init_app(app: Flask) -> None:
    """Choose the queue from configuration and resume work a crash left behind."""
    queue: JobQueue
    if app.config["BROKER_URL"]:
        from .celery_app import CeleryQueue  # only needed (and importable) at scale

        queue = CeleryQueue(app)
    elif app.config.get("JOBS") == "sync":
        queue = SyncQueue()
    else:
        queue = InProcessQueue(app, app.config["AUDIT_THREADS"])
        if not app.testing:
            retention.start_schedule(app)
    app.extensions["jobs"] = queue
    if app.config["RESUME_JOBS"]:
        with app.app_context():
            resume(queue)


def resume(queue: JobQueue) -> int:
    """Re-queue submissions left queued or running (by a crash or restart); return how many."""
    sweep = getattr(queue, "resume", None)
    if sweep is not None:  # Celery: other machines may be auditing, so the queue re-sends only what was lost
        return int(sweep())
    try:
        # An embedded database belongs to this one process: whatever it left running died with it.
        db.session.execute(db.update(Submission).where(Submission.status == JobStatus.RUNNING)
                           .values(status=JobStatus.QUEUED))
        db.session.commit()
        ids = db.session.execute(
            db.select(Submission.id).where(Submission.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
        ).scalars().all()
    except Exception:  # no tables yet: the database is not migrated
        db.session.rollback()
        return 0
    for submission_id in ids:
        queue.enqueue(submission_id)
    return len(ids)


def queue() -> JobQueue:
    """Return the app's job queue."""
    from flask import current_app

    return current_app.extensions["jobs"]
