"""Detection: census items asked for, context flags, and the form's date (caller's, printed, or unknown)."""
from __future__ import annotations

from datetime import date

import pytest

from portal.audit import detect
from portal.audit.document import Context

from .support import page


def context(text: str, when: date | None = None) -> Context:
    return detect.detect([page(text)], when)


ASKED = [
    ("nationality", "Nationality: ____________"),
    ("nationality", "We collect your child's nationality for the school census."),
    ("country_of_birth", "Country of birth: ____________"),
    ("country_of_birth", "Place of birth: ____________"),
    ("country_of_birth", "Was your child born in the UK?   Yes / No"),
    ("ethnicity", "Ethnic background: ____________"),
    ("ethnicity", "Please tick one box\n\u2610 White British\n\u2610 Any other White background"),
    ("first_language", "First language: ____________"),
    ("first_language", "Which languages are spoken at home?"),
    ("first_language", "characteristics (such as ethnicity, language, nationality and free school meal "
                       "eligibility)"),
    ("english_proficiency", "Proficiency in English: ____________"),
    ("english_proficiency", "How well does your child speak English?   \u2610 Fluently   \u2610 A little"),
    ("english_proficiency", "Please tell us your child's stage of English: ____________"),
    ("english_proficiency", "Level of spoken English: ____________"),
    ("english_proficiency", "Teachers place each pupil on a scale from A (new to English) to E (fluent)."),
    ("english_proficiency", "How we11 does your chi1d understand Eng1ish?"),  # OCR: 1 for l
    ("english_proficiency", "Your child's confidence in spoken English:  \u2610 New  \u2610 Confident"),
    ("religion", "Religion: ____________"),
    ("free_school_meals", "Is your child eligible for free school meals?"),
    ("sen", "Does your child have special educational needs?"),
    ("medical", "Medical conditions or allergies: ____________"),
    ("ap_placement_reason", "Reason for placement:   \u2610 Pregnancy   \u2610 Offending"),
    ("passport_or_immigration", "Passport number: ____________"),
    ("passport_or_immigration", "Please bring your child's birth certificate to the office."),
    ("nationality", "Natlonality: ____________"),  # OCR: l for i
]
NOT_ASKED = [
    ("nationality", "We do not discriminate on grounds of race, religion or nationality."),
    ("nationality", "We no longer collect nationality or country of birth."),
    ("country_of_birth", "Country of birth has been removed from the school census."),
    ("ethnicity", "Pupils are welcome regardless of ethnic origin."),
    ("religion", "Religious education lessons take place on Tuesdays."),
    ("sen", "Please send the form back by Friday."),
    ("passport_or_immigration", "We will never ask for passports."),
    ("passport_or_immigration", "The DfE does not share data for immigration enforcement."),
    ("ap_placement_reason", "We support pupils' mental health and wellbeing."),
    ("english_proficiency", "The census counts pupils with English as an additional language."),
    ("english_proficiency", "The DfE wants to know how many pupils are new to English."),
    ("english_proficiency", "We report how well pupils do in English and maths at Key Stage 2."),
    ("english_proficiency", "Your child is working at the expected level in English."),
    ("english_proficiency", "P1ease write your answers in Eng1ish."),  # OCR: 1 for l
    # a form or sheet that says it no longer (or does not) ask for an item does not ask for it
    ("nationality", "You will see that the new form no longer asks for your child's nationality."),
    ("country_of_birth", "This year's sheet does not ask about country of birth."),
    ("nationality", "Our admission forms have stopped asking for nationality."),
    ("country_of_birth", "The questionnaire no longer includes place of birth."),
    ("nationality", "The f0rm n0 1onger asks for nationa1ity."),  # OCR: 0 for o, 1 for l
]
# ... while a form that still asks, or asks beside something it dropped, does
STILL_ASKED = [
    ("nationality", "The sheet asks for your child's nationality."),
    ("nationality", "The form no longer asks for passports, but it does ask for nationality."),
    ("country_of_birth", "We no longer ask for religion. Country of birth: ____________"),
    ("nationality", "The new form still asks for nationa1ity."),  # OCR: 1 for l
]


@pytest.mark.parametrize(("item", "text"), ASKED + STILL_ASKED)
def test_item_asked(item: str, text: str) -> None:
    assert item in context(text).census_items


@pytest.mark.parametrize(("item", "text"), NOT_ASKED)
def test_item_not_asked(item: str, text: str) -> None:
    assert item not in context(text).census_items


def test_items_and_flags_come_in_spec_order() -> None:
    c = context("Religion: ______\nEthnicity: ______\nNationality: ______\n\nThis is for the school census.")
    assert c.census_items == ("nationality", "ethnicity", "religion")
    assert c.flags == ("NAT", "ETH", "CEN")


FLAGGED = [
    ("NAT", "Country of birth: ____________", None),
    ("ETH", "Home language: ____________", None),
    ("AP", "Reason for placement: ____________", None),
    ("CEN", "This information is collected for the school census.", None),
    ("CEN", "Early years census 2017", None),
    ("G18", "We process your data under the GDPR.", None),
    ("G18", "We follow the Data Protection Act 2018.", None),
    ("G18", "Nationality: ______", date(2018, 5, 25)),
    ("D18", "Nationality: ______", date(2018, 6, 28)),
    ("CONS", "We will ask for your consent before publishing photographs.", None),
    ("CONS", "I give consent for my child's photograph to be used.", None),
    ("SEC", "This form is for pupils in Year 9.", None),
    ("SEC", "Once pupils reach the age of 13 we share data with youth services.", None),
    ("SRC", "We receive information about your child from their previous school.", None),
    ("SRC", "Data is transferred through the Common Transfer File.", None),
    # data from elsewhere: records from a named school however long the list between, a check run with
    # another body's data, details given by the school that referred or placed the pupil
    ("SRC", "In July we are sent each pupil's records, reports and test results from their junior school.",
     None),
    ("SRC", "Entitlement is confirmed through the council's eligibility service using HMRC information.", None),
    ("SRC", "Pupils are placed with us by their school or the local authority.", None),
    ("SRC", "The reason for the referral is provided by the referring schoo1.", None),  # OCR: 1 for l
    # eligibility confirmed from benefit or tax records, a council service telling the school, a reference
    # or grades asked of the pupil's school
    ("SRC", "We get confirmation of your benefit status from the DWP.", None),
    ("SRC", "Eligibility for 30 hours is checked with HM Revenue and Customs.", None),
    ("SRC", "HMRC confirms to the nursery whether each family qualifies.", None),
    ("SRC", "We have been informed by the local authority that your child qualifies for free meals.", None),
    ("SRC", "The school was notified by the borough's eligibility team that your son is entitled.", None),
    ("SRC", "We were to1d by the county counci1 that she is now eligib1e.", None),  # OCR: 1 for l
    ("SRC", "We will request a reference from your present school.", None),
    ("SRC", "The college will contact your school to obtain your predicted grades.", None),
    ("SRC", "We ask each applicant's current school for a reference and an attendance record.", None),
    ("SRC", "We wi11 write to your chi1d's primary schoo1 for their 1atest report.", None),  # OCR: 1 for l
    # a consent section of a form, or consent that can be changed, says processing relies on consent
    ("CONS", "Parental Consent\n\u2610 Photographs for display   \u2610 Local trips", None),
    ("CONS", "Photo consent: \u2610 Yes \u2610 No", None),
    ("CONS", "(Consent can be changed at any time by contacting the office)", None),
    ("CONS", "Trip permission: \u2610 Yes \u2610 No", None),
    ("CONS", "Medica1 consent  \u2610 Yes  \u2610 No", None),  # OCR: 1 for l
    # consent named as the basis in passing ("it is your consent"), consent that the reader can withdraw, a
    # section of consents to tick
    ("CONS", "For trips the basis is your consent, which you may withdraw whenever you like.", None),
    ("CONS", "For photographs it is your consent that we rely upon.", None),
    ("CONS", "Outings: your consent, which you can cancel by telling the office.", None),
    ("CONS", "Consents (tick as appropriate)\n\u2610 Outings  \u2610 Face paint", None),
    ("CONS", "Consents - p1ease tick\n\u2610 Photos", None),  # OCR: 1 for l
    ("SEC", "The service teaches pupils aged 5 to 16 who cannot attend school.", None),
    ("SEC", "Young people aged 11-18 attend the centre.", None),
    ("SEC", "For chi1dren aged 4 to 19 with medica1 needs.", None),  # OCR: 1 for l
    ("SEC", "Learners aged 14 and over may apply.", None),
]
NOT_FLAGGED = [
    ("CEN", "The 2021 national census is run by the ONS.", None),
    ("CEN", "Write to privacy@census-audit.example.org about the Census Form Audit campaign.", None),
    ("G18", "We follow the Data Protection Act 1998.", None),
    ("G18", "Nationality: ______", date(2018, 5, 24)),
    ("D18", "Nationality: ______", date(2018, 6, 27)),
    ("D18", "We process your data under the GDPR.", None),  # undated: D18 is false
    ("CONS", "We do not need your consent to send census data.", None),
    ("CONS", "We do not share information without consent unless the law allows it.", None),
    ("SEC", "When your child moves to secondary school we pass records on.", None),
    ("SRC", "We collect this information from you.", None),
    ("SRC", "Please send us your child's reports from their primary school if you have them.", None),
    ("SRC", "You can check your eligibility using the council's online checker.", None),
    ("SRC", "Children are placed in classes by age.", None),
    ("SRC", "The form is given to every family by the class teacher.", None),
    ("SRC", "If you receive benefits from the DWP, you may be eligible.", None),  # the reader receives
    ("SRC", "You apply for your 30-hour code through HMRC's childcare service.", None),
    ("SRC", "If you are told by the council that you are no longer eligible, please let us know.", None),
    ("SRC", "We have not been informed by the council of any change.", None),
    ("SRC", "Please ask your current school for help if you need it.", None),
    ("SRC", "We will ask your school to display the poster.", None),
    ("SRC", "We will ask you for a reference number when you ca11.", None),  # OCR: 1 for l
    ("CONS", "Age of consent laws do not apply here.", None),
    ("CONS", "Consent is not needed for the census, which is a legal duty.", None),
    ("CONS", "Consent forms are in the office: tick the box on the slip.", None),
    ("CONS", "It is your responsibility to tell us of any changes.", None),
    ("CONS", "The age of consent, which you can find online, is not relevant.", None),
    ("CONS", "Enclosed: admission form, photograph consent form and dinner menu.", None),
    ("CONS", "We do not need your consent for the census.", None),
    ("CONS", "Consent is not the basis we rely on for pupil records.", None),
    ("CONS", "Photo: \u2610 Passport style \u2610 Other", None),
    ("SEC", "Children aged 3 to 5 attend the nursery.", None),
    ("SEC", "For pupils aged 4 to 11.", None),
    ("SEC", "The club is open to children aged 5-1O.", None),  # OCR: O for 0
    ("SEC", "Only pupils in Years 1 to 6 take part.", None),
    ("GEN", "Census letter. Please read our privacy notice on the website.", None),
]


@pytest.mark.parametrize(("flag", "text", "when"), FLAGGED)
def test_flag_raised(flag: str, text: str, when: date | None) -> None:
    assert flag in context(text, when).flags


@pytest.mark.parametrize(("flag", "text", "when"), NOT_FLAGGED)
def test_flag_not_raised(flag: str, text: str, when: date | None) -> None:
    assert flag not in context(text, when).flags


NOTICE = """Privacy Notice: how we use pupil information

Oakfield Primary School is the data controller. Our Data Protection Officer is reached at dpo@oakfield.org.

We hold contact details, attendance, assessment results and medical information.

We use this information to support pupil learning and to monitor progress.

Our lawful basis is Article 6(1)(c) of the UK GDPR.

We share pupil information with the local authority and the Department for Education.

We hold pupil data until the pupil is 25, under our retention policy.

You have the right to request access to the information we hold. You can complain to the ICO.
"""


def test_general_privacy_notice() -> None:
    assert "GEN" in context(NOTICE).flags


def test_a_letter_about_one_item_is_not_a_general_notice_however_complete() -> None:
    broad = "We hold contact details, attendance, assessment results and medical information."
    letter = NOTICE.replace(broad, "We record the reason for your child's placement.")
    letter = letter.replace("Privacy Notice: ", "")
    assert "GEN" not in context(letter).flags


def test_single_item_letter_is_not_a_general_notice() -> None:
    letter = ("Privacy notice\n\nWe share your child's nationality with the DfE.\n\n"
              "Nationality: ____________")
    assert "GEN" not in context(letter).flags


DATED = [
    ("Oakfield Primary School\n\n12 September 2016\n\nDear Parent", date(2016, 9, 12)),
    ("Dear Parent\n\nPlease return the form.\n\nDated: 3 October 2016", date(2016, 10, 3)),
    ("Dear Parent\n\nPlease return the form.\n\nDated: 3 0ctober 2018", date(2018, 10, 3)),  # OCR: 0 for O
    ("Oakfield Primary School\n\n12 Ju1y 2018\n\nDear Parent", date(2018, 7, 12)),  # OCR: 1 for l
    ("Oakfield Primary School\n\nOctober 2016\n\nDear Parent", date(2016, 10, 1)),
    ("School Census 2015/16 form\n\nCensus day is Thursday 6 October 2016.", date(2016, 10, 6)),
    ("Census letter, October 2016\n\nPlease return by Friday 14 October 2016.", date(2016, 10, 14)),
    ("Privacy notice\n\nLast updated: 14/06/2019", date(2019, 6, 14)),
    ("Oakfield Primary School\n\n12 September 2O16\n\nDear Parent", date(2016, 9, 12)),  # OCR: O for 0
    ("Dear Parent\n\nLetter of 21st November, 2018 about the census", date(2018, 11, 21)),
    ("Privacy notice\n\nDate of issue: 2 September 2019     Review date: September 2020", date(2019, 9, 2)),
    # a dating word nearer the date than an age or a birth ("for pupils aged 11-16 Issued: ...")
    ("APPLICATION FORM (pupils aged 11-16) Issued: 3 March 2020", date(2020, 3, 3)),
    ("Admission form for children born 2015-16   Date of issue: 5 Ju1y 2019", date(2019, 7, 5)),  # OCR
]
UNDATED = [
    "School Census 2016/17\n\nPlease complete the form below.",  # an academic year is not a date
    "Autumn Term 2016\n\nDear Parent",  # nor is a term
    "Date of birth: 04/05/2010",
    "Signed: ____________   Date: 12/10/2016",
    "Signed (parent/carer): J Smith, written in by hand     Date: 05/12/2018",  # far from "Signed"
    "Please return this form to the office.",
    "Data Protection Act 1998 and Education Act 1996",
    "Next review date: September 2020",
    "Issued to parents of pupils aged 5: date of birth 04/05/2015",  # the birth is nearer
    "Dated form: please give your child's date of birth 12 March 2014",
]


@pytest.mark.parametrize(("text", "when"), DATED)
def test_form_date_printed(text: str, when: date) -> None:
    assert context(text).form_date == when


@pytest.mark.parametrize("text", UNDATED)
def test_form_date_unknown(text: str) -> None:
    assert context(text).form_date is None


def test_form_date_from_the_caller_wins() -> None:
    c = context(DATED[0][0], date(2019, 1, 7))
    assert c.form_date == date(2019, 1, 7)
    assert {"G18", "D18"} <= set(c.flags)


def test_printed_date_drives_the_dated_flags() -> None:
    assert {"G18", "D18"} <= set(context("Oakfield School\n\n1 October 2018\n\nNationality: ______").flags)
    assert "G18" not in context("Oakfield School\n\n1 October 2016\n\nNationality: ______").flags
