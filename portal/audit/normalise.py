"""Prepare a page for OCR: greyscale, page flattened, turned upright, deskewed, lit evenly, rescaled.

Every decision is taken on a small copy of the page (cheap); the full-size image is touched only by the steps
a page needs, so a clean 300 dpi scan passes through almost untouched.
"""
from __future__ import annotations

import logging
import math
import re
import tempfile
from dataclasses import dataclass

import cv2
import numpy as np
import pytesseract
from PIL import Image

from .errors import OcrFailed
from .ingest import SourcePage
from .ocr import page_file, run

log = logging.getLogger(__name__)

TARGET_DPI = 300  # body text at about 300 dpi is where Tesseract reads best
KEEP_DPI = (240, 420)  # pages already in this range are not resampled
A4 = (210 / 25.4, 297 / 25.4)  # inches
PAGE_SIZES = (A4, (8.5, 11.0))  # A4 and US Letter, short side first
SMALL_SIDE = 1400  # longest side of the analysis copy
LINE_HEIGHT_300 = 36.0  # median printed-line height (ascender to descender) at 300 dpi, in pixels
OSD_TIMEOUT = 20.0
MIN_SKEW = 0.2  # degrees: less than this is left alone
PAGE_INSET = 0.008  # share of the way to the page's centre that found page corners move in
QUARTER_TURNS = {1: Image.Transpose.ROTATE_90, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_270}


@dataclass(frozen=True)
class Layout:
    """What the small copy says about a page: its lines' direction, skew, orientation and text size."""

    turns: int  # quarter turns counter-clockwise that make the page upright
    skew: float  # degrees counter-clockwise to rotate (after the turns) so lines are level
    line_height: float | None  # median printed-line height in pixels of the full image, upright
    sure: bool  # whether the orientation evidence is strong


def normalise(source: SourcePage) -> tuple[Image.Image, int]:
    """Return the page as a greyscale image ready for OCR and the DPI to tell the OCR engine."""
    image = source.image if source.image.mode == "L" else source.image.convert("L")
    if source.words is not None:  # a PDF text layer: its word boxes fix the geometry
        return image, source.dpi or TARGET_DPI

    # find the page: a photo of a sheet on a table is flattened to A4 at 300 dpi
    small, factor = _small(image)
    page = _find_page(image, small, factor)
    if page is not None:
        image, dpi = page, TARGET_DPI
        small, factor = _small(image)
    # light: divide by the paper's brightness where it is uneven (lamps, shadows)
    background = _background(small)
    if _uneven(background):
        image = _flatten_light(image, background)
        small, factor = _small(image)
        background = _background(small)
    # layout: line direction, skew, orientation (Tesseract's OSD confirms a turn) and text size
    layout = _layout(_ink(small, background), factor)
    turns = _confirm_turns(image, layout)
    if page is None:
        dpi = _estimate_dpi(image.size, source.dpi, layout.line_height)
    # geometry: quarter turns, then skew and scale in as few resamplings as possible
    if turns:
        image = image.transpose(QUARTER_TURNS[turns])
    scale = TARGET_DPI / dpi if not KEEP_DPI[0] <= dpi <= KEEP_DPI[1] else 1.0
    if abs(layout.skew) >= MIN_SKEW or scale != 1.0:
        image = _rotate_scale(image, layout.skew, scale)
        dpi = round(dpi * scale)
    log.info("normalised: page found %s, turns %d, skew %.2f, scale %.2f, dpi %d",
             page is not None, turns, layout.skew, scale, dpi)
    return image, dpi


def _small(image: Image.Image) -> tuple[np.ndarray, float]:
    """Return the analysis copy, shrunk by a whole factor by averaging, and its scale."""
    step = math.ceil(max(image.size) / SMALL_SIDE)
    return np.asarray(image.reduce(step) if step > 1 else image), 1 / step


def _background(small: np.ndarray) -> np.ndarray:
    """Estimate the paper's brightness everywhere: ink removed by a grey dilation, then smoothed."""
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (11, 11)))
    tiny = cv2.resize(paper, (max(1, small.shape[1] // 8), max(1, small.shape[0] // 8)),
                      interpolation=cv2.INTER_AREA)
    tiny = cv2.GaussianBlur(cv2.medianBlur(tiny, 5), (0, 0), 1.5)
    return cv2.resize(tiny.astype(np.float32), (small.shape[1], small.shape[0]),
                      interpolation=cv2.INTER_LINEAR) + 1.0  # never zero: images are divided by it


def _uneven(background: np.ndarray) -> bool:
    """Tell whether the lighting varies enough over the page to need flattening."""
    low, high = np.percentile(background[::4, ::4], (3, 97))
    return bool(low < 0.8 * high)


def _flatten_light(image: Image.Image, background: np.ndarray) -> Image.Image:
    """Divide the full image by the upscaled background estimate, so paper becomes white."""
    paper = np.clip(background, 1, 255).astype(np.uint8)
    full = cv2.resize(paper, image.size, interpolation=cv2.INTER_LINEAR)
    # 8 bits throughout: a 12 MP photo stays small in memory
    return Image.fromarray(cv2.divide(np.asarray(image), full, scale=255.0))


def _ink(small: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Return a 0/1 mask of the dark marks on the paper of the analysis copy."""
    return (small.astype(np.float32) < 0.72 * background).astype(np.uint8)


# ---------------------------------------------------------------- page and perspective
def _find_page(image: Image.Image, small: np.ndarray, factor: float) -> Image.Image | None:
    """Find a sheet photographed on a contrasting background and return it flattened to A4 at 300 dpi."""
    if not _dark_border(small):  # a scan: the page fills the image
        return None
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    edges = cv2.dilate(cv2.Canny(blurred, 30, 90), np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float32)
    area = small.shape[0] * small.shape[1]
    if len(quad) != 4 or not 0.2 * area < cv2.contourArea(quad) < 0.95 * area:
        return None
    if not _brighter_inside(blurred, quad):
        return None
    corners = _order(quad) / factor
    # Pull the corners in by a hair: the edge found on the small copy may include a sliver of table.
    corners = corners + (corners.mean(axis=0) - corners) * PAGE_INSET
    top, left = np.linalg.norm(corners[1] - corners[0]), np.linalg.norm(corners[3] - corners[0])
    width, height = (round(A4[0] * TARGET_DPI), round(A4[1] * TARGET_DPI))
    if top > left:  # the sheet lies sideways in the photo; orientation is settled later
        width, height = height, width
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return Image.fromarray(cv2.warpPerspective(np.asarray(image), matrix, (width, height),
                                               flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))


def _dark_border(small: np.ndarray) -> bool:
    """Tell whether the image's edges are darker than its paper, as a table around a photographed page is."""
    edge = max(2, min(small.shape) // 50)
    border = np.concatenate([small[:edge].ravel(), small[-edge:].ravel(), small[:, :edge].ravel(),
                             small[:, -edge:].ravel()])
    return bool(np.median(border) < 0.8 * np.percentile(small, 90))


def _brighter_inside(small: np.ndarray, quad: np.ndarray) -> bool:
    """Tell whether the quadrilateral is paper on a darker surround, not a box printed on the page."""
    inside = np.zeros(small.shape, np.uint8)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 1)
    ring = cv2.dilate(inside, np.ones((25, 25), np.uint8)) - inside
    rim = inside - cv2.erode(inside, np.ones((25, 25), np.uint8))
    if not ring.any() or not rim.any():
        return False
    return bool(np.median(small[rim > 0]) > 1.25 * np.median(small[ring > 0]) + 10)


def _order(quad: np.ndarray) -> np.ndarray:
    """Order four corners as top-left, top-right, bottom-right, bottom-left."""
    total, diff = quad.sum(axis=1), np.diff(quad, axis=1).ravel()
    return np.array([quad[np.argmin(total)], quad[np.argmin(diff)], quad[np.argmax(total)],
                     quad[np.argmax(diff)]], np.float32)


# ---------------------------------------------------------------- layout: direction, skew, orientation
def _layout(ink: np.ndarray, factor: float) -> Layout:
    """Measure line direction, skew, up-down orientation and line height on the ink mask."""
    ys, xs = np.nonzero(ink)
    if len(ys) < 200:
        return Layout(0, 0.0, None, False)
    if len(ys) > 10_000:
        pick = np.random.default_rng(0).choice(len(ys), 10_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    across, skew_across = _best_angle(ys, xs)
    down, skew_down = _best_angle(-xs, ys)  # the same points, the page turned a quarter counter-clockwise
    sideways = down > 1.3 * across
    skew = skew_down if sideways else skew_across
    level = _rotate_mask(ink, skew, sideways)
    upside_down, sure, height = _up_down(level)
    turns = (1 if sideways else 0) + (2 if upside_down else 0)
    return Layout(turns % 4, skew, height / factor if height else None, sure or sideways)


def _best_angle(rows: np.ndarray, cols: np.ndarray) -> tuple[float, float]:
    """Return the sharpest row profile of the points and the counter-clockwise turn (degrees) giving it."""
    def score(angle: float) -> float:
        t = math.radians(angle)
        projected = rows * math.cos(t) - cols * math.sin(t)
        counts = np.bincount((projected - projected.min()).astype(np.int64))
        return float(np.dot(counts, counts)) / len(rows)

    best = max(np.arange(-10.0, 10.01, 1.0), key=score)
    for step in (0.25, 0.05):
        best = max(best + step * np.arange(-4, 5), key=score)
    return score(best), float(best)


def _rotate_mask(ink: np.ndarray, skew: float, sideways: bool) -> np.ndarray:
    """Turn the mask so its lines run level (possibly upside down)."""
    if sideways:
        ink = np.ascontiguousarray(np.rot90(ink, 1))
    if abs(skew) < MIN_SKEW:
        return ink
    h, w = ink.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    return cv2.warpAffine(ink, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)


def _up_down(level: np.ndarray) -> tuple[bool, bool, float | None]:
    """Tell upside-down text from upright by where ink sits around each line's x-height band.

    Latin print has far more ascenders and capitals above the x-height than descenders below it.
    Returns (upside down, whether the evidence is strong, median line height in mask pixels).
    """
    rules = np.maximum(cv2.morphologyEx(level, cv2.MORPH_OPEN, np.ones((1, 41), np.uint8)),
                       cv2.morphologyEx(level, cv2.MORPH_OPEN, np.ones((41, 1), np.uint8)))
    text = level & (1 - rules)  # table rules and underlines removed
    profile = text.sum(axis=1).astype(np.float32)
    rows = profile > max(2.0, 0.02 * profile.max())
    above = below = 0.0
    heights = []
    for start, stop in _runs(rows):
        height = stop - start
        if not 5 <= height <= 80:
            continue
        band = profile[start:stop]
        core = np.nonzero(band >= 0.45 * band.max())[0]
        above += float(band[:core[0]].sum())
        below += float(band[core[-1] + 1:].sum())
        heights.append(height)
    if not heights:
        return False, False, None
    ratio = (above + 1) / (below + 1)
    return ratio < 1.0, ratio > 1.6 or ratio < 1 / 1.6, float(np.median(heights))


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """Return [start, stop) of every run of True values."""
    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    return list(zip(np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0], strict=True))


def _confirm_turns(image: Image.Image, layout: Layout) -> int:
    """Return the quarter turns to apply: the cheap guess, checked by OSD unless surely upright or blank."""
    if layout.turns == 0 and (layout.sure or layout.line_height is None):
        return 0
    osd = _osd_turns(image)
    if osd is not None:
        return osd
    return layout.turns if layout.sure else 0


def _osd_turns(image: Image.Image) -> int | None:
    """Ask Tesseract's orientation detection on a half-size copy; None when it fails or is unsure."""
    with tempfile.TemporaryDirectory(prefix="audit-osd-") as folder:
        path = page_file(image.reduce(2), folder, TARGET_DPI // 2)
        try:
            report = run(pytesseract.image_to_osd, path, config=f"--dpi {TARGET_DPI // 2}",
                         timeout=OSD_TIMEOUT)
        except OcrFailed:  # too few characters, or a broken Tesseract that OCR will report anyway
            return None
    rotate = re.search(r"Rotate: (\d+)", report)
    confidence = re.search(r"Orientation confidence: ([\d.]+)", report)
    if not rotate or not confidence or float(confidence.group(1)) < 2.0:
        return None
    return (-int(rotate.group(1)) // 90) % 4  # OSD says how far to turn clockwise


# ---------------------------------------------------------------- resolution and resampling
def _estimate_dpi(size: tuple[int, int], declared: int | None, line_height: float | None) -> int:
    """Estimate the scan's real DPI from the page size, the declared DPI and the printed text's size."""
    from_text = TARGET_DPI * line_height / LINE_HEIGHT_300 if line_height else None
    short, long = sorted(size)
    candidates = [short / size[0] for size in PAGE_SIZES if abs(long / short * size[0] / size[1] - 1) < 0.03]
    if declared and declared not in (72, 96):
        candidates.append(declared)
    for dpi in candidates:
        if from_text is None or abs(dpi / from_text - 1) < 0.3:
            return round(dpi)
    return round(from_text) if from_text else TARGET_DPI


def _rotate_scale(image: Image.Image, angle: float, scale: float) -> Image.Image:
    """Scale, and rotate by ``angle`` degrees counter-clockwise keeping every corner; paper fills the gaps."""
    grey = np.asarray(image)
    if scale < 1:  # shrink first, averaging pixels (warpAffine cannot), then rotate the smaller image
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        scale = 1.0
    if abs(angle) < MIN_SKEW:
        if scale != 1:
            grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        return Image.fromarray(grey)
    h, w = grey.shape
    t = math.radians(angle)
    out_w = round((abs(w * math.cos(t)) + abs(h * math.sin(t))) * scale)
    out_h = round((abs(w * math.sin(t)) + abs(h * math.cos(t))) * scale)
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    matrix[:, 2] += (out_w / 2 - w / 2, out_h / 2 - h / 2)
    paper = float(np.percentile(grey[::16, ::16], 90))
    return Image.fromarray(cv2.warpAffine(grey, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC,
                                          borderValue=paper))
