"""Find personal data in a page's words: by pattern and check digit, by the field it fills, by its place."""
from __future__ import annotations

from ..document import Page, PiiHit
from . import addresses, contact, dates, fields, identifiers, names, school, signature
from .layout import hit, line_runs, rows

TYPES = ("name", "date_of_birth", "address", "postcode", "phone", "email", "upn", "uln", "nhs_number",
         "signature", "handwriting", "school", "other")
# A word found by several detectors takes the first type here: the school's letterhead keeps its phone number
# as "school", an address line keeps its postcode as "postcode", a labelled value its pattern's type.
PRIORITY = ("school", "upn", "email", "phone", "uln", "nhs_number", "postcode", "date_of_birth", "name",
            "address", "other")


def find(pages: list[Page], keep_school: bool = False) -> list[PiiHit]:
    """Return the personal data on ``pages``, the school's own name and address unless ``keep_school``."""
    hits: list[PiiHit] = []
    for page in pages:
        hits.extend(_page(page, keep_school))
    return hits


def answers(pages: list[Page], hits: list[PiiHit]) -> list[PiiHit]:
    """Return the hits that are the family's answers: values filled into the form's labelled fields.

    They are never the form's own wording: a parent's email beside "Email" is no contact of the school's.
    """
    filled = {(page.number, i) for page in pages for f in fields.find(page, rows(page)) for i in f.words}
    return [h for h in hits if h.type != "school" and any((h.page, i) in filled for i in h.words)]


def _page(page: Page, keep_school: bool) -> list[PiiHit]:
    """Detect on one page, then give each word to one hit."""
    runs, grid = line_runs(page), rows(page)
    found = (school.find(page, grid, runs) + identifiers.find(page, runs) + contact.find(page, runs)
             + dates.find(page, runs) + names.find(page, runs) + addresses.find(page, runs)
             + fields.find(page, grid))
    taken: set[int] = set()
    out = []
    for type_ in PRIORITY:
        for group in _joined([set(c.words) for c in found if c.type == type_]):
            words = [i for i in sorted(group) if i not in taken]
            taken.update(words)
            if words and not (keep_school and type_ == "school"):
                out.append(hit(page, type_, words))
    return _merged(page, out) + signature.find(page, grid)


def _joined(groups: list[set[int]]) -> list[set[int]]:
    """Join word sets that share a word: two detectors' views of one value make one hit."""
    out: list[set[int]] = []
    for group in groups:
        for other in [o for o in out if o & group]:
            group |= other
            out.remove(other)
        out.append(group)
    return out


def _merged(page: Page, hits: list[PiiHit]) -> list[PiiHit]:
    """Join hits of one type that touch in reading order (a postcode's two halves, a name's parts)."""
    ordered = sorted(hits, key=lambda h: h.words[0])
    out: list[PiiHit] = []
    for h in ordered:
        last = out[-1] if out else None
        if last and last.type == h.type and h.words[0] == last.words[-1] + 1 \
                and page.words[h.words[0]].line_key == page.words[last.words[-1]].line_key:
            out[-1] = hit(page, h.type, last.words + h.words)
        else:
            out.append(h)
    return out
