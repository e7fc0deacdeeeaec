"""Shared helpers for the rule tables: run one rule on plain text under a chosen context."""
from __future__ import annotations

from datetime import date

from portal.audit import detect, rules
from portal.audit.document import Context, Finding, Page
from portal.audit.text import page_from_text


def page(text: str) -> Page:
    """Return a page of ``text``, as OCR would give it."""
    return page_from_text(text)


def finding(text: str, rule_id: str, flags: str = "", when: date | None = None) -> Finding:
    """Return the Finding of one rule on ``text`` under the context flags given (space-separated)."""
    context = Context((), tuple(flags.split()), when)
    return {f.rule_id: f for f in rules.check([page(text)], context)}[rule_id]


def audit(text: str, rule_id: str, when: date | None = None) -> Finding:
    """Return the Finding of one rule on ``text`` with the context detected from the text (and ``when``)."""
    pages = [page(text)]
    context = detect.detect(pages, when)
    return {f.rule_id: f for f in rules.check(pages, context)}[rule_id]


def quote(text: str, f: Finding) -> str:
    """Return the words of the finding's evidence span."""
    assert f.span is not None
    return " ".join(w.text for w in page_from_text(text).words[f.span.start:f.span.end])


def assert_status(text: str, rule_id: str, expected: str, flags: str = "",
                  when: date | None = None) -> Finding:
    """Check one rule's status on ``text``; a present or violation verdict must carry its evidence."""
    f = finding(text, rule_id, flags, when)
    assert f.status == expected, f"{rule_id}: expected {expected}, got {f.status} (pattern {f.pattern!r})"
    if expected in ("present", "violation"):
        assert f.span is not None and f.box is not None and f.pattern and 0 < f.confidence <= 1
        assert f.evidence is None  # filled in by redaction, never by the checker
    else:
        assert f.span is None and f.box is None
    return f
