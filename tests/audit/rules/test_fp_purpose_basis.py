"""FP-03 (what the data are used for) and FP-04 (the lawful basis)."""
from __future__ import annotations

import pytest

from .support import assert_status

FP03_PRESENT = [
    "We use this information to support your child's learning.",
    "The DfE uses census data to inform school funding and education policy.",
    "Why we collect and use this information",
    "This data helps the school to plan support for pupils who need it.",
    "We use th1s lnformation to monitor pupil progress.",  # OCR damage
    "We use the pupil data:\n• to support pupil learning\n• to monitor and report on pupil progress",
    "To keep your child safe on the trip, please list any allergies.",
    "We ask for this so that staff can look after your child properly.",
]
FP03_MISSING = [
    "Please complete the form and return it to the office.",
    "Nationality: ____________",
    "We collect information about your child.",
    "The information is held securely on the school's system.",
    "For the purposes of the Data Protection Act the school is registered with the ICO.",  # not a purpose
    "Thank you for your help with this.",  # help as a noun
    "For the census we need to record the reason for the placement.",  # a destination, not a use
]


# "so that ... can": a use when what follows is done with the data, not when it is the paperwork itself
# (completing, sending or checking the form) or a deadline.
FP03_SO_THAT_USE = [
    "Please tell us about any allergies so that the kitchen can prepare safe meals.",
    "Please update your contact details so that we can reach you quickly in an emergency.",
    "We record the home language so that teachers can plan support in class.",
    "We ho1d this inforrnation so that we can keep your chi1d safe.",  # OCR: 1 for l, rn for m
    "Please return the slip by Friday so that we can plan support from the first day of term.",
]
FP03_SO_THAT_PAPERWORK = [
    "Please return the slip by Friday so that the census can be completed on time.",
    "P1ease return the s1ip by Friday so that the census can be cornp1eted on time.",  # OCR: 1 for l, rn for m
    "Please bring the birth certificate so that we can confirm that the date of birth given is correct.",
    "Tell us by 5 October so that we can send the census return to the DfE on time.",
    "We will enter British on the record if no reply comes, so that the return can be submitted.",
    "Please write clearly so that the form can be processed.",
]


# A use stated without a modal ("so that she gets extra help") or with the return itself as the helper ("the
# return helps the council plan places"); checking, copying or recording a document is handling it, not a use.
FP03_OUTCOME_PRESENT = [
    "We note this on the register so that your child gets a free breakfast each morning.",
    "Please tell us about reading difficulties so that she receives extra help in class.",
    "We share the plan with teachers so that pupi1s have the right support.",  # OCR: 1 for l
    "The return helps the council plan where new school places are needed.",
    "Census figures help the Department decide how funding is shared between schools.",
    "The survey he1ps the 1oca1 authority target support.",  # OCR: 1 for l
]
FP03_OUTCOME_MISSING = [
    "Please bring the certificate to the office so that we can copy it.",
    "Show the passport at reception so that we can check it and note the number.",
    "Please send the form back so that it reaches us by Friday.",
    "Census day is 18 January. Thank you for your help.",
    "Bring your child's passport so that we can see it and record the number.",
    "P1ease bring the documents so that we can scan them.",  # OCR: 1 for l
]


@pytest.mark.parametrize("text", FP03_PRESENT + FP03_SO_THAT_USE + FP03_OUTCOME_PRESENT)
def test_fp03_present(text: str) -> None:
    assert_status(text, "FP-03", "present")


@pytest.mark.parametrize("text", FP03_MISSING + FP03_SO_THAT_PAPERWORK + FP03_OUTCOME_MISSING)
def test_fp03_missing(text: str) -> None:
    assert_status(text, "FP-03", "missing")


FP04_PRESENT = [
    "Our lawful basis for collecting this data is Article 6(1)(c) of the UK GDPR.",
    "We process this information to perform a public task.",
    "We collect it under section 537A of the Education Act 1996.",
    "The legal basis is a legal obligation under the Education (Information About Individual Pupils) "
    "(England) Regulations 2013.",
    "Ethnicity is special category data processed under Art1cle 9 of the GDPR.",  # OCR: 1 for i
]
FP04_MISSING = [
    "We collect information about your child.",
    "The school follows data protection law.",
    "Please read our privacy notice.",
    "This is a lawful request for information about your child.",  # lawful, but no basis stated
    "There is no legal basis for asking families for passports.",  # negated
]


@pytest.mark.parametrize("text", FP04_PRESENT)
def test_fp04_present(text: str) -> None:
    assert_status(text, "FP-04", "present", flags="G18")


@pytest.mark.parametrize("text", FP04_MISSING)
def test_fp04_missing(text: str) -> None:
    assert_status(text, "FP-04", "missing", flags="G18")


# Consent is a lawful basis when the form says it rests on it ("we rely on your consent"); asking for consent
# or a consent box alone does not say so ("the law means we need your consent" is labelled both ways in the
# evaluation sets, and left out). Guidance, even statutory guidance, is no lawful basis.
FP04_CONSENT_PRESENT = [
    "We rely on your permission and consent to publish these photographs.",
    "Our use of the app is based on your consent.",
    "Taking part in the survey rests on your consent alone.",
    "We are relying on parental consent for this.",
    "Sharing with the club is based 0n your consent.",  # OCR: 0 for o
]
FP04_CONSENT_MISSING = [
    "Please sign below to give your consent.",
    "I consent to my child taking part.",
    "We do not rely on consent for census data.",  # negated
    "In line with the DfE's statutory guidance we ask for two emergency contacts.",
    "We follow statutory guidance on supporting pupils with medical conditions.",
    "Following the government's statut0ry guidance, please list any allergies.",  # OCR: 0 for o
]


@pytest.mark.parametrize("text", FP04_CONSENT_PRESENT)
def test_fp04_consent_stated_as_the_basis_present(text: str) -> None:
    assert_status(text, "FP-04", "present", flags="G18")


@pytest.mark.parametrize("text", FP04_CONSENT_MISSING)
def test_fp04_consent_asked_or_guidance_missing(text: str) -> None:
    assert_status(text, "FP-04", "missing", flags="G18")


# Saying that another document states the basis is a pointer, not the basis itself.
FP04_POINTER_PRESENT = [
    "We rely on public task, as explained in our privacy notice.",
    "Our lawful basis is legal obligation (Education Act 1996); the full notice is on our website.",
    "The legal basis for sharing census data is section 537A.",
    "We process ethnicity under Art1cle 9 as our privacy notice explains.",  # OCR: 1 for i
    "Our lawful basis is public task; please see our website for the rest of the notice.",
    "We rely on legal obligation under the Education Act 1996. See the notice online for more.",
]
FP04_POINTER_MISSING = [
    "Our privacy notice explains the lawful basis for each item we collect.",
    "The new notice will set out the legal basis for everything we hold.",
    "The 1awful basis is set out in our privacy notice.",  # OCR: 1 for l
    "Read the trust's data protection policy, which describes our lawful bases in full.",
    # "see ... for", "visit ...", "are on/in ...": the basis is elsewhere
    "For the legal basis we rely on, see the privacy notice at www.oakfield.example.com/privacy.",
    "Please visit the trust website for our lawful basis and who we share data with.",
    "Our lawful bases are on the academy's data protection page.",
    "P1ease refer to the counci1 privacy page for the 1egal basis of each use.",  # OCR: 1 for l
]


@pytest.mark.parametrize("text", FP04_POINTER_PRESENT)
def test_fp04_a_basis_stated_beside_a_pointer_is_present(text: str) -> None:
    assert_status(text, "FP-04", "present", flags="G18")


@pytest.mark.parametrize("text", FP04_POINTER_MISSING)
def test_fp04_a_pointer_to_another_document_is_missing(text: str) -> None:
    assert_status(text, "FP-04", "missing", flags="G18")


def test_fp04_applies_only_in_the_gdpr_era() -> None:
    assert_status(FP04_PRESENT[0], "FP-04", "not_applicable")
