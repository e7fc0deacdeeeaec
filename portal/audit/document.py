"""Typed values that flow through the audit pipeline: words, pages, findings, the result."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels of the normalised page


def union(boxes: list[Box]) -> Box:
    """Return the smallest box holding all ``boxes``."""
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


@dataclass(frozen=True)
class Word:
    """One OCR word: its text, box, confidence (0-100) and place in Tesseract's layout."""

    text: str
    box: Box
    conf: float
    block: int = 0
    par: int = 0
    line: int = 0

    @property
    def line_key(self) -> tuple[int, int, int]:
        """Identify the line this word belongs to on its page."""
        return (self.block, self.par, self.line)


@dataclass
class Page:
    """One normalised page: its size, DPI and words in reading order."""

    number: int  # from 1
    width: int
    height: int
    dpi: int
    words: list[Word] = field(default_factory=list)


@dataclass(frozen=True)
class Span:
    """A run of words ``[start, end)`` on one page: how evidence points into the text."""

    page: int  # from 1
    start: int
    end: int


@dataclass(frozen=True)
class PiiHit:
    """Personal data found on a page: its type and where it is; never its value."""

    type: str  # name, date_of_birth, address, postcode, phone, email, upn, uln, nhs_number, ...
    page: int
    box: Box
    words: tuple[int, ...] = ()  # indices into the page's words, empty for image-only regions


@dataclass(frozen=True)
class Context:
    """What the form is about: census items, context flags and the form's date."""

    census_items: tuple[str, ...]
    flags: tuple[str, ...]
    form_date: date | None


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on a document, explaining itself."""

    rule_id: str
    status: str  # present | missing | not_applicable | clear | violation
    span: Span | None = None
    box: Box | None = None
    pattern: str | None = None  # what matched, for explanation
    confidence: float = 1.0
    evidence: str | None = None  # filled in by redaction: the redacted quote
