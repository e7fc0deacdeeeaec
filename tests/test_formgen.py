from __future__ import annotations

import io
import struct

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from tests.support import formgen

PII_TYPES = {"name", "date_of_birth", "address", "postcode", "phone", "email", "upn", "signature"}


@pytest.mark.parametrize(("seed", "font"), [(1, "dejavu"), (2, "liberation"), (3, "hand-dkg"),
                                            (4, "hand-breip"), (5, "hand-femke"), (6, "hand-kristi")])
def test_field_boxes_lie_inside_the_page_and_cover_ink(seed: int, font: str) -> None:
    form = formgen.render_form(seed=seed, value_font=font)
    pixels = np.asarray(form.image)
    assert form.image.mode == "L" and form.image.size == (2480, 3508) and form.dpi == 300
    assert PII_TYPES <= {f.type for f in form.fields}
    for field in form.fields:
        left, top, right, bottom = field.box
        assert 0 <= left < right <= form.image.width and 0 <= top < bottom <= form.image.height, field
        assert (pixels[top:bottom, left:right] < 128).mean() > 0.02, field


def test_filled_values_are_in_the_text_but_not_in_the_printed_words() -> None:
    form = formgen.render_form(seed=7)
    words = set(form.printed_words)
    for field in form.fields:
        if field.type in ("name", "postcode", "phone", "email", "upn", "date_of_birth"):
            assert field.value in form.text
            assert not set(field.value.split()) <= words, field
    assert {"Nationality", "Refused", "Signed", "Department", "census"} <= words


def test_upn_check_letter() -> None:
    assert formgen.upn_check_letter("000000000000") == "A"
    assert formgen.upn_check_letter("000000000001") == "P"  # 1 x 13 = 13: the 14th letter, I and O skipped
    for seed in range(1, 20):
        upn = next(f.value for f in formgen.render_form(seed=seed).fields if f.type == "upn")
        assert len(upn) == 13 and upn[1:].isdigit() and upn[0] == formgen.upn_check_letter(upn[1:])


def test_statements_and_paragraphs_choose_the_privacy_wording() -> None:
    form = formgen.render_form(statements=["dfe", "notice"])
    assert form.statements == ["dfe", "notice"]
    flat = " ".join(form.text.split())
    assert formgen.STATEMENTS["dfe"] in flat and formgen.STATEMENTS["optional"] not in flat
    custom = formgen.render_form(paragraphs=["Nationality is compulsory.", formgen.STATEMENTS["npd"]])
    assert custom.statements == ["npd"]
    assert "Nationality is compulsory." in custom.text.splitlines()
    with pytest.raises(ValueError, match="unknown statements"):
        formgen.render_form(statements=["nonsense"])


def test_empty_form_has_no_personal_values_and_census_rows_can_go() -> None:
    form = formgen.render_form(filled=False, census_fields=False, title="Admission form, September 2016")
    assert {f.type for f in form.fields} == {"school"}
    assert "Admission form, September 2016" in form.text.splitlines()
    assert "Nationality" not in form.text and "Ethnicity" not in form.text


def test_unknown_value_font_is_refused() -> None:
    with pytest.raises(ValueError, match="hand-kristi"):
        formgen.render_form(value_font="comic")


def test_degrade_changes_geometry_as_asked() -> None:
    page = formgen.render_form(seed=2).image
    assert formgen.degrade(page, dpi=150).size == (1240, 1754)
    assert formgen.degrade(page, orientation=90).size == (3508, 2480)
    skewed = formgen.degrade(page, rotate=3, blur=0.8, noise=10, jpeg=60)
    assert skewed.size == page.size and skewed.mode == "L"
    photo = formgen.degrade(page, phone=True, seed=3)
    assert photo.mode == "RGB" and photo.width * photo.height >= 12_000_000
    r, g, b = (np.asarray(photo, np.float32)[1500:2500, 1000:2000].mean(axis=(0, 1)))
    assert r > g > b  # warm light


@pytest.mark.parametrize(("fmt", "pil_format"), [("png", "PNG"), ("jpeg", "JPEG"), ("tiff", "TIFF"),
                                                 ("webp", "WEBP"), ("heic", "HEIF")])
def test_encoders_reopen_with_their_format(fmt: str, pil_format: str) -> None:
    page = formgen.render_form(seed=4).image
    data = formgen.to_bytes(page, fmt)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == pil_format and image.size == page.size
        if pil_format in ("PNG", "JPEG", "TIFF"):
            assert round(image.info["dpi"][0]) == 300


def test_multipage_tiff_and_scanned_pdf_hold_every_page() -> None:
    pages = [formgen.render_form(seed=s).image for s in (1, 2, 3)]
    with Image.open(io.BytesIO(formgen.multipage_tiff(pages))) as tiff:
        assert tiff.format == "TIFF" and tiff.n_frames == 3
    pdf = pdfium.PdfDocument(formgen.scanned_pdf(pages))
    assert len(pdf) == 3
    assert round(pdf[0].get_width() / 72 * 300) == 2480
    assert pdf[0].get_textpage().get_text_range() == ""


def test_text_pdf_text_layer_reads_back() -> None:
    pages = [["Data Collection Sheet", "Nationality (optional) \\ refused", "Café 1996"], ["Page two"]]
    pdf = pdfium.PdfDocument(formgen.text_pdf(pages))
    assert [pdf[i].get_textpage().get_text_range().split("\r\n") for i in range(len(pdf))] == pages


def test_encrypted_pdf_needs_its_password() -> None:
    data = formgen.encrypted_pdf()
    with pytest.raises(pdfium.PdfiumError, match="password"):
        pdfium.PdfDocument(data)
    pdf = pdfium.PdfDocument(data, password=formgen.ENCRYPTED_PDF_PASSWORD)
    assert pdf[0].get_textpage().get_text_range() == "Data Collection Sheet"


def test_decompression_bomb_is_small_but_declares_huge_pixels() -> None:
    data = formgen.decompression_bomb()
    assert len(data) < 10_000
    assert data[12:16] == b"IHDR" and struct.unpack(">II", data[16:24]) == (60000, 60000)
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(data))


def test_seeds_vary_the_layout_and_every_form_fits_the_page() -> None:
    fonts = list(formgen.VALUE_FONTS)
    forms = [formgen.render_form(seed=seed, value_font=fonts[seed % len(fonts)]) for seed in range(10, 22)]
    assert len({form.text.splitlines()[0] for form in forms}) > 3  # school names
    assert len({next(f.box[0] for f in form.fields if f.name == "surname") for form in forms}) > 1
    for form in forms:
        address = next(f for f in form.fields if f.type == "address")
        assert 2 <= len(address.value.splitlines()) <= 3
        assert all(line in form.text for line in address.value.splitlines())


@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp"])
def test_exif_tags_are_embedded(fmt: str) -> None:
    page = formgen.render_form(seed=5).image.rotate(90, expand=True)
    data = formgen.to_bytes(page, fmt, exif={formgen.EXIF_ORIENTATION: 6, formgen.EXIF_MAKE: "Census Phone"})
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        assert exif[formgen.EXIF_ORIENTATION] == 6 and exif[formgen.EXIF_MAKE] == "Census Phone"
