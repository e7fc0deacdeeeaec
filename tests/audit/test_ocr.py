"""OCR: Tesseract's words as typed values, and a clear error when Tesseract crashes, hangs or is missing."""
from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytesseract
import pytest
from PIL import Image

from portal.audit import errors
from portal.audit.document import Word
from portal.audit.ocr import OcrEngine, TesseractEngine, words
from portal.audit.pipeline import AuditOptions, audit
from tests.support import formgen


@pytest.fixture(scope="module")
def clean_words(form: formgen.RenderedForm) -> list[Word]:
    """Return real Tesseract's words for the clean 300 dpi form."""
    return TesseractEngine().read(form.image, form.dpi)


@pytest.mark.slow
def test_tesseract_reads_words_with_boxes_confidence_and_lines(form: formgen.RenderedForm,
                                                               clean_words: list[Word]) -> None:
    text = " ".join(w.text for w in clean_words)
    assert "Department for Education" in text
    assert "Nationality" in text
    width, height = form.image.size
    for word in clean_words:
        assert word.text.strip() == word.text and word.text
        left, top, right, bottom = word.box
        assert 0 <= left < right <= width and 0 <= top < bottom <= height
        assert 0 <= word.conf <= 100
    # line ids are unique on the page: one id per (block, paragraph, line) and back
    keys = {w.line_key for w in clean_words}
    assert len({w.line for w in clean_words}) == len(keys)
    assert len({(w.line_key, w.line) for w in clean_words}) == len(keys)


def test_words_drop_empty_and_layout_rows_and_number_lines_across_blocks() -> None:
    data = {
        "text": ["", "", "Census", " ", "form", "Nationality", "optional"],
        "conf": [-1, -1, 96.5, 95, 90, 88, 70],
        "block_num": [1, 1, 1, 1, 1, 2, 2],
        "par_num": [0, 1, 1, 1, 1, 1, 1],
        "line_num": [0, 0, 1, 1, 1, 1, 2],
        "left": [0, 0, 10, 60, 70, 10, 10],
        "top": [0, 0, 20, 20, 20, 80, 120],
        "width": [500, 500, 40, 5, 30, 60, 50],
        "height": [500, 500, 12, 12, 12, 12, 12],
    }
    assert words(data) == [
        Word("Census", (10, 20, 50, 32), 96.5, 1, 1, 1),
        Word("form", (70, 20, 100, 32), 90.0, 1, 1, 1),
        Word("Nationality", (10, 80, 70, 92), 88.0, 2, 1, 2),
        Word("optional", (10, 120, 60, 132), 70.0, 2, 1, 3),
    ]


def test_tesseract_engine_is_an_ocr_engine() -> None:
    engine: OcrEngine = TesseractEngine()
    assert callable(engine.read)


def test_tesseract_crash_gives_ocr_failed(fake_tesseract: Callable[[str], Path],
                                          small_page: Image.Image) -> None:
    fake_tesseract('echo "Segmentation fault" >&2; exit 1')
    with pytest.raises(errors.OcrFailed) as caught:
        TesseractEngine().read(small_page, 75)
    assert caught.value.code == "ocr_failed"
    assert caught.value.message == errors.OcrFailed.message
    assert isinstance(caught.value.__cause__, pytesseract.TesseractError)


def test_tesseract_hang_gives_ocr_timeout(fake_tesseract: Callable[[str], Path],
                                          small_page: Image.Image) -> None:
    fake_tesseract("exec sleep 30")
    started = time.monotonic()
    with pytest.raises(errors.OcrTimeout) as caught:
        TesseractEngine(timeout=1).read(small_page, 75)
    assert time.monotonic() - started < 10
    assert caught.value.code == "ocr_timeout"
    assert "took too long" in caught.value.message


def test_missing_tesseract_gives_ocr_failed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                            small_page: Image.Image) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-such-tesseract"))
    with pytest.raises(errors.OcrFailed) as caught:
        TesseractEngine().read(small_page, 75)
    assert caught.value.code == "ocr_failed"


def test_parallel_reads_never_exceed_max_parallel(fake_tesseract: Callable[[str], Path], tmp_path: Path,
                                                  small_page: Image.Image) -> None:
    log = tmp_path / "running"
    # each fake run notes how many runs are in progress when it starts, then writes an empty TSV
    fake_tesseract(f'echo x >> {log}.now; wc -l < {log}.now >> {log}; sleep 0.3; '
                   f'sed -i 1d {log}.now; printf "level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\t'
                   f'word_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n" > "$2.tsv"')
    engine = TesseractEngine(max_parallel=1)
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda _: engine.read(small_page, 75), range(4))) == [[]] * 4
    assert [int(n) for n in log.read_text().split()] == [1, 1, 1, 1]


class FailingEngine:
    """An OCR engine double that fails the way a crashed or hung Tesseract does."""

    def __init__(self, error: type[errors.OcrFailed]) -> None:
        self.error = error
        self.calls = 0

    def read(self, image: Image.Image, dpi: int) -> list[Word]:
        self.calls += 1
        raise self.error()


@pytest.mark.parametrize("error", [errors.OcrFailed, errors.OcrTimeout])
def test_an_ocr_failure_stops_the_audit_with_its_own_error(small_page: Image.Image,
                                                           error: type[errors.OcrFailed]) -> None:
    engine = FailingEngine(error)
    with pytest.raises(error) as caught:
        audit(formgen.scanned_pdf([small_page, small_page]), AuditOptions(jobs=2), engine)
    assert engine.calls >= 1
    assert caught.value.code == error.code and caught.value.message == error.message
