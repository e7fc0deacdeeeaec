"""Dates of birth: a date written near "date of birth", "DOB" or "born"."""
from __future__ import annotations

import re

from ..document import Page, PiiHit
from .layout import Run, hit

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
DATE = re.compile(
    r"(?<![\w/.-])(?:"
    r"\d{1,2} ?[/.-] ?\d{1,2} ?[/.-] ?(?:\d{4}|\d{2})"  # 03/07/2015, 3.7.15
    r"|\d{4}-\d{2}-\d{2}"  # 2015-07-03
    rf"|\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTH},? \d{{2,4}}"  # 3rd July 2015
    rf"|{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}"  # July 3, 2015
    r")(?![\w/])", re.IGNORECASE)
CONTEXT = re.compile(r"(?<!\w)(?:date of birth|d\.? ?o\.? ?b\.?|birth ?date|born|birthday)(?!\w)",
                     re.IGNORECASE)
REACH = 40  # characters between the context words and the date


def find(page: Page, runs: list[Run]) -> list[PiiHit]:
    """Find dates that follow a date-of-birth cue on the same line."""
    hits = []
    for line in runs:
        cues = [m.end() for m in CONTEXT.finditer(line.text)]
        for m in DATE.finditer(line.text):
            if any(0 <= m.start() - end <= REACH for end in cues):
                hits.append(hit(page, "date_of_birth", line.covering(m.start(), m.end())))
    return hits
