"""The access log: who viewed, changed or exported what, when and why. Rows are only ever added.

from portal import access
access.record("view", submission_id=s.id, reason="checking CEN-01")
db.session.commit()
"""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from .extensions import db
from .models import AccessLog

#: Longest reason or detail kept; the log holds no free text beyond this.
MAX_TEXT = 500


class AppendOnlyError(RuntimeError):
    """Someone tried to change or delete an access log row."""


def record(
    action: str, *, submission_id: int | None = None, reason: str | None = None, detail: str | None = None
) -> None:
    """Add an access log row for the current user (the caller commits with its own change)."""
    from flask_login import current_user

    user_id = None
    if has_request_context() and current_user and current_user.is_authenticated:
        user_id = current_user.id
    db.session.add(
        AccessLog(
            user_id=user_id,
            action=action[:32],
            submission_id=submission_id,
            reason=reason.strip()[:MAX_TEXT] if reason else None,
            detail=detail[:MAX_TEXT] if detail else None,
        )
    )


def _guard_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse to flush a changed or deleted access log row."""
    for obj in session.deleted:
        if isinstance(obj, AccessLog):
            raise AppendOnlyError("The access log is append-only: rows cannot be deleted.")
    for obj in session.dirty:
        if isinstance(obj, AccessLog) and session.is_modified(obj, include_collections=False):
            raise AppendOnlyError("The access log is append-only: rows cannot be changed.")


def _guard_statements(state: ORMExecuteState) -> None:
    """Refuse bulk UPDATE or DELETE statements on the access log."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    table = getattr(state.statement, "table", None)
    if (mapper is not None and mapper.class_ is AccessLog) or table is AccessLog.__table__:
        raise AppendOnlyError("The access log is append-only: rows cannot be changed or deleted.")


_installed = False


def init_app(_app: Flask) -> None:
    """Install the append-only guard on every ORM session (once per process)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "before_flush", _guard_flush)
    event.listen(Session, "do_orm_execute", _guard_statements)
    _installed = True
