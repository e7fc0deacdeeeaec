"""Signatures: the space beside a "Signed" or "Signature" label, as an image region without words."""
from __future__ import annotations

from ..document import Page, PiiHit
from . import fields
from .layout import Row

ABOVE = 2.5  # label heights a signature may rise above its label
BELOW = 1.0  # and fall below it


def find(page: Page, rows: list[Row]) -> list[PiiHit]:
    """Return the region right of each signature label, up to the next label on its row or the text's edge."""
    if not page.words:
        return []
    text_right = max(w.box[2] for w in page.words)
    hits = []
    for row in rows:
        parsed = fields.parse(page, row)
        for k, found in enumerate(parsed):
            if found.type != "signature":
                continue
            height = found.box[3] - found.box[1]
            right = parsed[k + 1].box[0] - height // 2 if k + 1 < len(parsed) else \
                max(text_right, found.box[2] + 10 * height)
            box = (found.box[2] + height // 4, max(0, found.box[1] - int(ABOVE * height)),
                   min(page.width, right), min(page.height, found.box[3] + int(BELOW * height)))
            if box[2] > box[0]:
                hits.append(PiiHit("signature", page.number, box, ()))
    return hits
