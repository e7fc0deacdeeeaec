"""The machinery behind staff sign-in: session loading and expiry, roles, throttling and one-time codes."""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pyotp
import segno
from flask import Flask, abort, current_app, redirect, request, session, url_for
from flask_login import LoginManager, current_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from markupsafe import Markup

from ..extensions import db
from ..models import User, utcnow

log = logging.getLogger(__name__)

ROLES = ("researcher", "campaigner", "admin")
#: Roles that see single submissions or manage people, and so must pass a second factor.
TOTP_ROLES = frozenset({"researcher", "admin"})
#: Where each role lands after signing in: the first of these endpoints the app has.
HOMES = {
    "researcher": ("review.queue", "reports.index"),
    "campaigner": ("reports.index",),
    "admin": ("admin.index", "review.queue"),
}
ISSUER = "Census form audit"

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def aware(moment: datetime | None) -> datetime | None:
    """Return a datetime in UTC (SQLite hands back naive datetimes for UTC columns)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Return the active account a session belongs to, if its password has not changed since."""
    user_id, _, _fingerprint = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(user.get_id(), session_id):
        return None
    return user


def second_factor_done() -> bool:
    """Tell whether the signed-in user has passed every step their role requires."""
    if not current_user.is_authenticated:
        return False
    return current_user.role not in TOTP_ROLES or session.get("totp_ok") is True


def second_factor_url(next_url: str | None = None) -> str:
    """Return the step the signed-in user must pass next: enrolment or a code."""
    endpoint = "auth.totp" if current_user.totp_secret else "auth.enrol"
    return url_for(endpoint, next=next_url) if next_url else url_for(endpoint)


def _here() -> str:
    """Return the path and query of the current request, to come back to after signing in."""
    return request.full_path.rstrip("?") if request.query_string else request.path


def require_role(*roles: str) -> Callable[[F], F]:
    """Let a view through only for signed-in staff holding one of ``roles`` (and their second factor)."""
    unknown = set(roles) - set(ROLES)
    if not roles or unknown:
        raise ValueError(f"require_role needs roles among {ROLES}, not {sorted(unknown) or 'none'}")

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=_here()))
            if current_user.role not in roles:
                abort(403)
            if not second_factor_done():
                return redirect(second_factor_url(_here()))
            return view(*args, **kwargs)

        guarded.required_roles = frozenset(roles)  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorator


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def home_for(user: User) -> str:
    """Return the landing page for a user's role."""
    for endpoint in HOMES.get(user.role, ()):
        if endpoint in current_app.view_functions:
            return url_for(endpoint)
    return url_for("auth.account")


# --- sessions -----------------------------------------------------------------------------------------------


def start_session(user: User) -> None:
    """Begin a fresh session for a user who gave the right password (the second factor may follow)."""
    from flask_login import login_user

    session.clear()  # nothing from before signing in carries over
    login_user(user, remember=False)
    session.permanent = True
    session["auth_at"] = int(time.time())


def end_session() -> None:
    """Sign out and forget everything in the session."""
    logout_user()
    session.clear()


def _expire_sessions() -> None:
    """End sessions older than SESSION_HOURS, however busy (the cookie's own lifetime ends idle ones)."""
    started = session.get("auth_at")
    if started is None:
        return
    if time.time() - started > current_app.config["SESSION_HOURS"] * 3600:
        end_session()


# --- throttling ---------------------------------------------------------------------------------------------


class AddressThrottle:
    """Count failed sign-ins per client address in a moving window, kept where every process sees them.

    The counts live in ``limits`` storage: this process's memory on one machine, Redis at scale, so that a web
    tier of many processes allows no more guesses than one. Addresses are kept only as keyed hashes.
    """

    def __init__(self, secret: bytes, limit: int, window: float, storage_url: str) -> None:
        self.secret = secret
        self.item = RateLimitItemPerSecond(limit, max(1, round(window)))
        # a hung Redis fails fast, and the sign-in goes on (see _guarded)
        options = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5} if storage_url.startswith("redis") else {}
        self.storage = storage_from_string(storage_url, key_prefix="portal-signin", **options)
        self.limiter = MovingWindowRateLimiter(self.storage)

    def _key(self, address: str | None) -> str:
        return hmac.new(self.secret, (address or "?").encode(), hashlib.sha256).hexdigest()[:32]

    def blocked(self, address: str | None) -> bool:
        """Tell whether this address has failed too often lately (not when the counts cannot be read)."""
        return not self._guarded("not applied", lambda: self.limiter.test(self.item, self._key(address)), True)

    def fail(self, address: str | None) -> None:
        """Count one failed attempt from this address."""
        self._guarded("failure not counted", lambda: self.limiter.hit(self.item, self._key(address)), False)

    def reset(self) -> None:
        """Forget every count (as a fresh database forgets the accounts' own)."""
        self._guarded("counts not reset", self.storage.reset, None)

    @staticmethod
    def _guarded(outcome: str, call: Callable[[], T], fallback: T) -> T:
        """Call the store; when it is away (Redis down), log and go on: accounts still lock in the database."""
        try:
            return call()
        except Exception as e:
            log.warning("sign-in throttle unavailable (%s): %s", type(e).__name__, outcome)
            return fallback


def throttle() -> AddressThrottle:
    """Return the app's per-address throttle."""
    return current_app.extensions["login_throttle"]


def account_locked(user: User) -> bool:
    """Tell whether an account is locked after too many failures."""
    until = aware(user.locked_until)
    return until is not None and until > utcnow()


def register_failure(user: User | None) -> None:
    """Count a failed password or code against the client address and the account (caller commits)."""
    throttle().fail(request.remote_addr)
    if user is None:
        return
    c = current_app.config
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= c["LOGIN_MAX_FAILURES"]:
        user.locked_until = utcnow() + timedelta(minutes=c["LOGIN_LOCK_MINUTES"])
        user.failed_logins = 0
        log.warning(
            "staff account %s locked for %s minutes after failed sign-ins", user.id, c["LOGIN_LOCK_MINUTES"]
        )


def register_success(user: User) -> None:
    """Clear an account's failure count (caller commits)."""
    user.failed_logins = 0
    user.locked_until = None


# --- one-time codes -----------------------------------------------------------------------------------------


def new_totp_secret() -> str:
    """Return a fresh TOTP secret (160 bits, base32)."""
    return pyotp.random_base32(32)


def verify_totp(secret: str, code: str, last_step: int | None) -> int | None:
    """Return the time step a code belongs to (now, or one step either side), or None; never reuse a step."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and (last_step is None or step > last_step):
            return step
    return None


def qr_svg(secret: str, email: str) -> Markup:
    """Return the enrolment QR code as an inline SVG element (no image request, no inline style)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(
        scale=5,
        dark="#000",
        light="#fff",
        title="QR code to add this account to an authenticator app",
        svgclass="qr",
        lineclass="qr-line",
    )
    return Markup(svg)


# --- set-password links -------------------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="portal.set-password")


def set_password_token(user: User) -> str:
    """Return a token for a one-time set-password link (void once the password changes)."""
    return _serializer().dumps({"id": user.id, "session": user.get_id()})


def user_for_token(token: str) -> User | None:
    """Return the account a set-password token is for, if it is fresh and unused."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["INVITE_HOURS"] * 3600)
    except BadSignature:
        return None
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or not user.active or not hmac.compare_digest(user.get_id(), str(data.get("session"))):
        return None
    return user


#: Header links for staff: label, endpoint, roles that may follow it.
NAV = (
    ("Review queue", "review.queue", ("researcher", "admin")),
    ("Reports", "reports.index", ROLES),
    ("Admin", "admin.index", ("admin",)),
    ("Account", "auth.account", ROLES),
)


def staff_links() -> list[tuple[str, str]]:
    """Return the header links the signed-in user may follow, for the areas this app has."""
    if not second_factor_done():
        return []
    return [
        (label, url_for(endpoint))
        for label, endpoint, roles in NAV
        if current_user.role in roles and endpoint in current_app.view_functions
    ]


def init_app(app: Flask) -> None:
    """Bind flask-login, the session rules, the throttle and the users commands to the app."""
    from .. import access
    from .commands import users

    login_manager.init_app(app)
    app.extensions["login_throttle"] = AddressThrottle(
        str(app.config["SECRET_KEY"] or "").encode(),
        app.config["LOGIN_IP_MAX_FAILURES"],
        app.config["LOGIN_LOCK_MINUTES"] * 60.0,
        app.config["THROTTLE_STORAGE_URL"],
    )
    app.before_request(_expire_sessions)
    app.context_processor(lambda: {"staff_links": staff_links, "signed_in": second_factor_done})
    app.cli.add_command(users)
    access.init_app(app)

    @app.after_request
    def no_store_for_staff(response: Any) -> Any:
        """Keep staff pages out of shared and browser caches."""
        if current_user and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response
