"""Personal-data detection, detector by detector: tables of what must and must not be found."""
from __future__ import annotations

import pytest

from portal.audit import pii
from portal.audit.pii import contact, identifiers
from tests.audit.wordpages import page, texts


def found(*rows: str, keep_school: bool = False) -> list[tuple[str, str]]:
    """Return (type, words) of every hit on a page of the given rows."""
    p = page(*rows)
    return [(h.type, texts(p, h.words)) for h in pii.find([p], keep_school=keep_school)]


# ---------------------------------------------------------------- check digits

@pytest.mark.parametrize(("number", "valid"), [
    ("B801200005001", True),  # python-stdnum's example
    ("T940200112345", True),  # LA 940 (North Northamptonshire, 2021): stdnum's own list lacks it
    ("T38120001201A", True),  # temporary UPN: the last character is a letter
    ("L88120001401Z", True),
    ("b801200005001", True),
    ("A801200005001", False),  # wrong check letter
    ("C801200005001", False),
    ("T38120001201B", False),
    ("B80120000500", False),  # 12 characters
    ("B8012000050011", False),  # 14 characters
    ("B80120000A001", False),  # a letter inside the digits
    ("I801200005001", False),  # never I, O or S
    ("B80120000500O", False),
])
def test_upn_check_letter(number: str, valid: bool) -> None:
    assert identifiers.is_upn(number) is valid


@pytest.mark.parametrize(("number", "valid"), [
    ("9276308686", True),  # the Learning Records Service's example
    ("1234567899", True),
    ("5550001119", True),
    ("9276308687", False),
    ("1234567890", False),
    ("0276308686", False),  # never starts with 0
    ("927630868", False),
    ("92763086861", False),
])
def test_uln_check_digit(number: str, valid: bool) -> None:
    assert identifiers.is_uln(number) is valid


@pytest.mark.parametrize(("number", "valid"), [
    ("9434765870", True),  # python-stdnum's example
    ("943 476 5870", True),
    ("943-476-5870", True),
    ("4010232137", True),
    ("4857773457", True),
    ("9434765871", False),
    ("4010232138", False),
    ("943476587", False),
])
def test_nhs_number_check_digit(number: str, valid: bool) -> None:
    assert identifiers.is_nhs_number(number) is valid


@pytest.mark.parametrize(("line", "expected"), [
    ("UPN B801200005001", [("upn", "B801200005001")]),
    ("Pupil ref T38120001201A", [("upn", "T38120001201A")]),
    ("ref A801200005001", []),  # check letter wrong: no UPN
    ("ULN 9276308686", [("uln", "9276308686")]),
    ("learner 9276308685", []),
    ("NHS 943 476 5870", [("nhs_number", "943 476 5870")]),
    ("NHS 9434765870", [("nhs_number", "9434765870")]),
    ("number 9434765871", []),
])
def test_identifiers_in_text(line: str, expected: list[tuple[str, str]]) -> None:
    assert found(line) == expected


# ---------------------------------------------------------------- contact details

@pytest.mark.parametrize("postcode", ["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX",
                                      "EC1A 1BB", "LS12 4AB", "BD7 1AA", "bd7 1aa", "LS124AB", "GIR 0AA"])
def test_valid_postcodes(postcode: str) -> None:
    assert contact.is_postcode(postcode)


@pytest.mark.parametrize("text", ["QA1 1AA", "V1 1AA", "X1 1AA", "LS12 4CA", "LS12 4AI", "LS12 4AO",
                                  "LS123 4AB", "12 4AB", "LS12 AAB", "LS12 44B", "537A", "1996"])
def test_invalid_postcodes(text: str) -> None:
    assert not contact.is_postcode(text)


@pytest.mark.parametrize(("line", "expected"), [
    ("Postcode is LS12 4AB here", [("postcode", "LS12 4AB")]),
    ("Tel 07700 900123", [("phone", "07700 900123")]),
    ("Mobile: +44 7700 900123", [("phone", "+44 7700 900123")]),
    ("call 0113 496 0000 today", [("phone", "0113 496 0000")]),
    ("call (0113) 496 0000 today", [("phone", "(0113) 496 0000")]),
    ("ring 020 7946 0123 now", [("phone", "020 7946 0123")]),
    ("ring +44 (0)20 7946 0123 now", [("phone", "+44 (0)20 7946 0123")]),
    ("or 01632 960123 please", [("phone", "01632 960123")]),
    ("write to sarah.smith@example.com please", [("email", "sarah.smith@example.com")]),
    ("OCR split sarah.smith @example.com it", [("email", "sarah.smith @example.com")]),
    ("Data Collection Sheet 2025/26", []),
    ("under section 537A of the Education Act 1996", []),
    ("page 1 of 2, 12 March 2016", []),
])
def test_contact_details_in_text(line: str, expected: list[tuple[str, str]]) -> None:
    assert found(line) == expected


# ---------------------------------------------------------------- dates of birth

@pytest.mark.parametrize(("line", "expected"), [
    ("Date of birth: 03/07/2015", [("date_of_birth", "03/07/2015")]),
    ("DOB 2015-07-03", [("date_of_birth", "2015-07-03")]),
    ("D.O.B. 3.7.15", [("date_of_birth", "3.7.15")]),
    ("she was born on 3rd July 2015 in Leeds", [("date_of_birth", "3rd July 2015")]),
    ("birthday July 3, 2015", [("date_of_birth", "July 3, 2015")]),
    ("This form was issued on 1 November 2016", []),
    ("Date: 05/12/2018", [("other", "05/12/2018")]),  # a filled-in date, but no date of birth
])
def test_dates_of_birth_by_context(line: str, expected: list[tuple[str, str]]) -> None:
    assert found(line) == expected


# ---------------------------------------------------------------- fields by their labels

@pytest.mark.parametrize(("row", "expected"), [
    ("Legal surname || SMITH", [("name", "SMITH")]),
    ("Legal forename(s) || OLIVIA GRACE", [("name", "OLIVIA GRACE")]),
    ("Surnarne || KOWALSKA", [("name", "KOWALSKA")]),  # one OCR slip in the label
    ("Child's name || Amelia Jones", [("name", "Amelia Jones")]),
    ("Parent / carer || Fatima Ahmed", [("name", "Fatima Ahmed")]),
    ("Emergency contact || Tomasz Nowak", [("name", "Tomasz Nowak")]),
    ("Doctor || Dr Patel", [("name", "Dr Patel")]),
    ("Name: JACK TAYLOR", [("name", "JACK TAYLOR")]),
    ("Date of birth || 7 March 2014", [("date_of_birth", "7 March 2014")]),
    ("Unique Pupil Number || A801200005001", [("upn", "A801200005001")]),  # labelled: even a bad check letter
    ("Postcode || LS12 4AB", [("postcode", "LS12 4AB")]),
    ("Postcode || L5I2 4A8", [("postcode", "L5I2 4A8")]),  # misread by OCR, still the postcode's place
    ("Telephone || 07700 9OO123", [("phone", "07700 9OO123")]),
    ("Email address || smith at example", [("email", "smith at example")]),
    ("NHS number || 943 476 5871", [("nhs_number", "943 476 5871")]),
    ("ULN || 9276308687", [("uln", "9276308687")]),
    ("First language || Polish", [("other", "Polish")]),
    ("Country of birth || Poland", [("other", "Poland")]),
    ("Nationality || Polish || Refused Not yet obtained", [("other", "Polish")]),
    ("Nationality || [_] Refused [_] Not yet obtained", []),
    ("Ethnicity (tick one box)", []),
    ("1. Pupil details", []),
])
def test_value_beside_its_label(row: str, expected: list[tuple[str, str]]) -> None:
    assert found(row) == expected


def test_address_runs_on_over_the_lines_under_it() -> None:
    hits = found("Home address || Flat 2, 14 Church Lane", "|| Millbrook", "|| LEEDS", "Postcode || LS12 4AB")
    assert hits == [("address", "Flat 2, 14 Church Lane Millbrook LEEDS"), ("postcode", "LS12 4AB")]


def test_value_under_its_label() -> None:
    assert found("Name of parent or carer:", "Sarah Smith") == [("name", "Sarah Smith")]


def test_printed_wording_that_mentions_fields_is_no_field() -> None:
    rows = ("We share only their child's name, address and date of birth with the local authority.",
            "Please tell us your child's nationality and country of birth.",
            "Note: the school census is collected every term by the Department for Education.")
    assert found(*rows) == []


def test_answers_are_the_values_filled_into_fields() -> None:
    p = page("Oakfield Primary School", "Church Lane, Leeds LS1 2AB Telephone 0113 496 0123",
             "Call the office on 0161 496 0777.", "Telephone || 07700 900123", "Email || anna.nowak@example.com")
    hits = pii.find([p])
    assert sorted((h.type, texts(p, h.words)) for h in pii.answers([p], hits)) == [
        ("email", "anna.nowak@example.com"), ("phone", "07700 900123")]


# ---------------------------------------------------------------- names, addresses, school, signature

@pytest.mark.parametrize(("line", "expected"), [
    ("Dear Mrs SMITH,", [("name", "Mrs SMITH,")]),
    ("Dear Amelia,", [("name", "Amelia,")]),
    ("Dear Parent/Carer,", []),
    ("Please contact Mr D. O'Brien at the office", [("name", "Mr D. O'Brien")]),
    ("Headteacher: Ms Anna Kowalska", [("name", "Ms Anna Kowalska")]),
    ("We live at 14 Church Lane in Leeds", [("address", "14 Church Lane")]),
    ("Flat 3, 27 STATION ROAD", [("address", "Flat 3, 27 STATION ROAD")]),
])
def test_names_and_street_addresses_in_text(line: str, expected: list[tuple[str, str]]) -> None:
    assert found(line) == expected


def test_school_name_and_letterhead() -> None:
    rows = ("St Mary's C of E Primary School",
            "Church Lane, Millbrook, Leeds LS12 4AB Telephone 0113 496 0000",
            "Data Collection Sheet",
            "St Mary's C of E Primary School is the data controller.",
            "The School Census is sent to the DfE; Free School Meals are optional.",
            "Write to office@stmarys.leeds.sch.uk or dpo@example.org")
    assert found(*rows) == [
        ("school", "St Mary's C of E Primary School"),
        ("school", "Church Lane, Millbrook, Leeds LS12 4AB Telephone 0113 496 0000"),
        ("school", "St Mary's C of E Primary School"),
        ("school", "office@stmarys.leeds.sch.uk"),
        ("school", "dpo@example.org"),
    ]


def test_keep_school_keeps_the_school_but_not_the_family() -> None:
    rows = ("Riverside Academy", "Station Road, Leeds LS1 4AB Telephone 0113 496 0000",
            "Telephone || 07700 900123")
    assert found(*rows, keep_school=True) == [("phone", "07700 900123")]


def test_signature_is_the_region_beside_its_label() -> None:
    p = page("Signed (parent/carer): || ~~~ || Date: 05/12/2018")
    hits = pii.find([p])
    signature = next(h for h in hits if h.type == "signature")
    label_end = p.words[1].box[2]  # "(parent/carer):"
    date_label = next(w for w in p.words if w.text == "Date:")
    assert signature.words == ()
    assert label_end < signature.box[0] < p.words[2].box[0]
    assert signature.box[2] < date_label.box[0]
    assert signature.box[1] < p.words[0].box[1] and signature.box[3] > p.words[0].box[3]
    assert [(h.type, texts(p, h.words)) for h in hits if h.type != "signature"] == [("other", "05/12/2018")]


def test_every_hit_has_a_known_type_and_a_box_around_its_words() -> None:
    p = page("Legal surname || SMITH", "Postcode || LS12 4AB", "Signature: || x")
    for h in pii.find([p]):
        assert h.type in pii.TYPES
        assert h.page == 1
        for i in h.words:
            box = p.words[i].box
            assert h.box[0] <= box[0] and h.box[1] <= box[1] and box[2] <= h.box[2] and box[3] <= h.box[3]


def test_find_does_not_change_its_pages() -> None:
    p = page("Legal surname || SMITH", "Dear Mrs SMITH,")
    before = list(p.words)
    pii.find([p])
    assert p.words == before
