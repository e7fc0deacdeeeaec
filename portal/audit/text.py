"""Lines of text rebuilt from OCR words, each knowing which words and which box it came from."""
from __future__ import annotations

from dataclasses import dataclass

from .document import Box, Page, Word, union

# Synthetic geometry of page_from_text: A4 at 300 dpi, a monospaced 12 pt face.
_DPI = 300
_A4 = (2480, 3508)
_MARGIN = 150
_CHAR_W = 25
_LINE_H = 60
_WORD_H = 45


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


def page_from_text(text: str, number: int = 1) -> Page:
    """Build a Page from plain text: one printed line per text line, a blank line between paragraphs.

    Words get boxes as if set in a monospaced face on A4 at 300 dpi, so evidence boxes, line widths and
    paragraph breaks behave as they do for OCR output.
    """
    words: list[Word] = []
    par, line_no, y = 1, 0, _MARGIN
    for raw_line in text.splitlines():
        if not raw_line.strip():
            if line_no:
                par += 1
                line_no = 0
                y += _LINE_H
            continue
        line_no += 1
        x = _MARGIN + _CHAR_W * (len(raw_line) - len(raw_line.lstrip()))
        for token in raw_line.split():
            words.append(Word(token, (x, y, x + _CHAR_W * len(token), y + _WORD_H), 96.0, 1, par, line_no))
            x += _CHAR_W * (len(token) + 1)
        y += _LINE_H
    width = max([_A4[0]] + [w.box[2] + _MARGIN for w in words])
    return Page(number, width, max(_A4[1], y + _MARGIN), _DPI, words)
