"""The audit job: run the pipeline on one submission's originals and store its redacted result."""
from __future__ import annotations

import importlib
import io
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from flask import Config, current_app
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from . import audit as engine
from .audit.ingest import Limits
from .extensions import db
from .models import Finding, JobStatus, PageImage, PendingUpload, Submission, utcnow

log = logging.getLogger(__name__)

BUSY = "busy"  # another worker holds a live claim: try again once its lease may have lapsed
SUPERSEDED = "superseded"  # this worker's claim lapsed and another took over: its result is dropped
MAX_ATTEMPTS = 5  # claims of one submission before it is failed rather than tried again
UNEXPECTED = "Something went wrong on our side while checking this form. It has been deleted; please try again."


def upload_limits() -> Limits:
    """Return how much one upload may hold, from the app's settings."""
    c = current_app.config
    return Limits(max_bytes=c["MAX_CONTENT_LENGTH"], max_pages=c["MAX_PAGES"], max_pixels=c["MAX_PIXELS"])


def options_for(submission: Submission) -> engine.AuditOptions:
    """Return the pipeline options for a submission, from its context and the app's settings."""
    form_date: date | None = submission.form_month
    return engine.AuditOptions(form_date=form_date, limits=upload_limits())


def run_audit(submission_id: int) -> str:
    """Audit a submission by id and commit its result; safe to rerun, even concurrently (returns the status).

    Deliveries race when a worker dies or the broker re-sends: each claims the submission with a
    compare-and-set (queued, or running with a lapsed lease) and commits only while its claim still stands,
    so exactly one result is stored.
    """
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.status in (JobStatus.DONE, JobStatus.FAILED):
        return submission.status if submission else "gone"
    claim = _claim(submission_id)
    if claim is None:  # finished or deleted meanwhile, or another worker's lease is live
        status = db.session.execute(
            db.select(Submission.status).where(Submission.id == submission_id)
        ).scalar_one_or_none()
        db.session.rollback()
        return "gone" if status is None else status if status in (JobStatus.DONE, JobStatus.FAILED) else BUSY
    try:
        db.session.refresh(submission)
        if claim > MAX_ATTEMPTS:  # this form stopped every worker that tried it (a crash, not a slow page)
            log.error("audit of submission %s abandoned after %d attempts", submission_id, claim - 1)
            return _fail(submission, claim, "internal_error", UNEXPECTED)
        originals = [p.data for p in submission.originals]
        if not originals:
            return _fail(submission, claim, "lost",
                         "The uploaded file was lost before it could be checked. Please upload it again.")
        options = options_for(submission)
        db.session.commit()  # no transaction stays open during OCR
        try:
            with _heartbeat(submission_id, claim):
                result = engine.audit(originals, options, _ocr_engine())
        except engine.AuditError as e:
            return _fail(submission, claim, e.code, e.message)
        except OperationalError:
            raise
        except Exception:
            log.exception("audit of submission %s failed unexpectedly", submission_id)
            return _fail(submission, claim, "internal_error", UNEXPECTED)
        return _store(submission, claim, result)
    except OperationalError:
        db.session.rollback()
        _release(submission_id, claim)
        raise  # the database went away: let the queue retry with the original still pending


def _claim(submission_id: int) -> int | None:
    """Take the submission if it is queued or its holder's lease lapsed; return the claim, or None."""
    now = utcnow()
    lapsed = now - timedelta(seconds=current_app.config["AUDIT_LEASE"])
    claim = db.session.execute(
        db.update(Submission)
        .where(Submission.id == submission_id)
        .where((Submission.status == JobStatus.QUEUED) | (
            (Submission.status == JobStatus.RUNNING)
            & (Submission.started_at.is_(None) | (Submission.started_at < lapsed))
        ))
        .values(status=JobStatus.RUNNING, started_at=now, attempts=Submission.attempts + 1)
        .returning(Submission.attempts)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    db.session.commit()
    return claim


def _holds(submission_id: int, claim: int) -> bool:
    """Lock the submission's row until commit and tell whether this claim still stands."""
    row = db.session.execute(
        db.select(Submission.status, Submission.attempts)
        .where(Submission.id == submission_id)
        .with_for_update()
    ).one_or_none()
    return row is not None and row.status == JobStatus.RUNNING and row.attempts == claim


def _release(submission_id: int, claim: int) -> None:
    """Put a claimed submission back in the queue after a database error, when the database answers."""
    try:
        db.session.execute(
            db.update(Submission)
            .where(Submission.id == submission_id, Submission.status == JobStatus.RUNNING,
                   Submission.attempts == claim)
            .values(status=JobStatus.QUEUED)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("could not release submission %s; its lease will lapse instead", submission_id)


@contextmanager
def _heartbeat(submission_id: int, claim: int) -> Iterator[None]:
    """Renew the claim's lease from a thread while the audit runs, so only a dead worker's claim lapses."""
    connectable = db.engine
    interval = current_app.config["AUDIT_LEASE"] / 4
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(interval):
            try:
                with connectable.begin() as connection:
                    renewed = connection.execute(
                        db.update(Submission)
                        .where(Submission.id == submission_id, Submission.status == JobStatus.RUNNING,
                               Submission.attempts == claim)
                        .values(started_at=utcnow())
                    ).rowcount
            except SQLAlchemyError:
                log.warning("heartbeat of submission %s failed; trying again", submission_id)
                continue
            if not renewed:
                if not stop.is_set():  # else it simply finished meanwhile
                    log.warning("submission %s was taken over; this audit's result is dropped", submission_id)
                return

    thread = threading.Thread(target=beat, name=f"heartbeat-{submission_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _ocr_engine() -> engine.ocr.OcrEngine:
    """Return the OCR engine configured for this app: OCR_ENGINE's factory, else Tesseract."""
    c = current_app.config
    if c["OCR_ENGINE"]:
        module, _, name = c["OCR_ENGINE"].partition(":")
        factory: Callable[[Config], engine.ocr.OcrEngine] = getattr(importlib.import_module(module), name)
        return factory(c)
    return engine.ocr.TesseractEngine(timeout=c["OCR_TIMEOUT"])


def _store(submission: Submission, claim: int, result: engine.AuditResult) -> str:
    """Store the redacted result and delete the originals in one transaction, if the claim still stands."""
    if not _holds(submission.id, claim):
        db.session.rollback()
        return SUPERSEDED
    submission.pages = result.pages
    submission.rules_version = result.rules_version
    submission.form_date = result.context.form_date
    submission.flags = list(result.context.flags)
    submission.census_items = list(result.context.census_items)
    submission.pii = [{"type": h.type, "page": h.page, "box": list(h.box)} for h in result.pii]
    submission.text = result.text
    submission.seconds = round(result.seconds, 2)
    for number, image in enumerate(result.images, 1):
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        submission.page_images.append(
            PageImage(number=number, width=image.width, height=image.height, png=buffer.getvalue())
        )
    for position, f in enumerate(result.findings):
        submission.findings.append(Finding(
            position=position, rule_id=f.rule_id, status=f.status, evidence=f.evidence,
            page=f.span.page if f.span else None, box=list(f.box) if f.box else None,
            pattern=f.pattern, confidence=f.confidence,
        ))
    return _finish(submission, JobStatus.DONE)


def _fail(submission: Submission, claim: int, code: str, message: str) -> str:
    """Record why the audit failed and delete the originals all the same, if the claim still stands."""
    db.session.rollback()
    if not _holds(submission.id, claim):
        db.session.rollback()
        return SUPERSEDED
    submission.error_code = code
    submission.error_message = message
    return _finish(submission, JobStatus.FAILED)


def _finish(submission: Submission, status: JobStatus) -> str:
    """Set the final status, delete the pending originals and commit, all at once."""
    submission.status = status
    submission.finished_at = utcnow()
    db.session.execute(db.delete(PendingUpload).where(PendingUpload.submission_id == submission.id))
    db.session.commit()
    return status
