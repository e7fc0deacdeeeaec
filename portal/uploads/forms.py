"""The upload form: the parent's files and optional context about the form."""
from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Optional, Regexp, ValidationError

from ..localities import PHASES, local_authorities

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class UploadForm(FlaskForm):
    """One form's photos (one or several) or its PDF, with optional context."""

    files = MultipleFileField(
        "Photos or PDF of the form",
        validators=[FileRequired("Please choose a photo, scan or PDF of the form.")],
    )
    local_authority = SelectField("Local authority (optional)", validators=[Optional()])
    phase = SelectField("School phase (optional)", validators=[Optional()])
    form_month = StringField(
        "Month the form was sent home (optional)",
        validators=[Optional(), Regexp(MONTH, message="Please give the month as YYYY-MM.")],
    )
    consent_evidence = BooleanField("The campaign may use the redacted form as evidence")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.local_authority.choices = [("", "Prefer not to say")] + [
            (la.code, la.name) for la in local_authorities().values()
        ]
        self.phase.choices = [("", "Prefer not to say")] + list(PHASES.items())

    def validate_form_month(self, field: StringField) -> None:
        """Accept months from 2016 (when the questions began) up to this month."""
        month = self.month()
        if month is not None and not date(2010, 1, 1) <= month <= date.today():
            raise ValidationError("Please give a month between 2010 and this month.")

    def month(self) -> date | None:
        """Return the form month as the first day of that month, or None."""
        match = MONTH.match(self.form_month.data or "")
        return date(int(match[1]), int(match[2]), 1) if match else None
