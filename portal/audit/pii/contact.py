"""Contact details: UK postcodes, phone numbers (national and international) and email addresses."""
from __future__ import annotations

import re

import phonenumbers

from ..document import Page, PiiHit
from .layout import Run, hit

# The Royal Mail format: outward code A9, A99, AA9, AA99, A9A or AA9A with the letters each position allows,
# then the inward code 9AA (never C, I, K, M, O or V).
POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA"
    r"|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY]) ?\d[ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9])", re.IGNORECASE)
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+ ?@ ?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PHONE_SHAPE = re.compile(r"(?:\+|\(?0)[\d\s().-]+")  # starts like a UK or international number
_PHONE_DIGITS = range(10, 14)


def is_postcode(text: str) -> bool:
    """Tell whether ``text`` is a UK postcode."""
    return POSTCODE.fullmatch(text.strip()) is not None


def phone_spans(text: str) -> list[tuple[int, int]]:
    """Return where UK (national or +44) and other international phone numbers are in ``text``.

    Leniency POSSIBLE keeps Ofcom's drama ranges (07700 900xxx) that VALID rejects; the shape check then
    keeps out dates, years and reference numbers that POSSIBLE lets through.
    """
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        digits = sum(c.isdigit() for c in match.raw_string)
        if _PHONE_SHAPE.fullmatch(match.raw_string) and digits in _PHONE_DIGITS:
            spans.append((match.start, match.end))
    return spans


def find(page: Page, runs: list[Run]) -> list[PiiHit]:
    """Find postcodes, phone numbers and email addresses."""
    hits = []
    for line in runs:
        for m in POSTCODE.finditer(line.text):
            hits.append(hit(page, "postcode", line.covering(m.start(), m.end())))
        for start, end in phone_spans(line.text):
            hits.append(hit(page, "phone", line.covering(start, end)))
        for m in EMAIL.finditer(line.text):
            hits.append(hit(page, "email", line.covering(m.start(), m.end())))
    emails = [i for i, w in enumerate(page.words) if "@" in w.text.strip("@")]  # OCR-mangled addresses too
    hits.extend(hit(page, "email", [i]) for i in emails)
    return hits
