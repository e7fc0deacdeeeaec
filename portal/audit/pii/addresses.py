"""Street addresses written out in full: "Flat 2, 14 Church Lane"."""
from __future__ import annotations

import re

from ..document import Page, PiiHit
from .layout import Run, hit

SUFFIXES = ("road", "street", "lane", "avenue", "close", "drive", "way", "crescent", "place", "court",
            "gardens", "grove", "terrace", "hill", "rise", "walk", "row", "square", "green", "park", "view",
            "mews", "parade", "vale", "fold", "croft", "gate", "wharf", "yard", "rd", "st", "ave")
_WORD = r"[A-Z][A-Za-z'’-]+"
STREET = re.compile(
    rf"(?<![\w])(?:(?i:flat|apartment|unit) \d+[A-Za-z]?,? )?\d{{1,4}}[A-Za-z]?,? (?:{_WORD} ){{1,3}}"
    rf"(?i:{'|'.join(SUFFIXES)})\.?(?!\w)")


def find(page: Page, runs: list[Run]) -> list[PiiHit]:
    """Find a house number followed by a street name."""
    return [hit(page, "address", line.covering(m.start(), m.end()))
            for line in runs for m in STREET.finditer(line.text)]
