"""Routes of the parents' path: upload, receipt and result, page images, letter, erasure."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage

from .. import jobs
from ..audit import AuditError, ingest, rules
from ..audit.rules.catalogue import Rule
from ..auditing import upload_limits
from ..extensions import db
from ..localities import PHASES, local_authorities
from ..models import Finding, JobStatus, PendingUpload, Submission
from ..pages import send_page_image
from . import bp
from .forms import UploadForm
from .letter import letter_for

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
SEVERITIES = ("critical", "high", "medium", "low", "info")


@bp.get("/")
def upload() -> str:
    """Show the upload page."""
    return render_template("uploads/upload.html", form=UploadForm())


@bp.post("/")
def submit() -> Any:
    """Check the upload, store it pending, queue its audit and send the parent to the receipt."""
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("uploads/upload.html", form=form), 400
    blobs, error = _read_files(form.files.data)
    if error:
        form.files.errors = [error]
        return render_template("uploads/upload.html", form=form), 400
    submission, token = Submission.new(
        local_authority=form.local_authority.data or None,
        phase=form.phase.data or None,
        form_month=form.month(),
        consent_evidence=form.consent_evidence.data,
    )
    submission.originals = [PendingUpload(position=i, data=blob) for i, blob in enumerate(blobs)]
    db.session.add(submission)
    db.session.flush()
    submission_id = submission.id  # read before the commit expires it, saving a query
    db.session.commit()
    jobs.queue().enqueue(submission_id)
    return redirect(url_for("uploads.receipt", token=token), code=303)


def _read_files(files: list[FileStorage]) -> tuple[list[bytes], str | None]:
    """Read and check the uploaded files; return their bytes or a message a parent understands."""
    limits = upload_limits()
    blobs = [f.read() for f in files if f and f.filename is not None]
    blobs = [b for b in blobs if b]
    if not blobs:
        return [], "The file was empty. Please choose a photo, scan or PDF of the form."
    pages = 0
    try:
        for blob in blobs:
            pages += ingest.count_pages(blob, limits)
    except AuditError as e:
        return [], e.message
    if pages > limits.max_pages:
        return [], f"Please send at most {limits.max_pages} pages: only the pages of the census form."
    return blobs, None


@dataclass
class FindingGroups:
    """A submission's findings split into failing, passing and not applicable, each by severity."""

    failing: dict[str, list[tuple[Finding, Rule]]] = field(default_factory=lambda: {s: [] for s in SEVERITIES})
    passing: dict[str, list[tuple[Finding, Rule]]] = field(default_factory=lambda: {s: [] for s in SEVERITIES})
    other: dict[str, list[tuple[Finding, Rule]]] = field(default_factory=lambda: {s: [] for s in SEVERITIES})

    @classmethod
    def of(cls, submission: Submission) -> FindingGroups:
        """Group the findings of a submission."""
        groups = cls()
        for finding in submission.findings:
            rule = rules.CATALOGUE.rule(finding.rule_id)
            group = groups.failing if finding.fails else (
                groups.other if finding.final_status == "not_applicable" else groups.passing)
            group[rule.severity].append((finding, rule))
        return groups

    @property
    def failing_count(self) -> int:
        """Count the findings the form fails."""
        return _total(self.failing)

    @property
    def passing_count(self) -> int:
        """Count the findings the form passes."""
        return _total(self.passing)

    @property
    def other_count(self) -> int:
        """Count the rules that do not apply."""
        return _total(self.other)


def _total(group: dict[str, list[tuple[Finding, Rule]]]) -> int:
    return sum(len(items) for items in group.values())


def _submission(token: str) -> Submission:
    """Return the submission a receipt token opens, or 404 for any other token."""
    if not TOKEN.match(token):
        abort(404)
    submission = Submission.by_token(token)
    if submission is None:
        abort(404)
    return submission


@bp.get("/r/<token>")
def receipt(token: str) -> Any:
    """Show progress while the audit runs, then its result."""
    submission = _submission(token)
    response = Response(render_template(
        "uploads/receipt.html", submission=submission, token=token, groups=FindingGroups.of(submission),
        local_authority=local_authorities().get(submission.local_authority or ""),
        phase=PHASES.get(submission.phase or ""), JobStatus=JobStatus,
    ))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/r/<token>/status")
def status(token: str) -> Any:
    """Report the audit's progress for the receipt page's poller."""
    submission = _submission(token)
    finished = submission.status in (JobStatus.DONE, JobStatus.FAILED)
    return {"status": submission.status, "finished": finished}


@bp.get("/r/<token>/pages/<int:number>.png")
def page_image(token: str, number: int) -> Any:
    """Send one redacted page image."""
    return send_page_image(_submission(token).id, number)


@bp.get("/r/<token>/letter")
def letter(token: str) -> Any:
    """Show the letter to the school, ready to print; `?download=1` sends it as a text file."""
    submission = _submission(token)
    if submission.status != JobStatus.DONE:
        abort(404)
    content = letter_for(submission)
    if request.args.get("download"):
        return Response(
            content.as_text(), mimetype="text/plain; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="letter-to-school.txt"'},
        )
    return render_template("uploads/letter.html", letter=content, token=token)


@bp.get("/r/<token>/delete")
def confirm_delete(token: str) -> str:
    """Ask the parent to confirm erasure."""
    return render_template("uploads/delete.html", submission=_submission(token), token=token)


@bp.post("/r/<token>/delete")
def delete(token: str) -> Any:
    """Delete the submission and everything derived from it."""
    submission = _submission(token)
    db.session.delete(submission)
    db.session.commit()
    flash("Your form and everything we derived from it have been deleted.")
    return redirect(url_for("uploads.upload"), code=303)


@bp.get("/privacy")
def privacy() -> str:
    """Show the portal's own privacy notice."""
    return render_template("privacy.html")
