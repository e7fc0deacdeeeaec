"""CEN-01 (nationality and country of birth are optional) and CEN-02 (a "refused" answer is offered)."""
from __future__ import annotations

import pytest

from .support import assert_status, finding, quote

CEN01_PRESENT = [
    "Providing your child's nationality and country of birth is optional.",
    "You do not have to tell us your child's nationality.",
    "Nationality and country of birth\n\nThis information is voluntary and you may refuse to provide it.",
    "Parents are not obliged to provide nationality data.",
    "Nationality (optional): ____________",
    "Natlonality and country of birth are opt1onal.",  # OCR: l for i, 1 for i
    "Country of birth is not cornpulsory.",  # OCR: rn for m
    "You can choose whether to give your child's country of birth.",
    "It is entirely up to you whether you provide your child's nationality.",
    "Providing nationality data is not a legal requirement for parents.",
    "Nationality and country of birth\n\nAnswering is optional. If you prefer not to say, tick Refused.",
]
CEN01_MISSING = [
    "Nationality is compulsory.",
    "Whilst the majority of pupil information you provide to us is mandatory, some of it is provided to us "
    "on a voluntary basis.",  # the DfE stock sentence meets FP-12, not CEN-01
    "Ethnicity is optional.\n\nPlease give your child's nationality.",  # optional about another item
    "Nationality must be provided; it is not optional.",
    "The DfE says ethnicity data is optional, but nationality is required for the census.",
    "Nationality: ____________\nCountry of birth: ____________",
    "Religion is voluntary. Nationality: ____________",
    "Nationality: __________  \u2610 Refused\nIf you prefer not to say, tick the Refused box.",  # refusal only
    "For the census the DfE requires nationa1ity. If you prefer not to say, tick Refused.",  # OCR: 1 for l
]


# A one-word answer ("No.") ends its sentence: it is not the abbreviation of "number" and does not negate what
# follows. A numbered section heading ends the look-back for what "this information" means (unless it points
# back itself: "4. How we use this information"). A conditional ("if
# you choose not to provide it, ...") presupposes a choice without saying the items are optional.
CEN01_READING_PRESENT = [
    "Must I answer? No. Country of birth and nationality are optional.",
    "Is nationality compulsory?\nNo. Giving it is voluntary.",
    "Do we have to give nationality? No. You do not have to answer it.",
    "Do I have to say where my child was born? N0. Country of birth is voluntary.",  # OCR: 0 for o
    "Nationality ________\n\n4. How we use this information\n\nThis information is voluntary.",
]
CEN01_READING_MISSING = [
    "Country of birth ________\n\n4. How we use this information\n\n"
    "If you choose not to provide this information, refusing will have no effect on funding.",
    "Nationality ________\n\n2. School meals\n\nThis information is voluntary.",
    "If you choose not to give your child's nationality, it will not affect their place.",
    "Parents who decide not to provide country of birth should tick Refused.",
    "Nationality ________\n\n3 Your choices\n\nThis information is opti0nal.",  # OCR: 0 for o
    "See no. 4 above: nationality must be given.",
]


@pytest.mark.parametrize("text", CEN01_READING_PRESENT)
def test_cen01_reading_present(text: str) -> None:
    assert_status(text, "CEN-01", "present", flags="NAT")


@pytest.mark.parametrize("text", CEN01_READING_MISSING)
def test_cen01_reading_missing(text: str) -> None:
    assert_status(text, "CEN-01", "missing", flags="NAT")


@pytest.mark.parametrize("text", CEN01_PRESENT)
def test_cen01_present(text: str) -> None:
    assert_status(text, "CEN-01", "present", flags="NAT")


@pytest.mark.parametrize("text", CEN01_MISSING)
def test_cen01_missing(text: str) -> None:
    assert_status(text, "CEN-01", "missing", flags="NAT")


# A plural reference ("these questions", "they") after a block of questions covers every question of the
# block, nationality among them; a list's lead-in covers its items. A singular "this" after another item's
# line, or a block without nationality, does not.
CEN01_BLOCK_PRESENT = [
    "We ask:\nNationality ________\nCountry of birth ________\nHome language ________\n\n"
    "These questions are optional.",
    "Nationality and country of birth are on the back of this sheet.\n\n"
    "They are voluntary: you need not tell us.",
    "The following are optional:\nNationality ________\nReligion ________",
    "Country of birth ________\nFirst language ________\nAll of these are opti0nal.",  # OCR: 0 for o
]
CEN01_BLOCK_MISSING = [
    "Nationality ________\nHome language ________\nThis is optional.",  # "this": the line just above
    "We ask:\nReligion ________\nHome language ________\n\nThese questions are optional.",
    "The following must be completed:\nNationality ________\nReligion ________\nThey are kept securely.",
    "Country of birth ________\n\nTrip letters are opti0nal reading; they are on the website.",  # OCR: 0
]


@pytest.mark.parametrize("text", CEN01_BLOCK_PRESENT)
def test_cen01_block_of_questions_present(text: str) -> None:
    assert_status(text, "CEN-01", "present", flags="NAT")


@pytest.mark.parametrize("text", CEN01_BLOCK_MISSING)
def test_cen01_block_of_questions_missing(text: str) -> None:
    assert_status(text, "CEN-01", "missing", flags="NAT")


def test_cen01_anaphoric_evidence_reaches_back_to_the_topic() -> None:
    text = CEN01_PRESENT[2]
    f = finding(text, "CEN-01", flags="NAT")
    assert quote(text, f).startswith("Nationality") and quote(text, f).endswith("provide it.")
    assert f.confidence < 1


def test_cen01_not_applicable_without_nationality() -> None:
    assert_status(CEN01_PRESENT[0], "CEN-01", "not_applicable", flags="ETH CEN")


CEN02_PRESENT = [
    "Nationality: ____________   \u2610 Refused",
    "Country of birth: ____________   [ ] Refused",
    "If you prefer not to say, please write 'refused' in the nationality box.",
    "Nationality   Polish   \u2610 Refused   \u2610 Not yet obtained",
    "What is your child's nationality?\n\u2610 British\n\u2610 Other: ________\n"
    "\u2610 I do not wish to provide this information",
    "Country of birth\n[] Refnsed",  # OCR: n for u
    "Parents may refuse to give ethnicity, language, nationality or country of birth.\nTick to refuse: [ ]",
]
CEN02_MISSING = [
    "You may refuse to provide your child's nationality.",  # that is CEN-01, not an answer to tick
    "Nationality: ____________\nCountry of birth: ____________",
    "Ethnicity\n\u2610 White British\n\u2610 Refused\n\nNationality: ________",  # ethnicity's refused
    "Refusing to answer will not affect your child's place.",
    "Nationality: ____________ (this question cannot be refused)",
]


# "If you decline / refuse, we record Refused" refers back to the question as "if you prefer not to" does.
CEN02_CONDITION_PRESENT = [
    "We ask every family for nationality and country of birth.\n"
    "Parents may say no.\nIf you decline, the school will record 'refused'.",
    "Country of birth: if you would rather it were not recorded, please tick Refused.",
    "Nationality and country of birth are voluntary.\nIf you refuse, we enter 'Refused' on the system.",
    "Nationa1ity and country of birth\nlf you dec1ine, the schoo1 wi11 record \"refused\".",  # OCR: 1 for l
]
CEN02_CONDITION_MISSING = [
    "Ethnicity and home language\nIf you decline, the school will record 'refused'.",  # another item
    "Nationality ________\n\n5. School trips\n\nIf you decline, we will record that as refused.",
    "Nationality and country of birth\nIf you decline, please tell the office.",
    "If you decline the offer of a place, we will record it as refused.",  # no topic at all
]


@pytest.mark.parametrize("text", CEN02_CONDITION_PRESENT)
def test_cen02_refusal_after_a_condition_present(text: str) -> None:
    assert_status(text, "CEN-02", "present", flags="NAT")


@pytest.mark.parametrize("text", CEN02_CONDITION_MISSING)
def test_cen02_refusal_after_a_condition_missing(text: str) -> None:
    assert_status(text, "CEN-02", "missing", flags="NAT")


@pytest.mark.parametrize("text", CEN02_PRESENT)
def test_cen02_present(text: str) -> None:
    assert_status(text, "CEN-02", "present", flags="NAT")


@pytest.mark.parametrize("text", CEN02_MISSING)
def test_cen02_missing(text: str) -> None:
    assert_status(text, "CEN-02", "missing", flags="NAT")


def test_cen02_refused_box_far_below_the_only_question() -> None:
    text = ("Nationality and country of birth\n\n" + "\n".join(f"Line {n} of instructions" for n in range(12))
            + "\n\n\u2610 Refused")
    assert_status(text, "CEN-02", "present", flags="NAT")


def test_cen02_optional_but_no_refused_answer() -> None:
    text = "Nationality and country of birth are optional.\n\nNationality: ____________"
    assert_status(text, "CEN-01", "present", flags="NAT")
    assert_status(text, "CEN-02", "missing", flags="NAT")
