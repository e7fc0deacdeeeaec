"""Database models: submissions and their redacted results, staff, reviews, the access log."""
from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import UTC, date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import Model, db


def utcnow() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ReviewStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    DISPUTED = "disputed"


def hash_token(token: str) -> str:
    """Return the stored form of a receipt token: the database never holds the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


class Submission(Model):
    """One uploaded form: its context, the job's state and, once audited, its redacted result."""

    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(16), default="upload")  # upload | import
    content_key: Mapped[str | None] = mapped_column(String(64), unique=True)  # keyed hash: import dedupe
    # context given by the parent (all optional)
    local_authority: Mapped[str | None] = mapped_column(String(8), index=True)  # DfE LA code
    phase: Mapped[str | None] = mapped_column(String(24))
    form_month: Mapped[date | None] = mapped_column(Date)  # first day of the month the form was issued
    consent_evidence: Mapped[bool] = mapped_column(Boolean, default=False)
    # the audit job
    status: Mapped[str] = mapped_column(String(12), default=JobStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error_code: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(Text)
    # the redacted result
    pages: Mapped[int | None] = mapped_column(Integer)
    rules_version: Mapped[str | None] = mapped_column(String(16))
    form_date: Mapped[date | None] = mapped_column(Date)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    census_items: Mapped[list[str]] = mapped_column(JSON, default=list)
    pii: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # type, page, box: never values
    text: Mapped[str | None] = mapped_column(Text)  # redacted
    seconds: Mapped[float | None] = mapped_column(Float)
    # review
    review_status: Mapped[str] = mapped_column(String(12), default=ReviewStatus.PENDING, index=True)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    originals: Mapped[list[PendingUpload]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="PendingUpload.position"
    )
    page_images: Mapped[list[PageImage]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="PageImage.number"
    )
    findings: Mapped[list[Finding]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="Finding.position"
    )

    @classmethod
    def new(cls, **context: Any) -> tuple[Submission, str]:
        """Create a submission and return it with its receipt token (128+ bits, shown once)."""
        token = secrets.token_urlsafe(24)
        return cls(receipt_hash=hash_token(token), **context), token

    @classmethod
    def by_token(cls, token: str) -> Submission | None:
        """Find the submission a receipt token opens."""
        return db.session.execute(
            db.select(cls).where(cls.receipt_hash == hash_token(token))
        ).scalar_one_or_none()

    @property
    def failing(self) -> list[Finding]:
        """Return the findings that fail their rule (missing or violation)."""
        return [f for f in self.findings if f.fails]


class PendingUpload(Model):
    """An original file, kept only until its audit commits (deleted in the same transaction)."""

    __tablename__ = "pending_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[bytes] = mapped_column(LargeBinary)

    submission: Mapped[Submission] = relationship(back_populates="originals")


class PageImage(Model):
    """One redacted page image (PNG rebuilt from pixels: no metadata)."""

    __tablename__ = "page_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    png: Mapped[bytes] = mapped_column(LargeBinary)

    submission: Mapped[Submission] = relationship(back_populates="page_images")


class Finding(Model):
    """One rule's verdict on one submission, with redacted evidence, and the reviewers' word on it."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # catalogue order
    rule_id: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16))  # as the checker found it
    evidence: Mapped[str | None] = mapped_column(Text)  # redacted
    page: Mapped[int | None] = mapped_column(Integer)
    box: Mapped[list[int] | None] = mapped_column(JSON)
    pattern: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    reviewed_status: Mapped[str | None] = mapped_column(String(16))  # as a reviewer confirmed or corrected it

    submission: Mapped[Submission] = relationship(back_populates="findings")
    reviews: Mapped[list[FindingReview]] = relationship(back_populates="finding", cascade="all, delete-orphan")

    @property
    def final_status(self) -> str:
        """Return the reviewer's status when there is one, else the checker's."""
        return self.reviewed_status or self.status

    @property
    def fails(self) -> bool:
        """Tell whether the form fails this rule (missing or violation)."""
        return self.final_status in ("missing", "violation")


class User(UserMixin, Model):
    """A staff account: researcher, campaigner or admin. Parents have no accounts."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))  # researcher | campaigner | admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # last accepted TOTP time step: no replays
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Tell flask-login whether this account may sign in."""
        return self.active

    def get_id(self) -> str:
        """Return the session's user id, bound to the password so a new password ends old sessions."""
        return f"{self.id}:{hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]}"


class SubmissionReview(Model):
    """One reviewer's decision on a submission's status, with the rejection reason and a note."""

    __tablename__ = "submission_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12))  # a ReviewStatus
    reason: Mapped[str | None] = mapped_column(String(32))  # rejected: not_census | unreadable | duplicate
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FindingReview(Model):
    """One reviewer's judgement of one finding: confirmed, or corrected with a reason."""

    __tablename__ = "finding_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    finding: Mapped[Finding] = relationship(back_populates="reviews")


class AccessLog(Model):
    """Append-only record of who viewed, changed or exported what, when and why; no personal data."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(32))  # view | review | status | export | user | ...
    submission_id: Mapped[int | None] = mapped_column(Integer, index=True)  # kept after deletion, no FK
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)


class Setting(Model):
    """A runtime switch an admin can flip (e.g. public statistics)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
