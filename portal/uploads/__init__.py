"""The parents' blueprint: anonymous upload, receipt, result, letter and erasure."""
from flask import Blueprint

bp = Blueprint("uploads", __name__)

from . import routes  # noqa: E402,F401  (routes register themselves on bp)
