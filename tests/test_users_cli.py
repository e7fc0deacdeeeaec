"""`flask --app portal users ...`: create, list, disable, reset-code."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from portal.auth.passwords import verify_password
from portal.extensions import db
from portal.models import User

GOOD = "plum orbit canvas ladder"


def run(app: Flask, *args: str, input: str | None = None) -> Any:
    """Run a `users` command and return click's result."""
    return app.test_cli_runner().invoke(args=["users", *args], input=input)


def user(app: Flask, email: str) -> User | None:
    with app.app_context():
        found = db.session.execute(db.select(User).where(User.email == email)).scalar_one_or_none()
        if found is not None:
            db.session.expunge(found)
        return found


def test_create_reads_the_password_from_standard_input(app: Flask) -> None:
    result = run(app, "create", "Admin@Example.org", "--role", "admin", input=GOOD + "\n")
    assert result.exit_code == 0, result.output
    assert "Created admin admin@example.org" in result.output
    created = user(app, "admin@example.org")
    assert created is not None and created.role == "admin" and created.active
    assert created.password_hash.startswith("$argon2id$") and verify_password(created.password_hash, GOOD)


def test_create_prompts_twice_on_a_terminal(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("portal.auth.commands._interactive", lambda: True)
    prompts: list[str] = []

    def fake_prompt(text: str, **kwargs: Any) -> str:
        prompts.append(text)
        assert kwargs == {"hide_input": True, "confirmation_prompt": True}
        return GOOD

    monkeypatch.setattr("portal.auth.commands.click.prompt", fake_prompt)
    result = run(app, "create", "r@example.org", "--role", "researcher")
    assert result.exit_code == 0, result.output
    assert prompts == ["Password"]
    assert "second factor" in result.output


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["create", "x@example.org", "--role", "parent"], GOOD, "Invalid value for '--role'"),
        (["create", "x@example.org"], GOOD, "Missing option '--role'"),
        (["create", "not-an-email", "--role", "admin"], GOOD, "is not an email address"),
        (["create", "x@example.org", "--role", "admin"], "short", "at least 12 characters"),
        (["create", "x@example.org", "--role", "admin"], "", "at least 12 characters"),
        (["disable", "nobody@example.org"], None, "There is no account for nobody@example.org"),
    ],
)
def test_bad_input_gets_a_clear_error(app: Flask, args: list[str], stdin: str | None, message: str) -> None:
    result = run(app, *args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert user(app, "x@example.org") is None


def test_duplicate_email_is_refused(app: Flask) -> None:
    assert run(app, "create", "dup@example.org", "--role", "admin", input=GOOD).exit_code == 0
    result = run(app, "create", "DUP@example.org", "--role", "researcher", input=GOOD)
    assert result.exit_code == 1 and "There is already an account for dup@example.org" in result.output
    assert user(app, "dup@example.org").role == "admin"


def test_list_disable_and_reset_code(app: Flask) -> None:
    assert "No staff accounts yet" in run(app, "list").output
    run(app, "create", "b@example.org", "--role", "campaigner", input=GOOD)
    run(app, "create", "a@example.org", "--role", "researcher", input=GOOD)
    with app.app_context():
        db.session.execute(db.update(User).where(User.email == "a@example.org").values(totp_secret="A" * 32))
        db.session.commit()
    assert run(app, "list").output.splitlines() == [
        "a@example.org\tresearcher\tactive\tcode set up",
        "b@example.org\tcampaigner\tactive\tno code",
    ]
    assert run(app, "disable", "b@example.org").exit_code == 0
    assert user(app, "b@example.org").active is False
    assert run(app, "reset-code", "a@example.org").exit_code == 0
    assert user(app, "a@example.org").totp_secret is None
