"""FP-01 (who the controller is and how to contact them) and FP-02 (the DPO's contact)."""
from __future__ import annotations

import pytest

from .support import assert_status, finding, quote

FP01_PRESENT = [
    "The school is the data controller for the information you provide on this form.",
    "Oakfield Primary School\nChurch Lane, Leeds LS1 2AB   Telephone 0113 496 0123\n\nDear Parent",
    "St Anne's C of E Academy, 12 High Street, Bristol BS1 4DJ, office@stannes.sch.uk",
    "Riverside Academy is the data contro11er under data protection law.",  # OCR: 1 for l
    "Northgate Trust is the data con-\ntroller for all its schools.",  # hyphenated at the line end
    "For any questions contact the school office on 0161 496 0777.",
    "Elmbank Primary Academy\npart of the Riverside Trust\nElmbank Way, Leeds LS9 2EE | 0113 496 0332",
]
FP01_MISSING = [
    "Please return this form to the office by Friday.",
    "Data protection matters to us.",
    "Please contact the school office if you have any questions.",  # no contact details
    "Your child's school will keep this information safe.",
    "Oakfield Primary School\n\nData Collection Sheet\n\nPlease check the details below.",  # no address
    "Previous school: ____________\n\nParent telephone: ____________",  # blank fields, no controller
    "If you are unhappy, please contact the school office.\n\nYou can also complain to the ICO at "
    "https://ico.org.uk/concerns",  # the regulator's link is not the school's contact
]


# "ring", "call", "phone" or "email" with a number or address is a way to reach the writer, as "contact the
# office on ..." is; without one, or to reach the regulator, it is not.
FP01_CALL_PRESENT = [
    "Any questions, ring the office on 01632 960 111.",
    "Call us on 020 7946 0555 if anything is unclear.",
    "Please phone 01632 960 222 and ask for Mrs Khan.",
    "Emai1 office@brookside.example.com with any queries.",  # OCR: 1 for l
]
FP01_CALL_MISSING = [
    "Please ring the office if you have questions.",
    "Call your GP if your child is unwell.",
    "If you are unhappy, call the ICO helpline on 0303 123 1113.",
    "Phone number: ____________",
]


@pytest.mark.parametrize("text", FP01_CALL_PRESENT)
def test_fp01_a_number_to_call_present(text: str) -> None:
    assert_status(text, "FP-01", "present")


@pytest.mark.parametrize("text", FP01_CALL_MISSING)
def test_fp01_a_number_to_call_missing(text: str) -> None:
    assert_status(text, "FP-01", "missing")


@pytest.mark.parametrize("text", FP01_PRESENT)
def test_fp01_present(text: str) -> None:
    assert_status(text, "FP-01", "present")


@pytest.mark.parametrize("text", FP01_MISSING)
def test_fp01_missing(text: str) -> None:
    assert_status(text, "FP-01", "missing")


def test_fp01_evidence_is_the_letterhead() -> None:
    text = FP01_PRESENT[1]
    assert "Oakfield Primary School" in quote(text, finding(text, "FP-01"))


FP02_PRESENT = [
    "Our Data Protection Officer is Jane Smith, who can be reached through the office.",
    "Contact our DPO at dpo@oakfield.sch.uk.",
    "Data Protection 0fficer: Mr J Brown, Schools Data Services",  # OCR: 0 for O
    "You can contact the trust's data protection officer (DP0) by email.",
    "Data Protec-\ntion Officer: Mrs K Patel",  # hyphenated at the line end
]
FP02_MISSING = [
    "Data protection is important to us.",
    "Contact the school office with any questions.",
    "The Data Protection Act 2018 applies to this form.",
    "Our deputy head is the designated safeguarding officer.",  # an officer, not the DPO
    "Please protect your password.",
]


@pytest.mark.parametrize("text", FP02_PRESENT)
def test_fp02_present(text: str) -> None:
    assert_status(text, "FP-02", "present", flags="G18")


@pytest.mark.parametrize("text", FP02_MISSING)
def test_fp02_missing(text: str) -> None:
    assert_status(text, "FP-02", "missing", flags="G18")


# A pointer to another document names the DPO without giving them: not the statement itself. With a way to
# reach them it is a contact all the same.
FP02_POINTER_PRESENT = [
    "Our privacy notice gives details of our Data Protection Officer, Mr P Okafor (dpo@hillside.example.com).",
    "Questions? Ask our DPO, who can be reached on 01632 960 555.",
    "The trust's Data Protection Officer is Mrs L Grant of Shire Schools Data Services.",
    "Data Pr0tection Officer: Ms R Hale",  # OCR: 0 for o
    "Our DPO is Ms K Lowe (dpo@marsh.example.com); see our website for the full notice.",
]
FP02_POINTER_MISSING = [
    "Our privacy notice explains who our Data Protection Officer is and how to reach them.",
    "The full notice on our website, including the contact for our DPO, is available from reception.",
    "Details of our Data Protection Officer are given in the school's privacy notice.",
    "Our new policy wi11 te11 you who the Data Protecti0n Officer is.",  # OCR: 1 for l, 0 for o
    "The trust DPO's details are on our website.",
    "Please see the privacy page of the school website for how to reach our Data Protection Officer.",
    "Ways to get in touch with the DPO are in the full notice.",
    "Our DP0's details can be found in the privacy notice.",  # OCR: 0 for O
]


@pytest.mark.parametrize("text", FP02_POINTER_PRESENT)
def test_fp02_named_with_a_contact_is_present(text: str) -> None:
    assert_status(text, "FP-02", "present", flags="G18")


@pytest.mark.parametrize("text", FP02_POINTER_MISSING)
def test_fp02_a_pointer_to_another_document_is_missing(text: str) -> None:
    assert_status(text, "FP-02", "missing", flags="G18")


def test_fp02_applies_only_in_the_gdpr_era() -> None:
    assert_status(FP02_MISSING[0], "FP-02", "not_applicable")
