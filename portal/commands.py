"""Command-line tasks bound to the app: `flask --app portal purge`."""
from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app

from .extensions import db
from .models import Submission, utcnow


def purge_expired() -> int:
    """Delete submissions past their retention period; return how many."""
    c = current_app.config
    now = utcnow()
    expired = db.select(Submission).where(
        ((Submission.consent_evidence.is_(False)) & (Submission.created_at < now - timedelta(days=c["RETENTION_DAYS"])))
        | (Submission.created_at < now - timedelta(days=c["EVIDENCE_RETENTION_DAYS"]))
    )
    count = 0
    for submission in db.session.execute(expired).scalars():
        db.session.delete(submission)
        count += 1
    db.session.commit()
    return count


@click.command("purge")
def purge_command() -> None:
    """Delete redacted results that are past their retention period."""
    click.echo(f"Deleted {purge_expired()} expired submission(s).")


def init_app(app: Flask) -> None:
    """Register the portal's commands."""
    app.cli.add_command(purge_command)
