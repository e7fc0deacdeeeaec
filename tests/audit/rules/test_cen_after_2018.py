"""CEN-10: nationality or country of birth asked "for the census" on a form dated after 28 June 2018."""
from __future__ import annotations

from datetime import date

import pytest

from .support import assert_status

AFTER = date(2019, 9, 2)
VIOLATION = [
    "The DfE requires us to collect your child's nationality for the school census.",
    "Nationality and country of birth are collected as part of the census.",
    "Information for the school census:\nNationality: ____________\nCountry of birth: ____________",
    "Country of birth is required by the Department for Education.",
    "Natlonality is co11ected for the schoo1 census.",  # OCR: l for i, 1 for l
]
CLEAR = [
    "Nationality and country of birth are no longer collected for the school census.",
    "Please state your child's nationality for our admissions records.",
    "The DfE stopped collecting nationality in 2018.",
    "Nationality: ____________",
    "We will not send nationality to the DfE for the census.",
]


@pytest.mark.parametrize("text", VIOLATION)
def test_cen10_violation(text: str) -> None:
    assert_status(text, "CEN-10", "violation", flags="NAT D18", when=AFTER)


@pytest.mark.parametrize("text", CLEAR)
def test_cen10_clear(text: str) -> None:
    assert_status(text, "CEN-10", "clear", flags="NAT D18", when=AFTER)


@pytest.mark.parametrize(("flags", "when", "status"), [
    ("NAT D18", date(2018, 6, 28), "violation"),  # the day nationality left the census
    ("NAT", date(2018, 6, 27), "not_applicable"),
    ("NAT", date(2016, 10, 1), "not_applicable"),  # 2016 census forms rightly asked
    ("NAT", None, "not_applicable"),  # undated: D18 is false
    ("D18", AFTER, "not_applicable"),  # no nationality asked
])
def test_cen10_date_logic(flags: str, when: date | None, status: str) -> None:
    assert_status(VIOLATION[0], "CEN-10", status, flags=flags, when=when)
