"""Checkers: the code that the catalogue's data configures, one small class per kind of logic.

In the manner of Presidio's recognizers: a base class decides applicability and turns evidence into a
Finding; ``PhraseChecker`` is configured entirely by a rule's clauses; the others add the logic data cannot
express. The registry maps a rule's ``checker`` name to its class and refuses names it does not know.
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from ..document import Context, Finding
from .catalogue import Catalogue, CatalogueError, Clause, Rule
from .matching import Document, Hit
from .patterns import Term
from .units import MAX_ITEMS

FUZZY_CERTAINTY = 0.85  # a phrasing matched only after repairing an OCR-damaged word
REACH_CERTAINTY = 0.9  # the topic was named in an earlier sentence or the question above
# a numbered section heading ("5. Photographs", "3 Your choices"): a look-back stops there
_HEADING = re.compile(r"^\(?\d{1,2}(?:\.\d{1,2})*[.)]?\s+[a-z][^_:?]{0,60}$")
QUOTE_REACH = 3  # units: a topic this close is quoted with the evidence; farther, the evidence stands alone


@dataclass(frozen=True)
class Match:
    """Evidence for a verdict: units ``first``..``last``, the phrasing that matched, and how surely."""

    first: int
    last: int
    pattern: str
    certainty: float


class Checker(ABC):
    """Decide one rule on one document: whether it applies, and the evidence that satisfies or breaches it."""

    name: ClassVar[str]
    needs: ClassVar[tuple[str, ...]] = ()  # named clause lists the rule must provide

    def __init__(self, rule: Rule, catalogue: Catalogue) -> None:
        self.rule = rule
        self.catalogue = catalogue
        for name in self.needs:
            if name not in rule.named:
                raise CatalogueError(rule.id, f"named.{name}", f"the {self.name} checker needs it")
        self.anaphor = catalogue.term("anaphor")
        self.plural = catalogue.term("plural_anaphor")
        self.demonstrative = catalogue.term("demonstrative")

    def applies(self, doc: Document, context: Context) -> bool:
        """Say whether the rule applies: its condition on the flags, and its trigger words if it has any."""
        triggers = self.rule.triggers
        return self.rule.applies(context) and (triggers is None or bool(doc.hits(triggers)))

    @abstractmethod
    def find(self, doc: Document, context: Context) -> Match | None:
        """Return the evidence that satisfies (requirement) or breaches (prohibition) the rule, if any."""

    def check(self, doc: Document, context: Context) -> Finding:
        """Return the rule's Finding on the document."""
        requirement = self.rule.kind == "requirement"
        if not self.applies(doc, context):
            return Finding(self.rule.id, "not_applicable")
        match = self.find(doc, context)
        if match is None:
            return Finding(self.rule.id, "missing" if requirement else "clear",
                           confidence=round(doc.ocr_confidence(), 3))
        first, last = match.first, match.last
        span, box = doc.span(first, last)
        confidence = round(match.certainty * doc.confidence(first, last), 3)
        return Finding(self.rule.id, "present" if requirement else "violation", span=span, box=box,
                       pattern=match.pattern, confidence=confidence)

    # --- clause evaluation, shared by every checker ---

    def evaluate(self, doc: Document, clause: Clause) -> Match | None:
        """Return the best place the clause holds: exact spelling and same sentence first, then earliest."""
        best: Match | None = None
        for u, hits in doc.hits(clause.say).items():
            unit = doc.units[u]
            if clause.field and not unit.field:
                continue
            for hit in hits:
                match = self._holds(doc, clause, hit)
                if match is not None and match.certainty == 1.0:
                    return match
                if match is not None and (best is None or match.certainty > best.certainty):
                    best = match
        return best

    def _holds(self, doc: Document, clause: Clause, hit: Hit) -> Match | None:
        unit = doc.units[hit.unit]
        if clause.negation and doc.negated(hit):
            return None
        first = last = hit.unit
        for term in clause.with_:
            if doc.affirmed(term, hit.unit, clause.negation):
                continue
            if unit.lead is not None and doc.affirmed(term, unit.lead, clause.negation):
                first = min(first, unit.lead)  # the evidence starts at the list's lead-in
                continue
            nearby = [u for k in range(1, clause.near + 1) for u in (hit.unit - k, hit.unit + k)
                      if 0 <= u < len(doc.units) and doc.units[u].page == unit.page
                      and doc.affirmed(term, u, clause.negation)]
            if not nearby:
                return None
            first, last = min(first, nearby[0]), max(last, nearby[0])
        if clause.unless is not None and doc.affirmed(clause.unless, hit.unit, True, hit.clause):
            return None
        reached = False
        if clause.about is not None:
            found = self.topic(doc, clause, hit)
            if found is None:
                return None
            reached = found != hit.unit
            if abs(found - hit.unit) <= QUOTE_REACH:  # quote the topic too when it is printed close by
                first, last = min(first, found), max(last, found)
        certainty = (FUZZY_CERTAINTY if hit.fuzzy else 1.0) * (REACH_CERTAINTY if reached else 1.0)
        return Match(first, last, clause.label, certainty)

    def topic(self, doc: Document, clause: Clause, hit: Hit) -> int | None:
        """Return the unit naming the clause's topic for this hit, or None when it is absent or a rival's."""
        unit = doc.units[hit.unit]

        def names(term: Term | None, u: int, within: int | None = None) -> bool:
            return term is not None and bool(doc.affirmed(term, u, False, within))

        if names(clause.about, hit.unit, hit.clause):
            return hit.unit
        if names(clause.rivals, hit.unit, hit.clause):
            return None
        # a list's lead-in ("To help us plan support, we ask:") speaks of every item it introduces
        for u in range(hit.unit + 1, min(len(doc.units), hit.unit + 1 + MAX_ITEMS)):
            if doc.units[u].lead != hit.unit:
                break
            if names(clause.about, u):
                return u
        anaphor = clause.anaphor or self.anaphor
        if not (unit.field or unit.lead is not None or names(anaphor, hit.unit, hit.clause)):
            return None
        # Looking elsewhere, the nearest unit naming the topic or a rival decides. For a sentence, one naming
        # both is a list of items ("ethnicity, language, nationality...") and says nothing of the topic alone;
        # a form line's option ("Tick to refuse") serves every question that names it.
        def decides(topic: bool, rival: bool) -> bool:
            return topic and (unit.field or not rival)

        for c in range(hit.clause - 1, -1, -1):
            topic, rival = names(clause.about, hit.unit, c), names(clause.rivals, hit.unit, c)
            if topic or rival:
                return hit.unit if decides(topic, rival) else None
        around = list(range(hit.unit - 1, hit.unit - clause.reach - 1, -1))
        if unit.lead is not None and unit.lead not in around:
            around.insert(0, unit.lead)
        if unit.field:
            # a form line belongs first to the label on its left in the same printed row, wherever the OCR
            # put that label in reading order (labels and options are often read column by column)
            around = doc.row_before(hit.unit) + around
        for u in range(hit.unit + 1, hit.unit + clause.ahead + 1):  # the questions that follow, if any
            if u >= len(doc.units) or not doc.units[u].field:
                break
            around.append(u)
        plural = not unit.field and names(self.plural, hit.unit, hit.clause)
        for u in around:
            if not 0 <= u < len(doc.units) or doc.units[u].page != unit.page:
                continue
            topic, rival = names(clause.about, u), names(clause.rivals, u)
            if topic or rival:
                if decides(topic, rival):
                    return u
                # "these questions", "they": every question of the block of form lines above, not the last
                return self._in_block(doc, clause, u) if plural and u < hit.unit else None
            if u < hit.unit and _HEADING.match(doc.units[u].raw) and not names(self.demonstrative, u):
                return None  # "5. Photographs": what lies above is another section ("4. How we use this
                # information" points back at it, and does not stop the look-back)
        return None

    def _in_block(self, doc: Document, clause: Clause, u: int) -> int | None:
        """Return the form line naming the topic in the run of form lines (or list items) ending at ``u``."""
        page = doc.units[u].page
        while u >= 0 and doc.units[u].page == page and (doc.units[u].field or doc.units[u].lead is not None):
            if clause.about is not None and doc.affirmed(clause.about, u, False):
                return u
            u -= 1
        return None

    def any_of(self, doc: Document, clauses: tuple[Clause, ...]) -> Match | None:
        """Return the best match among clauses: the surest, then the earliest."""
        found = [m for m in (self.evaluate(doc, c) for c in clauses) if m is not None]
        return max(found, key=lambda m: (m.certainty, -m.last), default=None)

    def mentioned(self, doc: Document, term: Term) -> bool:
        """Say whether the term occurs anywhere, not negated."""
        return any(doc.affirmed(term, u) for u in doc.hits(term))


class PhraseChecker(Checker):
    """A rule decided by its clauses alone: any clause (or ``distinct`` of them) and every ``also`` term."""

    name = "phrase"

    def find(self, doc: Document, context: Context) -> Match | None:
        """Return the evidence of the first satisfying clause(s)."""
        if not all(self.mentioned(doc, term) for term in self.rule.also):
            return None
        if self.rule.distinct == 1:
            return self.any_of(doc, self.rule.clauses)
        found = [m for m in (self.evaluate(doc, c) for c in self.rule.clauses) if m is not None]
        if len(found) < self.rule.distinct:
            return None
        best = max(found, key=lambda m: (m.certainty, -m.last))
        return Match(best.first, best.last, " + ".join(m.pattern for m in found),
                     min(m.certainty for m in found))


class RecipientChecker(PhraseChecker):
    """FP-05: any named recipient will do, but a census or nationality form must name the DfE."""

    name = "recipient"
    needs = ("dfe",)

    def find(self, doc: Document, context: Context) -> Match | None:
        """Return the sentence naming the DfE as recipient when CEN or NAT, else any recipient."""
        if "CEN" in context.flags or "NAT" in context.flags:
            return self.any_of(doc, self.rule.named["dfe"])
        return super().find(doc, context)


class RefusalOptionChecker(PhraseChecker):
    """CEN-02 and CEN-11: a "Refused" answer among the options of the right question.

    Data says what a refusal option and an instruction look like, and which question owns an option line
    (the nearest topic above it). What data cannot say: on a form that asks no rival question at all, a
    refusal option anywhere belongs to the one question there is, however far down the page it sits.
    """

    name = "refusal_option"

    def find(self, doc: Document, context: Context) -> Match | None:
        """Return the option line or instruction offering refusal for this rule's topic."""
        match = super().find(doc, context)
        if match is not None:
            return match
        for clause in self.rule.clauses:
            if not clause.field or clause.about is None or not self.mentioned(doc, clause.about):
                continue
            if clause.rivals is not None and doc.hits(clause.rivals):
                continue
            for u, hits in doc.hits(clause.say).items():
                if doc.units[u].field and any(not (clause.negation and doc.negated(h)) for h in hits):
                    return Match(u, u, clause.label + " (the form's only question)", REACH_CERTAINTY)
        return None


class ReaderChoiceChecker(PhraseChecker):
    """FP-12: not applicable to a notice about data the reader did not provide (Art 14, not Art 13)."""

    name = "reader_choice"
    needs = ("elsewhere", "from_reader")

    def applies(self, doc: Document, context: Context) -> bool:
        """Apply unless the notice is about data from elsewhere and nothing is collected from the reader."""
        if not super().applies(doc, context):
            return False
        if self.any_of(doc, self.rule.named["elsewhere"]) is None:
            return True
        return self.any_of(doc, self.rule.named["from_reader"]) is not None


class CensusAfter2018Checker(PhraseChecker):
    """CEN-10: from 28 June 2018 nationality and country of birth are no census items; asking for the census
    is a breach. The cut-off is the D18 flag's date in the catalogue, checked against the form's date.
    """

    name = "census_after_2018"

    def applies(self, doc: Document, context: Context) -> bool:
        """Apply to NAT forms dated on or after the D18 cut-off (an undated form never breaches)."""
        cutoff = next(f.dated_from for f in self.catalogue.flags if f.id == "D18")
        dated = context.form_date is not None and cutoff is not None and context.form_date >= cutoff
        return dated and super().applies(doc, context)


REGISTRY: dict[str, type[Checker]] = {c.name: c for c in (
    PhraseChecker, RecipientChecker, RefusalOptionChecker, ReaderChoiceChecker, CensusAfter2018Checker)}


def build(catalogue: Catalogue) -> list[Checker]:
    """Return one checker per rule, in catalogue order; raise CatalogueError for an unknown checker."""
    checkers = []
    for rule in catalogue.rules:
        if rule.checker not in REGISTRY:
            raise CatalogueError(rule.id, "checker", f"unknown checker {rule.checker!r}; known: "
                                                     f"{', '.join(sorted(REGISTRY))}")
        checkers.append(REGISTRY[rule.checker](rule, catalogue))
    return checkers
