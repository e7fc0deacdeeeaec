"""Field labels of census forms and the kind of personal data the value beside them holds."""
from __future__ import annotations

import re

from rapidfuzz import fuzz, process

MAX_WORDS = 6
MAX_CHARS = 48

# (type, phrases): the first phrase found in a label decides its type, so the order matters:
# "email address" is an email, "country of birth" is no date of birth, "unique pupil number" no name.
_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("signature", ("signed", "signature", "sign here", "sign")),
    ("other", ("country of birth", "place of birth", "town of birth", "birth country", "birth place",
               "birthplace")),
    ("date_of_birth", ("date of birth", "dob", "d o b", "birth date", "birthdate", "born", "birthday")),
    ("upn", ("unique pupil number", "pupil number", "upn")),
    ("uln", ("unique learner number", "learner number", "uln")),
    ("nhs_number", ("nhs number", "nhs no", "nhs")),
    ("postcode", ("postcode", "post code", "postal code")),
    ("email", ("email", "e mail")),
    ("address", ("address",)),
    ("phone", ("telephone", "phone", "tel", "mobile", "contact number", "daytime number", "home number",
               "work number")),
    ("school", ("previous school", "current school", "school name", "name of school", "nursery attended",
                "previous nursery", "previous setting")),
    ("name", ("name", "names", "surname", "forename", "forenames", "first name", "middle name", "last name",
              "family name", "given name", "known as", "parent", "carer", "guardian", "mother", "father",
              "child", "pupil", "student", "emergency contact", "contact", "doctor", "gp", "sibling",
              "siblings", "brother", "sister", "next of kin")),
    ("other", ("nationality", "ethnicity", "ethnic", "language", "languages", "religion", "faith", "gender",
               "sex", "date", "year group", "class", "tutor group", "relationship", "occupation", "medical",
               "allergies", "allergy", "dietary", "medication", "condition", "conditions", "age",
               "country", "place", "town", "village", "city", "county")),
)
# words that join a label's keywords: "Name of parent or carer", "Child's legal surname"
_JOINING = {"of", "or", "and", "the", "your", "child", "childs", "s", "in", "full", "print", "legal", "home",
            "current", "previous", "preferred", "main", "other", "please", "block", "capitals", "by", "first",
            "second", "1", "2", "3", "line", "no", "number", "here", "details", "if", "any", "to"}
VOCABULARY = {w for _, phrases in _KINDS for phrase in phrases for w in phrase.split()} | _JOINING
_FUZZY_MIN_CHARS = 6  # words this long may carry one OCR slip after their first letter and still match
_KEYWORDS = sorted({w for _, phrases in _KINDS for phrase in phrases for w in phrase.split()
                    if len(w) >= _FUZZY_MIN_CHARS})


def normalise(text: str) -> str:
    """Lower-case ``text``, drop "(s)" plurals and punctuation, and squeeze spaces."""
    text = re.sub(r"\(s\)", "", text.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _spell(words: list[str]) -> str:
    """Replace words that are one OCR slip from a label keyword with that keyword."""
    out = []
    for word in words:
        if len(word) >= _FUZZY_MIN_CHARS and word not in _KEYWORDS:
            same_start = [k for k in _KEYWORDS if k[0] == word[0]]
            match = process.extractOne(word, same_start, scorer=fuzz.ratio, score_cutoff=80)
            word = match[0] if match else word
        out.append(word)
    return " ".join(out)


def kind(text: str) -> str | None:
    """Return the type of value a label holds, or None when ``text`` is no field label."""
    found = ranked(text)
    return found[1] if found else None


def ranked(text: str) -> tuple[int, str] | None:
    """Return the rank (lower wins) and type of a label, or None when ``text`` is no field label.

    A label is short, does not start with a section number, does not end a sentence, holds no colon but a
    final one, and names a field; a colon alone makes a label of unknown kind, ``other``, ranked last.
    """
    stripped = text.strip()
    words = normalise(stripped).split()
    if (not words or len(words) > MAX_WORDS or len(stripped) > MAX_CHARS
            or sum(map(str.isdigit, stripped)) > 1 or not stripped.lstrip("('\"‘“")[:1].isalpha()
            or stripped.endswith(".") or ":" in stripped[:-1]):
        return None
    padded = f" {_spell(words)} "
    for rank, (found, phrases) in enumerate(_KINDS):
        if any(f" {phrase} " in padded for phrase in phrases):
            return rank, found
    return (len(_KINDS), "other") if stripped.endswith(":") else None


def label_word(word: str) -> bool:
    """Tell whether ``word`` can be part of a label: a keyword or a word that joins keywords."""
    tokens = _spell(normalise(word).split()).split()
    return bool(tokens) and all(t in VOCABULARY for t in tokens)
