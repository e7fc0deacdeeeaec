"""Batch import: every file audited as an upload would be, a summary of failures, no duplicates."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal.extensions import db
from portal.models import Finding, JobStatus, PendingUpload, Submission
from tests.support import formgen

LETTER = [
    "Data collection sheet",
    "Nationality: ______  Country of birth: ______",
    "We are required by law to send this information to the Department for Education (DfE) as part of the "
    "school census.",
]


def pdf(*extra: str) -> bytes:
    """Return a small text PDF of a census letter (read through its text layer: no OCR needed)."""
    return formgen.text_pdf([[*LETTER, *extra]])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of collected forms: two good ones (one in a subfolder), a hidden file, junk, an empty file."""
    root = tmp_path / "collected"
    (root / "by-email").mkdir(parents=True)
    (root / "a.pdf").write_bytes(pdf())
    (root / "by-email" / "b.pdf").write_bytes(pdf("Providing nationality is optional."))
    (root / ".DS_Store").write_bytes(b"\x00\x01 mac junk")
    (root / "notes.txt").write_text("Forms from St Anywhere, collected by email.\n")
    (root / "empty.pdf").write_bytes(b"")
    return root


def run(app: Flask, *args: str) -> Any:
    """Run the import command."""
    return app.test_cli_runner().invoke(args=["import", *args])


def imported(app: Flask) -> list[Submission]:
    """Return the imported submissions."""
    with app.app_context():
        rows = (
            db.session.execute(
                db.select(Submission).where(Submission.source == "import").order_by(Submission.id)
            )
            .scalars()
            .all()
        )
        for s in rows:
            db.session.expunge(s)
        return list(rows)


def test_import_audits_every_file_of_a_folder_and_reports_what_failed(app: Flask, folder: Path) -> None:
    result = run(
        app, str(folder), "--local-authority", "camden", "--form-date", "2016-10", "--phase", "primary"
    )
    assert result.exit_code == 3, result.output
    assert "Imported 2, already imported 0, failed 2." in result.output
    assert (
        f"{folder / 'notes.txt'}: " in result.output
        and f"{folder / 'empty.pdf'}: The file is empty." in result.output
    )
    assert ".DS_Store" not in result.output
    subs = imported(app)
    assert [s.status for s in subs] == [JobStatus.DONE, JobStatus.DONE]
    assert {s.local_authority for s in subs} == {"202"} and {s.phase for s in subs} == {"primary"}
    assert {s.form_month for s in subs} == {date(2016, 10, 1)}
    data = (folder / "a.pdf").read_bytes()
    assert subs[0].content_key == hmac.new(b"test-only-secret", data, hashlib.sha256).hexdigest()
    assert subs[0].content_key != hashlib.sha256(data).hexdigest()  # never a plain hash of a child's form
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(PendingUpload)).scalar() == 0
        findings = (
            db.session.execute(db.select(Finding).where(Finding.submission_id == subs[0].id)).scalars().all()
        )
        assert {f.rule_id for f in findings} >= {"CEN-01", "FP-05"}
    assert "nationality" in subs[0].census_items


def test_importing_the_same_files_again_adds_nothing(app: Flask, folder: Path, tmp_path: Path) -> None:
    run(app, str(folder))
    copy = tmp_path / "renamed.pdf"
    copy.write_bytes((folder / "a.pdf").read_bytes())
    result = run(app, str(folder / "a.pdf"), str(folder / "by-email"), str(copy))
    assert result.exit_code == 0, result.output
    assert "Imported 0, already imported 3, failed 0." in result.output  # the renamed copy too
    assert len(imported(app)) == 2


def test_a_file_that_failed_before_is_tried_again(app: Flask, folder: Path) -> None:
    data = (folder / "a.pdf").read_bytes()
    with app.app_context():
        old, _ = Submission.new(
            source="import",
            status=JobStatus.FAILED,
            error_code="ocr_timeout",
            content_key=hmac.new(b"test-only-secret", data, hashlib.sha256).hexdigest(),
        )
        db.session.add(old)
        db.session.commit()
    result = run(app, str(folder / "a.pdf"))
    assert "Imported 1, already imported 0, failed 0." in result.output
    assert [s.status for s in imported(app)] == [JobStatus.DONE]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--local-authority", "Atlantis"], "no English local authority called 'Atlantis'"),
        (["--local-authority", "hack"], "Did you mean Hackney?"),
        (["--form-date", "2016-13"], "is not a month"),
        (["--form-date", "10/2016"], "give it as YYYY-MM"),
        (["--form-date", "2009-12"], "outside 2010 to this month"),
        (["--phase", "university"], "Invalid value for '--phase'"),
    ],
)
def test_bad_options_are_usage_errors_and_import_nothing(
    app: Flask, folder: Path, args: list[str], message: str
) -> None:
    result = run(app, str(folder), *args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert imported(app) == []


def test_a_missing_path_is_reported_and_the_rest_imported(app: Flask, folder: Path) -> None:
    result = run(app, str(folder / "nowhere.pdf"), str(folder / "a.pdf"))
    assert result.exit_code == 3
    assert f"{folder / 'nowhere.pdf'}: There is no such file or folder." in result.output
    assert len(imported(app)) == 1


def test_a_file_over_the_size_limit_is_not_read(app: Flask, folder: Path) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100
    result = run(app, str(folder / "a.pdf"))
    assert result.exit_code == 3 and "The file is too large" in result.output
    assert imported(app) == []


@pytest.mark.slow
def test_a_photographed_form_is_read_with_tesseract_and_its_original_deleted(
    app: Flask, tmp_path: Path
) -> None:
    form = formgen.render_form(seed=3)
    path = tmp_path / "photo.png"
    path.write_bytes(formgen.to_bytes(form.image, "PNG"))
    result = run(app, str(path), "--form-date", "2017-01")
    assert result.exit_code == 0, result.output
    [submission] = imported(app)
    assert submission.status == JobStatus.DONE and submission.pages == 1
    assert "nationality" in submission.census_items
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(PendingUpload)).scalar() == 0
        assert db.session.execute(db.select(db.func.count()).select_from(Finding)).scalar() > 20
