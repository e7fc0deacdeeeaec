"""FP-12: which items are compulsory, and the Article 14 exception (data not collected from the reader)."""
from __future__ import annotations

import pytest

from .support import assert_status

PRESENT = [
    "Providing this information is optional.",
    "The majority of pupil information is mandatory but some is provided on a voluntary basis.",
    "You must provide your child's date of birth.",
    "Nationality is compulsory.",  # says which item is compulsory (CEN-01 is another matter)
    "You do not have to answer these questions.",
    "Answering is not cornpulsory.",  # OCR: rn for m
    "School census information required by the DfE:",
    "Two new items have to be recorded for every pupil.",
]
MISSING = [
    "You do not need to return this form if your child was born in the UK.",  # selects, does not say optional
    "This information is needed so that staff can look after your child.",
    "Under the GDPR we must tell you how we use your information.",  # a duty of the school, not the reader's
    "Please complete all sections.",
    "Nationality: ____________",
    "Thank you for your help.",
    "We may need to contact you.",
]


@pytest.mark.parametrize("text", PRESENT)
def test_fp12_present(text: str) -> None:
    assert_status(text, "FP-12", "present")


@pytest.mark.parametrize("text", MISSING)
def test_fp12_missing(text: str) -> None:
    assert_status(text, "FP-12", "missing")


NOTICE_FROM_ELSEWHERE = ("We receive information about your child from their previous school and the local "
                         "authority.\n\nThis notice explains how we use it.")


def test_fp12_not_applicable_to_a_notice_about_data_from_elsewhere() -> None:
    assert_status(NOTICE_FROM_ELSEWHERE, "FP-12", "not_applicable", flags="SRC")


def test_fp12_applies_when_the_reader_is_asked_too() -> None:
    text = NOTICE_FROM_ELSEWHERE + "\n\nPlease complete the form below and return it to the office."
    assert_status(text, "FP-12", "missing", flags="SRC")
