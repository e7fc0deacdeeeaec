"""Read words from a page image: a small OCR-engine interface and its Tesseract implementation."""
from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from typing import Protocol, TypeVar

import pytesseract
from PIL import Image

from .document import Word
from .errors import OcrFailed, OcrTimeout

log = logging.getLogger(__name__)
T = TypeVar("T")

# Tesseract's OpenMP threads fight over the cores when pages run in parallel (6x slower on one page alone):
# one thread per Tesseract process, and one process per core.
os.environ["OMP_THREAD_LIMIT"] = "1"


class OcrEngine(Protocol):
    """Anything that reads the words of a normalised page image."""

    def read(self, image: Image.Image, dpi: int) -> list[Word]:
        """Return the page's words in reading order, boxes in the image's pixels."""
        ...


class TesseractEngine:
    """Tesseract through pytesseract: one process per page, each with a timeout."""

    def __init__(self, timeout: float = 60.0, max_parallel: int | None = None) -> None:
        self.timeout = timeout
        self._slots = threading.BoundedSemaphore(max_parallel) if max_parallel else None

    def read(self, image: Image.Image, dpi: int) -> list[Word]:
        """Return the page's words; raise OcrTimeout or OcrFailed when Tesseract does not deliver."""
        config = f"--dpi {dpi} --psm 3 --oem 1"
        with tempfile.TemporaryDirectory(prefix="audit-ocr-") as folder:
            data = run(pytesseract.image_to_data, page_file(image, folder, dpi), config=config,
                       timeout=self.timeout, output_type=pytesseract.Output.DICT, slots=self._slots)
        return words(data)


def page_file(image: Image.Image, folder: str, dpi: int) -> str:
    """Write the page for Tesseract as an uncompressed greyscale TIFF in folder and return its path."""
    # pytesseract would PNG-compress every page it is handed (about 0.1 s each); this takes about 0.01 s.
    path = os.path.join(folder, "page.tif")
    (image if image.mode == "L" else image.convert("L")).save(path, "TIFF", dpi=(dpi, dpi))
    return path


def run(function: Callable[..., T], *args: object, slots: threading.BoundedSemaphore | None = None,
        **kwargs: object) -> T:
    """Call a pytesseract function, mapping its failures to the audit's OCR errors."""
    try:
        with slots or contextlib.nullcontext():
            return function(*args, **kwargs)
    except pytesseract.TesseractError as e:
        log.error("tesseract failed with status %s", e.status)
        raise OcrFailed() from e
    except pytesseract.TesseractNotFoundError as e:
        log.error("tesseract is not installed or not on PATH")
        raise OcrFailed() from e
    except RuntimeError as e:  # pytesseract reports a timeout as a bare RuntimeError
        log.warning("tesseract timed out after %s s", kwargs.get("timeout"))
        raise OcrTimeout() from e
    except OSError as e:
        log.error("tesseract could not run: %s", type(e).__name__)
        raise OcrFailed() from e


def words(data: dict[str, list]) -> list[Word]:
    """Turn image_to_data's columns into Words, numbering lines uniquely across the page."""
    out: list[Word] = []
    lines: dict[tuple[int, int, int], int] = {}
    for i, text in enumerate(data.get("text", ())):  # no rows at all: pytesseract gives {}
        text = str(text).strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        block, par = int(data["block_num"][i]), int(data["par_num"][i])
        line = lines.setdefault((block, par, int(data["line_num"][i])), len(lines) + 1)
        left, top = int(data["left"][i]), int(data["top"][i])
        box = (left, top, left + int(data["width"][i]), top + int(data["height"][i]))
        out.append(Word(text, box, conf, block, par, line))
    return out
