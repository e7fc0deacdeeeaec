"""Configuration declared once: defaults here, then instance/config.py, then PORTAL_* environment."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

#: Every setting the portal reads, with its default and type. Anything else is Flask's or an extension's.
DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,  # required outside tests; `make run` writes one into instance/config.py
    "DATABASE_URL": None,  # any SQLAlchemy URL; None means SQLite at instance/portal.sqlite3
    "BROKER_URL": None,  # a Redis URL switches audit jobs to Celery workers
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,  # bytes of one upload request
    "MAX_PAGES": 20,  # pages of one submission
    "MAX_PIXELS": 50_000_000,  # pixels of one page image (decompression bombs)
    "OCR_TIMEOUT": 60.0,  # seconds for one Tesseract call
    "AUDIT_THREADS": 1,  # in-process audit workers (each OCRs pages on every core)
    "RESUME_JOBS": True,  # re-queue audits left queued or running by a crash, at start
    "AUDIT_LEASE": 120.0,  # seconds a running audit's claim outlives its last heartbeat (then others take over)
    "OCR_ENGINE": None,  # "module:factory" called with the config to build the OCR engine; None means Tesseract
    "AUDIT_QUEUE": "audit",  # Celery queue of audit jobs
    "VISIBILITY_TIMEOUT": 3600,  # seconds before Redis hands an unacknowledged audit to another worker
    "SWEEP_INTERVAL": 60.0,  # seconds between a worker's sweeps for audits the broker lost
    "RESEND_AFTER": 120.0,  # seconds a queued audit may wait unseen by the broker before it is re-sent
    "RETENTION_DAYS": 30,  # redacted results kept for parents who did not consent to campaign use
    "EVIDENCE_RETENTION_DAYS": 730,  # redacted results kept as campaign evidence, with consent
    "SUPPRESSION_THRESHOLD": 5,  # reports and exports hide counts below this
    "SESSION_HOURS": 8,  # staff sessions expire after this many hours
    "LOGIN_MAX_FAILURES": 5,  # failed sign-ins (password or code) before an account is locked
    "LOGIN_LOCK_MINUTES": 15,  # how long a locked account waits
    "LOGIN_IP_MAX_FAILURES": 20,  # failed sign-ins from one client address per LOGIN_LOCK_MINUTES
    "THROTTLE_STORAGE_URL": None,  # where those are counted ("limits" URL); None: BROKER_URL if set, else memory
    "PROXY_HOPS": 0,  # reverse proxies in front of the web tier whose X-Forwarded-For/-Proto to trust
    "INVITE_HOURS": 72,  # a set-password link from an admin's invitation works this long, once
    "REVIEW_LOCK_MINUTES": 30,  # a reviewer's lock on a submission lapses after this long
    "CONTROLLER_NAME": "the Census Form Audit campaign",  # who runs this portal, for the privacy notice
    "CONTROLLER_ADDRESS": "c/o the campaign's registered address",
    "CONTACT_EMAIL": "privacy@census-audit.example.org",
    "DPO_EMAIL": "dpo@census-audit.example.org",
}


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill ``app.config`` from defaults, instance/config.py and the environment, then check it."""
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PORTAL")
    else:
        app.config.from_mapping(test_config)
    _derive(app)
    _check(app)


def _derive(app: Flask) -> None:
    """Set the extension settings that follow from the portal's own."""
    url = app.config["DATABASE_URL"] or f"sqlite:///{Path(app.instance_path) / 'portal.sqlite3'}"
    app.config["DATABASE_URL"] = url
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    # hide_parameters: database errors, which workers log and retry, never show a statement's values (uploads)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True, "hide_parameters": True})
    app.config["THROTTLE_STORAGE_URL"] = app.config["THROTTLE_STORAGE_URL"] or app.config["BROKER_URL"] or "memory://"
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["SESSION_HOURS"] * 3600
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # the session's own lifetime bounds the token


def _check(app: Flask) -> None:
    """Refuse to start with a missing secret or a setting of the wrong type."""
    c = app.config
    if not c["SECRET_KEY"] and not c.get("TESTING"):
        raise RuntimeError(
            "SECRET_KEY is not set: put SECRET_KEY = '...' in instance/config.py (make run does this) "
            "or set PORTAL_SECRET_KEY."
        )
    for key, default in DEFAULTS.items():
        if default is None or c[key] is None:
            continue
        kind = float if isinstance(default, float) else type(default)
        value = c[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            c[key] = value = float(value)
        if not isinstance(value, kind) or (kind in (int, float) and not isinstance(value, bool) and value < 0):
            raise RuntimeError(f"Setting {key} must be a non-negative {kind.__name__}, not {value!r}")
    os.makedirs(app.instance_path, exist_ok=True)
