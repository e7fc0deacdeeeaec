"""The admin area: inviting and managing staff, the read-only access log, reviewer agreement."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import access
from portal.extensions import db
from portal.models import AccessLog, Finding, FindingReview, User, utcnow
from tests.factories import make_submission
from tests.staff import sign_in_quickly


@pytest.fixture
def admin(client: FlaskClient, staff: Any) -> User:
    """Sign the client in as an admin."""
    user = staff("admin")
    sign_in_quickly(client, user)
    return user


def get_user(app: Flask, email: str) -> User:
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one()
        db.session.expunge(user)
        return user


def test_admin_pages_render(client: FlaskClient, admin: User) -> None:
    for url, text in [
        ("/admin/", "Active staff accounts"),
        ("/admin/users", "Invite someone"),
        ("/admin/log", "Access log"),
        ("/admin/agreement", "No finding has been judged by two reviewers yet."),
    ]:
        response = client.get(url)
        assert response.status_code == 200 and text in response.get_data(as_text=True), url


def test_invite_shows_a_one_time_link_that_sets_the_password(
    app: Flask, client: FlaskClient, admin: User
) -> None:
    response = client.post("/admin/users", data={"email": "New.Person@example.org", "role": "researcher"})
    assert response.status_code == 201
    body = response.get_data(as_text=True)
    link = re.search(r"<code>(http://localhost/staff/password/[^<]+)</code>", body)
    assert link, body
    user = get_user(app, "new.person@example.org")
    assert user.role == "researcher" and user.active and user.password_hash.startswith("!invited")
    stranger = app.test_client()
    path = link.group(1).removeprefix("http://localhost")
    new = "harbour lantern quince"
    assert stranger.post(path, data={"password": new, "confirm": new}).status_code == 303
    assert stranger.post(path, data={"password": new, "confirm": new}).status_code == 404  # once only
    response = stranger.post("/staff/login", data={"email": "new.person@example.org", "password": new})
    assert response.headers["Location"].startswith("/staff/login/enrol")
    assert any(r.detail == f"invited user {user.id} as researcher" for r in _log(app))


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "", "role": "researcher"}, "Please enter an email address."),
        ({"email": "not an email", "role": "researcher"}, "Please enter an email address, like"),
        ({"email": "x@example.org", "role": "parent"}, "Not a valid choice"),
    ],
)
def test_bad_invitations_are_refused(
    app: Flask, client: FlaskClient, admin: User, data: dict[str, str], message: str
) -> None:
    response = client.post("/admin/users", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert data["email"] in response.get_data(as_text=True)  # what was typed is kept
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one() == 1


def test_duplicate_invitation_is_refused(client: FlaskClient, admin: User) -> None:
    response = client.post("/admin/users", data={"email": admin.email.upper(), "role": "researcher"})
    assert response.status_code == 400 and "There is already an account" in response.get_data(as_text=True)


def test_change_role_disable_enable_and_reset(
    app: Flask, client: FlaskClient, admin: User, staff: Any
) -> None:
    other = staff("researcher")
    assert (
        client.post(f"/admin/users/{other.id}/role", data={f"u{other.id}-role": "campaigner"}).status_code
        == 303
    )
    assert get_user(app, other.email).role == "campaigner"
    assert client.post(f"/admin/users/{other.id}/role", data={f"u{other.id}-role": "king"}).status_code == 400
    assert (
        client.post(f"/admin/users/{other.id}/role", data={f"u{other.id}-role": "researcher"}).status_code
        == 303
    )
    assert client.post(f"/admin/users/{other.id}/reset-code").status_code == 303
    assert get_user(app, other.email).totp_secret is None
    assert client.post(f"/admin/users/{other.id}/disable").status_code == 303
    assert get_user(app, other.email).active is False
    assert client.post(f"/admin/users/{other.id}/link").status_code == 400
    assert client.post(f"/admin/users/{other.id}/enable").status_code == 303
    response = client.post(f"/admin/users/{other.id}/link")
    assert response.status_code == 200 and "/staff/password/" in response.get_data(as_text=True)
    details = [r.detail for r in _log(app) if r.action == "user"]
    assert details == [
        f"user {other.id}: role researcher to campaigner",
        f"user {other.id}: role campaigner to researcher",
        f"user {other.id}: authenticator reset",
        f"user {other.id}: disabled",
        f"user {other.id}: enabled",
        f"user {other.id}: set-password link issued",
    ]
    assert client.post("/admin/users/99999/disable").status_code == 404


def test_an_admin_cannot_lock_themself_out(app: Flask, client: FlaskClient, admin: User) -> None:
    for action, data in [("role", {f"u{admin.id}-role": "researcher"}), ("disable", {}), ("reset-code", {})]:
        response = client.post(f"/admin/users/{admin.id}/{action}", data=data)
        assert response.status_code == 400 and "You cannot change your own account" in response.get_data(
            as_text=True
        )
    me = get_user(app, admin.email)
    assert me.role == "admin" and me.active and me.totp_secret


def _log(app: Flask) -> list[AccessLog]:
    with app.app_context():
        rows = list(db.session.execute(db.select(AccessLog).order_by(AccessLog.id)).scalars())
        for row in rows:
            db.session.expunge(row)
        return rows


def _add_log(
    app: Flask, user_id: int | None, action: str, submission_id: int | None = None, days_ago: int = 0
) -> None:
    with app.app_context():
        db.session.add(
            AccessLog(
                user_id=user_id,
                action=action,
                submission_id=submission_id,
                at=utcnow() - timedelta(days=days_ago),
                reason=f"{action} {submission_id}",
            )
        )
        db.session.commit()


def test_access_log_filters_and_pages(app: Flask, client: FlaskClient, admin: User, staff: Any) -> None:
    researcher = staff("researcher")
    for n in range(120):
        _add_log(app, researcher.id, "view", submission_id=n % 3 + 1)
    _add_log(app, admin.id, "export", days_ago=10)
    _add_log(app, None, "status", submission_id=2, days_ago=40)

    def rows(query: str = "") -> list[str]:
        response = client.get(f"/admin/log?{query}")
        assert response.status_code == 200
        return re.findall(r"<tr><td><time", response.get_data(as_text=True))

    assert len(rows()) == 100
    assert "122 entries, page 1 of 2" in client.get("/admin/log").get_data(as_text=True)
    assert len(rows("page=2")) == 22
    assert len(rows(f"user={researcher.id}")) == 100
    assert len(rows("action=export")) == 1
    assert len(rows("submission=2")) == 41
    since = (utcnow() - timedelta(days=20)).date().isoformat()
    until = (utcnow() - timedelta(days=5)).date().isoformat()
    assert len(rows(f"since={since}&until={until}")) == 1
    assert "nobody signed in" in client.get("/admin/log?action=status").get_data(as_text=True)
    assert len(rows("submission=abc")) == 100  # invalid filters are ignored


def test_access_log_has_no_way_to_change_it(app: Flask) -> None:
    methods = {
        rule.endpoint: rule.methods
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.log")
    }
    assert methods == {"admin.log": {"GET", "HEAD", "OPTIONS"}}


def test_agreement_per_rule(app: Flask, client: FlaskClient, admin: User, staff: Any) -> None:
    a, b, c = staff("researcher"), staff("researcher"), staff("researcher")
    sid = make_submission(app, [("CEN-01", "missing"), ("FP-05", "present"), ("FP-03", "present")])[0]
    with app.app_context():
        f = {
            x.rule_id: x.id
            for x in db.session.execute(db.select(Finding).where(Finding.submission_id == sid)).scalars()
        }
        judgements = [
            (f["CEN-01"], a, "missing"),
            (f["CEN-01"], b, "missing"),
            (f["CEN-01"], c, "present"),  # 3 pairs, 1 agrees
            (f["FP-05"], a, "missing"),
            (f["FP-05"], a, "present"),
            (f["FP-05"], b, "present"),  # a changed their mind
            (f["FP-03"], a, "present"),  # one reviewer only: not counted
        ]
        for finding_id, user, status in judgements:
            db.session.add(FindingReview(finding_id=finding_id, user_id=user.id, status=status))
            db.session.flush()
        db.session.commit()
    body = client.get("/admin/agreement").get_data(as_text=True)
    rows = re.findall(
        r'<th scope="row">([A-Z]+-\d+).*?</th>\s*<td class="num">(\d+)</td><td class="num">(\d+)</td>'
        r'<td class="num">(\d+)</td>\s*<td class="num[^"]*">(\d+)%</td>',
        body,
    )
    assert rows == [("FP-05", "1", "1", "1", "100"), ("CEN-01", "1", "3", "1", "33")]
    assert (
        "75%</strong> of 4 reviewer pairs" not in body and "50%</strong> of 4 reviewer pairs agreed" in body
    )


def test_only_admins_get_in(app: Flask, client: FlaskClient, staff: Any) -> None:
    for role in ("researcher", "campaigner"):
        sign_in_quickly(client, staff(role))
        for url in ("/admin/", "/admin/users", "/admin/log", "/admin/agreement"):
            assert client.get(url).status_code == 403, (role, url)
        assert (
            client.post("/admin/users", data={"email": "sneaky@example.org", "role": "admin"}).status_code
            == 403
        )
    with app.app_context():
        assert db.session.execute(db.select(User).where(User.email == "sneaky@example.org")).first() is None
        access.record("noop")  # record works outside a request too
        db.session.rollback()
