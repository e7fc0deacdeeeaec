"""Detect what a form is about: the census items it asks for, the context flags, and the form's date.

The vocabulary is data (``rules/catalogue.yaml``: ``census_items`` and ``flags``); this module applies it.
A form "asks for" an item when a form line names it, or a sentence names it without saying the item is not
collected ("we no longer collect nationality") and outside equality wording ("regardless of nationality").
Items marked ``asking`` (passports, immigration status) also need a form line or a sentence that asks.
"""
from __future__ import annotations

from datetime import date

from . import rules
from .document import Context, Page
from .rules.catalogue import Flag, Item
from .rules.dates import printed_date
from .rules.matching import Document


def detect(pages: list[Page], form_date: date | None = None) -> Context:
    """Return the census items, context flags and date of a form (``form_date`` from the caller wins)."""
    doc = rules.document(pages, leave=True)
    return detect_in(doc, form_date)


def detect_in(doc: Document, form_date: date | None = None) -> Context:
    """Return the Context of an already-read document."""
    catalogue = rules.CATALOGUE
    when = form_date or printed_date(doc.units, {n: p.height for n, p in doc.pages.items()})
    items = tuple(item.id for item in catalogue.items if asks_for(doc, item))
    flags: list[str] = []
    for flag in catalogue.flags:
        if flag.id == "GEN":
            continue  # decided last: it looks at the rules' own evidence
        if _raised(doc, flag, items, when):
            flags.append(flag.id)
    gen = next(f for f in catalogue.flags if f.id == "GEN")
    if _general_notice(doc, gen, Context(items, tuple(flags), when)):
        flags.append("GEN")
    return Context(items, tuple(f.id for f in catalogue.flags if f.id in flags), when)


def asks_for(doc: Document, item: Item) -> bool:
    """Say whether the document asks for (or says it collects) a census item."""
    not_collected = rules.CATALOGUE.term("not_collected")
    asking = rules.CATALOGUE.term("asking")
    for u, hits in doc.hits(item.terms).items():
        unit = doc.units[u]
        if item.unless is not None and doc.in_unit(item.unless, u):
            continue
        for hit in hits:
            if doc.affirmed(not_collected, u, negation=False, clause=hit.clause):
                continue
            if item.asking and not (unit.field or unit.lead is not None or doc.affirmed(asking, u)):
                continue
            if item.asking and doc.negated(hit):
                continue
            return True
    return False


def _raised(doc: Document, flag: Flag, items: tuple[str, ...], when: date | None) -> bool:
    """Say whether a flag other than GEN holds."""
    if any(i in items for i in flag.items):
        return True
    if flag.dated_from is not None and when is not None and when >= flag.dated_from:
        return True
    if flag.mentions is None:
        return False
    for u, hits in doc.hits(flag.mentions).items():
        if flag.unless is not None and doc.in_unit(flag.unless, u):
            continue
        if any(not (flag.negation and doc.negated(h)) for h in hits):
            return True
    return False


def _general_notice(doc: Document, flag: Flag, context: Context) -> bool:
    """Say whether the document is a general privacy notice: broad in the data it names, titled as a notice
    and covering several fair-processing topics (or covering many of them untitled)."""
    if sum(bool(doc.hits(term)) for term in flag.breadth) < flag.min_breadth:
        return False
    titled = flag.titles is not None and any(
        doc.units[u].field or doc.units[u].index - _first_on_page(doc, doc.units[u].page) < 5
        for u in doc.hits(flag.titles))
    needed = flag.min_topics if titled else flag.min_topics_untitled
    covered = 0
    for checker in rules.CHECKERS:
        if checker.rule.id in flag.topics and checker.find(doc, context) is not None:
            covered += 1
            if covered >= needed:
                return True
    return False


def _first_on_page(doc: Document, page: int) -> int:
    return next(u.index for u in doc.units if u.page == page)
