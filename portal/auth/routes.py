"""Routes of staff sign-in: password, enrolment and one-time code, signing out, setting a password."""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from .. import access
from ..extensions import db
from ..models import User
from . import bp
from .core import (
    ROLES,
    TOTP_ROLES,
    account_locked,
    end_session,
    home_for,
    new_totp_secret,
    qr_svg,
    register_failure,
    register_success,
    require_role,
    safe_next,
    second_factor_done,
    second_factor_url,
    start_session,
    throttle,
    user_for_token,
    verify_totp,
)
from .forms import CodeForm, ConfirmForm, LoginForm, SetPasswordForm
from .passwords import WeakPassword, check_strength, hash_password, needs_rehash, verify_password

log = logging.getLogger(__name__)

WRONG = "The email address or password is not right."
TOO_MANY = "Too many failed attempts. Please wait {minutes} minutes and try again."
#: Checked when the email is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = hash_password("not a real password, only for timing")


def _after_sign_in() -> Any:
    """Send a fully signed-in user where they were going, or to their home page."""
    return redirect(safe_next(request.args.get("next")) or home_for(current_user))


def _too_many(template: str, form: Any) -> tuple[str, int]:
    """Show the throttled form with a 429."""
    form.form_errors.append(TOO_MANY.format(minutes=current_app.config["LOGIN_LOCK_MINUTES"]))
    return render_template(template, form=form), 429


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Check an email address and password, then ask for the second factor if the role needs it."""
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated and second_factor_done():
            return _after_sign_in()
        return render_template("auth/login.html", form=form)
    if throttle().blocked(request.remote_addr):
        return _too_many("auth/login.html", form)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400
    email = form.email.data.strip().lower()
    user = db.session.execute(db.select(User).where(User.email == email)).scalar_one_or_none()
    if user is not None and account_locked(user):
        return _too_many("auth/login.html", form)
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, form.password.data)
        register_failure(None)
        form.form_errors.append(WRONG)
        return render_template("auth/login.html", form=form), 401
    if not verify_password(user.password_hash, form.password.data):
        register_failure(user)
        db.session.commit()
        form.form_errors.append(WRONG)
        return render_template("auth/login.html", form=form), 401
    register_success(user)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(form.password.data)
    start_session(user)
    if user.role in TOTP_ROLES:
        db.session.commit()
        return redirect(second_factor_url(safe_next(request.args.get("next"))))
    access.record("login", detail="password")
    db.session.commit()
    return _after_sign_in()


def _half_signed_in() -> User:
    """Return the user between password and code, or end the request."""
    if not current_user.is_authenticated:
        abort(redirect(url_for("auth.login", next=safe_next(request.args.get("next")))))
    if second_factor_done():
        abort(_after_sign_in())
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]


@bp.route("/login/code", methods=["GET", "POST"])
def totp() -> Any:
    """Ask for the six-digit code of a user who has enrolled an authenticator."""
    user = _half_signed_in()
    if not user.totp_secret:
        return redirect(url_for("auth.enrol", next=safe_next(request.args.get("next"))))
    form = CodeForm()
    if request.method == "GET":
        return render_template("auth/code.html", form=form)
    if throttle().blocked(request.remote_addr) or account_locked(user):
        return _too_many("auth/code.html", form)
    if not form.validate_on_submit():
        return render_template("auth/code.html", form=form), 400
    step = verify_totp(user.totp_secret, form.code.data, user.totp_last_step)
    if step is None:
        register_failure(user)
        db.session.commit()
        form.code.errors = [
            "That code is not right, or was already used. Wait for the next code and try again."
        ]
        return render_template("auth/code.html", form=form), 401
    register_success(user)
    user.totp_last_step = step
    session["totp_ok"] = True
    access.record("login", detail="password and code")
    db.session.commit()
    return _after_sign_in()


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol() -> Any:
    """Show a new authenticator secret as a QR code and turn it on once the user proves they scanned it."""
    user = _half_signed_in()
    if user.totp_secret:
        return redirect(url_for("auth.totp", next=safe_next(request.args.get("next"))))
    secret = session.get("enrol_secret")
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session["enrol_secret"] = new_totp_secret()
    form = CodeForm()
    status = 200
    if request.method == "POST":
        if throttle().blocked(request.remote_addr) or account_locked(user):
            form.form_errors.append(TOO_MANY.format(minutes=current_app.config["LOGIN_LOCK_MINUTES"]))
            status = 429
        elif not form.validate_on_submit():
            status = 400
        elif (step := verify_totp(secret, form.code.data, None)) is None:
            register_failure(user)
            db.session.commit()
            form.code.errors = [
                "That code is not right. Check the app shows this account, then try the new code."
            ]
            status = 401
        else:
            register_success(user)
            user.totp_secret = secret
            user.totp_last_step = step
            session.pop("enrol_secret", None)
            session["totp_ok"] = True
            access.record("totp_enrol")
            db.session.commit()
            flash("Your authenticator is set up. You will need a code from it each time you sign in.")
            return _after_sign_in()
    return render_template("auth/enrol.html", form=form, secret=secret, qr=qr_svg(secret, user.email)), status


@bp.post("/logout")
def logout() -> Any:
    """Sign out (a POST with a CSRF token, so no other site can sign staff out)."""
    if ConfirmForm().validate_on_submit() and current_user.is_authenticated:
        access.record("logout")
        db.session.commit()
    end_session()
    flash("You have signed out.")
    return redirect(url_for("auth.login"), code=303)


@bp.get("/")
@require_role(*ROLES)
def account() -> str:
    """Show who is signed in, with links to the areas their role opens."""
    return render_template("auth/account.html", home=home_for(current_user))


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> Any:
    """Let an invited (or reset) user choose a password through a one-time link."""
    user = user_for_token(token)
    if user is None:
        return render_template("auth/link_expired.html"), 404
    form = SetPasswordForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("auth/set_password.html", form=form, email=user.email), 400
        try:
            check_strength(form.password.data, user.email)
        except WeakPassword as e:
            form.password.errors = [str(e)]
            return render_template("auth/set_password.html", form=form, email=user.email), 400
        user.password_hash = hash_password(form.password.data)
        register_success(user)
        db.session.commit()
        end_session()
        flash("Your password is set. Please sign in.")
        return redirect(url_for("auth.login"), code=303)
    return render_template("auth/set_password.html", form=form, email=user.email)
