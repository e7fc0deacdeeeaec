"""Test helpers for staff accounts: create users of each role and sign a test client in as them.

The `staff` and `login` fixtures in conftest.py wrap these::

    def test_queue(client, login):
        user = login("researcher")          # signs in through the real forms: password, then a TOTP code
        assert client.get("/review/").status_code == 200
"""

from __future__ import annotations

import time
from itertools import count
from typing import Any

import pyotp
from flask import Flask
from flask.testing import FlaskClient

from portal.auth.core import TOTP_ROLES
from portal.auth.passwords import hash_password
from portal.extensions import db
from portal.models import User

PASSWORD = "plum orbit canvas ladder"
_HASH = hash_password(PASSWORD)  # Argon2 once per test session, not once per user
_serial = count(1)


def make_user(
    app: Flask, role: str, email: str | None = None, *, enrolled: bool = True, active: bool = True
) -> User:
    """Create a staff user with the test password (and an authenticator when the role needs one)."""
    with app.app_context():
        user = User(
            email=email or f"{role}{next(_serial)}@staff.example.org",
            role=role,
            password_hash=_HASH,
            active=active,
            totp_secret=pyotp.random_base32(32) if enrolled and role in TOTP_ROLES else None,
        )
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def totp_code(app: Flask, user: User) -> str:
    """Return a valid, unused code for a user's authenticator."""
    with app.app_context():
        fresh = db.session.get(User, user.id)
        assert fresh is not None and fresh.totp_secret, "the user has no authenticator"
        totp = pyotp.TOTP(fresh.totp_secret)
        now = int(time.time()) // totp.interval
        step = now - 1 if fresh.totp_last_step is None else max(now - 1, fresh.totp_last_step + 1)
        if step > now + 1:  # every nearby code was used already: let the test sign in again
            fresh.totp_last_step = None
            db.session.commit()
            step = now - 1
        return totp.generate_otp(step)


def sign_in(app: Flask, client: FlaskClient, user: User, password: str = PASSWORD) -> Any:
    """Sign in through the real forms (password, then a code if the role needs one); return the response."""
    response = client.post("/staff/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    if user.role in TOTP_ROLES:
        assert "/staff/login/code" in response.headers["Location"], response.headers["Location"]
        response = client.post("/staff/login/code", data={"code": totp_code(app, user)})
        assert response.status_code == 302, response.get_data(as_text=True)
    return response


def sign_in_quickly(client: FlaskClient, user: User) -> None:
    """Put a fully signed-in session straight into the client's cookie (for tests about other things)."""
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["totp_ok"] = True
        session["auth_at"] = int(time.time())
        session.permanent = True
