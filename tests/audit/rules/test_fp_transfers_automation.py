"""FP-13 (transfers outside the UK) and FP-14 (automated decisions), which apply only when mentioned."""
from __future__ import annotations

import pytest

from .support import assert_status

FP13_PRESENT = [
    "We do not transfer your data outside the UK.",
    "Our cloud provider stores all data in the UK.",
    "Data held by our overseas suppliers is protected by standard contractual clauses.",
    "Some data is processed in the USA under an adequacy decision.",
    "Our cloud service keeps data outsidethe EEA with appropriate safeguards.",  # OCR: joined words
    # where the data stay, however many words name the place or the building
    "Our cloud system is hosted on servers located within the European Economic Area.",
    "The online learning journal is a cloud service that keeps its records in data centres in the United Kingdom.",
    "Everything is stored on cloud servers inside the European Union.",
    "Cloud records are he1d in data centres within the EEA.",  # OCR: 1 for l
]
FP13_MISSING = [
    "We use cloud-based software to store pupil records.",
    "Our photo service is hosted abroad.",
    "We use Google cloud services for homework.",
    "Some of our suppliers are based overseas.",
    "Our cloud provider has offices in the European Union.",  # offices, not where the data are
    "The cloud system was designed in the UK.",
]


@pytest.mark.parametrize("text", FP13_PRESENT)
def test_fp13_present(text: str) -> None:
    assert_status(text, "FP-13", "present")


@pytest.mark.parametrize("text", FP13_MISSING)
def test_fp13_missing(text: str) -> None:
    assert_status(text, "FP-13", "missing")


@pytest.mark.parametrize("text", ["We keep paper records in a locked cabinet.", "Nationality: ________"])
def test_fp13_not_applicable_without_overseas_or_cloud(text: str) -> None:
    assert_status(text, "FP-13", "not_applicable")


FP14_PRESENT = [
    "We make no automated decisions about you and do no profiling.",
    "The school uses no automated decision-making.",
    "We do not use automated decision-making or profiling.",
    "No decisions about your child are made by automated means.",
    "Profiling is not used.",
    "The school does not make autornated decisions about pupils.",  # OCR: rn for m
]
FP14_MISSING = [
    "You have the right to object to automated decisions and to profiling.",  # a right, not whether used
    "Attendance data is subject to automated processing.",
    "We use an algorithm to predict grades.",
    "Our software uses artificial intelligence to mark homework.",
    "An algorithm helps us group pupils for lessons.",
]


@pytest.mark.parametrize("text", FP14_PRESENT)
def test_fp14_present(text: str) -> None:
    assert_status(text, "FP-14", "present")


@pytest.mark.parametrize("text", FP14_MISSING)
def test_fp14_missing(text: str) -> None:
    assert_status(text, "FP-14", "missing")


@pytest.mark.parametrize("text", ["Text messages are sent automatically.", "See the school's profile."])
def test_fp14_not_applicable_without_automated_decisions(text: str) -> None:
    assert_status(text, "FP-14", "not_applicable")
