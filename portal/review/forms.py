"""Review forms: the queue's filters, the reason for viewing, a finding's verdict, the submission's status."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..choices import options
from ..localities import local_authorities
from .queue import SEVERITIES, STATUS_FILTERS, catalogue_rules, terms_present

REQUIREMENT = ("present", "missing", "not_applicable")
PROHIBITION = ("clear", "violation", "not_applicable")
STATUS_LABELS = {
    "present": "Present",
    "missing": "Missing",
    "clear": "Clear",
    "violation": "Violation",
    "not_applicable": "Does not apply",
}
PURPOSES = {
    "review": "Reviewing the checker's findings",
    "dispute": "Resolving a disputed review",
    "quality": "Checking the quality of reviews or of the checker",
    "other": "Another reason (say which below)",
}
REJECTIONS = {
    "not_census": "Not a census or data collection form",
    "unreadable": "Unreadable",
    "duplicate": "A duplicate of another submission",
}
NO_PERSONAL_DATA = "Do not write names or other details of a child, family or school staff."


class FilterForm(FlaskForm):
    """The queue's filters (a GET form: it changes nothing, so it carries no CSRF token)."""

    class Meta:
        """Turn CSRF off for this GET form."""

        csrf = False

    rule = SelectField("Failing rule", validators=[Optional()])
    severity = SelectField(
        "Failing at severity",
        validators=[Optional()],
        choices=options([("", "Any")] + [(s, s.capitalize()) for s in SEVERITIES]),
    )
    local_authority = SelectField("Local authority", validators=[Optional()])
    term = SelectField("Census term", validators=[Optional()])
    status = SelectField(
        "Review status",
        validators=[Optional()],
        default="open",
        choices=options(
            (key, "Open (pending or disputed)" if key == "open" else key.capitalize())
            for key in STATUS_FILTERS
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule.choices = options([("", "Any")] + [(r.id, f"{r.id} {r.title}") for r in catalogue_rules()])
        self.local_authority.choices = options(
            [("", "Any")] + [(la.code, la.name) for la in local_authorities().values()]
        )
        self.term.choices = options([("", "Any")] + [(t.key, t.label) for t in terms_present()])


class ReasonForm(FlaskForm):
    """Why the reviewer opens this submission: asked once per submission, kept in the access log."""

    purpose = RadioField(
        "Why are you opening this form?",
        choices=options(PURPOSES.items()),
        validators=[InputRequired("Please say why you are opening this form.")],
    )
    detail = StringField("In a few words (needed for another reason)", validators=[Length(max=200)])

    def validate_detail(self, field: StringField) -> None:
        """Ask for words when the purpose is "another reason"."""
        if self.purpose.data == "other" and not (field.data or "").strip():
            raise ValidationError("Please say in a few words why you are opening this form.")

    def reason(self) -> str:
        """Return the reason as it goes into the access log."""
        detail = (self.detail.data or "").strip()
        label = PURPOSES[self.purpose.data]
        return f"{label}: {detail}" if detail and self.purpose.data != "other" else detail or label


class FindingForm(FlaskForm):
    """A reviewer's verdict on one finding: confirm it, or correct its status with a reason."""

    status = SelectField("Correct status")
    reason = TextAreaField("Why it is wrong", validators=[Length(max=500)])

    def __init__(
        self, *args: Any, statuses: tuple[str, ...] = REQUIREMENT, checker_status: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.checker_status = checker_status
        self.status.choices = options((s, STATUS_LABELS[s]) for s in statuses)

    def validate_reason(self, field: TextAreaField) -> None:
        """Require a reason for a correction (a verdict that differs from the checker's)."""
        if self.status.data != self.checker_status and not (field.data or "").strip():
            raise ValidationError("Please give a reason for the correction.")


class StatusForm(FlaskForm):
    """The reviewer's decision on the whole submission, with a note."""

    status = RadioField(
        "The submission's status",
        choices=options(
            [
                ("confirmed", "Confirmed: the findings are right (as reviewed)"),
                ("rejected", "Rejected"),
                ("disputed", "Disputed: ask a second reviewer"),
            ]
        ),
        validators=[InputRequired("Please choose a decision.")],
    )
    rejection = SelectField(
        "Why rejected", choices=options([("", "Choose a reason")] + list(REJECTIONS.items())), default=""
    )
    note = TextAreaField("Note for other reviewers", validators=[Length(max=1000)])

    def validate_rejection(self, field: SelectField) -> None:
        """Ask why, when rejecting."""
        if self.status.data == "rejected" and field.data not in REJECTIONS:
            raise ValidationError("Please say why the submission is rejected.")

    def validate_note(self, field: TextAreaField) -> None:
        """Ask what is in dispute, when disputing."""
        if self.status.data == "disputed" and not (field.data or "").strip():
            raise ValidationError("Please say what the second reviewer should look at.")


class ButtonForm(FlaskForm):
    """A button and its CSRF token (releasing the lock)."""
