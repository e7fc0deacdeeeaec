"""Staff sign-in: passwords, second factor, throttling, session expiry, require_role, set-password links."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.auth import require_role
from portal.auth.core import set_password_token
from portal.auth.passwords import WeakPassword, check_strength, verify_password
from portal.extensions import db
from portal.models import AccessLog, User, utcnow
from tests.conftest import running_app
from tests.staff import PASSWORD, sign_in, sign_in_quickly, totp_code


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Use small throttling limits so tests reach them quickly."""
    return {**app_config, "LOGIN_MAX_FAILURES": 3, "LOGIN_IP_MAX_FAILURES": 6}


@pytest.fixture
def probe(app: Flask) -> Flask:
    """Add routes guarded by require_role, to test the decorator on its own."""

    @app.get("/probe/research")
    @require_role("researcher", "admin")
    def research_probe() -> str:
        return "research ok"

    @app.get("/probe/any")
    @require_role("researcher", "campaigner", "admin")
    def any_probe() -> str:
        return "any ok"

    return app


def fetch(app: Flask, user: User) -> User:
    """Reload a user from the database."""
    with app.app_context():
        fresh = db.session.get(User, user.id)
        assert fresh is not None
        db.session.expunge(fresh)
        return fresh


def log_actions(app: Flask) -> list[tuple[int | None, str]]:
    """Return (user id, action) of every access log row, oldest first."""
    with app.app_context():
        return [
            (r.user_id, r.action)
            for r in db.session.execute(db.select(AccessLog).order_by(AccessLog.id)).scalars()
        ]


def test_login_page_shows_a_form(client: FlaskClient) -> None:
    response = client.get("/staff/login")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'name="email"' in body and 'name="password"' in body and 'autocomplete="current-password"' in body


def test_researcher_signs_in_with_password_then_code(
    app: Flask, client: FlaskClient, staff: Any, probe: Flask
) -> None:
    user = staff("researcher")
    response = client.post(
        "/staff/login?next=/probe/research", data={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login/code?next=/probe/research"
    assert (
        client.get("/probe/research").headers["Location"].startswith("/staff/login/code")
    )  # not yet through
    response = client.post("/staff/login/code?next=/probe/research", data={"code": totp_code(app, user)})
    assert response.status_code == 302 and response.headers["Location"] == "/probe/research"
    assert client.get("/probe/research").get_data(as_text=True) == "research ok"
    assert log_actions(app) == [(user.id, "login")]


def test_email_is_matched_without_regard_to_case(app: Flask, client: FlaskClient, staff: Any) -> None:
    user = staff("campaigner", email="Someone@Example.org".lower())
    response = client.post("/staff/login", data={"email": "  SOMEONE@example.ORG ", "password": PASSWORD})
    assert response.status_code == 302
    assert fetch(app, user).failed_logins == 0


def test_campaigner_needs_no_second_factor(app: Flask, client: FlaskClient, staff: Any, probe: Flask) -> None:
    user = staff("campaigner")
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "/staff/login/code" not in response.headers["Location"]
    assert client.get("/probe/any").status_code == 200
    assert client.get("/probe/research").status_code == 403


@pytest.mark.parametrize(
    "email, password",
    [
        ("nobody@example.org", PASSWORD),
        ("known", "wrong password here"),
    ],
)
def test_wrong_credentials_get_one_message_and_a_401(
    client: FlaskClient, staff: Any, email: str, password: str
) -> None:
    user = staff("researcher")
    response = client.post(
        "/staff/login", data={"email": user.email if email == "known" else email, "password": password}
    )
    assert response.status_code == 401
    assert "The email address or password is not right." in response.get_data(as_text=True)


def test_empty_form_is_a_400_with_messages(client: FlaskClient) -> None:
    response = client.post("/staff/login", data={"email": "", "password": ""})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Please enter your email address." in body and "Please enter your password." in body


def test_account_locks_after_failures_even_for_the_right_password(
    app: Flask, client: FlaskClient, staff: Any
) -> None:
    user = staff("campaigner")
    for _ in range(3):
        assert (
            client.post(
                "/staff/login", data={"email": user.email, "password": "not the password"}
            ).status_code
            == 401
        )
    locked = fetch(app, user)
    assert locked.locked_until is not None
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    with app.app_context():  # the lock lapses
        db.session.get(User, user.id).locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.post("/staff/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert fetch(app, user).failed_logins == 0 and fetch(app, user).locked_until is None


def test_one_address_is_throttled_across_accounts(app: Flask, client: FlaskClient, staff: Any) -> None:
    for n in range(6):
        client.post("/staff/login", data={"email": f"guess{n}@example.org", "password": "guessing away"})
    user = staff("campaigner")
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    other = app.test_client()  # another address is not affected
    response = other.post(
        "/staff/login",
        data={"email": user.email, "password": PASSWORD},
        environ_overrides={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert response.status_code == 302


def guess(client: FlaskClient, forwarded_for: str | None = None) -> int:
    """Try a wrong sign-in, as the client a proxy names when given; return the status."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = client.post("/staff/login", data={"email": "guess@example.org", "password": "guessing away"},
                           headers=headers)
    return int(response.status_code)


def test_behind_a_proxy_each_client_is_throttled_on_its_own(app_config: dict[str, Any]) -> None:
    with running_app({**app_config, "PROXY_HOPS": 1}) as app:
        client = app.test_client()
        assert [guess(client, "198.51.100.1") for _ in range(6)] == [401] * 6
        assert guess(client, "198.51.100.1") == 429
        assert guess(client, "198.51.100.2") == 401  # another researcher's address behind the proxy


def test_behind_an_https_proxy_forms_work_with_the_referrer_browsers_send(app_config: dict[str, Any]) -> None:
    """Over HTTPS, Flask-WTF wants a same-origin Referer: the portal's policy lets browsers send it, to itself only."""
    with running_app({**app_config, "PROXY_HOPS": 1, "WTF_CSRF_ENABLED": True}) as app:
        client = app.test_client()
        proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"}
        page = client.get("/staff/login", headers=proxy)
        assert page.headers["Referrer-Policy"] == "same-origin"
        assert '<meta name="referrer" content="same-origin">' in page.get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
        assert token
        form = {"csrf_token": token[1], "email": "guess@example.org", "password": "guessing away"}
        sent = client.post("/staff/login", data=form, headers={**proxy, "Referer": "https://localhost/staff/login"})
        assert sent.status_code == 401  # past the CSRF check, to the wrong password
        assert client.post("/staff/login", data=form, headers=proxy).status_code == 400  # what no-referrer gave


def test_without_a_proxy_a_forged_forwarded_for_header_is_ignored(client: FlaskClient) -> None:
    assert [guess(client, f"198.51.100.{n}") for n in range(6)] == [401] * 6
    assert guess(client, "203.0.113.9") == 429  # every guess came from the one real address


def test_sign_in_goes_on_when_the_throttle_store_is_away(app_config: dict[str, Any], caplog: Any) -> None:
    """Accounts still lock in the database; the address throttle is skipped, and the log says so."""
    with running_app({**app_config, "THROTTLE_STORAGE_URL": "redis://127.0.0.1:9/0"}) as app:
        client = app.test_client()
        assert [guess(client) for _ in range(8)] == [401] * 8
    assert "sign-in throttle unavailable" in caplog.text


@pytest.mark.scale
def test_every_web_process_shares_the_throttle(app: Flask, app_config: dict[str, Any]) -> None:
    """At scale the counts live in Redis: guesses spread over processes add up."""
    assert app.config["THROTTLE_STORAGE_URL"].startswith("redis://")
    with running_app(app_config) as other:
        for n in range(6):
            assert guess((app if n % 2 else other).test_client()) == 401
        assert guess(other.test_client()) == 429 and guess(app.test_client()) == 429


def test_wrong_and_replayed_codes_are_refused(app: Flask, client: FlaskClient, staff: Any) -> None:
    user = staff("admin")
    client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    response = client.post(
        "/staff/login/code", data={"code": "000000" if totp_code(app, user) != "000000" else "111111"}
    )
    assert response.status_code == 401
    assert "That code is not right" in response.get_data(as_text=True)
    assert client.post("/staff/login/code", data={"code": "12ab"}).status_code == 400
    code = totp_code(app, user)
    assert client.post("/staff/login/code", data={"code": code}).status_code == 302
    second = app.test_client()
    second.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert second.post("/staff/login/code", data={"code": code}).status_code == 401  # the same code again


def test_wrong_codes_lock_the_account(app: Flask, client: FlaskClient, staff: Any) -> None:
    user = staff("researcher")
    client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    good = totp_code(app, user)
    bad = f"{(int(good) + 500_000) % 1_000_000:06d}"
    for _ in range(3):
        client.post("/staff/login/code", data={"code": bad})
    assert client.post("/staff/login/code", data={"code": good}).status_code == 429


def test_first_sign_in_enrols_an_authenticator(app: Flask, client: FlaskClient, staff: Any) -> None:
    user = staff("researcher", enrolled=False)
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].startswith("/staff/login/enrol")
    assert client.get("/staff/login/code").headers["Location"].startswith("/staff/login/enrol")
    page = client.get("/staff/login/enrol")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in body and "style=" not in body
    with client.session_transaction() as session:
        secret = session["enrol_secret"]
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in body  # the key, for typing in by hand
    assert (
        client.get("/staff/login/enrol").get_data(as_text=True).count(secret[:4]) >= 1
    )  # same secret on reload
    assert client.post("/staff/login/enrol", data={"code": "123"}).status_code == 400
    response = client.post("/staff/login/enrol", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert fetch(app, user).totp_secret == secret
    assert (user.id, "totp_enrol") in log_actions(app)
    assert client.get("/staff/").status_code == 200


def test_require_role_answers_each_kind_of_visitor(
    app: Flask, client: FlaskClient, staff: Any, probe: Flask
) -> None:
    response = client.get("/probe/research?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login?next=/probe/research?x%3D1"
    sign_in_quickly(client, staff("campaigner"))
    assert client.get("/probe/research").status_code == 403
    researcher = staff("researcher")
    client.post("/staff/login", data={"email": researcher.email, "password": PASSWORD})
    response = client.get("/probe/research")
    assert (
        response.status_code == 302
        and response.headers["Location"] == "/staff/login/code?next=/probe/research"
    )


def test_require_role_rejects_unknown_roles() -> None:
    with pytest.raises(ValueError):
        require_role("parent")
    with pytest.raises(ValueError):
        require_role()


def test_next_never_leaves_the_site(client: FlaskClient, staff: Any) -> None:
    user = staff("campaigner")
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        c = client.application.test_client()
        response = c.post(f"/staff/login?next={target}", data={"email": user.email, "password": PASSWORD})
        assert "evil" not in response.headers["Location"]


def test_sessions_expire_after_session_hours(
    app: Flask, client: FlaskClient, login: Any, probe: Flask
) -> None:
    assert app.permanent_session_lifetime == timedelta(hours=app.config["SESSION_HOURS"])
    login("researcher")
    assert client.get("/probe/research").status_code == 200
    with client.session_transaction() as session:
        session["auth_at"] = int(time.time()) - app.config["SESSION_HOURS"] * 3600 - 1
    response = client.get("/probe/research")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")


@pytest.mark.parametrize("change", ["disable", "new password"])
def test_disabling_or_a_new_password_ends_open_sessions(
    app: Flask, client: FlaskClient, login: Any, probe: Flask, change: str
) -> None:
    user = login("researcher")
    assert client.get("/probe/research").status_code == 200
    with app.app_context():
        row = db.session.get(User, user.id)
        if change == "disable":
            row.active = False
        else:
            row.password_hash = "$argon2id$changed"
        db.session.commit()
    assert client.get("/probe/research").status_code == 302


def test_logout_ends_the_session_and_is_logged(
    app: Flask, client: FlaskClient, login: Any, probe: Flask
) -> None:
    user = login("admin")
    assert client.get("/probe/research").status_code == 200
    response = client.post("/staff/logout")
    assert response.status_code == 303 and response.headers["Location"] == "/staff/login"
    assert client.get("/probe/research").status_code == 302
    assert log_actions(app)[-1] == (user.id, "logout")
    assert client.get("/staff/logout").status_code == 405


def test_signed_in_staff_see_their_links_and_no_cache(client: FlaskClient, login: Any) -> None:
    login("researcher")
    response = client.get("/staff/")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Sign out" in body and "Account" in body
    assert response.headers["Cache-Control"] == "no-store"


def test_set_password_link_works_once(app: Flask, client: FlaskClient, staff: Any) -> None:
    user = staff("campaigner")
    with app.app_context():
        token = set_password_token(db.session.get(User, user.id))
    assert client.get(f"/staff/password/{token}").status_code == 200
    response = client.post(f"/staff/password/{token}", data={"password": "short", "confirm": "short"})
    assert response.status_code == 400 and "at least 12 characters" in response.get_data(as_text=True)
    response = client.post(f"/staff/password/{token}", data={"password": "a" * 12 + "b", "confirm": "x"})
    assert response.status_code == 400 and "not the same" in response.get_data(as_text=True)
    new = "saffron kettle meadow"
    response = client.post(f"/staff/password/{token}", data={"password": new, "confirm": new})
    assert response.status_code == 303 and response.headers["Location"] == "/staff/login"
    assert verify_password(fetch(app, user).password_hash, new)
    assert client.get(f"/staff/password/{token}").status_code == 404
    assert client.get("/staff/password/not-a-token").status_code == 404


@pytest.mark.parametrize(
    "password, email, message",
    [
        ("short", "", "at least 12"),
        ("aaaaaaaaaaaaaaa", "", "too easy"),
        ("password1234", "", "too easy"),
        ("jane.doe-rocks-2024", "jane.doe@example.org", "email address"),
        ("x" * 1025, "", "at most"),
    ],
)
def test_weak_passwords_are_refused(password: str, email: str, message: str) -> None:
    with pytest.raises(WeakPassword, match=message):
        check_strength(password, email)


def test_a_good_password_passes() -> None:
    check_strength("plum orbit canvas ladder", "someone@example.org")


def test_full_sign_in_helper_lands_on_the_account_page(app: Flask, client: FlaskClient, staff: Any) -> None:
    response = sign_in(app, client, staff("researcher"))
    assert response.headers["Location"].startswith("/")
    assert client.get(response.headers["Location"], follow_redirects=True).status_code == 200
