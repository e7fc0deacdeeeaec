"""The parents' path: upload, receipt, result, letter, erasure, and every kind of bad input."""
from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from portal.extensions import db
from portal.models import AccessLog, Finding, JobStatus, PageImage, PendingUpload, Submission
from tests.conftest import receipt_token, upload
from tests.support import formgen


def count(model: Any) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


@pytest.fixture(scope="module")
def form_png() -> bytes:
    """A filled census data collection sheet that asks nationality and leaves out 'optional'."""
    form = formgen.render_form(seed=3, statements=["dfe", "notice"])
    return formgen.to_bytes(form.image, "PNG")


def test_upload_page_works_on_a_phone(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'name="viewport"' in page
    assert 'accept="image/*,application/pdf' in page and 'capture="environment"' in page and "multiple" in page
    assert "Prefer not to say" in page and "Kirklees" in page  # local authorities listed
    assert "deleted as soon as the check is finished" in page  # the short privacy notice
    assert "/privacy" in page


def test_a_form_goes_from_upload_to_a_finished_redacted_result(
    app: Flask, client: FlaskClient, form_png: bytes
) -> None:
    response = upload(client, form_png, local_authority="382", phase="primary", form_month="2016-10",
                      consent_evidence="y")
    assert response.status_code == 303
    token = receipt_token(response)
    progress = client.get(f"/r/{token}").get_data(as_text=True)
    assert "Checking your form" in progress or "rule by rule" in progress

    app.extensions["jobs"].join(timeout=180)
    assert client.get(f"/r/{token}/status").get_json() == {"status": "done", "finished": True}
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "rule by rule" in page and "CEN-01" in page
    assert "nationality" in page and "Kirklees" in page and "October 2016" in page
    with app.app_context():
        submission = db.session.execute(db.select(Submission)).scalar_one()
        assert submission.status == JobStatus.DONE
        assert count(PendingUpload) == 0  # the original is gone once the audit committed
        statuses = {f.rule_id: f.status for f in submission.findings}
        assert statuses["CEN-01"] == "missing"  # the form never says nationality is optional
        assert statuses["FP-05"] == "present"  # ... but does name the DfE
        assert "nationality" in submission.census_items
        stored = " ".join([submission.text or ""] + [f.evidence or "" for f in submission.findings])
        for value in ("07700", "@example.com"):
            assert value not in stored
    image = client.get(f"/r/{token}/pages/1.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert Image.open(io.BytesIO(image.data)).info.get("exif") is None

    letter = client.get(f"/r/{token}/letter").get_data(as_text=True)
    assert "Dear Headteacher" in letter and "refused" in letter
    assert "optional" in letter.lower()  # the missing CEN-01 statement is asked for
    download = client.get(f"/r/{token}/letter?download=1")
    assert download.mimetype == "text/plain" and "attachment" in download.headers["Content-Disposition"]


def test_delete_removes_every_row_of_the_submission(app: Flask, client: FlaskClient) -> None:
    token = make_done_submission(app)
    other = make_done_submission(app)
    assert client.get(f"/r/{token}/delete").status_code == 200
    response = client.post(f"/r/{token}/delete")
    assert response.status_code == 303
    assert client.get(f"/r/{token}").status_code == 404
    assert client.get(f"/r/{token}/pages/1.png").status_code == 404
    with app.app_context():
        assert count(Submission) == 1 and count(Finding) == 1 and count(PageImage) == 1
    assert client.get(f"/r/{other}").status_code == 200


def make_done_submission(app: Flask) -> str:
    with app.app_context():
        submission, token = Submission.new(status=JobStatus.DONE, pages=1, rules_version="1")
        submission.findings = [Finding(position=0, rule_id="CEN-01", status="missing")]
        submission.page_images = [PageImage(number=1, width=10, height=10, png=b"\x89PNG")]
        submission.originals = [PendingUpload(data=b"left behind")]
        db.session.add(submission)
        db.session.commit()
        return token


@pytest.mark.parametrize("token", ["x", "A" * 31, "A" * 32, "A" * 33, "../../etc/passwd", "A" * 31 + "!"])
def test_unknown_or_malformed_receipt_gives_404(client: FlaskClient, token: str) -> None:
    for path in ("", "/status", "/pages/1.png", "/letter", "/delete"):
        assert client.get(f"/r/{token}{path}").status_code == 404


def png_with_damaged_pixels() -> bytes:
    """Return a PNG whose chunks are whole, with right CRCs, but whose compressed pixels are noise."""
    png = formgen.to_bytes(Image.new("L", (800, 800), 200), "PNG")
    at = png.index(b"IDAT") - 4
    length = struct.unpack_from(">I", png, at)[0]
    noise = bytes(range(256)) * (length // 256 + 1)
    body = b"IDAT" + noise[:length]
    return png[:at + 4] + body + struct.pack(">I", zlib.crc32(body)) + png[at + 12 + length:]


@pytest.mark.parametrize("name, data, code, message", [
    ("blank page", lambda: formgen.to_bytes(Image.new("L", (2480, 3508), 255), "PNG"), "no_text_found",
     "printed text"),
    # the upload checks a file's structure only (fast); the audit finds damage inside the pixels
    ("damaged pixels", png_with_damaged_pixels, "corrupt", "damaged or incomplete"),
])
def test_an_audit_that_fails_says_why_and_deletes_the_original(
    app: Flask, client: FlaskClient, name: str, data: Any, code: str, message: str
) -> None:
    token = receipt_token(upload(client, data()))
    app.extensions["jobs"].join(timeout=120)
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "We could not check this form" in page and message in page
    with app.app_context():
        submission = db.session.execute(db.select(Submission)).scalar_one()
        assert (submission.status, submission.error_code) == (JobStatus.FAILED, code)
        assert count(PendingUpload) == 0


def bad_inputs() -> list[tuple[str, list[bytes], dict[str, str], str]]:
    png = formgen.to_bytes(Image.new("L", (50, 50), 255), "PNG")
    return [
        ("no file", [], {}, "Please choose a photo"),
        ("empty file", [b""], {}, "empty"),
        ("text file", [b"Dear parent, please fill in this form."], {}, "not a photo"),
        ("truncated jpeg", [formgen.to_bytes(Image.new("L", (800, 800), 200), "JPEG")[:600]], {}, "damaged"),
        ("encrypted pdf", [formgen.encrypted_pdf()], {}, "password"),
        ("decompression bomb", [formgen.decompression_bomb()], {}, "too many pixels"),
        ("too many pages", [png] * 21, {}, "at most 20 pages"),
        ("month in the wrong format", [png], {"form_month": "October"}, "YYYY-MM"),
        ("month in the future", [png], {"form_month": "2099-01"}, "between 2010"),
        ("unknown local authority", [png], {"local_authority": "999"}, "Not a valid choice"),
    ]


@pytest.mark.parametrize("name, files, fields, message", bad_inputs(), ids=[c[0] for c in bad_inputs()])
def test_bad_input_gets_a_clear_message_and_stores_nothing(
    app: Flask, client: FlaskClient, name: str, files: list[bytes], fields: dict[str, str], message: str
) -> None:
    response = upload(client, *files, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert count(Submission) == 0 and count(PendingUpload) == 0


def test_an_oversized_upload_gets_a_readable_page(app: Flask, client: FlaskClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = upload(client, b"\xff\xd8\xff" + b"0" * 5000)
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    with app.app_context():
        assert count(Submission) == 0


def test_csrf_is_enforced_on_every_parent_form(app: Flask, client: FlaskClient, form_png: bytes) -> None:
    token = make_done_submission(app)
    app.config["WTF_CSRF_ENABLED"] = True
    assert upload(client, form_png).status_code == 400
    assert client.post(f"/r/{token}/delete").status_code == 400
    assert client.get(f"/r/{token}").status_code == 200  # not deleted
    with app.app_context():
        assert count(Submission) == 1


def test_a_submission_left_running_by_a_crash_is_resumed_at_start(app_config: dict[str, Any], form_png: bytes) -> None:
    from portal import create_app

    first = create_app(app_config)
    with first.app_context():
        import flask_migrate

        flask_migrate.upgrade()
        submission, token = Submission.new(status=JobStatus.RUNNING, attempts=1)
        submission.originals = [PendingUpload(data=form_png)]
        db.session.add(submission)
        db.session.commit()
        db.engine.dispose()
    restarted = create_app({**app_config, "RESUME_JOBS": True})
    restarted.extensions["jobs"].join(timeout=180)
    with restarted.app_context():
        submission = db.session.execute(db.select(Submission)).scalar_one()
        assert submission.status == JobStatus.DONE and submission.attempts == 2
        assert count(PendingUpload) == 0 and count(Finding) > 0
        db.session.remove()  # give the connection back first: PostgreSQL's would leak past dispose()
        db.engine.dispose()


def test_running_a_finished_audit_again_changes_nothing(app: Flask) -> None:
    from portal.auditing import run_audit

    token = make_done_submission(app)
    with app.app_context():
        submission = Submission.by_token(token)
        assert submission is not None
        assert run_audit(submission.id) == JobStatus.DONE
        assert count(Finding) == 1 and count(AccessLog) == 0
