"""Command-line tasks bound to the app: `flask --app portal purge`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from .retention import purge_expired


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete redacted results that are past their retention period."""
    click.echo(f"Deleted {purge_expired()} expired submission(s).")


def init_app(app: Flask) -> None:
    """Register the portal's commands."""
    app.cli.add_command(purge_command)
