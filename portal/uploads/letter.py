"""The parent's letter to the school, built from the audit's failing findings."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..audit import rules
from ..models import Submission

ASKS_NATIONALITY = {"nationality", "country_of_birth"}


@dataclass(frozen=True)
class Letter:
    """A letter in paragraphs, with the list of what the form failed to say."""

    opening: list[str]
    missing: list[str]
    refusal: list[str]
    closing: list[str]

    def as_text(self) -> str:
        """Return the letter as plain text, for download."""
        parts = ["\n".join(self.opening)]
        if self.missing:
            parts.append("\n".join(f"- {item}" for item in self.missing))
        parts += self.refusal + self.closing
        return "\n\n".join(parts) + "\n"


def letter_for(submission: Submission) -> Letter:
    """Write the letter asking the school for what its form left out."""
    missing = [rules.CATALOGUE.rule(f.rule_id).title for f in submission.findings if f.fails]
    asks_nationality = bool(ASKS_NATIONALITY & set(submission.census_items))
    opening = [
        "To the Headteacher and the school's Data Protection Officer",
        "",
        f"Date: {date.today():%d %B %Y}",
        "",
        "Dear Headteacher,",
        "",
        "I am writing about the data collection form the school sent home about my child. Under Article 13 "
        "of the UK GDPR the school must tell families, when it collects their information, who will "
        "receive it, what it is for, how long it is kept, what their rights are, and which questions "
        "they do not have to answer.",
    ]
    if missing:
        opening.append("")
        opening.append("The form did not do the following. Please send me this information:")
    refusal = []
    if asks_nationality:
        refusal.append(
            "The form asks for my child's nationality and/or country of birth. These have never been "
            "compulsory, and the Department for Education stopped collecting them in the school census "
            "in June 2018. Please record them as \"refused\" in the school's records, or remove them, "
            "and confirm that nothing held about them has been or will be sent to the Department for "
            "Education."
        )
    closing = [
        "Please reply within one month, as Article 12(3) of the UK GDPR requires.",
        "Yours faithfully,\n\n\n______________________________ (parent or carer)",
    ]
    return Letter(opening, missing, refusal, closing)
