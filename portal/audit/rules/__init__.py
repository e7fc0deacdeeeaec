"""The rule checker: the catalogue (data), its checkers (code), and ``check`` to run them on a document."""
from __future__ import annotations

import threading

from ..document import Context, Finding, Page
from .catalogue import Catalogue, CatalogueError, Rule, load
from .checkers import Checker, build
from .matching import Document, Lexicon

CATALOGUE: Catalogue = load()
LEXICON = Lexicon(set(CATALOGUE.lexicon))
CHECKERS: tuple[Checker, ...] = tuple(build(CATALOGUE))

# detect() reads the pages first; it leaves its reading here for the check() that follows in the pipeline,
# which takes it when it is of the same pages and drops it otherwise (so no OCR text outlives the audit).
_handoff: list[Document] = []
_lock = threading.Lock()


def document(pages: list[Page], leave: bool = False) -> Document:
    """Read pages as units of text; reuse the reading left for these very pages, or leave one if asked."""
    with _lock:
        left = _handoff[:]
        _handoff.clear()
    for doc in left:
        if _same(doc, pages):
            return doc
    doc = Document(pages, LEXICON)
    if leave:
        with _lock:
            _handoff[:] = [doc]
    return doc


def _same(doc: Document, pages: list[Page]) -> bool:
    """Say whether a reading was made from exactly these page objects, unchanged."""
    return len(doc.pages) == len(pages) and all(
        doc.pages.get(p.number) is p and doc.word_counts.get(p.number) == len(p.words) for p in pages)


def check(pages: list[Page], context: Context) -> list[Finding]:
    """Return one Finding per rule of the catalogue, in catalogue order."""
    doc = document(pages)
    return [checker.check(doc, context) for checker in CHECKERS]


__all__ = ["CATALOGUE", "CHECKERS", "Catalogue", "CatalogueError", "Checker", "Document", "Rule", "check",
           "document"]
