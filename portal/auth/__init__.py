"""Staff sign-in: passwords, a second factor, roles, and the `require_role` decorator other blueprints use.

Public interface::

    from portal.auth import current_user, require_role

    @bp.get("/reports")
    @require_role("campaigner", "researcher", "admin")
    def index(): ...
"""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

bp = Blueprint("auth", __name__, url_prefix="/staff")

from . import routes  # noqa: E402,F401  (routes register themselves on bp)
from .core import ROLES, TOTP_ROLES, home_for, init_app, require_role  # noqa: E402

__all__ = ["ROLES", "TOTP_ROLES", "bp", "current_user", "home_for", "init_app", "require_role"]
