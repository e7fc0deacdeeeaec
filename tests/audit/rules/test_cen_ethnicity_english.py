"""CEN-11 (ethnicity and language declared by the family, may be refused), CEN-12 (English proficiency)."""
from __future__ import annotations

import pytest

from .support import assert_status

CEN11_PRESENT = [
    "Ethnicity\n\u2610 White British\n\u2610 Indian\n"
    "\u2610 I do not wish an ethnic background to be recorded",
    "Ethnic background: ____________   \u2610 Refused",
    "Your child's ethnicity is recorded as declared by you.",
    "Providing ethnicity and first language is voluntary.",
    "Parents and pupils decide which ethnic group they belong to.",
    "Ethnic origin and first language are only recorded as you describe them.",
    "Ethnic background: please tick the box that applies. If you prefer not to say, tick 'Refused'.",
    "Ethnic group\n\u2610 Mixed\n\u2610 Any other ethnic group\n\u2610 Prefer not to say",
    "l do not wish an ethnic backgr0und to be rec0rded",  # OCR: l for I, 0 for o
]
CEN11_MISSING = [
    "Ethnicity: ____________",
    "First language: ____________",
    "Ethnicity\n\u2610 White British\n\u2610 Other\n\nNationality: _______ \u2610 Refused",  # nationality's
    "Nationality is optional.\n\nEthnic group: ____________",  # optional is said of another item
    "We record each pupil's ethnicity.",
]


# The school's recording of "refused" in the present tense ("the school records 'refused' if ...").
CEN11_RECORDS_PRESENT = [
    "For ethnicity, the school records 'refused' if you would rather not answer.",
    "Home language: the office marks it as refused when a family prefers not to say.",
    "Ethnicity and first language: the school logs 'refused' if you decline.",
    "Ethnic group: the schoo1 codes it as refused if you prefer not to say.",  # OCR: 1 for l
]
CEN11_RECORDS_MISSING = [
    "For nationality the school records 'refused' if you prefer not to say.\n\nEthnic group: ______",
    "Ethnicity: the school never records 'refused'.",
    "The school records ethnicity for every pupil.",
    "Ethnicity ______\n\nThe schoo1 records lunch choices daily.",  # OCR: 1 for l
]


@pytest.mark.parametrize("text", CEN11_PRESENT + CEN11_RECORDS_PRESENT)
def test_cen11_present(text: str) -> None:
    assert_status(text, "CEN-11", "present", flags="ETH")


@pytest.mark.parametrize("text", CEN11_MISSING + CEN11_RECORDS_MISSING)
def test_cen11_missing(text: str) -> None:
    assert_status(text, "CEN-11", "missing", flags="ETH")


# A refusal instruction after a negated wish ("if you do not want it recorded, please write Refused") is not
# negated by it: the instruction is matched on its own, not only as the tail of a longer, negated match.
CEN11_INSTRUCTION_PRESENT = [
    "Ethnic origin: if you would not like your child's ethnic group to be recorded, please write REFUSED.",
    "Home language: should you not want it noted, write 'refused'.",
    "Ethnicity - if you do not want this recorded, just mark Refused.",
    "Ethnicity: if you do not wish it to be recorded, p1ease write REFUSED.",  # OCR: 1 for l
]
CEN11_INSTRUCTION_MISSING = [
    "Ethnicity: please do not write refused.",
    "Nationality: if you do not wish it recorded, please write REFUSED.",  # another item
    "Ethnicity: we will not record 'refused' for anyone.",
    "Ethnicity: if you do not wish it recorded, please speak to the office.",
]


@pytest.mark.parametrize("text", CEN11_INSTRUCTION_PRESENT)
def test_cen11_instruction_after_a_negated_wish_present(text: str) -> None:
    assert_status(text, "CEN-11", "present", flags="ETH")


@pytest.mark.parametrize("text", CEN11_INSTRUCTION_MISSING)
def test_cen11_instruction_after_a_negated_wish_missing(text: str) -> None:
    assert_status(text, "CEN-11", "missing", flags="ETH")


def test_cen11_not_applicable_without_ethnicity_or_language() -> None:
    assert_status(CEN11_PRESENT[2], "CEN-11", "not_applicable", flags="NAT")


CEN12_PRESENT = [
    "Proficiency in English is assessed by your child's teacher.",
    "Proficiency in English (EAL code A-E): assessed by school",
    "The school records each pupil's proficiency in English on a scale from A (new to English) to E "
    "(fluent).",
    "Teachers assess English proficiency termly.",
    "Proficiency in Eng1ish is a schoo1 assessment.",  # OCR: 1 for l
    # proficiency without the word
    "Your child's stage of English is assessed by the class teacher.",
    "Your child's class teacher has made this assessment, from A (new to English) to E (fluent).",
    "Teachers record how well each pupil speaks English.",
    "The c1ass teacher assesses your chi1d's 1eve1 of Eng1ish.",  # OCR: 1 for l
    "For pupils whose home language is not English, teachers assess their level of English each term.",
]
CEN12_MISSING = [
    "How well does your child speak English?   \u2610 Fluent   \u2610 Some   \u2610 None",
    "Please rate your child's proficiency in English from 1 to 5.",
    "English proficiency: ____________",
    "Parents should state their child's level of English.",
    "Please tell us your child's stage of English: ____________",
    "Please tell us how confidently your child reads English.",
    "How we11 does your chi1d understand Eng1ish?  \u2610 Well  \u2610 A little",  # OCR: 1 for l
    "Your child's command of English (tick one):  \u2610 Fluent  \u2610 Basic",
    # the school records a first language, not a proficiency: the parent still rates the level
    "Please rate how well your child speaks English: A to E.\n\nIf no reply comes, we will record English as the first "
    "language.",
    "How well does your child speak English? ______\n\nThe school records the home language you give.",
    "Please tell us your child's level of English. Staff will record English as the main language if "
    "unsure.",
    "Your child's fluency in Eng1ish (tick one) \u2610 A \u2610 B\n\nWe record Eng1ish as first 1anguage "
    "unless told otherwise.",  # OCR: 1 for l
]


@pytest.mark.parametrize("text", CEN12_PRESENT)
def test_cen12_present(text: str) -> None:
    assert_status(text, "CEN-12", "present")


@pytest.mark.parametrize("text", CEN12_MISSING)
def test_cen12_missing(text: str) -> None:
    assert_status(text, "CEN-12", "missing")


@pytest.mark.parametrize("text", ["Nationality: ____________", "First language: ____________",
                                  "We report how well pupils do in English and maths.",
                                  "The DfE counts pupils who are new to English."])
def test_cen12_applies_only_when_proficiency_is_mentioned(text: str) -> None:
    assert_status(text, "CEN-12", "not_applicable")
