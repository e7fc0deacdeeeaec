"""Values filled into a form's fields: right of their label, under it, and on the lines that continue them."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Box, Page, PiiHit, union
from . import labels
from .layout import Row, has_alnum, hit

# printed answers beside a field: tick-box captions, not values
OPTIONS = (("refused",), ("not", "yet", "obtained"), ("not", "known"), ("prefer", "not", "to", "say"),
           ("do", "not", "wish", "to", "say"), ("yes",), ("no",), ("none",), ("n a",))
CONTINUATION_ROWS = 5  # lines a value may run on for (addresses)
CONTINUATION_GAP = 2.5  # most text heights between one line of a value and the next
INDENT_TOLERANCE = 2.0  # text heights a value written under its label may start left of the label
BELOW_WORDS = 6  # a value written under its label is short
NOT_BELOW = ("other", "signature")  # labels whose empty row says nothing about the line under them
SENTENCE_WORDS = 4  # words after an unknown "Label:" that make it a sentence ("Note: …"), not a field


@dataclass
class Field:
    """A label on a row, the type of value it asks for, and the words of that value to its right."""

    type: str
    label: tuple[int, ...]
    box: Box
    value: list[int] = field(default_factory=list)


def find(page: Page, rows: list[Row]) -> list[PiiHit]:
    """Find values by the label of the field they fill."""
    hits = []
    for r, row in enumerate(rows):
        for found in parse(page, row):
            if found.type == "signature":
                continue  # a signature is an image region, found in signature.py
            value = _answer(page, found.value)
            # a value's next line starts right of its label; a value under its label, near the label's start
            anchor = found.box[2] if value else found.box[0] - int(INDENT_TOLERANCE * row.height)
            value += _continued(page, rows, r, anchor, below=not value, type_=found.type)
            if value:
                hits.append(hit(page, found.type, value))
    return hits


def parse(page: Page, row: Row) -> list[Field]:
    """Return the labels of a row, left to right, each with the words that follow it up to the next label."""
    fields: list[Field] = []
    for cell in row.cells:
        whole = labels.kind(cell.text) if not cell.text.endswith(":") else None
        if whole:
            fields.append(_field(page, whole, cell.indices))
            continue
        start = 0
        for k, i in enumerate(cell.indices):
            if not page.words[i].text.endswith(":"):
                continue
            best = _label_before(page, cell.indices[start:k + 1])
            if best is None:
                continue
            if fields:
                fields[-1].value.extend(cell.indices[start:k + 1 - len(best[1])])
            fields.append(_field(page, best[0], best[1]))
            start = k + 1
        if fields:
            fields[-1].value.extend(cell.indices[start:])
    return [f for f in fields if f.type != "other" or len(f.label) > 1 or len(f.value) < SENTENCE_WORDS
            or labels.kind(" ".join(page.words[i].text for i in f.label).rstrip(":"))]


def _field(page: Page, type_: str, label: tuple[int, ...]) -> Field:
    return Field(type_, label, union([page.words[i].box for i in label]))


def _label_before(page: Page, indices: tuple[int, ...]) -> tuple[str, tuple[int, ...]] | None:
    """Return the type and words of the label that ends at the last of ``indices`` (a word ending in ":").

    The label reaches left over words that labels are made of, so "Name of parent or carer:" is one label
    and "scribble Date:" is the label "Date:" after a scribble.
    """
    start = len(indices) - 1
    while (start > 0 and len(indices) - start < labels.MAX_WORDS
           and labels.label_word(page.words[indices[start - 1]].text)):
        start -= 1
    words = indices[start:]
    type_ = labels.kind(" ".join(page.words[i].text for i in words))
    return (type_, words) if type_ else None


def _answer(page: Page, indices: list[int]) -> list[int]:
    """Drop tick-box glyphs and printed option captions from a value's words, keeping what was filled in."""
    kept = [i for i in indices if has_alnum(page.words[i].text)]
    tokens = [labels.normalise(page.words[i].text) for i in kept]
    out, k = [], 0
    while k < len(kept):
        option = next((o for o in OPTIONS if tuple(tokens[k:k + len(o)]) == o), None)
        if option:
            k += len(option)
            continue
        out.append(kept[k])
        k += 1
    return out


def _continued(page: Page, rows: list[Row], r: int, anchor: int, below: bool, type_: str) -> list[int]:
    """Return the words on the rows under row ``r`` that continue its value (or hold it, when ``below``)."""
    if below and type_ in NOT_BELOW:
        return []
    words: list[int] = []
    bottom, height = rows[r].box[3], rows[r].height
    for row in rows[r + 1:r + 1 + (CONTINUATION_ROWS if type_ == "address" or not below else 1)]:
        if row.box[1] - bottom > CONTINUATION_GAP * height or row.box[0] < anchor:
            break
        if parse(page, row) or not has_alnum(page.words[row.indices[0]].text):
            break  # the next field, or a line of tick boxes
        if below and len(row.indices) > BELOW_WORDS:
            break
        words.extend(row.indices)
        bottom = row.box[3]
    return words
