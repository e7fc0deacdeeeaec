"""Forms of the reports pages: the figures' filter (GET) and the admin's public statistics switch (POST)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.validators import AnyOf, InputRequired, Optional


class FilterForm(FlaskForm):
    """Which rule to break down, and whether forms not yet reviewed count too (read from the query string)."""

    class Meta:
        """Form options."""

        csrf = False  # a GET form that changes nothing

    rule = SelectField("Rule to break down", validators=[Optional()])
    unreviewed = BooleanField("Include forms not yet reviewed")

    def __init__(self, *args: Any, rules: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule.choices = [(r.id, f"{r.id}: {r.title}") for r in rules]


class PublicStatisticsForm(FlaskForm):
    """Switch the public statistics page on or off."""

    enabled = HiddenField(validators=[InputRequired(), AnyOf(["on", "off"], message="Choose on or off.")])
