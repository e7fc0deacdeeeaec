"""The researchers' blueprint: the review queue, a submission with its evidence, verdicts on findings."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")

from . import routes  # noqa: E402,F401  (routes register themselves on bp)
