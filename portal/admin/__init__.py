"""The admins' blueprint: staff accounts, the access log, and how often reviewers agree."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import routes  # noqa: E402,F401  (routes register themselves on bp)
