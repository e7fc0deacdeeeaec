"""Batch import: audit forms the campaign already holds, exactly as if parents had uploaded them.

Each file becomes a Submission (source "import") with its original as a PendingUpload, and the same audit job
runs on it, so the original is deleted in the transaction that stores the redacted result. A file is known by
a keyed hash of its bytes (HMAC-SHA256 under the app's SECRET_KEY), so importing it again adds nothing, and
the database never holds a plain hash that could be matched against a copy of a child's form.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..localities import local_authorities
from ..models import JobStatus, PendingUpload, Submission

IMPORTED, DUPLICATE, FAILED = "imported", "duplicate", "failed"


@dataclass(frozen=True)
class Outcome:
    """What became of one file."""

    path: Path
    result: str  # imported | duplicate | failed
    message: str = ""


def content_key(data: bytes) -> str:
    """Return the keyed hash that recognises a file imported before."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, data, hashlib.sha256).hexdigest()


def find_files(paths: Iterable[Path]) -> tuple[list[Path], list[Outcome]]:
    """Return every file under the paths (folders recursively, hidden files skipped) and the missing paths."""
    files: list[Path] = []
    missing: list[Outcome] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append(Outcome(path, FAILED, "There is no such file or folder."))
    seen: set[Path] = set()
    unique = [f for f in files if not (f.resolve() in seen or seen.add(f.resolve()))]  # type: ignore[func-returns-value]
    return unique, missing


def resolve_local_authority(name: str) -> str:
    """Return the DfE code of a local authority given by name or code; raise ValueError when it is unknown."""
    wanted = name.strip().casefold()
    for code, la in local_authorities().items():
        if wanted in (code, la.name.casefold()):
            return code
    close = [la.name for la in local_authorities().values() if wanted and wanted in la.name.casefold()]
    hint = f" Did you mean {', '.join(close[:5])}?" if close else ""
    raise ValueError(f"There is no English local authority called {name!r}.{hint}")


def parse_month(text: str) -> date:
    """Return the first day of a YYYY-MM month; raise ValueError unless it is from 2010 to this month."""
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        when = date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(f"{text!r} is not a month: give it as YYYY-MM, for example 2016-10.") from None
    if when < date(2010, 1, 1) or when > date.today():
        raise ValueError(f"{text} is outside 2010 to this month.")
    return when


def import_file(
    path: Path,
    *,
    local_authority: str | None = None,
    phase: str | None = None,
    form_month: date | None = None,
    evidence: bool = True,
) -> Outcome:
    """Import and audit one file; return what became of it."""
    from .. import auditing
    from ..audit import AuditError, ingest

    c = current_app.config
    try:
        size = path.stat().st_size
        if size > c["MAX_CONTENT_LENGTH"]:
            limit = c["MAX_CONTENT_LENGTH"] / 1024 / 1024
            return Outcome(
                path,
                FAILED,
                f"The file is too large ({size / 1024 / 1024:.1f} MB; the limit is {limit:.0f} MB).",
            )
        data = path.read_bytes()
    except OSError as e:
        return Outcome(path, FAILED, f"The file could not be read ({e.strerror or e.__class__.__name__}).")
    if not data:
        return Outcome(path, FAILED, "The file is empty.")
    key = content_key(data)
    existing = db.session.execute(
        db.select(Submission).where(Submission.content_key == key)
    ).scalar_one_or_none()
    if existing is not None:
        if existing.status != JobStatus.FAILED:
            return Outcome(path, DUPLICATE, "Imported before.")
        db.session.delete(existing)  # it failed last time: try again from scratch
        db.session.commit()
    limits = auditing.upload_limits()
    try:
        pages = ingest.count_pages(data, limits)  # as the upload form does; the audit finds the rest
    except AuditError as e:
        return Outcome(path, FAILED, e.message)
    if pages > limits.max_pages:
        return Outcome(path, FAILED, f"The file has {pages} pages; the limit is {limits.max_pages}.")
    submission, _token = Submission.new(  # nobody holds the receipt of an imported form
        source="import",
        content_key=key,
        local_authority=local_authority,
        phase=phase,
        form_month=form_month,
        consent_evidence=evidence,
    )
    submission.originals = [PendingUpload(position=0, data=data)]
    db.session.add(submission)
    try:
        db.session.commit()
    except IntegrityError:  # imported at the same moment by another run
        db.session.rollback()
        return Outcome(path, DUPLICATE, "Imported before.")
    submission_id = submission.id
    auditing.run_audit(submission_id)
    db.session.expire_all()
    done = db.session.get(Submission, submission_id)
    if done is None or done.status != JobStatus.DONE:
        return Outcome(path, FAILED, (done.error_message if done else None) or "The audit did not finish.")
    return Outcome(path, IMPORTED)


def import_files(files: Iterable[Path], **context: object) -> Iterator[Outcome]:
    """Import files one after another, yielding each outcome (for a progress bar)."""
    for path in files:
        yield import_file(path, **context)  # type: ignore[arg-type]
