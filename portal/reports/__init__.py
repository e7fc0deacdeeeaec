"""The campaigners' blueprint: aggregate reports, the evidence export, public statistics, batch import."""

from flask import Blueprint

bp = Blueprint(
    "reports", __name__, cli_group=None
)  # its commands sit at the top: `flask --app portal export`

from . import commands, routes  # noqa: E402,F401  (routes and commands register themselves on bp)
