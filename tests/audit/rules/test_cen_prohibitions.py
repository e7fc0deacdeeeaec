"""Prohibitions CEN-05 (no passports or immigration status), CEN-06 (no ascribing), CEN-07 (same for all)."""
from __future__ import annotations

import pytest

from .support import assert_status

CEN05_VIOLATION = [
    "Please provide a copy of your child's passport.",
    "Please bring your child's birth certificate to the office.",
    "Immigration status: ____________",
    "We need to see proof of nationality.",
    "Is your child a refugee or asylum seeker?   Yes / No",
    "P1ease attach a photocopy of the passp0rt.",  # OCR: 1 for l, 0 for o
]
CEN05_CLEAR = [
    "You do not need to provide a passport or any other document.",
    "We will never ask to see passports.",
    "Schools should not ask for passports or birth certificates.",
    "The DfE does not share census data for immigration enforcement.",
    "Nationality: ____________",
]


@pytest.mark.parametrize("text", CEN05_VIOLATION)
def test_cen05_violation(text: str) -> None:
    assert_status(text, "CEN-05", "violation", flags="NAT")


@pytest.mark.parametrize("text", CEN05_CLEAR)
def test_cen05_clear(text: str) -> None:
    assert_status(text, "CEN-05", "clear", flags="NAT")


# A parent's question ("Will the school need to see my passport?") and an apology for a past request ("we are
# sorry that some families were asked for passports") make no demand; a form's own question to the family does.
CEN05_REPORTED_CLEAR = [
    "Will the school need to see my child's birth certificate?",
    "Do I have to show a passport to the office?",
    "Must parents bring in passports for the census?",
    "We apologise that last term some parents were asked for birth certificates.",
    "I regret that a few families were wrongly asked to show passports.",
    "The office asked some parents for passp0rts in error.",  # OCR: 0 for o
]
CEN05_REPORTED_VIOLATION = [
    "Does your child hold a passport?   Yes / No",
    "Passport number: ____________",
    "Sorry for the short notice: please bring your child's passport on Monday.",
    "We regret the delay. Please send a copy of the birth certificate.",
]


@pytest.mark.parametrize("text", CEN05_REPORTED_CLEAR)
def test_cen05_question_or_apology_clear(text: str) -> None:
    assert_status(text, "CEN-05", "clear", flags="NAT")


@pytest.mark.parametrize("text", CEN05_REPORTED_VIOLATION)
def test_cen05_question_or_apology_violation(text: str) -> None:
    assert_status(text, "CEN-05", "violation", flags="NAT")


def test_cen05_not_applicable_without_nationality() -> None:
    assert_status(CEN05_VIOLATION[0], "CEN-05", "not_applicable", flags="ETH")


CEN06_VIOLATION = [
    "If you do not return this form we will record your child as White British.",
    "We will assume your child is British unless you tell us otherwise.",
    "You do not need to respond if your child was born in the UK.",
    "The school will ascribe an ethnicity based on our observations.",
    "Staff will decide your child's ethnicity based on their appearance.",
    "lf you do not reply we wi1l assume the answer is United Kingdom.",  # OCR: l for I, 1 for l
    "If your child was born in the UK and is British you do not need to return this form.",
    "Where no slip is returned we will have to enter British for nationality.",
    "Forms not back by Friday: the office will put United Kingdom on the record.",
    "Our teachers will choose the ethnic background that best fits each child.",
]
CEN06_CLEAR = [
    "Ethnicity is recorded as declared by you.",
    "If you do not reply, we will record 'information not yet obtained'.",
    "We will not assume anything about your child's nationality.",
    "Please tell us your child's ethnic background.",
    "We will never ascribe an ethnicity to a pupil.",
    "If you do not wish to provide them, tell us and we will record refused.",  # a refusal, not a non-reply
    "Please select the ethnic group that best describes your child.",  # the family chooses
    "We will record British only if that is what you tell us.",
    "We will enter the nationality as you have stated it.",
]


# Non-replies given an answer in other words ("coded as", "the class teacher will select the category"), and a
# negated non-return ("if the form is not returned"); a default of "not obtained", or the family's own choice,
# is clear.
CEN06_DEFAULT_VIOLATION = [
    "Pupils whose slips are not returned will be coded as UK nationals.",
    "If the form is not returned, the class teacher will select the category that seems most appropriate.",
    "Where a form is not sent back, staff will choose the group that looks most likely.",
    "Chi1dren with no rep1y wi11 be c1assed as born in the UK.",  # OCR: 1 for l
]
CEN06_DEFAULT_CLEAR = [
    "If the form is not returned, the class teacher will send a reminder.",
    "Pupils whose slips are not returned will be coded as 'not yet obtained'.",
    "Please select the category that seems most appropriate to you.",
    "Ethnicity wi11 be coded as the fami1y states.",  # OCR: 1 for l
]


@pytest.mark.parametrize("text", CEN06_DEFAULT_VIOLATION)
def test_cen06_default_for_non_replies_violation(text: str) -> None:
    assert_status(text, "CEN-06", "violation", flags="NAT ETH")


@pytest.mark.parametrize("text", CEN06_DEFAULT_CLEAR)
def test_cen06_default_for_non_replies_clear(text: str) -> None:
    assert_status(text, "CEN-06", "clear", flags="NAT ETH")


@pytest.mark.parametrize("text", CEN06_VIOLATION)
def test_cen06_violation(text: str) -> None:
    assert_status(text, "CEN-06", "violation", flags="NAT ETH")


@pytest.mark.parametrize("text", CEN06_CLEAR)
def test_cen06_clear(text: str) -> None:
    assert_status(text, "CEN-06", "clear", flags="NAT ETH")


@pytest.mark.parametrize("flags", ["NAT", "ETH"])
def test_cen06_applies_to_nationality_or_ethnicity(flags: str) -> None:
    assert_status(CEN06_VIOLATION[1], "CEN-06", "violation", flags=flags)
    assert_status(CEN06_VIOLATION[1], "CEN-06", "not_applicable", flags="CEN")


CEN07_VIOLATION = [
    "Only complete this section if your child is not British.",
    "Non-British pupils must provide their nationality.",
    "Parents of children born outside the UK only should fill in this form.",
    "If your child was born abroad, please state their nationality and country of birth.",
    "Non Brit1sh children: please complete the section below.",  # OCR: 1 for i
    "This form is only for families whose child is not a British national.",
    "We are writing only to families of children who speak English as an additional language.",
    "This form is to be completed for pupils who have arrived in the UK from another country.",
    "This letter has been sent only to families whose first language is not English.",
    "If your child was born in the UK and is British you do not need to return this form.",
]
CEN07_CLEAR = [
    "All families are asked the same questions.",
    "Please state your child's nationality.",
    "If your child was born abroad, please tell us the date they arrived in the UK.",
    "We ask every pupil for this information, whatever their background.",
]


# A letter addressed to, or a request put to, a selected group (families on the EAL register) only.
CEN07_ADDRESSED_VIOLATION = [
    "To the families of pupils on our EAL register\n\nPlease tell us your child's nationality.",
    "Dear parents of children with English as an additional language,",
    "We are asking families of our new arrivals to give their child's country of birth.",
    "To carers whose chi1dren were born overseas\n\nNationa1ity ________",  # OCR: 1 for l
]
CEN07_ADDRESSED_CLEAR = [
    "Dear parents and carers of all pupils,\n\nPlease tell us your child's nationality.",
    "To families of pupils in Year 3\n\nNationality ________",
    "We ask all families, including those with English as an additional language, to complete it.",
    "We are asking every fami1y, whatever their home 1anguage, for nationa1ity.",  # OCR: 1 for l
]


@pytest.mark.parametrize("text", CEN07_VIOLATION + CEN07_ADDRESSED_VIOLATION)
def test_cen07_violation(text: str) -> None:
    assert_status(text, "CEN-07", "violation", flags="NAT")


@pytest.mark.parametrize("text", CEN07_CLEAR + CEN07_ADDRESSED_CLEAR)
def test_cen07_clear(text: str) -> None:
    assert_status(text, "CEN-07", "clear", flags="NAT")
