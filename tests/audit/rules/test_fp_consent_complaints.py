"""FP-10 (consent can be withdrawn) and FP-11 (complaints to the Information Commissioner)."""
from __future__ import annotations

import pytest

from .support import assert_status

FP10_PRESENT = [
    "You can withdraw your consent at any time by contacting the office.",
    "If you change your mind, please let us know.",
    "Consent can be withdrawn at any time.",
    "You may withdravv your consent by writing to us.",  # OCR: vv for w
    "You can opt out of the photo gallery at any time.",
    "Your consent lasts while your child is at the school.\nYou can withdraw it by emailing the office.",
]
FP10_MISSING = [
    "We will ask for your consent before sharing photos.",
    "By signing this form you consent to the school using these details.",
    "You can contact us at any time.",  # at any time, but nothing about consent
    "Consent is not required for the census.",
]


@pytest.mark.parametrize("text", FP10_PRESENT)
def test_fp10_present(text: str) -> None:
    assert_status(text, "FP-10", "present", flags="CONS")


@pytest.mark.parametrize("text", FP10_MISSING)
def test_fp10_missing(text: str) -> None:
    assert_status(text, "FP-10", "missing", flags="CONS")


def test_fp10_applies_only_when_relying_on_consent() -> None:
    assert_status(FP10_PRESENT[0], "FP-10", "not_applicable", flags="G18")


FP11_PRESENT = [
    "You can complain to the Information Commissioner's Office.",
    "If you are unhappy you can contact the ICO at ico.org.uk/concerns.",
    "You have the right to raise a concern with the Information Commissioner.",
    "You may complain to the lnformation Cornmissioner.",  # OCR: l for I, rn for m
    "Concerns can be reported to the 1CO.",  # OCR: 1 for I
]
FP11_MISSING = [
    "The school is registered with the ICO (Z1234567).",  # registration is not a way to complain
    "If you have a concern, please contact the headteacher.",
    "Complaints should be sent to the chair of governors.",
    "Please raise any concerns with us.",
]


@pytest.mark.parametrize("text", FP11_PRESENT)
def test_fp11_present(text: str) -> None:
    assert_status(text, "FP-11", "present", flags="G18")


@pytest.mark.parametrize("text", FP11_MISSING)
def test_fp11_missing(text: str) -> None:
    assert_status(text, "FP-11", "missing", flags="G18")
