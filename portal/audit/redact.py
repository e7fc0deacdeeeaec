"""Redaction by allow-list: rebuild each page from the form's own printed words and ruling, nothing else.

A page image is redrawn on white paper from (a) the pixels of words that OCR read with good confidence and
that look like words, unless they are personal data, (b) the form's long ruling lines, redrawn from their
pixels, and (c) its tick boxes, redrawn empty. Personal data in words become grey boxes labelled with their
type; every other mark (handwriting, ticks, signatures, stamps, photos, unreadable print) is left out and
reported as a ``handwriting``, ``signature`` or ``other`` hit. The text keeps the same words, with a typed
placeholder per hit and ``[…]`` for each run of words it could not vouch for.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .document import Box, Finding, Page, PiiHit, union
from .pii import labels
from .pii.layout import Row, rows
from .text import lines

DROPPED = "[…]"  # words read too poorly to vouch for: one marker per run, never their text
TICK_BOX = "☐"  # what OCR read in a tick box, shown empty whether it was ticked or not
MIN_CONF = 60.0  # Tesseract confidence (0-100) a word needs to count as printed wording
MIN_WORD_SHARE = 0.5  # letters and digits in a kept word, at least
PUNCTUATION = {"-", "–", "—", "/", "&", "(", ")", ":", ";", ",", "•", "*", "+", "=", "%", "?", "!"}
TALLEST = 3.0  # a word taller than this many times the page's median word is no printed wording
CHAR_WIDTH = (0.12, 1.6)  # a word's width per character, in word heights
PAD = 2  # pixels around a kept word's box
ANSWER_WORDS = 8  # an answer beside a label is this short; a longer cell is a notice's table, printed
PAPER = 255
INK = 160  # darker than this, relative to the paper around it, is a mark
PLACEHOLDER_FILL = 200
PLACEHOLDER_INK = 80


@dataclass(frozen=True)
class Redaction:
    """What may leave the engine: page images, text with placeholders, and where personal data was."""

    images: list[Image.Image]
    text: str
    hits: list[PiiHit]
    tokens: dict[int, tuple[tuple[str, int], ...]] = dataclasses.field(repr=False)  # page -> per word

    def quote(self, finding: Finding) -> Finding:
        """Return ``finding`` with its evidence set to the redacted words of its span, None without one."""
        if finding.span is None:
            return dataclasses.replace(finding, evidence=None)
        tokens = self.tokens.get(finding.span.page, ())
        return dataclasses.replace(finding, evidence=_render(tokens[finding.span.start:finding.span.end]))


def redact(pages: Sequence[Page], images: Sequence[Image.Image], hits: Sequence[PiiHit]) -> Redaction:
    """Redact every page: new images from pixels, allow-listed text, and all hits including removed marks."""
    out_images, texts, out_hits, tokens = [], [], [], {}
    for page, image in zip(pages, images, strict=True):
        page_hits = [h for h in hits if h.page == page.number]
        redacted, page_tokens, found = _page(page, image, page_hits)
        out_images.append(redacted)
        tokens[page.number] = page_tokens
        out_hits.extend(found)
        texts.append("\n".join(_lines(page, page_tokens)))
    return Redaction(out_images, "\f".join(texts), out_hits, tokens)


# ---------------------------------------------------------------- text

KEPT = -1
GONE = 0


def placeholder(type_: str) -> str:
    """Return the text that stands for personal data of ``type_``: ``[NAME]``, ``[DATE_OF_BIRTH]``…"""
    return f"[{type_.upper()}]"


def _render(tokens: Sequence[tuple[str, int]]) -> str:
    """Join tokens, one placeholder per run of words from the same hit and one marker per dropped run."""
    out: list[str] = []
    previous = KEPT
    for text, group in tokens:
        if group == KEPT or group != previous:
            out.append(text)
        previous = group
    return " ".join(out)


def _lines(page: Page, tokens: tuple[tuple[str, int], ...]) -> list[str]:
    """Render a page's OCR lines, leaving out a line of nothing but a marker right after another."""
    out: list[str] = []
    for line in lines(page):
        rendered = _render([tokens[i] for i in line.indices])
        if not (rendered == DROPPED and out and out[-1] == DROPPED):
            out.append(rendered)
    return out


def _tokens(page: Page, hits: list[PiiHit], regions: list[list[Box]], kept: set[int],
            boxed: set[int]) -> tuple[tuple[str, int], ...]:
    """Decide each word's rendering: its text when kept, its hit's placeholder, an empty box, or a marker."""
    owner: dict[int, int] = {}
    for k, h in enumerate(hits):
        for i in h.words:
            owner.setdefault(i, k)
    for k, hit_regions in enumerate(regions):  # what else OCR read there: handwriting read twice, a signature
        for i, w in enumerate(page.words):
            if any(_inside(w.box, region) for region in hit_regions):
                owner.setdefault(i, k)
    out = []
    for i, word in enumerate(page.words):
        if i in owner:
            out.append((placeholder(hits[owner[i]].type), owner[i] + 1))
        elif i in kept:
            out.append((word.text, KEPT))
        elif i in boxed:
            out.append((TICK_BOX, KEPT))
        else:
            out.append((DROPPED, GONE))
    return tuple(out)


# ---------------------------------------------------------------- words

def _inside(box: Box, region: Box, share: float = 0.5) -> bool:
    """Tell whether at least ``share`` of ``box`` lies within ``region``."""
    w = min(box[2], region[2]) - max(box[0], region[0])
    h = min(box[3], region[3]) - max(box[1], region[1])
    area = max(1, (box[2] - box[0]) * (box[3] - box[1]))
    return w > 0 and h > 0 and w * h >= share * area


def _printed(page: Page, blocked: list[Box]) -> set[int]:
    """Return the words that look like the form's own printed wording and lie in no blocked region."""
    heights = sorted(w.box[3] - w.box[1] for w in page.words if any(c.isalnum() for c in w.text))
    median = heights[len(heights) // 2] if heights else 1
    return {i for i, w in enumerate(page.words) if _word_shaped(w.text, w.box, w.conf, median)
            and not any(_inside(w.box, b, 0.3) for b in blocked)}


def _word_shaped(text: str, box: Box, conf: float, median_height: int) -> bool:
    """Tell whether an OCR word is read well enough, and shaped enough like print, to keep."""
    text = text.strip()
    if conf < MIN_CONF or not text:
        return False
    alnum = sum(c.isalnum() for c in text)
    if alnum == 0:
        return text in PUNCTUATION
    width, height = box[2] - box[0], box[3] - box[1]
    per_char = width / len(text) / max(height, 1)
    return (alnum / len(text) >= MIN_WORD_SHARE and height <= TALLEST * median_height
            and CHAR_WIDTH[0] <= per_char <= CHAR_WIDTH[1])


def _beside_labels(page: Page, boxes: list[Box]) -> set[int]:
    """Return the words that stand where a form's answers go: in the cells right of a row's first, label cell.

    Whatever the label, known or not, what is written beside it is the family's answer, however well OCR
    read it (handwriting is sometimes read with good confidence); a form's wording there is limited to
    further labels, the captions of tick boxes, and cells longer than an answer (a notice's table).
    """
    out: set[int] = set()
    for row in rows(page):
        cells = [c for c in row.cells if not _captioned(page, c.indices[0], boxes, row)]
        if len(cells) < 2 or cells[0] is not row.cells[0] or not _label_like(cells[0].text):
            continue
        for cell in cells[1:]:
            if len(cell.indices) <= ANSWER_WORDS and not (labels.kind(cell.text) or cell.text.endswith(":")):
                out.update(cell.indices)
    return out


def _label_like(text: str) -> bool:
    """Tell whether a row's first cell reads like a label: a few words from a letter on, no sentence."""
    words = text.split()
    return len(words) <= labels.MAX_WORDS and text[:1].isalpha() and not text.endswith((".", "!", "?"))


def _captioned(page: Page, first: int, boxes: list[Box], row: Row) -> bool:
    """Tell whether a cell is a tick box's caption: its first word is the box, or starts just right of one."""
    word = page.words[first].box
    for box in boxes:
        if _inside(word, box, 0.3) or (box[1] < word[3] and word[1] < box[3]
                                        and 0 <= word[0] - box[2] <= 2 * row.height):
            return True
    return False


# ---------------------------------------------------------------- images

def _mm(page: Page, mm: float) -> int:
    """Return ``mm`` millimetres in pixels of the page."""
    return max(1, round(mm * (page.dpi or 300) / 25.4))


def _page(page: Page, image: Image.Image,
          hits: list[PiiHit]) -> tuple[Image.Image, tuple[tuple[str, int], ...], list[PiiHit]]:
    """Redact one page: return its new image, its word tokens and its hits (with the marks removed)."""
    # see: paper-relative ink, the form's ruling and its tick boxes
    grey = np.asarray(image.convert("L"))
    flat = _flatten(grey, _mm(page, 1.3) | 1)
    ink = flat < INK
    ruling = _ruling(ink, _mm(page, 6))
    boxes = _tick_boxes(ink & ~ruling, page)
    # decide: a signature region counts where someone signed; printed words outside every hit are kept
    hits = [h for h in hits if h.words or h.type != "signature" or _has_marks(ink & ~ruling, h.box, page)]
    regions = [_regions(page, h) for h in hits]
    kept = _printed(page, [r for rs in regions for r in rs] + boxes) - {i for h in hits for i in h.words}
    kept -= _beside_labels(page, boxes)
    boxed = {i for i, w in enumerate(page.words) if any(_inside(w.box, b, 0.3) for b in boxes)}
    tokens = _tokens(page, hits, regions, kept, boxed)
    # draw: kept words from their pixels, placeholders, then ruling and empty tick boxes on top
    word_boxes = [_clip(_pad(page.words[i].box, PAD), grey.shape) for i in kept]
    canvas = np.full(grey.shape, PAPER, np.uint8)
    for x0, y0, x1, y1 in word_boxes:
        canvas[y0:y1, x0:x1] = np.where(flat[y0:y1, x0:x1] < 235, flat[y0:y1, x0:x1], PAPER)
    drawn = Image.fromarray(canvas, "L")
    for h, hit_regions in zip(hits, regions, strict=True):
        for region in hit_regions:
            _placeholder(drawn, _clip(region, grey.shape), h.type)
    canvas = np.array(drawn)
    canvas[ruling] = 0
    for x0, y0, x1, y1 in boxes:
        cv2.rectangle(canvas, (x0, y0), (x1 - 1, y1 - 1), 0, _mm(page, 0.25))
    # report: every other mark, as a few regions
    accounted = _mask(grey.shape, word_boxes + [_clip(r, grey.shape) for rs in regions for r in rs])
    for x0, y0, x1, y1 in boxes:  # the outline only: a tick inside is a mark removed
        inner = 2 * _mm(page, 0.25)
        accounted[y0:y1, x0:x1] = True
        accounted[y0 + inner:y1 - inner, x0 + inner:x1 - inner] = False
    near_ruling = cv2.dilate(ruling.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    return Image.fromarray(canvas, "L"), tokens, hits + _marks(page, ink & ~near_ruling & ~accounted)


def _mask(shape: tuple[int, ...], boxes: list[Box]) -> np.ndarray:
    """Return a mask of the given boxes."""
    mask = np.zeros(shape[:2], bool)
    for x0, y0, x1, y1 in boxes:
        mask[y0:y1, x0:x1] = True
    return mask


def _flatten(grey: np.ndarray, size: int) -> np.ndarray:
    """Divide out the paper's shading (phone photos, shadows): paper becomes 255, ink stays dark."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    paper = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, kernel)
    paper = cv2.GaussianBlur(paper, (0, 0), size / 2)
    flat = grey.astype(np.float32) * 255.0 / np.maximum(paper.astype(np.float32), 1.0)
    return np.clip(flat, 0, 255).astype(np.uint8)


def _ruling(ink: np.ndarray, length: int) -> np.ndarray:
    """Return the pixels of long straight horizontal and vertical lines: the form's ruling and boxes."""
    mask = ink.astype(np.uint8)
    horizontal = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((1, length), np.uint8)).astype(bool)
    vertical = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8)).astype(bool)
    return horizontal | vertical


def _tick_boxes(ink: np.ndarray, page: Page) -> list[Box]:
    """Return the boxes of small squares outlined on all four sides: tick boxes, ticked or not.

    A tick or cross may run into the outline, so the square is found from its straight edges alone: the
    longest horizontal runs give its top and bottom, the vertical runs between them its sides. Its corners
    are inked and its edges thin, which tells it from a bold letter "o" or "D".
    """
    smallest, largest = _mm(page, 2.5), _mm(page, 8)
    edge = max(3, int(smallest * 0.8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    found = []
    for x, y, w, h, _area in stats[1:count]:
        if not (smallest <= w <= 2 * largest and smallest <= h <= 2 * largest):
            continue
        patch = ink[y:y + h, x:x + w].astype(np.uint8)
        across = cv2.morphologyEx(patch, cv2.MORPH_OPEN, np.ones((1, edge), np.uint8)).sum(axis=1)
        if across.max() < smallest:
            continue
        rows = np.nonzero(across >= 0.8 * across.max())[0]
        top, bottom = int(rows.min()), int(rows.max()) + 1
        down = cv2.morphologyEx(patch[top:bottom], cv2.MORPH_OPEN, np.ones((edge, 1), np.uint8)).sum(axis=0)
        cols = np.nonzero(down >= 0.8 * (bottom - top))[0]
        if cols.size == 0:
            continue
        left, right = int(cols.min()), int(cols.max()) + 1
        side_w, side_h = right - left, bottom - top
        if not (smallest <= min(side_w, side_h) and max(side_w, side_h) <= largest
                and 0.75 <= side_w / side_h <= 1.33 and min(across[top], across[bottom - 1]) >= 0.8 * side_w):
            continue
        thickness = int(max((rows < top + side_h // 4).sum(), (cols < left + side_w // 4).sum()))
        corner = max(2, thickness)
        corners = (patch[top:top + corner, left:left + corner], patch[top:top + corner, right - corner:right],
                   patch[bottom - corner:bottom, left:left + corner],
                   patch[bottom - corner:bottom, right - corner:right])
        if thickness <= 0.2 * min(side_w, side_h) and all(c.any() for c in corners):
            found.append((int(x + left), int(y + top), int(x + right), int(y + bottom)))
    return found


def _has_marks(ink: np.ndarray, box: Box, page: Page) -> bool:
    """Tell whether ``box`` holds more than a few specks of ink."""
    x0, y0, x1, y1 = _clip(box, ink.shape)
    return int(ink[y0:y1, x0:x1].sum()) >= 4 * _mm(page, 1) ** 2


def _pad(box: Box, pad: int) -> Box:
    return (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)


def _clip(box: Box, shape: tuple[int, ...]) -> Box:
    return (max(0, box[0]), max(0, box[1]), min(shape[1], box[2]), min(shape[0], box[3]))


def _regions(page: Page, hit: PiiHit) -> list[Box]:
    """Return the boxes to grey out for a hit: one per OCR line of its words, or its own box."""
    if not hit.words:
        return [hit.box]
    by_line: dict[tuple[int, int, int], list[Box]] = {}
    for i in hit.words:
        by_line.setdefault(page.words[i].line_key, []).append(page.words[i].box)
    return _merge([_pad(union(boxes), PAD + 2) for boxes in by_line.values()])


def _placeholder(canvas: Image.Image, box: Box, type_: str) -> None:
    """Grey out ``box`` on ``canvas`` and name the type of data that was there."""
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=PLACEHOLDER_FILL)
    label = type_.replace("_", " ").upper()
    height = box[3] - box[1]
    size = int(height * 0.6)
    while size >= 8:
        font = ImageFont.load_default(size)
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
        if right - left <= box[2] - box[0] - 4:
            draw.text((box[0] + (box[2] - box[0] - right + left) / 2 - left,
                       box[1] + (height - bottom + top) / 2 - top), label, font=font, fill=PLACEHOLDER_INK)
            return
        size -= 2


def _marks(page: Page, removed: np.ndarray) -> list[PiiHit]:
    """Report the marks left out of the page as a few regions: ``handwriting``, or ``other`` when dense."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(removed.astype(np.uint8), connectivity=8)
    speck = _mm(page, 0.5) ** 2
    marks = np.isin(labels, [k for k in range(1, count) if stats[k, cv2.CC_STAT_AREA] >= speck])
    if not marks.any():
        return []
    grouped = cv2.dilate(marks.astype(np.uint8), np.ones((_mm(page, 2), _mm(page, 4)), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(grouped, connectivity=8)
    regions = _merge([(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h, _ in stats[1:count]])
    out = []
    for box in regions:
        x0, y0, x1, y1 = box
        density = marks[y0:y1, x0:x1].mean()
        dense = density > 0.35 or (y1 - y0) > _mm(page, 40)
        out.append(PiiHit("other" if dense else "handwriting", page.number, box, ()))
    return out


def _merge(boxes: list[Box]) -> list[Box]:
    """Merge overlapping boxes until none overlap."""
    merged = True
    while merged:
        merged = False
        out: list[Box] = []
        for box in boxes:
            for k, other in enumerate(out):
                if box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]:
                    out[k] = union([box, other])
                    merged = True
                    break
            else:
                out.append(box)
        boxes = out
    return boxes
