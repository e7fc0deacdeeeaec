"""Choices for select and radio fields, declared the way WTForms 3.3+ wants them (tuples are deprecated)."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice


def options(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Return (value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]
