"""A parent in headless Chromium, on a phone-sized screen: upload a photo of the form, watch the check
finish without reloading, read the result, open the letter, and delete everything."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal.extensions import db
from portal.models import Finding, PageImage, PendingUpload, Submission
from tests.browser import SCREENSHOTS, app_config, browser, server  # fixtures
from tests.support import formgen

pytestmark = pytest.mark.browser


def test_parent_uploads_a_phone_photo_and_deletes_the_result(
    app: Flask, server: str, browser: Any, tmp_path: Path
) -> None:
    form = formgen.render_form(seed=5, value_font="hand-breip", statements=["dfe", "notice"])
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(formgen.to_bytes(formgen.degrade(form.image, phone=True, seed=5), "JPEG", dpi=None))
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(30_000)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{server}/")
    page.set_input_files("#files", str(photo))
    page.get_by_text("Tell us about the form").click()
    page.select_option("#local_authority", label="Leeds")
    page.fill("#form_month", "2016-10")
    page.get_by_role("button", name="Check my form").click()
    page.wait_for_url("**/r/*")
    receipt = page.url
    # the page updates by itself: no reload from the test
    page.wait_for_selector("#findings", timeout=180_000)
    assert page.url == receipt
    assert page.get_by_text("Say nationality and country of birth are optional").first.is_visible()
    assert page.get_by_role("heading", name="What the form asks for").is_visible()
    image = page.locator("figure.page img")
    image.scroll_into_view_if_needed()  # the page images load lazily
    page.wait_for_function("() => document.querySelector('figure.page img').complete")
    assert image.evaluate("i => i.naturalWidth") > 1000
    page.screenshot(path=f"{SCREENSHOTS}/portal-parent-result.png")

    page.get_by_role("link", name="Print the letter").click()
    assert page.get_by_text("Dear Headteacher").is_visible()
    assert page.get_by_text('record them as "refused"').is_visible()
    page.go_back()
    page.get_by_role("link", name="Delete my form").click()
    page.get_by_role("button", name="Yes, delete everything").click()
    assert page.get_by_text("have been deleted").is_visible()
    assert not errors, errors  # no script errors, CSP violations or missing resources
    assert page.goto(receipt).status == 404
    with app.app_context():
        for model in (Submission, PendingUpload, Finding, PageImage):
            assert db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one() == 0
