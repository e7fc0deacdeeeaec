"""Turn uploaded bytes into page images: type from content, limits enforced, metadata dropped."""
from __future__ import annotations

import contextlib
import ctypes
import io
import logging
import struct
import threading
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pillow_heif
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps

from . import structure
from .document import Box, Word, union
from .errors import Corrupt, EncryptedPdf, ImageTooLarge, TooLarge, TooManyPages, UnsupportedType

log = logging.getLogger(__name__)

pillow_heif.register_heif_opener()

PDF_DPI = 300
PDF_SCALE = PDF_DPI / 72  # PDF units are points
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
# What a damaged file makes Pillow or its plugins raise while decoding.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, RuntimeError, TypeError, KeyError,
                 struct.error, zlib.error)
MIN_TEXT_CHARS = 30  # fewer visible characters than this: treat the PDF page as a scan

_DECODING = threading.Lock()  # images open one at a time: see _opened
_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one call into it at a time in the whole process


@dataclass(frozen=True)
class Limits:
    """How much one upload may hold: bytes, pages and pixels per page (Pillow's own limit caps the last)."""

    max_bytes: int = 20_000_000
    max_pages: int = 20
    max_pixels: int = 50_000_000


@dataclass
class SourcePage:
    """One page as uploaded: pixels only, declared DPI, and text-layer words if the PDF had them."""

    image: Image.Image
    dpi: int | None
    words: list[Word] | None = None  # in the image's pixel coordinates; None when the page needs OCR


def sniff(data: bytes) -> str | None:
    """Return the file type the content's magic bytes announce, or None."""
    head = data[:32]
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "HEIF"
    if b"%PDF-" in data[:1024]:
        return "PDF"
    return None


def count_pages(data: bytes, limits: Limits) -> int:
    """Check an upload as far as its headers and structure allow, without decoding pixels; return its pages.

    The upload form calls this to refuse a bad file at once and cheaply; ``load`` decodes the file in the audit,
    which reports damage inside the pixel data.
    """
    kind = _kind(data, limits)
    if kind == "PDF":
        return len(_pdf(data, limits))  # its pages render only when used
    with _opened(data, kind) as im:
        pages = 0
        for _ in _each_page(im, kind, limits):
            if kind == "TIFF" and not _strips_present(im, len(data)):
                raise Corrupt()
            pages += 1
        return pages


def load(data: bytes, limits: Limits) -> list[SourcePage]:
    """Decode an upload into pages; raise an AuditError subclass when it cannot or must not be read."""
    kind = _kind(data, limits)
    pages = _pdf(data, limits) if kind == "PDF" else _decode(data, kind, limits)
    log.info("loaded %s: %d page(s)", kind, len(pages))
    return pages


def _kind(data: bytes, limits: Limits) -> str:
    """Return the upload's file type, refusing it when empty, too large or of a type we do not read."""
    if len(data) > limits.max_bytes:
        raise TooLarge()
    if not data:
        raise Corrupt("This file is empty. Please choose the photo or scan again.")
    kind = sniff(data)
    if kind is None:
        raise UnsupportedType()
    return kind


def _check_pixels(width: float, height: float, limits: Limits) -> None:
    """Refuse a page whose pixel count exceeds the limit, before any pixel is decoded."""
    if width * height > limits.max_pixels:
        raise ImageTooLarge()


@contextlib.contextmanager
def _opened(data: bytes, kind: str) -> Iterator[Image.Image]:
    """Open a complete image file; report damage as Corrupt and decompression bombs as ImageTooLarge.

    Decoders warn about damaged metadata: those warnings are collected instead of reaching the caller, but
    Pillow's decompression-bomb warning is an error. catch_warnings swaps process-wide state, so images are
    opened one at a time.
    """
    if not structure.intact(data, kind):
        raise Corrupt()
    with _DECODING, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[kind]) as im:
                yield im
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:  # beyond Pillow's own limit
            raise ImageTooLarge() from e
        except DECODE_ERRORS as e:
            raise Corrupt() from e
        finally:
            for warning in caught:
                log.info("decoder warning: %s", warning.category.__name__)


def _frames(im: Image.Image, kind: str, limits: Limits) -> int:
    """Return how many pages an image file holds: only TIFF pages beyond the first count.

    TIFF pages are counted by seeking, never beyond one past the limit (``n_frames`` walks every page of a
    file that may hold hundreds of thousands).
    """
    frames = 1
    while kind == "TIFF" and frames <= limits.max_pages:
        try:
            im.seek(frames)
        except EOFError:
            break
        frames += 1
    if frames > limits.max_pages:
        raise TooManyPages()
    im.seek(0)
    return frames


def _each_page(im: Image.Image, kind: str, limits: Limits) -> Iterator[int]:
    """Seek to each page in turn, refusing one with too many pixels before anything of it is decoded."""
    for index in range(_frames(im, kind, limits)):
        im.seek(index)
        _check_pixels(*im.size, limits)
        yield index


def _strips_present(im: Image.Image, size: int) -> bool:
    """Tell whether the current TIFF page's strips or tiles all lie within the file's ``size`` bytes."""
    tags = im.tag_v2  # type: ignore[attr-defined]  # TiffImageFile's
    offsets, counts = tags.get(273) or tags.get(324) or (), tags.get(279) or tags.get(325) or ()
    if not counts:  # no byte counts: the decoder reads until the data end, as Pillow does
        return True
    return len(offsets) == len(counts) and all(o + c <= size for o, c in zip(offsets, counts, strict=True))


def _decode(data: bytes, kind: str, limits: Limits) -> list[SourcePage]:
    """Decode the frames of an image file into pages, refusing oversized ones before decoding them."""
    with _opened(data, kind) as im:
        if kind == "JPEG":  # the audit reads grey: libjpeg decodes straight to it, twice as fast
            im.draft("L", im.size)
        pages = []
        for _ in _each_page(im, kind, limits):
            im.load()
            upright = ImageOps.exif_transpose(im, in_place=False)
            pages.append(SourcePage(_pixels(upright), _declared_dpi(im)))
        return pages


def _declared_dpi(im: Image.Image) -> int | None:
    """Return the horizontal DPI the file declares, if any."""
    dpi = im.info.get("dpi")
    if not isinstance(dpi, tuple) or not dpi:
        return None
    try:
        value = round(float(dpi[0]))
    except (TypeError, ValueError):  # malformed
        return None
    return value if 50 <= value <= 10_000 else None


def _pixels(im: Image.Image) -> Image.Image:
    """Reduce a decoded image we own to "L" or "RGB" pixels: transparency on white, metadata dropped."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        array = np.asarray(im.convert("F"), dtype=np.float32)
        top = 65535.0 if im.mode.startswith("I;16") or array.max() > 255 else 255.0
        im = Image.fromarray(np.clip(array * (255.0 / top), 0, 255).astype(np.uint8))
    elif "A" in im.getbands() or "transparency" in im.info:
        flat = Image.new("RGBA", im.size, (255, 255, 255, 255))
        flat.alpha_composite(im.convert("RGBA"))
        im = flat.convert("RGB")
    elif im.mode not in ("L", "RGB"):
        im = im.convert("L" if im.mode == "1" else "RGB")
    im.info = {}
    return im


class _PdfPage(SourcePage):
    """A PDF page rendered, and its text layer read, on first use of ``image`` or ``words``.

    A caller that only counts pages renders nothing, and the pipeline's threads render one page while
    Tesseract reads another.
    """

    def __init__(self, data: bytes, index: int) -> None:
        self._data, self._index = data, index
        self._loaded: tuple[Image.Image, list[Word] | None] | None = None
        self._loading = threading.Lock()
        self.dpi = PDF_DPI

    @property
    def image(self) -> Image.Image:  # type: ignore[override]  # read-only: the page renders itself
        """Return the page rendered at 300 dpi."""
        return self._load()[0]

    @property
    def words(self) -> list[Word] | None:  # type: ignore[override]  # read-only, likewise
        """Return the text layer's words in render pixels, or None when the page needs OCR."""
        return self._load()[1]

    def _load(self) -> tuple[Image.Image, list[Word] | None]:
        """Render the page once, however many threads ask."""
        with self._loading:
            if self._loaded is None:
                self._loaded = _render_pdf_page(self._data, self._index)
            return self._loaded


def _pdf(data: bytes, limits: Limits) -> list[SourcePage]:
    """Check a PDF against the limits and return its pages, which render at 300 dpi when first used."""
    with _PDFIUM, _open_pdf(data) as doc:
        count = len(doc)
        if count > limits.max_pages:
            raise TooManyPages()
        try:
            sizes = [doc.get_page_size(index) for index in range(count)]
        except pdfium.PdfiumError as e:
            raise Corrupt() from e
    for width, height in sizes:
        _check_pixels(width * PDF_SCALE, height * PDF_SCALE, limits)
    return [_PdfPage(data, index) for index in range(count)]


@contextlib.contextmanager
def _open_pdf(data: bytes) -> Iterator[pdfium.PdfDocument]:
    """Open a PDF from bytes (the caller holds _PDFIUM) and close it afterwards."""
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if e.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedPdf() from e
        raise Corrupt() from e
    try:
        yield doc
    finally:
        doc.close()


def _render_pdf_page(data: bytes, index: int) -> tuple[Image.Image, list[Word] | None]:
    """Render one PDF page at 300 dpi and read its text layer, if it has a real one."""
    with _PDFIUM, _open_pdf(data) as doc:  # closing the document closes its pages too
        try:
            page = doc[index]
            image = _pixels(page.render(scale=PDF_SCALE, grayscale=True).to_pil().copy())  # a copy: pdfium's
            return image, _text_layer(page, page.get_textpage(), image.size)
        except pdfium.PdfiumError as e:
            raise Corrupt() from e


def _text_layer(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage,
                size: tuple[int, int]) -> list[Word] | None:
    """Return the page's visible words in render pixels, or None when it has too little real text."""
    count = textpage.count_chars()
    chars: list[tuple[str, Box | None]] = []
    visible = 0
    for index in range(count):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage, index) or 32)
        if char.isspace() or pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
            chars.append((char if char in "\r\n" else " ", None))
            continue
        obj = pdfium_c.FPDFText_GetTextObject(textpage, index)
        if obj and pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
            chars.append((" ", None))  # an earlier OCR's hidden layer: read the page ourselves instead
            continue
        visible += 1
        chars.append((char, _device_box(page, textpage.get_charbox(index), size)))
    if visible < MIN_TEXT_CHARS:
        return None
    return _words(chars)


def _device_box(page: pdfium.PdfPage, box: tuple[float, float, float, float], size: tuple[int, int]) -> Box:
    """Map a PDF-space box (left, bottom, right, top) to pixels of the page rendered at ``size``."""
    xs, ys = [], []
    for px, py in ((box[0], box[1]), (box[2], box[3])):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDF_PageToDevice(page, 0, 0, size[0], size[1], 0, px, py, dx, dy)
        xs.append(dx.value)
        ys.append(dy.value)
    return (min(xs), min(ys), max(xs), max(ys))


def _words(chars: list[tuple[str, Box | None]]) -> list[Word]:
    """Group characters into words and lines; a new paragraph starts after a gap taller than a line."""
    words: list[Word] = []
    pending: list[tuple[str, Box]] = []
    line = par = 1
    line_box: Box | None = None
    new_line = False

    def flush() -> None:
        nonlocal line, par, line_box, new_line
        if not pending:
            return
        box = union([b for _, b in pending])
        centre = (box[1] + box[3]) / 2
        if line_box is not None and (new_line or not line_box[1] <= centre <= line_box[3]):
            line += 1
            if box[1] - line_box[3] > line_box[3] - line_box[1]:
                par += 1
            line_box = None
        words.append(Word("".join(c for c, _ in pending), box, 100.0, 1, par, line))
        line_box = box if line_box is None else union([line_box, box])
        new_line = False
        pending.clear()

    for char, box in chars:
        if box is None:
            flush()
            new_line = new_line or char in "\r\n"
        else:
            pending.append((char, box))
    flush()
    return words
