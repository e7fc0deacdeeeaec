"""Sentences and form lines: the units of text a rule is matched within.

OCR gives words grouped into printed lines. A sentence runs on across line breaks while the line is filled
to the margin (or the next line starts in lower case) and ends at a full stop, question or exclamation
mark. A form line (a label, a question, a tick-box option, a line with blanks to fill in) is a unit on its
own. Words hyphenated at a line end are joined. A list item knows the line that introduced it ("We share
information with:"), and each unit knows its clauses, so that negation and scope stay local.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..document import Box, Page, union
from ..text import Line, lines
from .canon import BOX_GLYPHS, canon_word, fold, is_box

_END = re.compile(r"[.?!][\"')\]]*$")
_ABBREVIATIONS = frozenset({"e.g.", "eg.", "i.e.", "ie.", "etc.", "mr.", "mrs.", "ms.", "dr.", "st.", "no.",
                            "nos.", "co.", "vs.", "v.", "approx.", "incl.", "dept.", "govt.", "tel.", "ref.",
                            "art.", "para.", "sch.", "s.", "reg.", "ed.", "p.", "pp.", "cf."})
_ANSWERS = frozenset({"no."})  # an abbreviation that is also a one-word answer, when a capital follows
_BULLET = re.compile(r"^(?:[•·◦▪■➢►»«©®*oe-]|\(?[0-9]{1,2}[.)]|\(?[a-h][.)]|\(?(?:i|ii|iii|iv|v|vi)\))$")
_BLANK = re.compile(r"_{3,}|\.{4,}|…{2,}|\[\s*\]|\(\s*\)")
_LABEL = re.compile(r"^[^:]{1,40}:")
_FUNCTION_END = frozenset({"the", "and", "to", "of", "for", "with", "a", "an", "or", "by", "in", "on", "our",
                           "your", "their", "is", "are", "be", "will", "may", "that", "which", "as", "at"})
_BREAK_WORDS = frozenset({"but", "however", "whereas", "although", "though", "unlike", "except"})
_STOP_WORDS = frozenset({"please"})
_STOP_AFTER = re.compile(r"[,;:(]$|[)\"]$")
MAX_WORDS = 60  # a sentence longer than this (a table read as prose) is cut at its next line end
MAX_ITEMS = 15  # list items one lead-in line can introduce
LINE_GAP = 1.2  # a gap above a line of more than this many line heights starts a new paragraph


@dataclass(frozen=True)
class Unit:
    """One sentence or form line: where it is, its plain and canonical text, and per-token bookkeeping."""

    index: int  # position in the document
    page: int  # page number, from 1
    start: int  # first word index on the page
    end: int  # one past the last word index
    raw: str  # folded text, punctuation kept (for addresses, phone numbers, dates)
    canon: str  # canonical tokens separated by single spaces
    field: bool  # a form line: label, question, heading or tick-box option
    box: Box
    offsets: tuple[int, ...]  # where each token starts in ``canon``
    words: tuple[int, ...]  # the page word index each token came from
    clauses: tuple[int, ...]  # the clause number of each token
    stops: tuple[bool, ...]  # a comma, clause break or "please" just before the token
    fuzzy: tuple[bool, ...]  # the token's spelling was corrected
    lead: int | None = None  # the unit that introduced this list item, if any

    def token_at(self, offset: int) -> int:
        """Return the index of the token holding canonical offset ``offset``."""
        lo, hi = 0, len(self.offsets) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.offsets[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo


Speller = Callable[[list[str]], list[tuple[str, bool, int]]]


@dataclass
class _Line:
    line: Line
    raw: list[str]
    form: bool
    ends: bool
    right: int
    left: int
    bullet: bool
    lower: bool
    key: tuple[int, int]
    top: int
    bottom: int


def build(pages: list[Page], spell: Speller) -> list[Unit]:
    """Split every page into units, in reading order; ``spell`` repairs each unit's canonical tokens."""
    units: list[Unit] = []
    for page in pages:
        for group in _runs(page):
            for sentence in _sentences(page, group):
                unit = _unit(page, sentence, len(units), spell)
                if unit is not None:
                    units.append(unit)
    return _leads(units)


def _describe(page: Page, line: Line) -> _Line:
    raw = [page.words[i].text for i in line.indices]
    first = page.words[line.indices[0]]
    return _Line(line, raw, _form_words(raw), bool(_END.search(raw[-1])) or raw[-1].endswith((":", ";")),
                 line.box[2], line.box[0], (bool(_BULLET.match(raw[0])) or is_box(raw[0])) and len(raw) > 1,
                 raw[0][:1].islower(), (first.block, first.par), line.box[1], line.box[3])


def _form_words(raw: list[str]) -> bool:
    """Say whether a line's words look like a form: boxes, blanks, a label or a question."""
    text = " ".join(raw)
    return (any(is_box(w) or any(c in BOX_GLYPHS for c in w) for w in raw) or bool(_BLANK.search(text))
            or raw[-1].endswith((":", "?")) or (len(raw) <= 8 and bool(_LABEL.match(text))))


def _runs(page: Page) -> list[list[_Line]]:
    """Group a page's lines into runs of running text (a form line is a run of its own)."""
    described = [_describe(page, line) for line in lines(page)]
    if not described:
        return []
    rights = sorted(d.right for d in described)
    measure = rights[int(0.9 * (len(rights) - 1))]  # the page's right margin, ignoring a few outliers
    runs: list[list[_Line]] = []
    for d in described:
        if runs and _continues(runs[-1], d, measure):
            runs[-1].append(d)
        else:
            runs.append([d])
    return runs


def _continues(run: list[_Line], cur: _Line, measure: int) -> bool:
    """Say whether ``cur`` carries on the sentence of the run's last line.

    It does when the last line runs to the margin (a line wrapped), or ends with a comma, a hyphen or (if
    it is at least half a line long) a word like "the" or "with", or when ``cur`` starts in lower case. A
    short line followed by a capital is a heading or a label. Across the paragraph or block breaks OCR makes
    at ragged line ends, only the plain signs count, and only for the next line down (not one a paragraph
    gap away).
    """
    prev = run[-1]
    if prev.ends or prev.form or cur.bullet or (run[0].bullet and not cur.lower):
        return False
    last = fold(prev.raw[-1])
    close = cur.top - prev.bottom < LINE_GAP * max(1, prev.bottom - prev.top)
    if prev.key != cur.key:
        return close and (cur.lower or last.endswith((",", "-")) or last in _FUNCTION_END)
    left = min(d.left for d in run)
    width = max(1, measure - left)
    filled = prev.right - left >= 0.7 * width and len(prev.raw) >= 6  # a wrapped line, not a short heading
    wrapped = last in _FUNCTION_END and prev.right - left >= 0.5 * width
    return filled or wrapped or cur.lower or last.endswith((",", "-"))


def _sentences(page: Page, run: list[_Line]) -> list[list[tuple[int, bool]]]:
    """Split a run into sentences: lists of (word index, ends a line); a run-on is cut at a line end."""
    flat = [(i, k == len(d.line.indices) - 1) for d in run for k, i in enumerate(d.line.indices)]
    out: list[list[tuple[int, bool]]] = [[]]
    for n, (i, line_end) in enumerate(flat):
        out[-1].append((i, line_end))
        nxt = page.words[flat[n + 1][0]].text if n + 1 < len(flat) else ""
        numbered = len(out[-1]) == 1 and bool(_BULLET.match(page.words[i].text))  # "4. How we use it"
        if nxt and not numbered and (_ends_sentence(page.words[i].text, nxt)
                                     or line_end and len(out[-1]) >= MAX_WORDS):
            out.append([])
    return [s for s in out if s]


def _ends_sentence(word: str, nxt: str) -> bool:
    """Say whether ``word`` ends a sentence, given the word after it."""
    if not _END.search(word):
        return False
    bare = fold(word).rstrip("\"')]")
    start = nxt.lstrip("\"'(“‘[")
    if bare in _ANSWERS and start[:1].isupper():
        return True  # "No. Nationality is voluntary": an answer, not "No. 4"
    if bare in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.){1,}[a-z]?\.?", bare) and len(bare) <= 6:
        return False
    return not start or start[0].isupper() or start[0].isdigit() or bool(_BULLET.match(nxt))


def _unit(page: Page, sentence: list[tuple[int, bool]], index: int, spell: Speller) -> Unit | None:
    """Build one unit, joining words hyphenated at line ends; None when it holds no wording."""
    raws: list[str] = []
    pieces: list[tuple[str, int, int, bool]] = []  # token, word index, clause, stop
    clause, stop, skip = 0, False, False
    for n, (i, line_end) in enumerate(sentence):
        if skip:
            skip = False
            continue
        text = page.words[i].text
        if line_end and text.endswith("-") and len(text) > 1 and n + 1 < len(sentence):
            nxt = page.words[sentence[n + 1][0]].text
            text = text[:-1] + nxt if nxt[:1].islower() else text + nxt
            skip = True
        raws.append(text)
        for token in canon_word(text):
            if token in _BREAK_WORDS:
                clause += 1
            pieces.append((token, i, clause, stop or token in _BREAK_WORDS or token in _STOP_WORDS))
            stop = False
        if _STOP_AFTER.search(text):
            stop = True
        if text.endswith(";"):
            clause += 1
    if not pieces:
        return None
    spelled = spell([p[0] for p in pieces])
    tokens, offsets, words, clauses, stops, fuzzy = [], [], [], [], [], []
    at = 0
    for token, corrected, source in spelled:
        _, word, cl, st = pieces[source]
        offsets.append(at)
        tokens.append(token)
        words.append(word)
        clauses.append(cl)
        stops.append(st)
        fuzzy.append(corrected)
        at += len(token) + 1
    indices = [i for i, _ in sentence]
    line_count = len({page.words[i].line_key for i in indices})
    text = " ".join(raws)
    # a form line: one printed line that looks like a form, or a short line (or two: a wrapped heading or
    # letterhead) that ends without a full stop
    form = (line_count == 1 and _form_words(raws) or not _END.search(raws[-1])
            and (line_count == 1 and len(raws) <= 16 or line_count == 2 and len(raws) <= 12))
    return Unit(index=index, page=page.number, start=indices[0], end=indices[-1] + 1, raw=fold(text),
                canon=" ".join(tokens), field=form, box=union([page.words[i].box for i in indices]),
                offsets=tuple(offsets), words=tuple(words), clauses=tuple(clauses), stops=tuple(stops),
                fuzzy=tuple(fuzzy))


def _leads(units: list[Unit]) -> list[Unit]:
    """Point each list item at the line that introduced it (a unit ending with a colon).

    Items are bulleted units and short form-like lines; a full sentence, a new lead-in, another page or
    MAX_ITEMS items end the list.
    """
    out: list[Unit] = []
    lead: int | None = None
    items = 0
    for unit in units:
        bullet = bool(_BULLET.match(unit.raw.split()[0])) if unit.raw.split() else False
        if lead is not None and items < MAX_ITEMS and out[lead].page == unit.page and (unit.field or bullet):
            items += 1
            unit = replace(unit, lead=lead)
        else:
            lead = None
        out.append(unit)
        if unit.raw.rstrip().endswith(":"):
            lead, items = unit.index, 0
    return out
