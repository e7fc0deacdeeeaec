"""FP-05 (who receives the data; the DfE when CEN or NAT) and FP-06 (NPD and onward sharing)."""
from __future__ import annotations

import pytest

from .support import assert_status, finding, quote

FP05_PRESENT = [
    "We share this information with the local authority.",
    "Information about medical needs is passed to the school nurse team.",
    "We are required by law to pass some of this information to the Department for Education (DfE).",
    "We routinely share pupil information with:\n• our local authority\n• the NHS",
    "Information is shared with the D.f.E.",  # dotted acronym
    "Some details are sent to the Dept for Education each term.",
    "Photographs of school events may be published by the local press.",
    "I consent to the school sharing this medical information with the outdoor centre.",
    "Photographs may be sent to the local paper for its school news page.",
    "We share pictures of events in the closed Facebook group for parents.",
]
FP05_MISSING = [
    "We do not share your data with anyone.",
    "Your information is kept securely in school.",
    "We never pass information to third parties.",
    "Please share any concerns with your child's teacher.",  # a teacher is not a recipient of the data
    "This will be passed on exactly as you give it.",  # passed on, but to nobody named
    "Thank you for completing this form.",
]


# "not shared with anyone else / other than": a negation that limits the recipients to the one named, before
# it ("else") or after it ("other than", "except", "apart from"); a negated recipient is still no recipient.
FP05_LIMITED = [
    "Fingerprint templates are stored by the catering provider and are not shared with anyone else.",
    "Medical details are not shared with anyone other than the school nurse.",
    "We do not pass this information to anyone except the local authority.",
    "No one apart from the outdoor centre will receive these details.",
    "Your chi1d's data wi11 not be passed to anyone other than the 1oca1 authority.",  # OCR: 1 for l
]
FP05_NOT_LIMITED = [
    "This information is not shared with anyone else.",
    "The data are held on the academy's own server and are not shared with anyone else.",
    "We do not share your data with third parties or anyone else.",
    "Your child's details are not passed to anyone outside the school.",
    "We do not share information with anyone except where the law requires it.",
    "We wi11 not share this with anyone e1se.",  # OCR: 1 for l
]


# Publishing: posting, printing or using a photo in the press or on social media passes it to them.
FP05_PUBLISHED = [
    "We post photos of school trips on the school's Facebook page.",
    "Photos may be published in the Westbury Gazette, our local newspaper.",
    "We use photos in the newsletter and, now and then, in the local paper.",
    "Your child's picture may appear in the press after sports day.",
    "We rnay post your chi1d's photo on our c1osed Facebook group.",  # OCR: rn for m, 1 for l
    "\u2610 Photos of my child in the local newspaper",
    # the press or a social media account at the end of a list of what photos are taken for
    "We take pictures of pupils for our displays, the newsletter, the website and, now and then, the local paper.",
    "Images of children may be used for class books, the school's Instagram page and the local media.",
    "Video of the concert is recorded for the parents' evening slideshow and our YouTube channel.",
    "Photographs are taken for the yearbook, our webpage and the Facebook page.",
    # another school sharing the teaching: a partner school, a consortium or federation
    "Applications are passed to our partner college in the consortium.",
    "Details are shared with the linked school where your child takes a course.",
    "We send attendance to the other schools in our consortium.",
    "Your app1ication is forwarded to the partner schoo1 that teaches the course.",  # OCR: 1 for l
]
FP05_NOT_PUBLISHED = [
    "Please post the slip back to the school office.",  # post: the mail
    "We publish our exam results every summer.",  # published, but to nobody named
    "Photos of your child are never posted on social media.",
    "We do not publish names or photos in the local press.",
    "We ask parents to refrain from posting photos of other children on social media.",  # parents post
    "P1ease post the forrn back to schoo1 by Friday.",  # OCR: 1 for l, rn for m
    "Parents must not post photos of other children on Facebook or Instagram.",
    "Photos taken by parents at the concert should not be put on social media.",
    "Pictures are never given to the press or put on Twitter.",
    "We are a partner school of the local university.",
    "Our partner schools in the consortium hold their own open evenings.",
    "Please bring a passport photo for the pass. Term dates are on our Twitter page.",
]


@pytest.mark.parametrize("text", FP05_PRESENT + FP05_LIMITED + FP05_PUBLISHED)
def test_fp05_present(text: str) -> None:
    assert_status(text, "FP-05", "present")


@pytest.mark.parametrize("text", FP05_MISSING + FP05_NOT_LIMITED + FP05_NOT_PUBLISHED)
def test_fp05_missing(text: str) -> None:
    assert_status(text, "FP-05", "missing")


FP05_DFE_PRESENT = [
    "This information will be sent to the DfE as part of the school census.",
    "The Department for Education collects this information through the school census.",
    "We share census data with the local authority and the Department for Education.",
    "The DfE has asked schools to collect nationality from this term.",
    "Our census return goes to the Dept. for Education.",
    "Your child's nationality is not shared with anyone other than the DfE.",
]
FP05_DFE_MISSING = [
    "We share census data with the local authority.",  # a recipient, but a census form must name the DfE
    "The DfE says schools must keep data secure.",
    "We do not send this information to the DfE.",
    "The census form is not shared with anyone else.",
    "Nationality: ____________",
]


@pytest.mark.parametrize("text", FP05_DFE_PRESENT)
def test_fp05_census_form_names_the_dfe(text: str) -> None:
    assert_status(text, "FP-05", "present", flags="NAT CEN")


@pytest.mark.parametrize("text", FP05_DFE_MISSING)
def test_fp05_census_form_without_the_dfe(text: str) -> None:
    assert_status(text, "FP-05", "missing", flags="NAT CEN")


def test_fp05_list_evidence_starts_at_its_lead_in() -> None:
    text = FP05_PRESENT[3]
    assert quote(text, finding(text, "FP-05")).startswith("We routinely share")


FP06_PRESENT = [
    "Census data are held in the National Pupil Database.",
    "The DfE may share information from the NPD with third parties such as researchers.",
    "The Department may share this information with other government departments.",
    "Data from the Nationa1 Pupi1 Database is used by academic researchers.",  # OCR: 1 for l
    "The DfE shares some pupil data with the Home Office and the police.",
]
FP06_MISSING = [
    "This information will not be shared with third parties.",
    "The information goes to the DfE.",
    "We keep your data safe.",
    "The data will never be passed to the Home Office.",
    "The DfE will not share it with other departments.",
]


@pytest.mark.parametrize("text", FP06_PRESENT)
def test_fp06_present(text: str) -> None:
    assert_status(text, "FP-06", "present", flags="CEN")


@pytest.mark.parametrize("text", FP06_MISSING)
def test_fp06_missing(text: str) -> None:
    assert_status(text, "FP-06", "missing", flags="NAT")


def test_fp06_applies_only_to_census_or_nationality_forms() -> None:
    assert_status(FP06_PRESENT[0], "FP-06", "not_applicable", flags="ETH G18")
