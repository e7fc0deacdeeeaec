"""The pipeline as a whole: a personal date is never the form's date, the family's answers are never the form's wording,
and output is redacted."""
from __future__ import annotations

import re
from datetime import date

import pytest
from PIL import Image

from portal.audit import AuditOptions, audit
from portal.audit.document import Page, Word
from tests.audit.wordpages import page
from tests.support import formgen


def personal_dates(form: formgen.RenderedForm) -> set[date]:
    """Return the dates written on the form by the family (birth, signing)."""
    found = set()
    for field in form.fields:
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", field.value.strip())
        if match:
            found.add(date(int(match[3]), int(match[2]), int(match[1])))
    return found


@pytest.mark.parametrize("seed", [3, 11])
def test_a_date_of_birth_or_signing_date_is_never_the_form_date(seed: int) -> None:
    form = formgen.render_form(seed=seed, statements=["dfe", "optional"])
    dates = personal_dates(form)
    assert dates, "the generated form should carry personal dates"
    result = audit(formgen.to_bytes(form.image, "PNG"), AuditOptions(jobs=1))
    assert result.context.form_date not in dates
    line = str(result.to_json("form.png"))
    for field in form.fields:
        if field.type in ("name", "date_of_birth", "postcode", "phone", "email", "upn"):
            assert field.value not in line, field.type


def test_a_given_form_date_wins_over_any_date_on_the_form() -> None:
    form = formgen.render_form(seed=4, statements=["dfe"])
    result = audit(formgen.to_bytes(form.image, "PNG"), AuditOptions(form_date=date(2016, 10, 3), jobs=1))
    assert result.context.form_date == date(2016, 10, 3)
    assert "D18" not in result.context.flags


class HandLaidWords:
    """An OCR engine that reads the same hand-laid words on any page."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def read(self, image: Image.Image, dpi: int) -> list[Word]:
        return list(self.page.words)


BLANK_A4 = Image.new("L", (2480, 3508), 255)


@pytest.mark.parametrize(("rows", "status"), [
    # the parent's email beside its label, then a heading naming the school census: no controller named
    (("Data Collection Sheet", "Parent / carer contact", "Name || Mrs Anna Nowak", "Telephone || 07700 900123",
      "Email || anna.nowak@example.com", "School census information", "Nationality || Polish"), "missing"),
    # the school's own number in a sentence still tells the family how to reach it
    (("For any questions contact the school office on 0161 496 0777.", "Name || Mrs Anna Nowak"), "present"),
])
def test_the_familys_answers_are_never_the_schools_contact_details(rows: tuple[str, ...], status: str) -> None:
    result = audit(formgen.to_bytes(BLANK_A4, "PNG"), AuditOptions(jobs=1), HandLaidWords(page(*rows)))
    assert next(f for f in result.findings if f.rule_id == "FP-01").status == status
