"""Routes of the review: the queue, a submission and its evidence, verdicts, the status, the lock."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from .. import access
from ..auth import require_role
from ..extensions import db
from ..localities import PHASES, local_authorities
from ..models import (
    Finding,
    FindingReview,
    JobStatus,
    ReviewStatus,
    Submission,
    SubmissionReview,
    User,
)
from ..pages import send_page_image
from . import bp, locks
from .forms import (
    PROHIBITION,
    REJECTIONS,
    REQUIREMENT,
    STATUS_LABELS,
    ButtonForm,
    FilterForm,
    FindingForm,
    ReasonForm,
    StatusForm,
)
from .queue import PAGE_SIZE, SEVERITIES, Filters, census_term, page_of, queue_query, rule_info

REVIEWERS = ("researcher", "admin")
#: Submissions whose reason for viewing this session already gave (kept short: the log holds the reasons).
SEEN_KEY = "review_seen"
SEEN_MAX = 50


def _me() -> User:
    """Return the signed-in reviewer as a model instance."""
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]


@bp.get("/")
@require_role(*REVIEWERS)
def queue() -> str:
    """List audited submissions, those failing rules first, with filters."""
    form = FilterForm(request.args)
    valid = form.validate()
    filters = (
        Filters(
            **{name: form[name].data or "" for name in ("rule", "severity", "local_authority", "term")},
            status=form.status.data or "open",
        )
        if valid
        else Filters()
    )
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = page_of(queue_query(filters), page)
    ids = [row.Submission.id for row in rows]
    failing: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for sid, rule_id, status, reviewed in db.session.execute(
            db.select(Finding.submission_id, Finding.rule_id, Finding.status, Finding.reviewed_status)
            .where(Finding.submission_id.in_(ids))
            .order_by(Finding.position)
        ):
            if (reviewed or status) in ("missing", "violation"):
                failing[sid].append(rule_id)
    holders = (
        {
            u.id: u
            for u in db.session.execute(
                db.select(User).where(
                    User.id.in_({r.Submission.locked_by_id for r in rows if r.Submission.locked_by_id})
                )
            ).scalars()
        }
        if rows
        else {}
    )
    return render_template(
        "review/queue.html",
        form=form,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        failing=failing,
        severities=SEVERITIES,
        las=local_authorities(),
        census_term=census_term,
        holder=lambda s: locks.holder(s) and holders.get(s.locked_by_id),
        args=request.args.to_dict(),
        invalid=not valid,
    )


def _submission(submission_id: int) -> Submission:
    """Return an audited submission or 404."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.status != JobStatus.DONE:
        abort(404)
    return submission


def _seen(submission_id: int) -> bool:
    """Tell whether the reviewer gave a reason for this submission in this session."""
    return submission_id in session.get(SEEN_KEY, [])


def _statuses(finding: Finding) -> tuple[str, ...]:
    """Return the statuses a finding's rule can have."""
    rule = rule_info(finding.rule_id)
    kind = getattr(rule, "kind", None)
    if kind == "prohibition" or (kind is None and finding.status in ("clear", "violation")):
        return PROHIBITION
    return REQUIREMENT


def _finding_forms(
    submission: Submission, failed: tuple[int, FindingForm] | None = None
) -> dict[int, FindingForm]:
    """Return a verdict form per finding (keeping a submitted form with its errors)."""
    forms = {}
    for finding in submission.findings:
        if failed and failed[0] == finding.id:
            forms[finding.id] = failed[1]
            continue
        form = FindingForm(
            formdata=None, prefix=f"f{finding.id}", statuses=_statuses(finding), checker_status=finding.status
        )
        form.status.data = finding.final_status
        forms[finding.id] = form
    return forms


def _page(
    submission: Submission,
    status: int = 200,
    *,
    finding_form: tuple[int, FindingForm] | None = None,
    status_form: StatusForm | None = None,
    error: str | None = None,
) -> tuple[str, int]:
    """Render the submission page: page images with evidence boxes, findings, verdict and status forms."""
    holder = locks.holder(submission)
    findings = sorted(submission.findings, key=lambda f: (not f.fails, f.position))
    decisions = db.session.execute(
        db.select(SubmissionReview, User.email)
        .outerjoin(User, User.id == SubmissionReview.user_id)
        .where(SubmissionReview.submission_id == submission.id)
        .order_by(SubmissionReview.at)
    ).all()
    reviewer_emails = dict(
        db.session.execute(
            db.select(User.id, User.email).where(
                User.id.in_(
                    db.select(FindingReview.user_id)
                    .join(Finding)
                    .where(Finding.submission_id == submission.id)
                )
            )
        ).all()
    )
    disputed_by = _disputed_by(submission)
    la = local_authorities().get(submission.local_authority or "")
    return render_template(
        "review/submission.html",
        submission=submission,
        findings=findings,
        rule_info=rule_info,
        forms=_finding_forms(submission, finding_form),
        status_form=status_form or StatusForm(formdata=None),
        button=ButtonForm(),
        holder=holder,
        mine=holder is not None and holder.id == current_user.id,
        expires=locks.expires(submission),
        decisions=decisions,
        reviewer_emails=reviewer_emails,
        disputed_by=disputed_by,
        may_resolve=disputed_by != current_user.id,
        la=la,
        phase=PHASES.get(submission.phase or ""),
        term=census_term(submission.form_month or submission.form_date),
        labels=STATUS_LABELS,
        rejections=REJECTIONS,
        error=error,
    ), status


def _disputed_by(submission: Submission) -> int | None:
    """Return who put a disputed submission into dispute (a different reviewer must resolve it)."""
    if submission.review_status != ReviewStatus.DISPUTED:
        return None
    return db.session.execute(
        db.select(SubmissionReview.user_id)
        .where(
            SubmissionReview.submission_id == submission.id, SubmissionReview.status == ReviewStatus.DISPUTED
        )
        .order_by(SubmissionReview.at.desc(), SubmissionReview.id.desc())
        .limit(1)
    ).scalar_one_or_none()


@bp.get("/<int:submission_id>")
@require_role(*REVIEWERS)
def submission(submission_id: int) -> Any:
    """Ask why (once per submission), then show the submission and take the review lock."""
    item = _submission(submission_id)
    if not _seen(item.id):
        return render_template("review/reason.html", submission=item, form=ReasonForm(formdata=None))
    locks.acquire(item, _me())
    reason = session.pop("review_reason", None)
    access.record(
        "view",
        submission_id=item.id,
        reason=reason,
        detail=None if reason else "reason given earlier in this session",
    )
    db.session.commit()
    response = Response(_page(item)[0])
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:submission_id>/reason")
@require_role(*REVIEWERS)
def reason(submission_id: int) -> Any:
    """Take the reason for opening a submission, then open it."""
    item = _submission(submission_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return render_template("review/reason.html", submission=item, form=form), 400
    seen = [s for s in session.get(SEEN_KEY, []) if s != item.id][-(SEEN_MAX - 1) :]
    session[SEEN_KEY] = seen + [item.id]
    session["review_reason"] = form.reason()
    return redirect(url_for("review.submission", submission_id=item.id), code=303)


def _require_reason(item: Submission) -> None:
    """Send a reviewer who has not said why back to the question."""
    if not _seen(item.id):
        abort(redirect(url_for("review.submission", submission_id=item.id)))


def _require_lock(item: Submission) -> Response | None:
    """Take the lock for a change, or return the page saying who holds it (409)."""
    if locks.acquire(item, _me()):
        return None
    holder = locks.holder(item)
    who = holder.email if holder else "another reviewer"
    return Response(
        _page(item, error=f"{who} is reviewing this submission; wait until they finish.")[0], status=409
    )


@bp.get("/<int:submission_id>/pages/<int:number>.png")
@require_role(*REVIEWERS)
def page_image(submission_id: int, number: int) -> Any:
    """Send one redacted page image to a reviewer who has said why they look."""
    item = _submission(submission_id)
    if not _seen(item.id):
        abort(403, "Open the submission and say why before viewing its pages.")
    return send_page_image(item.id, number)


@bp.post("/<int:submission_id>/findings/<int:finding_id>")
@require_role(*REVIEWERS)
def judge(submission_id: int, finding_id: int) -> Any:
    """Confirm a finding as the checker found it, or correct it with a reason."""
    item = _submission(submission_id)
    _require_reason(item)
    finding = db.session.get(Finding, finding_id)
    if finding is None or finding.submission_id != item.id:
        abort(404)
    form = FindingForm(prefix=f"f{finding.id}", statuses=_statuses(finding), checker_status=finding.status)
    if request.form.get("confirm"):  # the "Confirm" button sends the checker's own status
        form.status.data = finding.status
    if not form.validate_on_submit():
        return _page(item, 400, finding_form=(finding.id, form))
    if (conflict := _require_lock(item)) is not None:
        return conflict
    status = form.status.data
    corrected = status != finding.status
    reason = (form.reason.data or "").strip() or None
    finding.reviews.append(
        FindingReview(user_id=current_user.id, status=status, reason=reason if corrected else None)
    )
    finding.reviewed_status = status
    access.record(
        "review",
        submission_id=item.id,
        reason=reason if corrected else None,
        detail=f"{finding.rule_id}: "
        + (f"corrected {finding.status} to {status}" if corrected else f"confirmed {status}"),
    )
    db.session.commit()
    flash(f"{finding.rule_id} {'corrected' if corrected else 'confirmed'}.")
    return redirect(
        url_for("review.submission", submission_id=item.id, _anchor=f"finding-{finding.id}"), code=303
    )


@bp.post("/<int:submission_id>/status")
@require_role(*REVIEWERS)
def set_status(submission_id: int) -> Any:
    """Set the submission's status: confirmed, rejected (with why) or disputed (for a second reviewer)."""
    item = _submission(submission_id)
    _require_reason(item)
    form = StatusForm()
    if not form.validate_on_submit():
        return _page(item, 400, status_form=form)
    disputed_by = _disputed_by(item)
    if disputed_by is not None and disputed_by == current_user.id:
        return _page(
            item,
            403,
            status_form=form,
            error="You put this submission into dispute: a second reviewer must resolve it.",
        )
    if (conflict := _require_lock(item)) is not None:
        return conflict
    status = form.status.data
    if status == ReviewStatus.CONFIRMED:  # findings nobody changed are confirmed as the checker found them
        for finding in item.findings:
            if finding.reviewed_status is None:
                finding.reviews.append(FindingReview(user_id=current_user.id, status=finding.status))
                finding.reviewed_status = finding.status
    rejection = form.rejection.data if status == ReviewStatus.REJECTED else None
    note = (form.note.data or "").strip() or None
    db.session.add(
        SubmissionReview(
            submission_id=item.id, user_id=current_user.id, status=status, reason=rejection, note=note
        )
    )
    previous = item.review_status
    item.review_status = status
    locks.release(item, _me())
    access.record(
        "status",
        submission_id=item.id,
        reason=rejection,
        detail=f"{previous} to {status}" + (" (resolving a dispute)" if disputed_by else ""),
    )
    db.session.commit()
    flash(f"Submission {item.id} is now {status}.")
    return redirect(url_for("review.queue"), code=303)


@bp.post("/<int:submission_id>/release")
@require_role(*REVIEWERS)
def release(submission_id: int) -> Any:
    """Give up the review lock so another reviewer can take the submission."""
    item = _submission(submission_id)
    if ButtonForm().validate_on_submit():
        locks.release(item, _me())
        db.session.commit()
        flash(f"Submission {item.id} is free for another reviewer.")
    return redirect(url_for("review.queue"), code=303)
