"""CEN-08 (why nationality and country of birth are wanted) and CEN-09 (the census, its basis, the DfE)."""
from __future__ import annotations

import pytest

from .support import assert_status

CEN08_PRESENT = [
    "The DfE collects nationality to understand the impact of pupil migration on schools.",
    "Country of birth data helps the government plan support for pupils with English as an additional "
    "language.",
    "Nationality and country of birth\n\nThis information is used to help the DfE understand the needs of "
    "pupils.",
    "Why are we asking for nationality? To help the Department for Education plan funding.",
    "Natlonality data is used for research and statistics.",  # OCR: l for i
]
CEN08_MISSING = [
    "Please state your child's nationality.",
    "We are required to collect nationality as part of the school census.",
    "Ethnicity data helps us support pupils.\n\nNationality: ____________",  # the purpose of another item
    "Nationality is optional.",
]


# A reason for nationality or country of birth themselves: what the answers tell the DfE or the school about
# pupils who are new to the country or to English.
CEN08_SPECIFIC = [
    "We ask for nationality so that the DfE can understand the impact of pupil migration on schools.",
    "Country of birth is collected to support pupils who are still learning English.",
    "Nationality and country of birth\n\nThese answers help us plan language support for new arrivals.",
    "Nationa1ity and country of birth he1p the DfE understand the needs of pupi1s with Eng1ish as an "
    "additiona1 1anguage.",  # OCR: 1 for l
    "Why we ask for country of birth: to help the Department see how many pupils need help with English.",
    # eligibility (for funding, a place, a fee rate) decided from the answer
    "We ask for nationality to decide whether the student is entitled to funded tuition.",
    "Nationa1ity is needed to estab1ish if you qua1ify for home fees.",  # OCR: 1 for l
]
# Generic purposes: what any data on the form is for (records, contact, "school purposes", checking the
# answers, completing the census), or the purposes of a whole notice reached through "the information".
CEN08_GENERIC = [
    "We ask for your child's nationality to support your child.",
    "Nationality and country of birth are collected for school purposes.",
    "Nationa1ity is requested for schoo1 adrninistration purposes.",  # OCR: 1 for l, rn for m
    "Please enclose a copy of the birth certificate so that we can verify the country of birth given.",
    "We record your child's nationality so that the census return can be completed on time.",
    "Country of birth: ____________\n\nWe use the information on this form to keep our records up to date "
    "and to contact you in an emergency.",
    "Nationality and country of birth are optional: you may decline to give them.\n\nWe use the information "
    "to plan school places, to monitor the performance of schools and to target resources.",
    "We collect nationa1ity to he1p us look after your chi1d.",  # OCR: 1 for l
    "Nationality ______\n\nPlease bring the passport so that we can check it and note the passport number.",
    "We ask for nationality to check that the details given are correct.",
]


# A lead-in's purpose is the purpose of the questions it introduces.
CEN08_LEAD_PRESENT = [
    "To help us book interpreters and plan English support, we ask:\nNationality ________\n"
    "Country of birth ________",
    "So that we can arrange translated letters, please tell us:\nCountry of birth ________\n"
    "Home language ________",
    "We ask for these to plan support for pupils new to English:\nNationality ________",
    "T0 he1p us arrange interpreters we ask:\nNationa1ity ________",  # OCR: 0 for o, 1 for l
]
CEN08_LEAD_MISSING = [
    "So that we can keep our records up to date, please tell us:\nNationality ________",
    "To help us arrange interpreters we ask:\nHome language ________\n\nThank you.\n\nNationality ________",
    "Please complete the following:\nNationality ________\nCountry of birth ________",
    "To keep in touch with you, we ask:\nNationality ________\nTelephone ________",
]


@pytest.mark.parametrize("text", CEN08_PRESENT + CEN08_SPECIFIC + CEN08_LEAD_PRESENT)
def test_cen08_present(text: str) -> None:
    assert_status(text, "CEN-08", "present", flags="NAT")


@pytest.mark.parametrize("text", CEN08_MISSING + CEN08_GENERIC + CEN08_LEAD_MISSING)
def test_cen08_missing(text: str) -> None:
    assert_status(text, "CEN-08", "missing", flags="NAT")


CEN09_PRESENT = [
    "This information is collected for the school census.",
    "We are required by law to provide this data (section 537A of the Education Act 1996).",
    "Your answers will be sent to the Department for Education.",
    "It forms part of the schoo1 census return.",  # OCR: 1 for l
    "This is a statutory data collection.",
    "Our lawful basis is public task; the school census is a statutory return.",
    "Schools must provide these returns under section 537A.",
]
CEN09_MISSING = [
    "Please state your child's nationality.",
    "We use this information to support learning.",
    "Thank you for returning the form.",
    "There is no legal requirement for parents to answer.",  # negated
    # a GDPR lawful basis or guidance is not the census's statutory basis
    "Legal basis: public task (UK GDPR Article 6(1)(e)).",
    "Our lawful basis for this is a legal obligation.",
    "We follow the government's statutory guidance on school admissions.",
    "The 1egal basis is Article 9(2)(g) for ethnicity.",  # OCR: 1 for l
]


@pytest.mark.parametrize("text", CEN09_PRESENT)
def test_cen09_present(text: str) -> None:
    assert_status(text, "CEN-09", "present", flags="NAT")


@pytest.mark.parametrize("text", CEN09_MISSING)
def test_cen09_missing(text: str) -> None:
    assert_status(text, "CEN-09", "missing", flags="NAT")


def test_cen09_applies_to_census_or_nationality_forms() -> None:
    assert_status(CEN09_PRESENT[0], "CEN-09", "present", flags="CEN")
    assert_status(CEN09_PRESENT[0], "CEN-09", "not_applicable", flags="ETH")
