"""Lines of text rebuilt from OCR words, each knowing which words and which box it came from."""
from __future__ import annotations

from dataclasses import dataclass

from .document import Box, Page, union


@dataclass(frozen=True)
class Line:
    """One printed line: its page, the indices of its words, its text and its box."""

    page: int
    indices: tuple[int, ...]
    text: str
    box: Box


def lines(page: Page) -> list[Line]:
    """Group a page's words into lines, in reading order."""
    out: list[Line] = []
    current: list[int] = []
    for i, word in enumerate(page.words):
        if current and page.words[current[-1]].line_key != word.line_key:
            out.append(_line(page, current))
            current = []
        current.append(i)
    if current:
        out.append(_line(page, current))
    return out


def _line(page: Page, indices: list[int]) -> Line:
    words = [page.words[i] for i in indices]
    return Line(page.number, tuple(indices), " ".join(w.text for w in words), union([w.box for w in words]))
