"""AP-01: alternative provision placement reasons need purpose, recipients and the special-category basis."""
from __future__ import annotations

import pytest

from .support import assert_status

PRESENT = [
    "We record the reason for placement to help the local authority plan alternative provision. It is "
    "shared with the local authority and the DfE. It is special category data under Article 9.",
    "Reasons for placement are used to monitor provision. They are sensitive personal data (Schedule 3) and "
    "are sent to the DfE.",
    "Why we ask: the reason for placement helps us plan support. It is passed to the council under Article "
    "9 of the GDPR.",
    "Reason for p1acement is used to plan services; this speciai category data is sent to the Department "
    "for Education.",  # OCR damage
]
MISSING = [
    "Reason for placement:   \u2610 Pregnancy   \u2610 Offending",
    "Please tell us why your child was placed here.",
    "Reason for placement is recorded for the AP census and sent to the DfE.",  # no purpose, no basis
    "The reason for placement is special category data. It is shared with the local authority.",  # no use
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
