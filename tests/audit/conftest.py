"""Fixtures for the audit engine's tests: generated forms (never files from outside the repository)."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PIL import Image

from portal.audit import ingest, normalise
from portal.audit.ocr import TesseractEngine
from tests.support import formgen

KEY_PHRASES = ("Department for Education", "Nationality")


@pytest.fixture(scope="session")
def form() -> formgen.RenderedForm:
    """Return a filled-in census form rendered at 300 dpi."""
    return formgen.render_form(seed=7)


@pytest.fixture(scope="session")
def small_page(form: formgen.RenderedForm) -> Image.Image:
    """Return the form shrunk to a quarter, for tests that only need some pixels."""
    return form.image.resize((form.image.width // 4, form.image.height // 4))


@pytest.fixture(scope="session")
def phone_jpeg(form: formgen.RenderedForm) -> bytes:
    """Return a 12 MP phone photo of the form as a JPEG that declares no DPI."""
    return formgen.to_bytes(formgen.degrade(form.image, phone=True, seed=7), "JPEG", dpi=None, quality=85)


def read_text(data: bytes) -> str:
    """Load, normalise and OCR the first page of a file with real Tesseract; return its text."""
    source = ingest.load(data, ingest.Limits())[0]
    image, dpi = normalise.normalise(source)
    return " ".join(word.text for word in TesseractEngine(timeout=120).read(image, dpi))


@pytest.fixture
def fake_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Put a fake ``tesseract`` first on PATH whose behaviour (a shell snippet) the test chooses."""
    def install(behaviour: str) -> Path:
        script = tmp_path / "bin" / "tesseract"
        script.parent.mkdir(exist_ok=True)
        script.write_text("#!/bin/sh\n"
                          'if [ "$1" = "--version" ]; then echo "tesseract 5.3.0"; exit 0; fi\n'
                          f"{behaviour}\n")
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
        return script
    return install
