"""Every route of the app × every kind of visitor → the expected status code.

The matrix is read from ``app.url_map``: a new route that is missing here fails the test until someone decides
who may use it. Visitors: anonymous, a parent holding one receipt, researcher, campaigner, admin.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from portal.extensions import db
from portal.models import Finding
from tests.factories import make_submission
from tests.staff import make_user, sign_in_quickly

VISITORS = ("anonymous", "parent", "researcher", "campaigner", "admin")
ANY = (200, 200, 200, 200, 200)
RECEIPT = (404, 200, 404, 404, 404)  # only the parent holds the token; a guessed token opens nothing
SIGN_IN = (302, 302)  # anonymous and parent are sent to the staff sign-in
LOGIN_FIRST = 302

#: (endpoint, method) → expected status per visitor, in VISITORS order. POSTs send an empty form (CSRF is
#: tested separately), so a visitor who gets through sees 400 (form errors) or 303 (a plain button).
MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    ("static", "GET"): ANY,
    # parents: anonymous, by receipt
    ("uploads.upload", "GET"): ANY,
    ("uploads.submit", "POST"): (400, 400, 400, 400, 400),
    ("uploads.privacy", "GET"): ANY,
    ("uploads.receipt", "GET"): RECEIPT,
    ("uploads.status", "GET"): RECEIPT,
    ("uploads.page_image", "GET"): RECEIPT,
    ("uploads.letter", "GET"): RECEIPT,
    ("uploads.confirm_delete", "GET"): RECEIPT,
    ("uploads.delete", "POST"): (404, 303, 404, 404, 404),
    # staff sign-in
    ("auth.login", "GET"): (200, 200, 302, 302, 302),  # signed-in staff go straight to their work
    ("auth.login", "POST"): (400, 400, 400, 400, 400),
    ("auth.totp", "GET"): (302, 302, 302, 302, 302),  # nobody half-way through signing in
    ("auth.totp", "POST"): (302, 302, 302, 302, 302),
    ("auth.enrol", "GET"): (302, 302, 302, 302, 302),
    ("auth.enrol", "POST"): (302, 302, 302, 302, 302),
    ("auth.logout", "POST"): (303, 303, 303, 303, 303),
    ("auth.account", "GET"): (*SIGN_IN, 200, 200, 200),
    ("auth.set_password", "GET"): (404, 404, 404, 404, 404),  # a guessed link opens nothing
    ("auth.set_password", "POST"): (404, 404, 404, 404, 404),
    # researchers (and admins): single submissions
    ("review.queue", "GET"): (*SIGN_IN, 200, 403, 200),
    ("review.submission", "GET"): (*SIGN_IN, 200, 403, 200),
    ("review.reason", "POST"): (*SIGN_IN, 400, 403, 400),
    ("review.page_image", "GET"): (*SIGN_IN, 200, 403, 200),
    ("review.judge", "POST"): (*SIGN_IN, 400, 403, 400),
    ("review.set_status", "POST"): (*SIGN_IN, 400, 403, 400),
    ("review.release", "POST"): (*SIGN_IN, 303, 403, 303),
    # admins
    ("admin.index", "GET"): (*SIGN_IN, 403, 403, 200),
    ("admin.users", "GET"): (*SIGN_IN, 403, 403, 200),
    ("admin.invite", "POST"): (*SIGN_IN, 403, 403, 400),
    ("admin.change_role", "POST"): (*SIGN_IN, 403, 403, 400),
    ("admin.disable", "POST"): (*SIGN_IN, 403, 403, 303),
    ("admin.enable", "POST"): (*SIGN_IN, 403, 403, 303),
    ("admin.reset_code", "POST"): (*SIGN_IN, 403, 403, 303),
    ("admin.new_link", "POST"): (*SIGN_IN, 403, 403, 200),
    ("admin.log", "GET"): (*SIGN_IN, 403, 403, 200),
    ("admin.agreement", "GET"): (*SIGN_IN, 403, 403, 200),
    # campaigners: aggregates and exports (issue #7)
    ("reports.index", "GET"): (*SIGN_IN, 200, 200, 200),
    ("reports.public_statistics", "GET"): (404, 404, 404, 404, 404),  # off until an admin switches it on
    ("reports.download", "GET"): (*SIGN_IN, 403, 200, 200),
    ("reports.switch_public", "POST"): (*SIGN_IN, 403, 403, 400),
}


def routes(app: Flask) -> list[tuple[Rule, str]]:
    """Return every (rule, method) the app serves, HEAD and OPTIONS aside, state-changing ones last."""
    found = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    return sorted(
        found,
        key=lambda rm: (
            rm[1] != "GET",
            rm[0].endpoint in ("uploads.delete", "auth.logout"),
            rm[0].endpoint,
            rm[1],
        ),
    )


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    served = {(rule.endpoint, method) for rule, method in routes(app)}
    missing = sorted(served - MATRIX.keys())
    assert not missing, f"routes missing from the authorisation matrix (decide who may use them): {missing}"
    stale = sorted(MATRIX.keys() - served)
    assert not stale, f"routes in the matrix that the app no longer serves: {stale}"


class World:
    """One parent's submission, another submission, and staff of every role, in one app."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        box = [100, 100, 400, 140]
        self.sid, self.token = make_submission(
            app, [("CEN-01", "missing"), ("FP-05", "present", "the DfE", 1, box)]
        )
        self.other_sid, self.other_token = make_submission(app, [("FP-05", "missing")], pages=3)
        with app.app_context():
            self.finding_id = db.session.execute(
                db.select(Finding.id).where(Finding.submission_id == self.sid).limit(1)
            ).scalar_one()
        self.staff = {role: make_user(app, role) for role in ("researcher", "campaigner", "admin")}

    def client(self, visitor: str) -> FlaskClient:
        """Return a client for the visitor, signed in (with a reason given for the submission) if staff."""
        client = self.app.test_client()
        if visitor in self.staff:
            sign_in_quickly(client, self.staff[visitor])
            with client.session_transaction() as session:
                session["review_seen"] = [self.sid]
        return client

    def url(self, rule: Rule, visitor: str) -> str:
        """Build a URL for the rule, with the arguments this visitor would have."""
        values: dict[str, Any] = {}
        for name in rule.arguments:
            if name == "token":
                values[name] = self.token if visitor == "parent" else secrets.token_urlsafe(24)
            elif name == "submission_id":
                values[name] = self.sid
            elif name == "finding_id":
                values[name] = self.finding_id
            elif name == "number":
                values[name] = 1
            elif name == "user_id":  # a fresh bystander, so disabling one does not disturb the next request
                values[name] = make_user(self.app, "researcher").id
            elif name == "filename":
                values[name] = "portal.css"
            elif name == "kind":
                values[name] = "csv"
            else:
                pytest.fail(
                    f"the matrix test does not know how to fill <{name}> of {rule.rule}: teach World.url"
                )
        with self.app.test_request_context():
            from flask import url_for

            return url_for(rule.endpoint, **values)


@pytest.mark.parametrize("visitor", VISITORS)
def test_matrix(app: Flask, visitor: str) -> None:
    world = World(app)
    column = VISITORS.index(visitor)
    wrong: list[str] = []
    for rule, method in routes(app):
        expected = MATRIX.get((rule.endpoint, method))
        if expected is None:
            continue  # reported by test_every_route_is_in_the_matrix
        client = world.client(visitor)
        url = world.url(rule, visitor)
        response = client.open(url, method=method, data={})
        response.close()  # static files are streamed from an open file
        if response.status_code != expected[column]:
            wrong.append(
                f"{method} {url} ({rule.endpoint}): expected {expected[column]}, got {response.status_code}"
            )
        if response.status_code == 302 and expected[column] == 302 and rule.endpoint not in ("auth.login",):
            location = response.headers["Location"]
            assert location.startswith("/"), location  # never off-site
        if visitor == "campaigner":
            assert response.mimetype != "image/png", f"a campaigner got a page image from {url}"
    assert not wrong, "\n".join(wrong)


def test_staff_sent_to_sign_in_come_back_afterwards(app: Flask) -> None:
    world = World(app)
    response = app.test_client().get(f"/review/{world.sid}")
    assert response.headers["Location"] == f"/staff/login?next=/review/{world.sid}"


def test_a_receipt_opens_its_own_submission_and_nothing_else(app: Flask) -> None:
    world = World(app)
    parent = app.test_client()
    assert parent.get(f"/r/{world.token}").status_code == 200
    assert parent.get(f"/r/{world.token}/pages/1.png").mimetype == "image/png"
    assert parent.get(f"/r/{world.token}/pages/3.png").status_code == 404  # the other submission has 3 pages
    for url in (
        f"/review/{world.sid}",
        f"/review/{world.other_sid}",
        f"/review/{world.sid}/pages/1.png",
        "/review/",
        "/admin/",
        "/staff/",
    ):
        assert parent.get(url).status_code == 302, url
    for token in (
        world.token[:-1] + ("A" if world.token[-1] != "A" else "B"),
        world.token.upper(),
        world.token + "x",
    ):
        assert parent.get(f"/r/{token}").status_code == 404
    assert parent.post(f"/r/{world.token}/delete").status_code == 303
    assert parent.get(f"/r/{world.token}").status_code == 404
    assert app.test_client().get(f"/r/{world.other_token}").status_code == 200  # the other one is untouched
