"""A researcher in headless Chromium signs in with a password and a one-time code, opens a submission from
the queue, says why, and confirms a finding; the database records it."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from flask import Flask

from portal.extensions import db
from portal.models import AccessLog, Finding, FindingReview, User
from tests.browser import SCREENSHOTS, app_config, browser, server  # fixtures
from tests.factories import make_submission, on
from tests.staff import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_researcher_reviews_a_submission(app: Flask, server: str, browser: Any) -> None:
    researcher = make_user(app, "researcher")
    sid, _token = make_submission(
        app,
        [
            ("CEN-01", "missing"),
            (
                "FP-05",
                "present",
                "We are required to pass this information to the Department for Education (DfE)",
                1,
                [90, 300, 760, 340],
            ),
            ("CEN-05", "violation", "Please provide your child's passport number", 1, [90, 540, 700, 580]),
        ],
        local_authority="202",
        form_month=on(2016, 10),
        consent_evidence=True,
    )
    with app.app_context():
        secret = db.session.get(User, researcher.id).totp_secret
        fp05 = db.session.execute(
            db.select(Finding.id).where(Finding.submission_id == sid, Finding.rule_id == "FP-05")
        ).scalar_one()
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))  # the portal has no icon
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(f"{server}/review/")
    assert "/staff/login" in page.url
    page.get_by_label("Email address").fill(researcher.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/login/code**")
    page.get_by_label("Six-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/review/")
    assert page.get_by_role("heading", name="Review queue").is_visible()
    page.screenshot(path=f"{SCREENSHOTS}/portal-review-queue.png", full_page=True)

    page.get_by_role("link", name=f"#{sid}").click()
    page.get_by_label("Reviewing the checker's findings").check()
    page.get_by_role("button", name="Open the submission").click()
    page.wait_for_url(f"**/review/{sid}")
    assert page.locator("svg.page-overlay rect.evidence").count() == 2
    image_loaded = page.evaluate(
        "() => new Promise(ok => { const i = new Image(); i.onload = () => ok(i.naturalWidth);"
        " i.onerror = () => ok(0);"
        " i.src = document.querySelector('svg.page-overlay image').getAttribute('href'); })"
    )
    assert image_loaded == 850
    page.screenshot(path=f"{SCREENSHOTS}/portal-review-submission.png", full_page=False)

    page.locator(f"#finding-{fp05}").get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"**/review/{sid}#finding-{fp05}")
    assert page.get_by_text("FP-05 confirmed.").is_visible()
    page.screenshot(path=f"{SCREENSHOTS}/portal-review-confirmed.png", full_page=False)
    assert not failed, failed
    assert not errors, errors  # no CSP violations or script errors

    with app.app_context():
        finding = db.session.get(Finding, fp05)
        assert finding.reviewed_status == "present"
        review = db.session.execute(db.select(FindingReview)).scalar_one()
        assert (review.finding_id, review.user_id, review.status) == (fp05, researcher.id, "present")
        log = [
            (r.action, r.reason)
            for r in db.session.execute(
                db.select(AccessLog).where(AccessLog.submission_id == sid).order_by(AccessLog.id)
            ).scalars()
        ]
        assert log[0] == ("view", "Reviewing the checker's findings")
        assert ("review", None) in log
