"""AP-01: alternative provision placement reasons need purpose, recipients and the special-category basis."""
from __future__ import annotations

import pytest

from .support import assert_status

PRESENT = [
    "The alternative provision census collects the reason for placement; this information is shared with "
    "the local authority and the DfE.",
    "Reasons for placement are special category data processed under Article 9, and are sent to the DfE.",
    "We collect the reason for placement to help the local authority plan alternative provision. It is "
    "passed to the local authority.",
    "Reason for placement is sensitive personal data. It is shared with the Department for Education.",
    "The AP census asks for the reason for p1acement. This is speciai category data.",  # OCR damage
]
MISSING = [
    "Reason for placement:   \u2610 Pregnancy   \u2610 Mental health   \u2610 Offending",
    "Please tell us why your child was placed here.",
    "Reason for placement is recorded for the AP census.",  # one of the three at most
    "This information is shared with the local authority.",
]


@pytest.mark.parametrize("text", PRESENT)
def test_ap01_present(text: str) -> None:
    assert_status(text, "AP-01", "present", flags="AP")


@pytest.mark.parametrize("text", MISSING)
def test_ap01_missing(text: str) -> None:
    assert_status(text, "AP-01", "missing", flags="AP")


def test_ap01_not_applicable_without_placement_reasons() -> None:
    assert_status(PRESENT[0], "AP-01", "not_applicable", flags="CEN")
