"""The census form audit portal: parents upload forms, the engine audits them, staff review and report."""
from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import IO, Any

import flask
from flask import Flask, render_template
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix


class Request(flask.Request):
    """A request whose uploaded files stay in memory: the upload reads them whole anyway, within
    MAX_CONTENT_LENGTH, so spooling them to a temporary file first only costs time."""

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None, content_length: int | None = None) -> IO[bytes]:
        return io.BytesIO()


def create_app(test_config: dict[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """Create and configure the portal; ``test_config`` replaces instance/config.py and the environment."""
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.request_class = Request
    from . import config

    config.load(app, test_config)
    if app.config["PROXY_HOPS"]:  # the client's address and scheme come from the proxies' headers
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)

    from . import commands, jobs
    from .extensions import csrf, db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path) / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    _sqlite_pragmas(app)

    from . import auth
    from .uploads import bp as uploads_bp

    app.register_blueprint(uploads_bp)
    app.register_blueprint(auth.bp)
    auth.init_app(app)
    from .review import bp as review_bp

    app.register_blueprint(review_bp)
    from .admin import bp as admin_bp

    app.register_blueprint(admin_bp)
    from .reports import bp as reports_bp

    app.register_blueprint(reports_bp)
    commands.init_app(app)
    jobs.init_app(app)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> tuple[str, int]:
        """Show errors as readable pages, never a reset connection or a stack trace."""
        return render_template("error.html", error=e), e.code or 500

    @app.after_request
    def security_headers(response: Any) -> Any:
        """Keep pages from being framed, sniffed or leaking where visitors came from."""
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")  # CSRF checks it over HTTPS; others get none
        return response

    return app


def _sqlite_pragmas(app: Flask) -> None:
    """Let web requests and audit threads share SQLite: WAL journal, a busy timeout, foreign keys."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    from .extensions import db

    with app.app_context():
        @event.listens_for(db.engine, "connect")
        def _on_connect(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA secure_delete=ON")  # deleted originals are overwritten, not left in free pages
            if ":memory:" not in app.config["SQLALCHEMY_DATABASE_URI"]:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
