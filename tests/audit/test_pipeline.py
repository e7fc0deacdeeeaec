"""The pipeline as a whole: a personal date is never taken for the form's date, and output is redacted."""
from __future__ import annotations

import re
from datetime import date

import pytest

from portal.audit import AuditOptions, audit
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
