"""FP-12: which items are compulsory, and the Article 14 exception (data not collected from the reader)."""
from __future__ import annotations

import pytest

from .support import assert_status

PRESENT = [
    "The slip below must be completed and returned by Friday.",
    "Every section of this form must be filled in.",
    "A11 questions rnust be answered.",  # OCR: 1 for l, rn for m
    "Providing this information is optional.",
    "The majority of pupil information is mandatory but some is provided on a voluntary basis.",
    "You must provide your child's date of birth.",
    "Nationality is compulsory.",  # says which item is compulsory (CEN-01 is another matter)
    "You do not have to answer these questions.",
    "Answering is not cornpulsory.",  # OCR: rn for m
    "School census information required by the DfE:",
    "Families who are not applying on faith grounds need not complete this section.",
    "You needn't fill in the second page.",
    "If you would rather not use the app, we will post letters home instead.",
    "Parents who prefer not to join the scheme will get paper copies.",
    "Y0u need n0t answer the last question.",  # OCR: 0 for o
    "Two new items have to be recorded for every pupil.",
]
MISSING = [
    "This form is to be completed for pupils who have arrived from abroad.",  # who it is for, not a must
    "The slip should be handed to your child's teacher.",
    "You do not need to return this form if your child was born in the UK.",  # selects, does not say optional
    "This information is needed so that staff can look after your child.",
    "Under the GDPR we must tell you how we use your information.",  # a duty of the school, not the reader's
    "Please complete all sections.",
    "Nationality: ____________",
    "Thank you for your help.",
    "We may need to contact you.",
    "You need not worry about the new system.",  # not about giving anything
    "We would rather not use paper forms this year.",  # the school's preference, not the reader's choice
]


# A way to refuse ("if you prefer not to say, tick Refused") is CEN-02's matter; it does not say whether the
# items must be given. Saying that they need not be, beside it, does.
WITH_REFUSAL_PRESENT = [
    "You do not have to provide nationality: tick Refused if you prefer not to.",
    "Answering is up to you. If you prefer not to say, tick Refused.",
    "If you would rather not answer, you do not have to.",
    "If you choose not to provide it, this will not affect your child's place.",
    "Answering is opti0nal; if you prefer not to say, tick Refused.",  # OCR: 0 for o
]
WITH_REFUSAL_MISSING = [
    "If you prefer not to say, tick the Refused box.",
    "Tick \"Refused\" on the registration form if you would rather not say.",
    "lf you prefer not to say, tick Refused.",  # OCR: l for I
    "Ethnicity: ____________  \u2610 Refused\nIf you would prefer, write Refused in the box.",
]


@pytest.mark.parametrize("text", PRESENT + WITH_REFUSAL_PRESENT)
def test_fp12_present(text: str) -> None:
    assert_status(text, "FP-12", "present")


@pytest.mark.parametrize("text", MISSING + WITH_REFUSAL_MISSING)
def test_fp12_missing(text: str) -> None:
    assert_status(text, "FP-12", "missing")


NOTICE_FROM_ELSEWHERE = ("We receive information about your child from their previous school and the local "
                         "authority.\n\nThis notice explains how we use it.")


def test_fp12_not_applicable_to_a_notice_about_data_from_elsewhere() -> None:
    assert_status(NOTICE_FROM_ELSEWHERE, "FP-12", "not_applicable", flags="SRC")


def test_fp12_applies_when_the_reader_is_asked_too() -> None:
    text = NOTICE_FROM_ELSEWHERE + "\n\nPlease complete the form below and return it to the office."
    assert_status(text, "FP-12", "missing", flags="SRC")


# Notices about data the writer received from someone else (a council about what schools send it, a school
# about what the admissions team passed on), asking the reader for nothing: FP-12 does not apply.
FROM_ELSEWHERE = [
    "Schools hold information about their pupils and pass some of it to us each term.\n\n"
    "We use it to plan school places.",
    "This notice is about the information we receive about your child from their previous school.\n\n"
    "If you have questions, please write to the office.",  # writing to the office gives no data
    "The council's admissions team has sent us the details from your application.",
    "Inforrnation we have received frorn the 1oca1 authority about your chi1d",  # OCR: rn for m, 1 for l
    "Most of what we hold is passed to us by the referring school and the Fair Access panel.\n\n"
    "Parents may decline to give some of these items.",  # to whoever collects them, not to the writer
    # received without the word "information": the kinds of data named instead, or given by the referrer
    "When a pupil is referred we receive from their school: name, date of birth, address and the reason "
    "for referral.",
    "The return includes the reason for placement given by the referring school.",
    "Students are placed with us by their school, which sends us their name, address and SEN status.",
    "We receive from the c1inic and the home schoo1 your chi1d's name and medica1 needs.",  # OCR: 1 for l
    # told by a council service what the writer records: nothing asked of the reader
    "We have been informed by the council's checking service that your child is entitled to free meals.\n\n"
    "We will note this on the school record.",
    "The school was notified by the local authority that your son qualifies for a free place.",
]
# The reader is asked as well, or the cue is no data received by the writer: FP-12 applies.
ASKED_TOO = [
    ("Our Data Protection Officer is provided by the local authority.\n\n"
     "Some items, such as ethnicity, you may choose not to give.", "present"),
    ("Most of it is sent to us by your child's home school; the rest we must collect.", "missing"),
    ("We receive information about your child from their previous school.\n\n"
     "You may choose not to tell us your child's religion.", "present"),
    ("The Department for Education receives census data from schools each term.\n\n"
     "This notice explains how we use pupil information.", "missing"),  # received by the DfE, not by us
    ("The school receives funding from the local authority for each pupil on roll.", "missing"),
    ("Ethnicity is included in the schoo1 census sent to the DfE and he1ps us plan support.",
     "missing"),  # sent by us, not to us (OCR: 1 for l)
    ("We receive from the council a grant for each pupil.", "missing"),  # money, not data
    ("The school sends the referral form to us.\n\nPlease complete the form below.", "missing"),
    ("We receive from their school the name and address of each pupil.\n\nPlease tell us of any allergies.",
     "missing"),  # the reader is asked too
    ("Given by the referring school: reason for placement.\n\nYou must complete section B.", "present"),
]


@pytest.mark.parametrize("text", FROM_ELSEWHERE)
def test_fp12_not_applicable_to_data_received_from_others(text: str) -> None:
    assert_status(text, "FP-12", "not_applicable")


@pytest.mark.parametrize(("text", "status"), ASKED_TOO)
def test_fp12_applies_when_the_reader_gives_data_too(text: str, status: str) -> None:
    assert_status(text, "FP-12", status)
