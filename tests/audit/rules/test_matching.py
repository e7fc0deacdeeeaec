"""Normalising and matching: canonical spelling, phrasings, sentence units, repair of OCR damage."""
from __future__ import annotations

import re

import pytest

from portal.audit import rules
from portal.audit.rules.canon import canon_text, canon_word
from portal.audit.rules.patterns import compile_term
from portal.audit.text import lines, page_from_text

from .support import page


@pytest.mark.parametrize(("damaged", "clean"), [
    ("cornpulsory", "compulsory"),
    ("1nformation", "information"),
    ("natlonality", "nationality"),
    ("NATIONALITY", "nationality"),
    ("nationa1ity", "nationality"),
    ("c0untry", "country"),
    ("D.f.E", "DfE"),
    ("withdravv", "withdraw"),
    ("Educatíon", "Education"),
    ("|nformation", "information"),
    ("n0", "no"),  # two-letter words with one misread letter
    ("0f", "of"),
    ("1s", "is"),
    ("1f", "if"),
    ("t0", "to"),
])
def test_ocr_confusions_share_a_canonical_spelling(damaged: str, clean: str) -> None:
    assert canon_word(damaged) == canon_word(clean)


@pytest.mark.parametrize(("word", "tokens"), [
    ("don't", ("do", "not")),
    ("can't", ("can", "not")),
    ("doesn’t", ("does", "not")),
    ("child's", canon_word("child")),
    ("e-mail", canon_word("email")),
    ("\u2610", ()),
    ("[]", ()),
    ("(optional):", ("optlonal",)),
    ("537A", ("537a",)),
    ("B1", ("b1",)),  # codes that make no small word keep their digit
    ("Y7", ("y7",)),
    ("n1", ("n1",)),
    ("a1", ("a1",)),
])
def test_canonical_tokens(word: str, tokens: tuple[str, ...]) -> None:
    assert canon_word(word) == tokens


@pytest.mark.parametrize(("phrasing", "text", "found"), [
    ("we collect", "Wecollect your data", True),  # joined words
    ("retain*", "records are retained", True),
    ("retain", "records are retained", False),  # no stem without the star
    ("share ~ with", "we share your data with the LA", True),
    ("share ~ with", "we share it but not with the LA", False),  # a gap never skips a negation
    ("share ~2 with", "we share all of your data with the LA", False),  # too far
    ("department for education", "Dept. for Education", False),
    ("(dept|department) for education", "Dept. for Education", True),
    ("optional", "It is 0ptional", True),
])
def test_phrasings(phrasing: str, text: str, found: bool) -> None:
    term = compile_term((phrasing,))
    assert bool(term.regex.search(" " + canon_text(text))) is found


def units(text: str) -> list[str]:
    return [u.canon for u in rules.document([page(text)]).units]


def test_a_sentence_runs_across_line_breaks_and_hyphenation() -> None:
    text = ("We are required by law to send your child's na-\ntionality and country of birth to the "
            "Department for\nEducation each October. Thank you.")
    joined = ("We are required by law to send your child's nationality and country of birth to the "
              "Department for Education each October.")
    assert units(text) == [canon_text(joined), canon_text("Thank you.")]


def test_headings_labels_and_tick_boxes_are_units_of_their_own() -> None:
    text = "Nationality and country of birth\nPlease tick one box.\nNationality: ______\n\u2610 Refused"
    got = rules.document([page(text)]).units
    assert [u.canon for u in got] == [canon_text(t) for t in ("Nationality and country of birth",
                                                              "Please tick one box.", "Nationality:",
                                                              "Refused")]
    assert [u.field for u in got] == [True, False, True, True]


def test_abbreviations_do_not_end_a_sentence() -> None:
    assert len(units("We share data with e.g. the LA and the D.f.E. every term.")) == 1


def test_list_items_know_their_lead_in() -> None:
    text = "We share pupil information with:\n\u2022 the local authority\n\u2022 the DfE"
    doc = rules.document([page(text)])
    assert [u.lead for u in doc.units] == [None, 0, 0]


def test_misread_words_are_repaired_and_joined_words_split() -> None:
    assert units("Refnsed") == ["refused"]
    assert units("Scliool infonnation") == [canon_text("school information")]  # two misread letters
    assert units("Wecollect nationa lity")[0].startswith(canon_text("we collect nationality"))
    assert units("you may choosenot to")[0] == canon_text("you may choose not to")
    assert units("collected forthe census")[0] == canon_text("collected for the census")  # not "fort he"


def test_real_words_are_not_repaired_into_catalogue_words() -> None:
    text = "the quality of our content, nationally"
    assert units(text) == [canon_text(text)]


def test_page_from_text_builds_one_line_per_text_line() -> None:
    p = page_from_text("First line here\nSecond line\n\nNew paragraph", number=2)
    assert p.number == 2 and p.dpi == 300 and (p.width, p.height) == (2480, 3508)
    assert [ln.text for ln in lines(p)] == ["First line here", "Second line", "New paragraph"]
    assert p.words[0].par == p.words[3].par != p.words[5].par
    boxes = [w.box for w in p.words]
    assert all(b[0] < b[2] and b[1] < b[3] for b in boxes)
    assert boxes[3][1] > boxes[0][1]


def test_negation_scope() -> None:
    doc = rules.document([page("We do not share your data with anyone. No data will be passed to the "
                               "Home Office. Parents who do not wish to answer should tick refused.")])
    share = compile_term(("share",))
    office = compile_term(("home office",))
    tick = compile_term(("tick",))
    assert all(doc.negated(h) for t in (share, office) for hs in doc.hits(t).values() for h in hs)
    assert not any(doc.negated(h) for hs in doc.hits(tick).values() for h in hs)


def test_every_shipped_phrasing_matches_its_own_plain_wording() -> None:
    for rule in rules.CATALOGUE.rules:
        for clause in rule.clauses:
            for phrasing in clause.say.phrasings:
                if re.fullmatch(r"[a-z ]+", phrasing):
                    assert clause.say.regex.search(" " + canon_text(phrasing)), (rule.id, phrasing)


def test_a_sentence_runs_on_across_a_ragged_paragraph_break() -> None:
    from portal.audit.document import Page, Word

    # OCR often starts a new paragraph after a short, ragged line; "for" shows the sentence goes on
    first = [("We", 200, 260), ("return", 280, 420), ("it", 440, 470), ("to", 490, 530), ("the", 550, 620),
             ("Department", 640, 900), ("for", 920, 990)]
    words = [Word(t, (left, 100, right, 140), 95, 1, 1, 1) for t, left, right in first]
    words.append(Word("Education.", (200, 160, 440, 200), 95, 1, 2, 1))
    doc = rules.document([Page(1, 2480, 3508, 300, words)])
    assert [u.canon for u in doc.units] == [canon_text("We return it to the Department for Education.")]
