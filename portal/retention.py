"""Keep results no longer than promised: delete submissions past their retention period."""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from flask import Flask, current_app

from .extensions import db
from .models import Submission, utcnow

log = logging.getLogger(__name__)

PURGE_INTERVAL_SECONDS = 3600


def purge_expired() -> int:
    """Delete submissions past their retention period; return how many."""
    c = current_app.config
    now = utcnow()
    expired = db.select(Submission).where(
        (Submission.consent_evidence.is_(False) & (Submission.created_at < now - timedelta(days=c["RETENTION_DAYS"])))
        | (Submission.created_at < now - timedelta(days=c["EVIDENCE_RETENTION_DAYS"]))
    )
    count = 0
    for submission in db.session.execute(expired).scalars():
        db.session.delete(submission)
        count += 1
    db.session.commit()
    return count


def start_schedule(app: Flask) -> None:
    """Purge expired submissions now and every hour, on a daemon thread of this process."""

    def run() -> None:
        with app.app_context():
            try:
                count = purge_expired()
                if count:
                    log.info("deleted %d expired submission(s)", count)
            except Exception:  # a missing table before migration, a locked database: try again later
                log.warning("purge of expired submissions failed; retrying in an hour", exc_info=True)
            finally:
                db.session.remove()
        timer = threading.Timer(PURGE_INTERVAL_SECONDS, run)
        timer.daemon = True
        timer.start()

    threading.Thread(target=run, daemon=True, name="purge").start()
