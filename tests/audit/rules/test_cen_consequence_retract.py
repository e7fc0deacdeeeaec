"""CEN-03 (refusing has no effect) and CEN-04 (answers already given can be retracted; dated rule)."""
from __future__ import annotations

from datetime import date

import pytest

from .support import assert_status

CEN03_PRESENT = [
    "Refusing to provide this information will have no effect on your child's education.",
    "Nationality is optional. This will not affect the school's funding.",
    "There is no penalty if you decline to answer.",
    "Choosing not to answer will not be held against your child.",
    "If you do not wish to provide nationality, it wi1l not affect your child's place.",  # OCR: 1 for l
    "Refusal has no impact on funding.",
]
CEN03_MISSING = [
    "Funding depends on accurate census returns.",
    "Please return the form by Friday.",
    "Not providing this information may affect your child's funding.",  # it may affect
    "Missing data will affect the school's funding.",
]


@pytest.mark.parametrize("text", CEN03_PRESENT)
def test_cen03_present(text: str) -> None:
    assert_status(text, "CEN-03", "present", flags="NAT")


@pytest.mark.parametrize("text", CEN03_MISSING)
def test_cen03_missing(text: str) -> None:
    assert_status(text, "CEN-03", "missing", flags="NAT")


CEN04_PRESENT = [
    "If you have already provided this information you can retract it at any time.",
    "You can ask us to change your child's record to 'refused'.",
    "Information already given can be withdrawn by contacting the office.",
    "If you gave your child's nationality last year, we can remove it from our records.",
    "You can ask us to chanqe it to refused.",  # OCR: q for g
]
CEN04_MISSING = [
    "You have the right to ask us to delete your personal data.",  # a general right, not about these items
    "Please tell us if your details change.",
    "Nationality is optional.",
    "Once submitted, answers cannot be changed.",
]


# Taking back an answer in other words: removing or withdrawing it later, changing an answer given before.
CEN04_LATER_PRESENT = [
    "Nationality ________\nCountry of birth ________\nYou can ask us to delete them at any time.",
    "Country of birth: if you told us before and would now like it removed, just let the office know.",
    "If your child's nationality was given previously, you may have it withdrawn whenever you wish.",
    "Nationality ________\nYou can ask us to rem0ve your answer 1ater.",  # OCR: 0 for o, 1 for l
]
CEN04_LATER_MISSING = [
    "Nationality ________\nYou can ask us to check the form at any time.",
    "Photographs can be removed from the website at any time.",  # another item
    "Nationality ________\nPlease do not remove the slip before signing it.",
    "Religion ________\nYou can ask us to delete it at any time.",  # another item's line
]


@pytest.mark.parametrize("text", CEN04_PRESENT + CEN04_LATER_PRESENT)
def test_cen04_present(text: str) -> None:
    assert_status(text, "CEN-04", "present", flags="NAT")


@pytest.mark.parametrize("text", CEN04_MISSING + CEN04_LATER_MISSING)
def test_cen04_missing(text: str) -> None:
    assert_status(text, "CEN-04", "missing", flags="NAT")


@pytest.mark.parametrize(("when", "status"), [
    (None, "present"),  # undated: applies
    (date(2016, 11, 24), "present"),
    (date(2016, 11, 23), "not_applicable"),  # before Lord Nash's statement
])
def test_cen04_applies_from_24_november_2016(when: date | None, status: str) -> None:
    assert_status(CEN04_PRESENT[0], "CEN-04", status, flags="NAT", when=when)
