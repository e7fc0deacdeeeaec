"""The hard cases rules.md names, each on a whole document with the context detected from its text."""
from __future__ import annotations

from datetime import date

from .support import audit

STOCK_NOTICE = """Privacy notice: how we use pupil information

We collect characteristics such as ethnicity, language, nationality and country of birth, as well as
contact details, attendance and assessment results.

Whilst the majority of pupil information you provide to us is mandatory, some of it is provided to us on
a voluntary basis. We will tell you whether you are required to provide it or have a choice.
"""


def test_the_dfe_stock_sentence_meets_fp12_but_not_cen01() -> None:
    assert audit(STOCK_NOTICE, "FP-12").status == "present"
    assert audit(STOCK_NOTICE, "CEN-01").status == "missing"
    assert audit(STOCK_NOTICE, "CEN-11").status == "missing"


CAMPAIGN = """Dear parents,

Some campaign groups say families can opt out of the census. The census is a statutory return that we
must send to the Department for Education.

This term it includes nationality and country of birth, so please complete these on the sheet below.

The free school meals section is optional.

Nationality: ____________        Country of birth: ____________
"""


def test_optional_said_of_another_item_does_not_count() -> None:
    assert audit(CAMPAIGN, "CEN-01").status == "missing"
    assert audit(CAMPAIGN, "FP-12").status == "present"  # it does say which item is optional


OPTIONAL_NO_REFUSED = """Dear parents,

The school census now includes nationality and country of birth. Providing them is optional and will
not affect your child's place.

Nationality: ____________        Country of birth: ____________
"""


def test_optional_without_a_refused_answer() -> None:
    assert audit(OPTIONAL_NO_REFUSED, "CEN-01").status == "present"
    assert audit(OPTIONAL_NO_REFUSED, "CEN-02").status == "missing"
    assert audit(OPTIONAL_NO_REFUSED, "CEN-03").status == "present"


def test_nationality_compulsory_and_no_recipient_named() -> None:
    text = ("Nationality is compulsory for every pupil.\n\nWe do not share your data with anyone.\n\n"
            "Nationality: ____________")
    assert audit(text, "CEN-01").status == "missing"
    assert audit(text, "FP-12").status == "present"
    assert audit(text, "FP-05").status == "missing"


POST_2018 = """Oakfield Primary School, Church Lane, Leeds LS1 2AB, 0113 496 0123

Data collection sheet

The following details are collected for the school census, which we send to the DfE.

Nationality: ____________   Country of birth: ____________
"""


def test_census_nationality_after_june_2018_only() -> None:
    assert audit(POST_2018, "CEN-10", when=date(2019, 9, 9)).status == "violation"
    assert audit(POST_2018, "CEN-10", when=date(2017, 9, 11)).status == "not_applicable"
    assert audit(POST_2018, "CEN-10").status == "not_applicable"  # undated: D18 is false
