"""The audit job: run the pipeline on one submission's originals and store its redacted result."""
from __future__ import annotations

import io
import logging
from datetime import date

from flask import current_app
from sqlalchemy.exc import OperationalError

from . import audit as engine
from .audit.ingest import Limits
from .extensions import db
from .models import Finding, JobStatus, PageImage, PendingUpload, Submission, utcnow

log = logging.getLogger(__name__)

UNEXPECTED = "Something went wrong on our side while checking this form. It has been deleted; please try again."


def options_for(submission: Submission) -> engine.AuditOptions:
    """Return the pipeline options for a submission, from its context and the app's settings."""
    c = current_app.config
    limits = Limits(max_bytes=c["MAX_CONTENT_LENGTH"], max_pages=c["MAX_PAGES"], max_pixels=c["MAX_PIXELS"])
    form_date: date | None = submission.form_month
    return engine.AuditOptions(form_date=form_date, limits=limits)


def run_audit(submission_id: int) -> str:
    """Audit a submission by id and commit its result; safe to run again (returns the final status)."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.status in (JobStatus.DONE, JobStatus.FAILED):
        return submission.status if submission else "gone"
    originals = [p.data for p in submission.originals]
    if not originals:
        _fail(submission, "lost", "The uploaded file was lost before it could be checked. Please upload it again.")
        return JobStatus.FAILED
    submission.status = JobStatus.RUNNING
    submission.started_at = utcnow()
    submission.attempts += 1
    db.session.commit()

    try:
        result = engine.audit(originals, options_for(submission), _ocr_engine())
    except engine.AuditError as e:
        _fail(submission, e.code, e.message)
        return JobStatus.FAILED
    except OperationalError:
        db.session.rollback()
        raise  # the database went away: let the queue retry with the original still pending
    except Exception:
        log.exception("audit of submission %s failed unexpectedly", submission_id)
        _fail(submission, "internal_error", UNEXPECTED)
        return JobStatus.FAILED
    _store(submission, result)
    return JobStatus.DONE


def _ocr_engine() -> engine.ocr.TesseractEngine:
    """Return the OCR engine configured for this app."""
    return engine.ocr.TesseractEngine(timeout=current_app.config["OCR_TIMEOUT"])


def _store(submission: Submission, result: engine.AuditResult) -> None:
    """Store the redacted result and delete the originals in one transaction."""
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
    _finish(submission, JobStatus.DONE)


def _fail(submission: Submission, code: str, message: str) -> None:
    """Record why the audit failed and delete the originals all the same."""
    db.session.rollback()
    submission.error_code = code
    submission.error_message = message
    _finish(submission, JobStatus.FAILED)


def _finish(submission: Submission, status: JobStatus) -> None:
    """Set the final status, delete the pending originals and commit, all at once."""
    submission.status = status
    submission.finished_at = utcnow()
    db.session.execute(db.delete(PendingUpload).where(PendingUpload.submission_id == submission.id))
    db.session.commit()
