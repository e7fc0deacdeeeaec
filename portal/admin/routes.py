"""Routes of the admin area: staff accounts, the access log (read-only), reviewer agreement."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import access
from ..auth import require_role
from ..auth.core import set_password_token
from ..auth.passwords import unusable_hash
from ..extensions import db
from ..models import AccessLog, JobStatus, ReviewStatus, Submission, User
from ..review.queue import rule_info
from . import bp
from .agreement import agreement_by_rule
from .forms import ButtonForm, InviteForm, LogFilterForm, RoleForm

LOG_PAGE = 100


@bp.get("/")
@require_role("admin")
def index() -> str:
    """Show the admin area's overview."""
    users = dict(
        db.session.execute(db.select(User.role, db.func.count()).where(User.active).group_by(User.role)).all()
    )
    statuses = dict(
        db.session.execute(
            db.select(Submission.review_status, db.func.count())
            .where(Submission.status == JobStatus.DONE)
            .group_by(Submission.review_status)
        ).all()
    )
    return render_template("admin/index.html", users=users, statuses=statuses, ReviewStatus=ReviewStatus)


def _users_page(
    invite: InviteForm | None = None, link: tuple[User, str] | None = None, status: int = 200
) -> tuple[str, int]:
    """Render the users page (with an invitation form, and a link to show once)."""
    users = db.session.execute(db.select(User).order_by(User.active.desc(), User.email)).scalars().all()
    role_forms = {}
    for user in users:
        form = RoleForm(formdata=None, prefix=f"u{user.id}")
        form.role.data = user.role
        role_forms[user.id] = form
    return render_template(
        "admin/users.html",
        users=users,
        invite=invite or InviteForm(formdata=None),
        role_forms=role_forms,
        button=ButtonForm(),
        link=link,
    ), status


def _link(user: User) -> str:
    """Return the full set-password link for a user."""
    return url_for("auth.set_password", token=set_password_token(user), _external=True)


@bp.get("/users")
@require_role("admin")
def users() -> tuple[str, int]:
    """List staff accounts with what an admin can do to each."""
    return _users_page()


@bp.post("/users")
@require_role("admin")
def invite() -> Any:
    """Create an account and show, once, the link its owner uses to choose a password."""
    form = InviteForm()
    if not form.validate_on_submit():
        return _users_page(invite=form, status=400)
    email = form.email.data.strip().lower()
    if db.session.execute(db.select(User.id).where(User.email == email)).first():
        form.email.errors = [f"There is already an account for {email}."]
        return _users_page(invite=form, status=400)
    user = User(email=email, role=form.role.data, password_hash=unusable_hash())
    db.session.add(user)
    db.session.flush()
    access.record("user", detail=f"invited user {user.id} as {user.role}")
    db.session.commit()
    return _users_page(link=(user, _link(user)), status=201)


def _other_user(user_id: int) -> User:
    """Return a user an admin may change: not missing, and not the admin themself (no locking oneself out)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        abort(400, "You cannot change your own account here: ask another admin.")
    return user


@bp.post("/users/<int:user_id>/role")
@require_role("admin")
def change_role(user_id: int) -> Any:
    """Give a user another role (a new researcher or admin enrols an authenticator at next sign-in)."""
    user = _other_user(user_id)
    form = RoleForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        abort(400, "Please choose one of the roles.")
    if form.role.data != user.role:
        access.record("user", detail=f"user {user.id}: role {user.role} to {form.role.data}")
        user.role = form.role.data
        db.session.commit()
        flash(f"{user.email} is now a {user.role}.")
    return redirect(url_for("admin.users"), code=303)


@bp.post("/users/<int:user_id>/disable")
@require_role("admin")
def disable(user_id: int) -> Any:
    """Disable an account: it cannot sign in, and its open sessions end."""
    user = _other_user(user_id)
    user.active = False
    return _changed(user, "disabled", f"{user.email} is disabled.")


@bp.post("/users/<int:user_id>/enable")
@require_role("admin")
def enable(user_id: int) -> Any:
    """Enable a disabled account again."""
    user = _other_user(user_id)
    user.active = True
    return _changed(user, "enabled", f"{user.email} can sign in again.")


@bp.post("/users/<int:user_id>/reset-code")
@require_role("admin")
def reset_code(user_id: int) -> Any:
    """Forget a user's authenticator (a lost phone): they enrol a new one at next sign-in."""
    user = _other_user(user_id)
    user.totp_secret = None
    user.totp_last_step = None
    return _changed(user, "authenticator reset", f"{user.email} will set up a new authenticator at their next sign-in.")


def _changed(user: User, what: str, message: str) -> Any:
    """Record a change to an account, commit it, tell the admin and go back to the list of people."""
    access.record("user", detail=f"user {user.id}: {what}")
    db.session.commit()
    flash(message)
    return redirect(url_for("admin.users"), code=303)


@bp.post("/users/<int:user_id>/link")
@require_role("admin")
def new_link(user_id: int) -> Any:
    """Show, once, a new set-password link for a user (a forgotten password, or a lost invitation)."""
    user = _other_user(user_id)
    if not user.active:
        abort(400, "Enable the account before sending it a set-password link.")
    access.record("user", detail=f"user {user.id}: set-password link issued")
    db.session.commit()
    return _users_page(link=(user, _link(user)))


@bp.get("/log")
@require_role("admin")
def log() -> str:
    """Show the access log, newest first, filtered and a page at a time (read-only)."""
    staff = db.session.execute(db.select(User.id, User.email).order_by(User.email)).all()
    emails = dict(staff)
    actions = list(
        db.session.execute(db.select(AccessLog.action).distinct().order_by(AccessLog.action)).scalars()
    )
    form = LogFilterForm(request.args, users=[(str(i), e) for i, e in staff], actions=actions)
    query = db.select(AccessLog)
    if form.validate():
        if form.user.data:
            query = query.where(AccessLog.user_id == int(form.user.data))
        if form.action.data:
            query = query.where(AccessLog.action == form.action.data)
        if form.submission.data:
            query = query.where(AccessLog.submission_id == form.submission.data)
        if form.since.data:
            query = query.where(AccessLog.at >= datetime.combine(form.since.data, time.min, UTC))
        if form.until.data:
            query = query.where(
                AccessLog.at < datetime.combine(form.until.data + timedelta(days=1), time.min, UTC)
            )
    page = db.paginate(
        query.order_by(AccessLog.at.desc(), AccessLog.id.desc()),
        per_page=LOG_PAGE,
        max_per_page=LOG_PAGE,
        error_out=False,
    )
    return render_template("admin/log.html", form=form, page=page, emails=emails, args=request.args.to_dict())


@bp.get("/agreement")
@require_role("admin")
def agreement() -> str:
    """Show, per rule, how often two reviewers of the same finding agreed."""
    rows = agreement_by_rule()
    pairs = sum(r.pairs for r in rows)
    overall = sum(r.agreeing for r in rows) / pairs if pairs else None
    return render_template(
        "admin/agreement.html", rows=rows, rule_info=rule_info, overall=overall, pairs=pairs
    )
