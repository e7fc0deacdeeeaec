"""CSRF is enforced on every form: each POST route refuses a request without a token; every form has one."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask

from portal.extensions import db
from portal.models import Submission, User
from tests.test_authorization import World, routes


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Turn CSRF protection on, as in production."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


def visitor_for(endpoint: str) -> str:
    """Return who would normally send this form."""
    if endpoint.startswith(("uploads.", "auth.login", "auth.set_password")):
        return "parent"
    return "admin"


def test_every_post_without_a_token_is_refused(app: Flask) -> None:
    world = World(app)
    posts = [(rule, method) for rule, method in routes(app) if method == "POST"]
    assert len(posts) >= 15
    for rule, _method in posts:
        visitor = visitor_for(rule.endpoint)
        client = world.client(visitor)
        url = world.url(rule, visitor)
        response = client.post(url, data={"email": "x@example.org", "status": "confirmed", "confirm": "1"})
        assert response.status_code == 400, f"{rule.endpoint} accepted a POST without a CSRF token"
        assert "This page had expired" in response.get_data(as_text=True), rule.endpoint
    with app.app_context():  # nothing happened
        assert db.session.get(Submission, world.sid) is not None
        assert db.session.get(Submission, world.sid).review_status == "pending"
        assert all(u.active for u in db.session.execute(db.select(User)).scalars())


def test_a_post_with_the_token_goes_through(app: Flask) -> None:
    world = World(app)
    client = world.client("admin")
    page = client.get("/admin/users").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert token
    response = client.post(
        "/admin/users", data={"csrf_token": token.group(1), "email": "new@example.org", "role": "campaigner"}
    )
    assert response.status_code == 201


class Forms(HTMLParser):
    """Collect each POST form's hidden field names."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self.current = {"action": a.get("action"), "fields": set()}
            self.forms.append(self.current)
        elif tag == "input" and self.current is not None:
            self.current["fields"].add(a.get("name"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None


@pytest.mark.parametrize("visitor", ["parent", "researcher", "admin", "campaigner"])
def test_every_form_on_every_page_carries_a_token(app: Flask, visitor: str) -> None:
    world = World(app)
    seen = 0
    for rule, method in routes(app):
        if method != "GET" or rule.endpoint == "static":
            continue
        client = world.client(visitor)
        response = client.get(world.url(rule, visitor))
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = Forms()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            seen += 1
            assert any(name and name.endswith("csrf_token") for name in form["fields"]), (
                f"a form on {rule.endpoint} posting to {form['action']} has no CSRF token"
            )
    assert seen > 0


def test_prefixed_forms_send_their_token_too(app: Flask) -> None:
    world = World(app)
    client = world.client("researcher")
    page = client.get(f"/review/{world.sid}").get_data(as_text=True)
    token = re.search(rf'name="f{world.finding_id}-csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, "the verdict form has no token"
    response = client.post(
        f"/review/{world.sid}/findings/{world.finding_id}",
        data={f"f{world.finding_id}-csrf_token": token.group(1), "confirm": "1"},
    )
    assert response.status_code == 303
