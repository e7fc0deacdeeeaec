"""FP-07 (how long data are kept), FP-08 (access to a copy) and FP-09 (the other rights)."""
from __future__ import annotations

import pytest

from .support import assert_status

FP07_PRESENT = [
    "We retain pupil records until the pupil is 25 years old.",
    "Our retention schedule is available on request.",
    "Records are kept until your child leaves the school.",
    "How long we keep your data: see our records management policy.",
    "We wi1l retain this data for six years.",  # OCR: 1 for l
    "We will not keep your information for longer than is necessary.",  # a negated statement still says it
]
FP07_MISSING = [
    "We keep your data safe and secure.",
    "Information is stored on our secure system.",
    "Please keep this letter for your records.",
    "We hold information about pupils' attendance.",
]


# Deletion tied to a point in time that comes first in the sentence ("when your child leaves, ... is deleted").
FP07_DELETED_WHEN_PRESENT = [
    "Consent lasts until your child leaves the school, when the template is deleted.",
    "Once a pupil moves on, their fingerprint data will be erased.",
    "After the course ends the recordings are securely destroyed.",
    "When your chi1d 1eaves us, the photos are removed from the website.",  # OCR: 1 for l
]
FP07_DELETED_WHEN_MISSING = [
    "When a photo is deleted from the website, please tell us.",
    "If you ask, the data is deleted.",
    "When your child leaves, please return the library books.",
    "Once the form is signed, it is sent to the office.",
]


@pytest.mark.parametrize("text", FP07_PRESENT + FP07_DELETED_WHEN_PRESENT)
def test_fp07_present(text: str) -> None:
    assert_status(text, "FP-07", "present", flags="G18")


@pytest.mark.parametrize("text", FP07_MISSING + FP07_DELETED_WHEN_MISSING)
def test_fp07_missing(text: str) -> None:
    assert_status(text, "FP-07", "missing", flags="G18")


# A notice that only says another document explains how long data are kept does not say it; a retention
# policy or schedule is how the period is decided (rules.md), so naming one does.
FP07_POINTER_PRESENT = [
    "We keep these records until your child is 25, as our privacy notice explains.",
    "Records are kept in line with our retention policy, which sets out how long we keep each kind.",
    "How long we keep data is decided by our records management policy.",
    "Our privacy notice includes our rete1ntion schedule.",  # OCR: stray 1
    "We keep these records until your child turns 25; see our website for more.",
    "Our retention schedule is on the school website.",
]
FP07_POINTER_MISSING = [
    "Our privacy notice explains how long we keep information and what your rights are.",
    "The full notice, including how long we keep records, is on the school website.",
    "It will describe the retention of each item we collect.",
    "Details of how 1ong we keep data are given in our privacy notice.",  # OCR: 1 for l
    "On how long records are kept and on your rights, please look at the notice on our website.",
    "Please read the privacy notice at www.brookfield.example.com, including how long we keep information.",
    "Information on retention is on the trust's website.",
    "See the counci1's privacy page for how 1ong files are kept.",  # OCR: 1 for l
]


@pytest.mark.parametrize("text", FP07_POINTER_PRESENT)
def test_fp07_a_period_or_policy_beside_a_pointer_is_present(text: str) -> None:
    assert_status(text, "FP-07", "present", flags="G18")


@pytest.mark.parametrize("text", FP07_POINTER_MISSING)
def test_fp07_a_pointer_to_another_document_is_missing(text: str) -> None:
    assert_status(text, "FP-07", "missing", flags="G18")


def test_fp07_applies_only_in_the_gdpr_era() -> None:
    assert_status(FP07_PRESENT[0], "FP-07", "not_applicable", flags="NAT CEN")


FP08_PRESENT = [
    "You have the right to request access to the information we hold about your child.",
    "To make a subject access request, contact the office.",
    "Parents can ask for a copy of their child's educational record.",
    "You can see the information we hold about you at any time.",
    "To make a subject-\naccess request please write to the headteacher.",  # hyphenated at the line end
    "Pupi1s and parents may obtain a copy of the data held about them.",  # OCR: 1 for l
]
FP08_MISSING = [
    "Access to the school site is by the main gate.",
    "Please keep a copy of this letter.",
    "Only authorised staff can access your data.",  # staff access is not the family's right
    "Your data is safe with us.",
]


@pytest.mark.parametrize("text", FP08_PRESENT)
def test_fp08_present(text: str) -> None:
    assert_status(text, "FP-08", "present")


@pytest.mark.parametrize("text", FP08_MISSING)
def test_fp08_missing(text: str) -> None:
    assert_status(text, "FP-08", "missing")


FP09_PRESENT = [
    "You have the right to have inaccurate data corrected and to ask us to erase it.",
    "You can ask us to restrict processing, and you have the right to object.",
    "You also have the right to:\n• rectification\n• erasure\n• data portability",
    "You may request rectif1cation or erasure of your data.",  # OCR: 1 for i
    "In certain circumstances you can have inaccurate personal data rectified, blocked, erased or destroyed.",
    "You can ask us to delete your data.",
]
FP09_MISSING = [
    "Please correct any errors on this sheet.",  # not stated as a right
    "You have the right to request access to your data.",
    "Contact us if you want to object.",
    "Please keep your contact details up to date.",
    "Records are deleted when pupils leave.",  # deletion, but not as a right
]


@pytest.mark.parametrize("text", FP09_PRESENT)
def test_fp09_present(text: str) -> None:
    assert_status(text, "FP-09", "present", flags="G18")


@pytest.mark.parametrize("text", FP09_MISSING)
def test_fp09_missing(text: str) -> None:
    assert_status(text, "FP-09", "missing", flags="G18")
