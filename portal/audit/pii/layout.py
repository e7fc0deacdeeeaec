"""Page geometry for detection: runs of text that map back to words, visual rows and their cells."""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from ..document import Box, Page, PiiHit, union
from ..text import lines

CELL_GAP = 1.2  # a horizontal gap wider than this many word heights starts a new cell
ROW_OVERLAP = 0.5  # share of the smaller height two words must overlap vertically to share a row


@dataclass(frozen=True)
class Run:
    """Words joined by single spaces, able to map a character range back to word indices."""

    text: str
    indices: tuple[int, ...]
    starts: tuple[int, ...]  # offset of each word's first character in ``text``

    def covering(self, start: int, end: int) -> tuple[int, ...]:
        """Return the indices of the words that overlap characters ``[start, end)``."""
        ends = self.starts[1:] + (len(self.text) + 1,)
        return tuple(i for i, s, e in zip(self.indices, self.starts, ends, strict=True)
                     if s < end and e - 1 > start)


def run(page: Page, indices: tuple[int, ...] | list[int]) -> Run:
    """Join the given words of ``page`` into a run."""
    starts, parts, offset = [], [], 0
    for i in indices:
        starts.append(offset)
        parts.append(page.words[i].text)
        offset += len(page.words[i].text) + 1
    return Run(" ".join(parts), tuple(indices), tuple(starts))


def line_runs(page: Page) -> list[Run]:
    """Return one run per OCR line, in reading order."""
    return [run(page, line.indices) for line in lines(page)]


@dataclass(frozen=True)
class Cell:
    """Words of one row that sit close together, left to right: a label, a value, a sentence."""

    indices: tuple[int, ...]
    box: Box
    text: str


@dataclass(frozen=True)
class Row:
    """Words that share a band of the page, split into cells at wide gaps."""

    cells: tuple[Cell, ...]
    box: Box
    height: int  # median word height: the row's text size

    @property
    def indices(self) -> tuple[int, ...]:
        """Return every word of the row, left to right."""
        return tuple(i for cell in self.cells for i in cell.indices)


def rows(page: Page) -> list[Row]:
    """Group a page's words into visual rows, top to bottom, regardless of OCR block order."""
    bands: list[list[int]] = []
    for i in sorted(range(len(page.words)), key=lambda i: _centre(page.words[i].box)):
        box = page.words[i].box
        best, best_overlap = None, 0.0
        for band in bands[-6:]:
            top = statistics.median(page.words[j].box[1] for j in band)
            bottom = statistics.median(page.words[j].box[3] for j in band)
            overlap = min(bottom, box[3]) - max(top, box[1])
            if overlap >= ROW_OVERLAP * min(bottom - top, box[3] - box[1]) and overlap > best_overlap:
                best, best_overlap = band, overlap
        if best is None:
            bands.append([i])
        else:
            best.append(i)
    return sorted((_row(page, band) for band in bands), key=lambda r: (r.box[1], r.box[0]))


def _centre(box: Box) -> float:
    return (box[1] + box[3]) / 2


def _row(page: Page, band: list[int]) -> Row:
    ordered = sorted(band, key=lambda i: page.words[i].box[0])
    height = int(statistics.median(page.words[i].box[3] - page.words[i].box[1] for i in ordered))
    cells: list[list[int]] = [[ordered[0]]]
    for prev, i in zip(ordered, ordered[1:], strict=False):
        if page.words[i].box[0] - page.words[prev].box[2] > CELL_GAP * max(height, 1):
            cells.append([])
        cells[-1].append(i)
    made = tuple(Cell(tuple(c), union([page.words[i].box for i in c]),
                      " ".join(page.words[i].text for i in c)) for c in cells)
    return Row(made, union([cell.box for cell in made]), height)


def hit(page: Page, type_: str, indices: list[int] | tuple[int, ...]) -> PiiHit:
    """Return a hit of ``type_`` covering the given words of ``page``."""
    ordered = tuple(sorted(set(indices)))
    return PiiHit(type_, page.number, union([page.words[i].box for i in ordered]), ordered)


def has_alnum(text: str) -> bool:
    """Tell whether ``text`` holds a letter or digit (tick boxes and rules read as "[_]", "|" do not)."""
    return any(c.isalnum() for c in text)
