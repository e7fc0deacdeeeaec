"""Canonical spelling: the lossy form that OCR damage and the catalogue's phrasings both reduce to.

Text and patterns go through the same reduction, so a pattern written in plain English matches words that
Tesseract misread in the usual ways: case, accents, curly quotes, ``l``/``1``/``I``/``|``, ``rn``/``m``,
``vv``/``w``, ``li``/``h``, ``0``/``o`` inside words, dotted acronyms ("D.f.E"), contractions, possessives.
The skeleton is lossy ("will" and "whl" look alike), which is harmless: it is only ever compared with
another skeleton.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Check-box marks and the shapes Tesseract reads for empty boxes: never words of the form's wording.
BOX_GLYPHS = frozenset("☐☑☒□■▢◻◼▪▫✓✔✗✘√✅❏❑❒○●◯◻︎")
_BOX_WORDS = frozenset({"o", "0", "x", "[", "]", "lj", "lc", "oo", "[j", "[1"})
_BOX_SHAPE = re.compile(r"^[\[(|{][ _xv/\\✓✔✗✘-]?[\])|}]\.?$")  # [] [_] [x] (_) |_| {}
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "`": "'", "´": "'", "ʼ": "'", "“": '"', "”": '"',
                         "„": '"', "–": "-", "—": "-", "―": "-", "‐": "-", "‑": "-", "−": "-", "ﬁ": "fi",
                         "ﬂ": "fl", "ﬀ": "ff", "¦": "|"})
_ACRONYM = re.compile(r"(?:[a-z]\.){2,}[a-z]?|(?:[a-z]\.)[a-z]")
_CONTRACTION = re.compile(r"(?<=[a-z])n'?t$")
_IRREGULAR = {"cannot": "can not", "cant": "can not", "won't": "will not", "wont": "will not",
              "shan't": "shall not", "can't": "can not", "don't": "do not", "dont": "do not",
              "doesnt": "does not", "isnt": "is not", "arent": "are not", "didnt": "did not",
              "wouldnt": "would not", "shouldnt": "should not", "mustnt": "must not", "neednt": "need not",
              "havent": "have not", "hasnt": "has not", "wasnt": "was not", "werent": "were not"}
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_SKELETON = (("rn", "m"), ("vv", "w"), ("i", "l"), ("ll", "h"))  # "li" is how OCR often reads "h"
# two-letter words with an o or an l (i is l in the skeleton: "if" is "lf"), as OCR may misread them
_SMALL_WORDS = frozenset({"no", "on", "of", "or", "to", "so", "do", "go", "lf", "ln", "ls", "lt"})


def fold(text: str) -> str:
    """Return ``text`` lower-cased, with accents, ligatures, curly quotes and dashes made plain."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def skeleton(word: str) -> str:
    """Reduce a lower-case word to its OCR-tolerant skeleton (rn->m, vv->w, i->l, then ll->h)."""
    for old, new in _SKELETON:
        word = word.replace(old, new)
    return word


def is_box(raw: str) -> bool:
    """Say whether an OCR word is a check-box mark rather than wording."""
    stripped = raw.strip()
    return bool(stripped) and (all(c in BOX_GLYPHS for c in stripped) or stripped.lower() in _BOX_WORDS
                               or bool(_BOX_SHAPE.match(stripped.lower())))


@lru_cache(maxsize=65536)
def canon_word(raw: str) -> tuple[str, ...]:
    """Return the canonical tokens of one OCR word (none for a box mark or bare punctuation)."""
    if is_box(raw):
        return ()
    word = fold(raw).strip("'\"")
    if "|" in word and re.search(r"[a-z]", word):
        word = word.replace("|", "l")
    core = word.strip(".,;:!?()[]{}'\"*")
    if _ACRONYM.fullmatch(core):
        word = core.replace(".", "")
    if word in _IRREGULAR:
        word = _IRREGULAR[word]
    elif _CONTRACTION.search(word.rstrip(".,;:!?)")) and "'" in word:
        word = _CONTRACTION.sub(" not", word.rstrip(".,;:!?)"))
    word = re.sub(r"'s\b", "", word).replace("'", "")
    word = re.sub(r"(?<=[a-z])-(?=[a-z])", "", word)
    return tuple(_token(t) for t in _NOT_WORD.split(word) if t)


def _token(token: str) -> str:
    """Read digits inside a mostly-letter token as the letters they resemble, then skeletonise.

    A two-letter word with one letter misread ("n0", "0f", "1s") is read as a letter only when that makes
    one of the small words of running text: "b1", "y7" or "n1" stay what they are.
    """
    letters = sum(c.isalpha() for c in token)
    if letters >= 2 and letters >= len(token) - letters:
        token = token.replace("0", "o").replace("1", "l").replace("5", "s")
    elif letters == 1 and len(token) == 2:
        read = skeleton(token.replace("0", "o").replace("1", "l"))
        if read in _SMALL_WORDS:
            token = read
    return skeleton(token)


def canon_text(text: str) -> str:
    """Return the canonical tokens of a run of plain text, space-separated."""
    return " ".join(t for raw in text.split() for t in canon_word(raw))
