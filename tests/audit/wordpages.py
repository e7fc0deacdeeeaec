"""Pages of OCR words laid out by hand, for detection and redaction tests without Tesseract."""
from __future__ import annotations

from portal.audit.document import Page, Word

CELL = "||"  # in a row, separates cells that stand far apart, as a label and the value beside it
LEFT, TOP, ROW_STEP, HEIGHT, CELL_STEP, GAP, CHAR = 200, 150, 70, 30, 700, 15, 18


def page(*rows: str, number: int = 1, conf: dict[str, float] | None = None,
         size: tuple[int, int] = (2480, 3508), dpi: int = 300) -> Page:
    """Return a page whose rows of words read as given; each row is one OCR line.

    ``conf`` sets the confidence of words by their text (95 otherwise).
    """
    words: list[Word] = []
    for r, row in enumerate(rows):
        top = TOP + r * ROW_STEP
        for c, cell in enumerate(row.split(CELL)):
            x = LEFT + c * CELL_STEP
            for text in cell.split():
                width = CHAR * len(text)
                words.append(Word(text, (x, top, x + width, top + HEIGHT), (conf or {}).get(text, 95.0),
                                  block=r + 1, par=1, line=1))
                x += width + GAP
    return Page(number, size[0], size[1], dpi, words)


def texts(p: Page, indices: tuple[int, ...]) -> str:
    """Return the words at ``indices`` joined by spaces."""
    return " ".join(p.words[i].text for i in indices)
