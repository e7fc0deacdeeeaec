"""Admin forms: inviting a user, changing a role, buttons, and the access log's filters."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, IntegerField, SelectField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..auth.core import ROLES
from ..choices import options

ROLE_LABELS = {
    "researcher": "Researcher: reviews single forms",
    "campaigner": "Campaigner: reports and exports",
    "admin": "Admin: manages people and sees the access log",
}


class InviteForm(FlaskForm):
    """A new staff member's email address and role."""

    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Please enter an email address."),
            Length(max=254),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Please enter an email address, like name@example.org."
            ),
        ],
    )
    role = SelectField("Role", choices=options(ROLE_LABELS.items()), validators=[DataRequired()])


class RoleForm(FlaskForm):
    """A user's new role."""

    role = SelectField(
        "Role", choices=options((r, r.capitalize()) for r in ROLES), validators=[DataRequired()]
    )


class ButtonForm(FlaskForm):
    """A button and its CSRF token."""


class LogFilterForm(FlaskForm):
    """The access log's filters (a GET form: it changes nothing, so it carries no CSRF token)."""

    class Meta:
        """Turn CSRF off for this GET form."""

        csrf = False

    user = SelectField("Who", validators=[Optional()], default="")
    action = SelectField("Action", validators=[Optional()], default="")
    submission = IntegerField("Submission number", validators=[Optional(), NumberRange(min=1)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])

    def __init__(self, *args: Any, users: list[tuple[str, str]], actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user.choices = options([("", "Anyone")] + users)
        self.action.choices = options([("", "Any")] + [(a, a) for a in actions])
