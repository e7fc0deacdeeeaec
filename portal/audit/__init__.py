"""The audit engine: a plain library (no Flask) that checks a census form and redacts it."""
from .errors import AuditError
from .pipeline import AuditOptions, AuditResult, audit

__all__ = ["AuditError", "AuditOptions", "AuditResult", "audit"]
