"""Find the catalogue's terms in a document: spelling repair, hits per unit, negation and topic scope."""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..document import Box, Page, Span, union
from .canon import skeleton
from .patterns import Term
from .units import Unit, build

NEGATION_WINDOW = 8  # tokens before a hit in which "not", "no", "never"... negate it
_CUES = frozenset(skeleton(w) for w in ("not", "no", "never", "nor", "neither", "without", "none", "nobody",
                                        "nothing"))
_SUBJECT_CUES = frozenset(skeleton(w) for w in ("no", "neither", "none", "nobody", "nothing"))
# A modal starts a new verb: "parents who do not wish to answer should tick Refused" does not negate
# "tick". Only a negated subject reaches past it: "no information will be shared".
_MODALS = frozenset(skeleton(w) for w in ("will", "would", "shall", "should", "must", "can", "could", "may",
                                          "might"))
# A subordinate clause has its own scope: "you need not reply if your child was born here" does not negate
# "if your child was born here".
_SUBORDINATORS = frozenset(skeleton(w) for w in ("if", "unless", "where", "when", "whether", "because",
                                                 "although", "while", "whilst"))
# A subject starts a new clause: "if you do not reply we will assume" does not negate "assume".
_SUBJECTS = frozenset(skeleton(w) for w in ("we", "you", "they", "i", "he", "she"))
# "with no reply", "for whom no slip is returned": a "no" that qualifies a noun after these does not negate
# the verb that follows ("pupils with no reply will be recorded as...")
_HAVING = frozenset(skeleton(w) for w in ("with", "whom", "which", "where", "if", "when"))
_FUNCTION = frozenset(skeleton(w) for w in (
    "a", "an", "the", "to", "of", "and", "or", "in", "on", "for", "by", "we", "you", "your", "our", "us",
    "is", "are", "be", "it", "this", "that", "with", "from", "as", "at", "not", "will", "may", "can", "do",
    "has", "have", "which", "who", "their", "they", "them", "these", "those", "if", "all", "any", "so"))
_FUZZY_MIN = 5  # shorter words are matched exactly: one letter changes too much of them
_FUZZY_TWO = 9  # from this length two misread letters are repaired
_COMMON = 50  # the word list's floor: words seen only this often are mostly noise
_CACHE = 100_000  # repaired spellings remembered across documents


@cache
def english() -> frozenset[str]:
    """Return English words (pyspellchecker's frequency list) in canonical spelling, loaded once."""
    from spellchecker import SpellChecker  # imported late: the list takes a moment to load

    words = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return frozenset(skeleton(w) for w, n in words.items() if n > _COMMON and w.isalpha())


class Lexicon:
    """Repairs OCR damage: a non-word one or two letters from a catalogue word, split and joined words.

    A real English word is never changed ("quality" does not become "equality"), so only misreadings are
    repaired, whatever confidence the OCR gave them.
    """

    def __init__(self, words: set[str]) -> None:
        self.words = frozenset(words)
        self._choices = sorted(w for w in words if len(w) >= _FUZZY_MIN)
        self._fixes: dict[str, str | None] = {}
        self._splits: dict[str, list[str]] = {}

    def _word(self, token: str) -> bool:
        return token in self.words or token in _FUNCTION or not token.isalpha() or token in english()

    def spell(self, tokens: list[str]) -> list[tuple[str, bool, int]]:
        """Repair tokens: return (token, repaired, source token index) in order."""
        out: list[tuple[str, bool, int]] = []
        n = 0
        while n < len(tokens):
            token = tokens[n]
            if self._word(token):
                out.append((token, False, n))
            elif n + 1 < len(tokens) and not self._word(tokens[n + 1]) and self._joins(token, tokens[n + 1]):
                out.append((token + tokens[n + 1], True, n))
                n += 1
            elif fixed := self._fix(token):
                out.append((fixed, True, n))
            else:
                out.extend((part, False, n) for part in self._split(token))
            n += 1
        return out

    def _joins(self, a: str, b: str) -> bool:
        """Say whether two non-words are one catalogue word split in two ("informa tion")."""
        return a + b in self.words

    def _fix(self, token: str) -> str | None:
        """Return the one catalogue word nearest a non-word, if it is near enough and unambiguous."""
        if token in self._fixes:
            return self._fixes[token]
        fixed = None
        if len(token) >= _FUZZY_MIN:
            limit = 2 if len(token) >= _FUZZY_TWO else 1
            found = process.extract(token, self._choices, scorer=Levenshtein.distance, score_cutoff=limit,
                                    limit=2)
            if len(found) == 1 or len(found) == 2 and found[0][1] < found[1][1]:
                fixed = found[0][0]
        if len(self._fixes) > _CACHE:
            self._fixes.clear()
        self._fixes[token] = fixed
        return fixed

    def _split(self, token: str) -> list[str]:
        """Split a joined word ("wecollect", "choosenot") into two known words, or leave it whole."""
        if token in self._splits:
            return self._splits[token]
        best, score = [token], (0, 0)
        for k in range(2, len(token) - 1):
            a, b = token[:k], token[k:]
            if max(len(a), len(b)) < 3 or not (self._word(a) and self._word(b)):
                continue
            # prefer the catalogue's own words and small function words ("forthe": "for the", not "fort he")
            ours = sum(p in self.words or p in _FUNCTION for p in (a, b))
            if (ours, max(len(a), len(b))) > score:
                best, score = [a, b], (ours, max(len(a), len(b)))
        if len(self._splits) > _CACHE:
            self._splits.clear()
        self._splits[token] = best
        return best


@dataclass(frozen=True)
class Hit:
    """Where a term matched: its unit, canonical offsets and tokens within the unit, and how surely."""

    unit: int
    start: int
    end: int
    first: int  # first token
    last: int  # last token
    fuzzy: bool  # a repaired spelling was needed
    clause: int


class Document:
    """A set of pages read as units of text, searched term by term (each term once per document)."""

    def __init__(self, pages: list[Page], lexicon: Lexicon) -> None:
        self.pages = {page.number: page for page in pages}
        self.word_counts = {page.number: len(page.words) for page in pages}
        self.units: list[Unit] = build(pages, lexicon.spell)
        self.tokens = [u.canon.split(" ") for u in self.units]
        self._canon, self._canon_at = _join([" " + u.canon for u in self.units])
        self._raw, self._raw_at = _join([u.raw for u in self.units])
        self._cache: dict[int, dict[int, list[Hit]]] = {}
        self._ocr_confidence: float | None = None

    def hits(self, term: Term) -> dict[int, list[Hit]]:
        """Return the term's hits grouped by unit index, in document order."""
        key = id(term)
        if key not in self._cache:
            text, at = (self._raw, self._raw_at) if term.raw else (self._canon, self._canon_at)
            found: dict[int, list[Hit]] = defaultdict(list)
            lead = 0 if term.raw else 1  # canonical units are searched with a leading space
            # matches may overlap: "recorded, please write refused" holds "write refused" too, which a
            # negation of the first ("if you do not wish it recorded") does not reach
            m = term.regex.search(text)
            while m is not None:
                start = m.start() + lead
                u = bisect_right(at, start) - 1
                found[u].append(self._hit(u, start - at[u], m.end() - at[u], term.raw))
                after = m.end() if term.raw else text.find(" ", start)  # the next token's leading space
                m = term.regex.search(text, after) if after > m.start() else None
            self._cache[key] = dict(found)
        return self._cache[key]

    def _hit(self, u: int, start: int, end: int, raw: bool) -> Hit:
        unit = self.units[u]
        if raw:
            return Hit(u, start, end, 0, len(unit.offsets) - 1, False, 0)
        first, last = unit.token_at(start), unit.token_at(max(start, end - 1))
        return Hit(u, start, end, first, last, any(unit.fuzzy[first:last + 1]), unit.clauses[first])

    def in_unit(self, term: Term, u: int) -> list[Hit]:
        """Return the term's hits in one unit."""
        return self.hits(term).get(u, [])

    def negated(self, hit: Hit) -> bool:
        """Say whether a negation cue governs the hit (a few tokens before it, within its clause).

        A phrasing that holds its own negation ("will not affect") is not negated again.
        """
        unit, tokens = self.units[hit.unit], self.tokens[hit.unit]
        if any(t in _CUES for t in tokens[hit.first:hit.last + 1]) or tokens[hit.first] in _SUBORDINATORS:
            return False
        cues = _SUBJECT_CUES if tokens[hit.first] in _MODALS else _CUES
        k, steps = hit.first, 0
        while k > 0 and steps < NEGATION_WINDOW and not unit.stops[k]:
            k -= 1
            steps += 1
            token = tokens[k]
            if token in _SUBJECTS:
                return False
            if token in _MODALS:
                cues = _SUBJECT_CUES
            elif token in cues and not (token == "not" and tokens[k + 1] == "only") and not (
                    token == "no" and ("yes" in tokens[max(0, k - 1):k + 2] or k > 0 and tokens[k - 1] in _HAVING)):
                return True
        return False

    def affirmed(self, term: Term, u: int, negation: bool = True, clause: int | None = None) -> list[Hit]:
        """Return the term's hits in unit ``u`` that are not negated (and in ``clause``, when given)."""
        return [h for h in self.in_unit(term, u)
                if (clause is None or h.clause == clause) and not (negation and self.negated(h))]

    def row_before(self, u: int) -> list[int]:
        """Return the units printed on the same row as unit ``u`` and to its left, nearest first."""
        unit = self.units[u]
        top, bottom = unit.box[1], unit.box[3]
        row = [v for v in self.units if v.page == unit.page and v.index != u and v.box[2] <= unit.box[0] + 5
               and min(bottom, v.box[3]) - max(top, v.box[1]) > 0.5 * min(bottom - top, v.box[3] - v.box[1])]
        return [v.index for v in sorted(row, key=lambda v: -v.box[2])]

    def span(self, first: int, last: int) -> tuple[Span, Box]:
        """Return the span and box of units ``first``..``last`` (clipped to the first unit's page)."""
        units = [u for u in self.units[first:last + 1] if u.page == self.units[first].page]
        page = self.pages[units[0].page]
        start, end = units[0].start, max(u.end for u in units)
        return Span(page.number, start, end), union([w.box for w in page.words[start:end]])

    def confidence(self, first: int, last: int) -> float:
        """Return the mean OCR confidence (0-1) of the words of units ``first``..``last``."""
        span, _ = self.span(first, last)
        words = self.pages[span.page].words[span.start:span.end]
        return sum(w.conf for w in words) / (100 * len(words)) if words else 0.0

    def ocr_confidence(self) -> float:
        """Return the mean OCR confidence (0-1) of every word of the document."""
        if self._ocr_confidence is None:
            words = [w for page in self.pages.values() for w in page.words]
            self._ocr_confidence = sum(w.conf for w in words) / (100 * len(words)) if words else 0.0
        return self._ocr_confidence


def _join(texts: list[str]) -> tuple[str, list[int]]:
    """Join unit texts with newlines (no phrasing crosses one) and return where each unit's text starts."""
    at, pos = [], 0
    for text in texts:
        at.append(pos + (1 if text.startswith(" ") else 0))
        pos += len(text) + 1
    return "\n".join(texts), at
