"""`flask --app portal users ...`: create the first admin, list and disable staff accounts."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..extensions import db
from ..models import User
from .core import ROLES
from .passwords import WeakPassword, check_strength, hash_password

users = AppGroup("users", help="Manage staff accounts (researchers, campaigners, admins).")


def _interactive() -> bool:
    """Tell whether standard input is a terminal someone types at."""
    return sys.stdin.isatty()


def _read_password(email: str) -> str:
    """Read a new password: a hidden prompt, typed twice, on a terminal; else a line of standard input."""
    if _interactive():
        password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        check_strength(password, email)
    except WeakPassword as e:
        raise click.ClickException(str(e)) from e
    return password


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the account may do.")
def create(email: str, role: str) -> None:
    """Create a staff account; the password is asked for (or read from standard input)."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.ClickException(f"{email!r} is not an email address.")
    if db.session.execute(db.select(User.id).where(User.email == email)).first():
        raise click.ClickException(f"There is already an account for {email}.")
    password = _read_password(email)
    db.session.add(User(email=email, role=role, password_hash=hash_password(password)))
    db.session.commit()
    second = " They will set up a second factor when they first sign in." if role != "campaigner" else ""
    click.echo(f"Created {role} {email}.{second}")


@users.command("list")
def list_users() -> None:
    """List staff accounts with their role and state."""
    rows = db.session.execute(db.select(User).order_by(User.email)).scalars().all()
    if not rows:
        click.echo(
            "No staff accounts yet: create one with `flask --app portal users create EMAIL --role admin`."
        )
    for user in rows:
        state = "active" if user.active else "disabled"
        factor = "code set up" if user.totp_secret else "no code"
        click.echo(f"{user.email}\t{user.role}\t{state}\t{factor}")


def _user(email: str) -> User:
    """Return the account for an email address or stop with a clear error."""
    user = db.session.execute(db.select(User).where(User.email == email.strip().lower())).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    return user


@users.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Disable an account: it can no longer sign in, and its open sessions end."""
    user = _user(email)
    user.active = False
    db.session.commit()
    click.echo(f"Disabled {user.email}.")


@users.command("reset-code")
@click.argument("email")
def reset_code(email: str) -> None:
    """Forget an account's authenticator (a lost phone): it enrols a new one at its next sign-in."""
    user = _user(email)
    user.totp_secret = None
    user.totp_last_step = None
    db.session.commit()
    click.echo(f"{user.email} will set up a new authenticator at their next sign-in.")
