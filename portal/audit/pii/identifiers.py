"""National identifiers with check characters: Unique Pupil Numbers, Unique Learner Numbers, NHS numbers."""
from __future__ import annotations

import re

from stdnum.gb import nhs
from stdnum.gb import upn as stdnum_upn

from ..document import Page, PiiHit
from .layout import Run, hit

# 13 characters, spaces allowed where OCR splits them: check letter, LA, establishment, year, serial (a
# temporary UPN ends in a letter)
UPN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z](?: ?\d){11} ?[0-9A-Za-z](?![A-Za-z0-9])")
TEN_DIGITS = re.compile(r"(?<![\d+])\d(?:[ -]?\d){9}(?![\d])")
_UPN_CHARS = "ABCDEFGHJKLMNPQRTUVWXYZ0123456789"  # DfE: never I, O or S


def is_upn(text: str) -> bool:
    """Tell whether ``text`` is a Unique Pupil Number whose check letter is right.

    python-stdnum computes the check letter; its ``validate`` also demands a local authority code from its own
    list, which misses authorities created since (940 and 941 from 2021), so only the check is used.
    """
    number = re.sub(r"\s", "", text).upper()
    if not re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", number) or number[-1] not in _UPN_CHARS:
        return False
    return stdnum_upn.calc_check_digit(number[1:]) == number[0]


def is_uln(text: str) -> bool:
    """Tell whether ``text`` is a Unique Learner Number: 10 digits, weights 10..1 summing to 10 modulo 11."""
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"[1-9]\d{9}", digits):
        return False
    return sum(int(d) * w for d, w in zip(digits, range(10, 0, -1), strict=True)) % 11 == 10


def is_nhs_number(text: str) -> bool:
    """Tell whether ``text`` is an NHS number whose mod-11 check digit is right."""
    return bool(nhs.is_valid(re.sub(r"[\s-]", "", text)))


def find(page: Page, runs: list[Run]) -> list[PiiHit]:
    """Find UPNs, ULNs and NHS numbers whose check character is right."""
    hits = []
    for line in runs:
        for m in UPN.finditer(line.text):
            if is_upn(m.group()):
                hits.append(hit(page, "upn", line.covering(m.start(), m.end())))
        for m in TEN_DIGITS.finditer(line.text):
            type_ = "uln" if is_uln(m.group()) else "nhs_number" if is_nhs_number(m.group()) else None
            if type_:
                hits.append(hit(page, type_, line.covering(m.start(), m.end())))
    return hits
