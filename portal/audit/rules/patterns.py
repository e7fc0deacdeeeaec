"""Compile the catalogue's phrasings into regular expressions over canonical text.

A phrasing is plain English with a little notation:

- a space matches one space or none, so "we collect" also finds the joined OCR word "Wecollect";
- ``word*`` matches any word starting with ``word`` ("retain*" finds retain, retained, retains);
- ``~`` skips up to three words, ``~N`` up to N ("share ~ with" finds "share your data with"), but never
  a negation: "will ~3 share" does not find "will not share";
- ``( | )`` and ``?`` group and make optional, as in regular expressions;
- ``@name`` stands for the shared term of that name ("(@dfe|@la)").

Literal letters go through the same OCR skeleton as the text, so phrasings are written in plain spelling.
A phrasing given as ``{raw: ...}`` is a plain regular expression over the lower-cased text instead (for
e-mail addresses, phone numbers and postcodes, whose digits must not be read as letters).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .canon import canon_text, fold, skeleton

_LETTERS = re.compile(r"(?<!\\)[a-z]+")
_STEM = re.compile(r"(?<=[a-z])\*")
_GAP = re.compile(r" *~(\d*) *")
_WORD = re.compile(r"(?<![a-z\\])[a-z]{5,}(?=$|[ )|?])")
_PLAIN = re.compile(r"[a-z0-9* ]+")
_REF = re.compile(r"@([a-z_]+)")
_NOT_NEGATION = "(?!(?:not|no|never|nor|wlthout|none|nothlng)(?![a-z0-9]))"  # skeleton spellings


class PatternError(ValueError):
    """A phrasing that does not compile, or does not match its own plain wording."""


@dataclass(frozen=True)
class Term:
    """A set of phrasings compiled into one regular expression, over canonical or raw text."""

    phrasings: tuple[str, ...]
    regex: re.Pattern[str]  # canonical terms: matches " " + phrasing, text is searched as " tok tok tok"
    raw: bool = False
    body: str = ""  # the bare alternation, for embedding as @name in another phrasing
    name: str = ""  # the shared term's name, when it has one

    @property
    def label(self) -> str:
        """Name the term for explanations: its shared name, or its first phrasing."""
        return f"@{self.name}" if self.name else self.phrasings[0]


def to_regex(phrasing: str, refs: Mapping[str, Term] | None = None) -> str:
    """Translate one phrasing into a regular expression over canonical text (``refs`` resolve ``@name``)."""
    used: list[Term] = []

    def ref(match: re.Match[str]) -> str:
        name = match.group(1)
        if refs is None or name not in refs or refs[name].raw:
            raise PatternError(f"unknown or raw term @{name} inside {phrasing!r}")
        used.append(refs[name])
        return f"\x01{len(used) - 1}\x01"

    text = _REF.sub(ref, fold(phrasing.strip()))
    text = _LETTERS.sub(lambda m: skeleton(m.group()), text)
    text = _STEM.sub("[a-z]*", text)
    gaps: list[str] = []

    def gap(match: re.Match[str]) -> str:
        gaps.append(match.group(1) or "3")
        return "\x00"

    text = _GAP.sub(gap, text).replace(" ", " ?")
    for words in gaps:
        text = text.replace("\x00", f"(?: {_NOT_NEGATION}[^ \\n]+){{0,{words}}} ?", 1)
    for n, term in enumerate(used):
        text = text.replace(f"\x01{n}\x01", f"(?:{term.body})")
    return text


def compile_term(phrasings: tuple[str, ...], raw: bool = False,
                 refs: Mapping[str, Term] | None = None) -> Term:
    """Compile phrasings into one Term; raise PatternError naming a phrasing that is broken."""
    parts = []
    for phrasing in phrasings:
        try:
            part = phrasing if raw else to_regex(phrasing, refs)
            re.compile(part)
        except re.error as e:
            raise PatternError(f"phrasing {phrasing!r} does not compile: {e}") from e
        whole = f"(?<![a-z0-9])(?:{part})(?![a-z0-9])"
        plain = canon_text(phrasing.replace("*", ""))
        if not raw and _PLAIN.fullmatch(fold(phrasing)) and not re.search(whole, plain):
            raise PatternError(f"phrasing {phrasing!r} does not match its own wording")
        parts.append(part)
    body = "|".join(parts)
    # A canonical phrasing starts at a token: searching " " + tokens, a leading space is that boundary (and
    # a literal first character lets the regex engine skip ahead quickly).
    return Term(phrasings, re.compile(body if raw else f" (?:{body})(?![a-z0-9])"), raw, body)


def lexicon_words(phrasing: str) -> set[str]:
    """Return the whole words (five letters or more) a phrasing spells out, in canonical form."""
    text = _LETTERS.sub(lambda m: skeleton(m.group()), fold(phrasing))
    return {m.group() for m in _WORD.finditer(text) if not text[m.end():m.end() + 1] == "*"}
