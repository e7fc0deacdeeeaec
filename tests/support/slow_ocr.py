"""A fault-injection double: real Tesseract after a pause, to hold an audit open while a test breaks things.

Name it in the configuration: ``OCR_ENGINE = "tests.support.slow_ocr:engine"``, ``TEST_OCR_DELAY = 3``.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from PIL import Image

from portal.audit.document import Word
from portal.audit.ocr import TesseractEngine


class SlowEngine:
    """Tesseract, but each page waits ``delay`` seconds first."""

    def __init__(self, delay: float, timeout: float) -> None:
        self.delay = delay
        self.inner = TesseractEngine(timeout=timeout)

    def read(self, image: Image.Image, dpi: int) -> list[Word]:
        """Wait, then read the page's words with Tesseract."""
        time.sleep(self.delay)
        return self.inner.read(image, dpi)


def engine(config: Mapping[str, Any]) -> SlowEngine:
    """Build the engine from the app's configuration (TEST_OCR_DELAY seconds, 3 by default)."""
    return SlowEngine(float(config.get("TEST_OCR_DELAY", 3.0)), float(config["OCR_TIMEOUT"]))
