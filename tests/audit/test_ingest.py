"""Ingest: every accepted format decodes to clean pixels; every refusal has its code and a plain message."""
from __future__ import annotations

import io
import time
import tracemalloc

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image, ImageFile

from portal.audit import errors, ingest
from portal.audit.ingest import Limits, load
from tests.support import formgen


def ink_share(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    """Return the share of dark pixels inside box."""
    return float((np.asarray(image.convert("L").crop(box)) < 128).mean())


@pytest.mark.parametrize("fmt, declared", [("PNG", 300), ("JPEG", 300), ("TIFF", 300), ("WEBP", None),
                                           ("HEIC", None)])
def test_each_image_format_loads_as_clean_pixels(small_page: Image.Image, fmt: str,
                                                 declared: int | None) -> None:
    data = formgen.to_bytes(small_page, fmt, exif={formgen.EXIF_MAKE: "Phone"})
    [page] = load(data, Limits())
    assert page.image.size == small_page.size
    assert page.image.mode in ("L", "RGB")
    assert page.image.info == {} and not page.image.getexif()
    assert page.dpi == declared
    assert page.words is None
    difference = np.abs(np.asarray(page.image.convert("L"), float) - np.asarray(small_page, float))
    assert difference.mean() < 6  # the same picture, give or take lossy compression


def test_type_comes_from_content_not_name(small_page: Image.Image) -> None:
    assert ingest.sniff(formgen.to_bytes(small_page, "PNG")) == "PNG"
    assert ingest.sniff(formgen.to_bytes(small_page, "HEIC")) == "HEIF"
    assert ingest.sniff(b"GIF89a" + bytes(100)) is None


@pytest.mark.parametrize("orientation, turned", [(3, Image.Transpose.ROTATE_180),
                                                 (6, Image.Transpose.ROTATE_90),
                                                 (8, Image.Transpose.ROTATE_270)])
def test_exif_orientation_is_applied_then_dropped(small_page: Image.Image, orientation: int,
                                                  turned: Image.Transpose) -> None:
    stored = small_page.transpose(turned)  # what a phone stores before saying how to turn it back
    data = formgen.to_bytes(stored, "JPEG", exif={formgen.EXIF_ORIENTATION: orientation})
    [page] = load(data, Limits())
    assert page.image.size == small_page.size
    assert not page.image.getexif()
    difference = np.abs(np.asarray(page.image.convert("L"), float) - np.asarray(small_page, float))
    assert difference.mean() < 6


def test_transparency_is_flattened_on_white(small_page: Image.Image) -> None:
    rgba = small_page.convert("RGBA")
    rgba.putalpha(0)
    [page] = load(formgen.to_bytes(rgba, "PNG"), Limits())
    assert page.image.mode == "RGB" and np.asarray(page.image).min() == 255


def test_multipage_tiff_gives_every_page(small_page: Image.Image) -> None:
    pages = load(formgen.multipage_tiff([small_page, small_page.rotate(180), small_page]), Limits())
    assert len(pages) == 3
    assert all(p.image.size == small_page.size and p.dpi == 300 for p in pages)


def test_scanned_pdf_pages_render_at_300_dpi_for_ocr(small_page: Image.Image) -> None:
    pages = load(formgen.scanned_pdf([small_page, small_page], dpi=75), Limits())
    assert len(pages) == 2
    for page in pages:
        assert page.words is None and page.dpi == 300
        assert abs(page.image.width - 2480) <= 2 and abs(page.image.height - 3508) <= 2  # A4 at 300 dpi


def test_text_pdf_gives_words_with_boxes_in_render_pixels() -> None:
    lines = ["Data Collection Sheet", "We are required to send this information",
             "to the Department for Education (DfE).", "Providing nationality is optional."]
    [page] = load(formgen.text_pdf([lines]), Limits())
    assert page.dpi == 300 and page.image.size[0] in (2479, 2480, 2481)
    assert page.words is not None
    assert [w.text for w in page.words] == " ".join(lines).split()
    assert all(w.conf == 100 for w in page.words)
    assert len({w.line for w in page.words}) == len(lines)
    assert [w.line for w in page.words] == sorted(w.line for w in page.words)
    department = next(w for w in page.words if w.text == "Department")
    assert ink_share(page.image, department.box) > 0.1  # the box is where the word is drawn
    left, top, right, bottom = department.box
    assert 30 < bottom - top < 80 and right - left > 150  # 11 pt at 300 dpi


def test_text_pdf_boxes_follow_a_rotated_page() -> None:
    doc = pdfium.PdfDocument(formgen.text_pdf([["Department for Education census information"]]))
    doc[0].set_rotation(90)
    buf = io.BytesIO()
    doc.save(buf)
    [page] = load(buf.getvalue(), Limits())
    assert page.image.width > page.image.height
    assert page.words is not None
    for word in page.words:
        assert ink_share(page.image, word.box) > 0.1


def test_pdf_page_with_too_little_text_is_read_as_a_scan() -> None:
    [page] = load(formgen.text_pdf([["Scan 1"]]), Limits())
    assert page.words is None


def refusal(data: bytes, limits: Limits | None = None) -> errors.AuditError:
    """Return what load raises for data, checking count_pages refuses it alike with a parent-readable message."""
    with pytest.raises(errors.AuditError) as caught:
        load(data, limits or Limits())
    with pytest.raises(errors.AuditError) as counted:
        ingest.count_pages(data, limits or Limits())
    error = caught.value
    assert counted.value.code == error.code
    assert error.message and error.message[0].isupper() and error.message.endswith(".")
    assert "Error" not in error.message and "pillow" not in error.message.lower()
    return error


@pytest.mark.parametrize("data", [b"GIF89a" + bytes(200), b"BM" + bytes(200), b"PK\x03\x04" + bytes(200),
                                  b"hello, this is a text file", b"<svg></svg>"])
def test_other_types_are_unsupported(data: bytes) -> None:
    assert refusal(data).code == "unsupported_type"


def test_too_many_bytes(small_page: Image.Image) -> None:
    data = formgen.to_bytes(small_page, "PNG")
    assert refusal(data, Limits(max_bytes=len(data) - 1)).code == "too_large"


def test_too_many_pages(small_page: Image.Image) -> None:
    assert refusal(formgen.multipage_tiff([small_page] * 3), Limits(max_pages=2)).code == "too_many_pages"
    assert refusal(formgen.text_pdf([["page"]] * 3), Limits(max_pages=2)).code == "too_many_pages"


def test_too_many_pixels(small_page: Image.Image) -> None:
    data = formgen.to_bytes(small_page, "PNG")
    pixels = small_page.width * small_page.height
    assert refusal(data, Limits(max_pixels=pixels - 1)).code == "image_too_large"
    assert len(load(data, Limits(max_pixels=pixels))) == 1


def test_decompression_bomb_is_refused_from_its_header_fast() -> None:
    data = formgen.decompression_bomb(60000, 60000)  # 3.6 gigapixels declared in a few kilobytes
    tracemalloc.start()
    started = time.monotonic()
    try:
        assert refusal(data).code == "image_too_large"
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 5
    assert peak < 20_000_000  # the pixels were never allocated


def test_pdf_page_too_large_to_render_is_refused() -> None:
    doc = pdfium.PdfDocument.new()
    doc.new_page(14400, 14400)  # 200 inches square: 3.6 gigapixels at 300 dpi
    buf = io.BytesIO()
    doc.save(buf)
    assert refusal(buf.getvalue()).code == "image_too_large"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "TIFF", "WEBP", "HEIC"])
def test_truncated_image_is_corrupt(small_page: Image.Image, fmt: str) -> None:
    data = formgen.to_bytes(small_page, fmt)
    assert refusal(data[:len(data) // 2]).code == "corrupt"


def test_damaged_files_are_corrupt(small_page: Image.Image) -> None:
    png = formgen.to_bytes(small_page, "PNG")
    assert refusal(png[:40] + bytes(len(png) - 40)).code == "corrupt"
    pdf = formgen.text_pdf([["Data Collection Sheet"]])
    assert refusal(pdf[:len(pdf) // 3]).code == "corrupt"
    assert refusal(b"").code == "corrupt"


def test_encrypted_pdf() -> None:
    error = refusal(formgen.encrypted_pdf())
    assert error.code == "encrypted_pdf"
    assert "password" in error.message


def test_pillows_own_bomb_limit_still_refuses_without_a_warning() -> None:
    data = formgen.decompression_bomb(9000, 11000)  # between Pillow's warning and error thresholds
    assert refusal(data, Limits(max_pixels=10**9)).code == "image_too_large"


def test_pdf_pages_render_only_when_used(small_page: Image.Image, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[int] = []
    render = ingest._render_pdf_page

    def counting(data: bytes, index: int) -> tuple[Image.Image, list | None]:
        rendered.append(index)
        return render(data, index)
    monkeypatch.setattr(ingest, "_render_pdf_page", counting)
    pages = load(formgen.scanned_pdf([small_page] * 3, dpi=75), Limits())
    assert len(pages) == 3 and rendered == []
    assert pages[1].image.width in (2479, 2480, 2481) and pages[1].words is None
    assert rendered == [1]


def test_hidden_text_of_an_earlier_ocr_is_not_trusted() -> None:
    doc = pdfium.PdfDocument(formgen.text_pdf([["The Department for Education census information"] * 3]))
    page = doc[0]
    for obj in page.get_objects():
        pdfium_c.FPDFTextObj_SetTextRenderMode(obj, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
    page.gen_content()
    buf = io.BytesIO()
    doc.save(buf)
    [source] = load(buf.getvalue(), Limits())
    assert source.words is None  # read by our own OCR, like a scan


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF", "WEBP", "HEIC"])
def test_pages_are_counted_without_decoding_pixels(small_page: Image.Image, fmt: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    data = formgen.to_bytes(small_page, fmt)
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("pixels were decoded"))
    assert ingest.count_pages(data, Limits()) == 1


def test_pages_counted_match_pages_loaded(small_page: Image.Image) -> None:
    for data in (formgen.multipage_tiff([small_page] * 3), formgen.text_pdf([["page"]] * 4),
                 formgen.scanned_pdf([small_page] * 2, dpi=75)):
        assert ingest.count_pages(data, Limits()) == len(load(data, Limits()))


def test_bytes_after_a_jpeg_do_no_harm(small_page: Image.Image) -> None:
    """A motion photo carries its video after the picture's end marker."""
    data = formgen.to_bytes(small_page, "JPEG") + b"\x00\x00\x00\x18ftypmp42" + bytes(5000)
    assert ingest.count_pages(data, Limits()) == 1
    assert len(load(data, Limits())) == 1


def test_a_jpeg_cut_after_its_thumbnail_is_corrupt(small_page: Image.Image) -> None:
    """The EXIF thumbnail's own end marker must not pass for the picture's."""
    thumbnail = formgen.to_bytes(small_page.resize((160, 120)), "JPEG")
    exif = Image.Exif()
    exif[formgen.EXIF_MAKE] = "Phone"
    buf = io.BytesIO()
    small_page.save(buf, "JPEG", exif=exif.tobytes() + thumbnail)  # the thumbnail rides in the APP1 segment
    data = buf.getvalue()
    cut = data.index(b"\xff\xd9") + 2  # just after the thumbnail's end marker
    assert cut < len(data) // 2
    assert refusal(data[:len(data) // 2]).code == "corrupt"
    assert refusal(data[:cut + 400]).code == "corrupt"


def accepted_by_both(data: bytes) -> None:
    """Check that the upload's check and the audit's decode both accept a file."""
    assert ingest.count_pages(data, Limits()) == len(load(data, Limits())) == 1


def test_what_phones_and_scanners_really_write_is_accepted(small_page: Image.Image) -> None:
    jpeg = formgen.to_bytes(small_page, "JPEG")
    second = 4 + int.from_bytes(jpeg[4:6], "big")  # where the segment after the first starts
    accepted_by_both(jpeg[:second] + b"\x00\x00" + jpeg[second:])  # stray bytes, skipped by decoders
    png = formgen.to_bytes(small_page, "PNG")
    accepted_by_both(png[:png.rindex(b"IEND") - 4])  # no end chunk
    heic = formgen.to_bytes(small_page, "HEIC")
    accepted_by_both(heic + b"MotionPhoto_Data" + bytes(3000) + b"SEFT")  # a Samsung motion photo's tail


def test_a_multipage_tiff_cut_anywhere_is_refused_plainly(small_page: Image.Image) -> None:
    data = formgen.multipage_tiff([small_page.resize((200, 280))] * 3)
    for cut in range(8, len(data), max(1, len(data) // 150)):
        for read in (ingest.count_pages, load):
            try:
                read(data[:cut], Limits())
            except errors.AuditError:
                pass  # any other exception would be a 500 for the parent


def test_pages_beyond_the_limit_are_not_walked(small_page: Image.Image, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pillow's n_frames walks every page, and a 20 MB TIFF can hold 200,000: count by seeking instead."""
    from PIL import TiffImagePlugin

    def n_frames(self: TiffImagePlugin.TiffImageFile) -> int:
        return self._n_frames or pytest.fail("every page was walked to count them")  # known once seeks found it

    monkeypatch.setattr(TiffImagePlugin.TiffImageFile, "n_frames", property(n_frames))
    data = formgen.multipage_tiff([small_page.resize((20, 20))] * 30)
    assert refusal(data, Limits(max_pages=3)).code == "too_many_pages"
    assert ingest.count_pages(data, Limits(max_pages=30)) == 30
