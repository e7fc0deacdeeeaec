"""FP-15 (sources and categories, when data come from elsewhere) and FP-16 (youth support services)."""
from __future__ import annotations

import pytest

from .support import assert_status

FP15_PRESENT = [
    "We receive information about your child from their previous school.",
    "Some of this information comes from the local authority.",
    "Records are transferred to us through the Common Transfer File.",
    "We may also obtain details from the NHS and social services.",
    "Informati0n is sent to us by your child's prevlous school.",  # OCR: 0 for o, l for i
]
FP15_MISSING = [
    "We may receive information from other organisations.",  # the source is not named
    "Third parties sometimes give us data.",
    "Please tell us if anything has changed.",
    "We collect this information from you on the admission form.",
]


# The source named in other ways: the school or council that placed or referred the pupil, a check made with
# another body's data.
FP15_NAMED_PRESENT = [
    "Pupils are placed with us by their school or by the county council.",
    "The reason for placement is the one given by the referring school.",
    "We confirm eligibility through the council's checker, which uses benefit information from the DWP.",
    "Children are referred to us by their GP or consu1tant.",  # OCR: 1 for l
    # eligibility from tax or benefit records, a council's service telling the school, a reference asked of
    # the pupil's school
    "We get confirmation of your entitlement from HMRC and the Department for Work and Pensions.",
    "We have been informed by the council's checking service that your child qualifies.",
    "We will request a reference and predicted grades from your present school.",
    "The college asks your schoo1 for your attendance record.",  # OCR: 1 for l
]
FP15_NAMED_MISSING = [
    "Pupils are placed in sets by ability.",
    "We check the form using the information you give us.",
    "Children are referred to as pupils in this notice.",
    "The form is given by the c1ass teacher to each family.",  # OCR: 1 for l
    "If you receive benefits from the DWP, you may qualify.",
    "If you are told by the council that your code has expired, let us know.",
    "Please ask your current school for a copy of this form.",
    "We will ask your school to display the poster.",
]


@pytest.mark.parametrize("text", FP15_PRESENT + FP15_NAMED_PRESENT)
def test_fp15_present(text: str) -> None:
    assert_status(text, "FP-15", "present", flags="SRC")


@pytest.mark.parametrize("text", FP15_MISSING + FP15_NAMED_MISSING)
def test_fp15_missing(text: str) -> None:
    assert_status(text, "FP-15", "missing", flags="SRC")


def test_fp15_applies_only_to_data_from_elsewhere() -> None:
    assert_status(FP15_PRESENT[0], "FP-15", "not_applicable", flags="G18")


FP16_PRESENT = [
    "Once pupils reach the age of 13, we pass their information to youth support services.",
    "A parent can ask that only their child's name, address and date of birth are passed to the local "
    "authority.",
    "We share information with careers advisers once pupils are 13.",
    "Pupils aged 13+ : information is passed to the local authority for youth support.",
    "Youth supp0rt services",  # OCR: 0 for o
]
FP16_MISSING = [
    "We share information with the local authority.",
    "Pupils aged 16 can make their own requests.",
    "The youth club runs on Fridays.",
    "Sixth form students should see the office.",
]


@pytest.mark.parametrize("text", FP16_PRESENT)
def test_fp16_present(text: str) -> None:
    assert_status(text, "FP-16", "present", flags="SEC GEN")


@pytest.mark.parametrize("text", FP16_MISSING)
def test_fp16_missing(text: str) -> None:
    assert_status(text, "FP-16", "missing", flags="SEC GEN")


@pytest.mark.parametrize("flags", ["SEC", "GEN", "NAT CEN"])
def test_fp16_applies_to_general_notices_of_secondary_schools_only(flags: str) -> None:
    assert_status(FP16_PRESENT[0], "FP-16", "not_applicable", flags=flags)
