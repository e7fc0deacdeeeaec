"""Names outside fields: after a title ("Mrs J SMITH") or a greeting ("Dear Amelia")."""
from __future__ import annotations

import re

from ..document import Page, PiiHit
from .layout import Run, hit

_NAME = (r"(?:O['’][A-Z][A-Za-z]+|[A-Z]{2,}(?:['’-][A-Z]+)*|[A-Z][a-z]+(?:['’-][A-Za-z]+)*|[A-Z]\.?)"
         r"(?![\w'’/])")  # a name, in capitals or not, an Irish O', or an initial
TITLED = re.compile(
    rf"(?<![\w])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master|MR|MRS|MS|MISS|DR)\.? {_NAME}(?: {_NAME}){{0,3}}(?!\w)")
GREETING = re.compile(rf"(?<![\w])(?:Dear) ({_NAME}(?: {_NAME}){{0,2}})")
NOT_NAMES = {"parent", "parents", "carer", "carers", "guardian", "guardians", "sir", "madam", "family",
             "families", "colleague", "colleagues", "all", "friends", "parent/carer", "parents/carers"}


def find(page: Page, runs: list[Run]) -> list[PiiHit]:
    """Find names written after a title or a greeting."""
    hits = []
    for line in runs:
        for m in TITLED.finditer(line.text):
            hits.append(hit(page, "name", line.covering(m.start(), m.end())))
        for m in GREETING.finditer(line.text):
            if m.group(1).split()[0].lower().strip(",") not in NOT_NAMES:
                hits.append(hit(page, "name", line.covering(m.start(1), m.end(1))))
    return hits
