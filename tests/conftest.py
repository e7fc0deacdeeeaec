"""Fixtures for the web app: a migrated database per test, a client, and helpers to upload forms."""
from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.extensions import db
from tests.support import services

#: PORTAL_TEST_SCALE=1: the app's tests on PostgreSQL, Redis and a real Celery worker (make test runs both)
SCALE = os.environ.get("PORTAL_TEST_SCALE") == "1"


def pytest_report_header() -> str:
    if SCALE:
        return "scaled: PostgreSQL, Redis and a Celery worker; the tests of the app and those marked scale"
    return "embedded: SQLite and in-process jobs (PORTAL_TEST_SCALE=1 runs the scaled tests)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the scale tests for the scaled run, which runs them and every test that uses the app."""
    keep, drop = [], []
    for item in items:
        marked = item.get_closest_marker("scale") is not None
        wanted = (marked or "app_config" in getattr(item, "fixturenames", ())) if SCALE else not marked
        (keep if wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def scaled_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[services.Stack]:
    """Start this session's database, Redis queue and Celery worker; in CI, fail loudly if they cannot."""
    try:
        stack = services.Stack(tmp_path_factory.mktemp("scaled"))
    except services.Unavailable as e:
        if services.in_ci():
            pytest.fail(f"the scaled tests must run in CI, but: {e}", pytrace=False)
        pytest.skip(f"scaled tests need PostgreSQL and Redis on 127.0.0.1: {e}")
    yield stack
    stack.stop()


@pytest.fixture
def app_config(tmp_path: Any, request: pytest.FixtureRequest) -> dict[str, Any]:
    """Return the test configuration: a fresh SQLite file, jobs on a worker thread as in production."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-only-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "WTF_CSRF_ENABLED": False,
        "RESUME_JOBS": False,
    }
    if SCALE:  # the session's PostgreSQL database and its Celery worker instead, emptied as SQLite is new
        stack = request.getfixturevalue("scaled_stack")
        stack.empty()
        config.update(stack.settings)
    return config


@contextmanager
def running_app(config: dict[str, Any]) -> Iterator[Flask]:
    """Create an app with its database migrated; afterwards wait for its jobs and close its connections."""
    app = create_app(config)
    with app.app_context():
        flask_migrate.upgrade()
    app.extensions["login_throttle"].reset()  # at scale the counts live in Redis, which outlives a test
    try:
        yield app
    finally:
        queue = app.extensions["jobs"]
        if hasattr(queue, "join"):
            queue.join(timeout=120)
        if hasattr(queue, "close"):
            queue.close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """An app with its database migrated to the latest revision."""
    with running_app(app_config) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def upload(client: FlaskClient, *files: bytes, **fields: Any) -> Any:
    """Post files to the upload form as a browser would."""
    data: dict[str, Any] = {"files": [(io.BytesIO(f), f"form-{i}.bin") for i, f in enumerate(files)], **fields}
    return client.post("/", data=data, content_type="multipart/form-data")


def receipt_token(response: Any) -> str:
    """Return the receipt token a successful upload redirects to."""
    match = re.search(r"/r/([A-Za-z0-9_-]+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return match.group(1)


@pytest.fixture
def staff(app: Flask) -> Any:
    """Return a factory of staff users: ``staff("researcher")`` (enrolled in TOTP when the role needs it)."""
    from tests.staff import make_user

    return lambda role, **kwargs: make_user(app, role, **kwargs)


@pytest.fixture
def login(app: Flask, client: FlaskClient, staff: Any) -> Any:
    """Return ``login(role_or_user)``: sign ``client`` in through the real forms and return the user."""
    from tests.staff import sign_in

    def _login(who: Any) -> Any:
        user = staff(who) if isinstance(who, str) else who
        sign_in(app, client, user)
        return user

    return _login
