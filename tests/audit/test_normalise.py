"""Normalise: pages come out upright, level, flat, evenly lit and near 300 dpi; clean scans are left alone."""
from __future__ import annotations

import functools
import math

import cv2
import numpy as np
import pytesseract
import pytest
from PIL import Image

from portal.audit import normalise as normalise_module
from portal.audit.ingest import Limits, SourcePage, load
from portal.audit.normalise import MIN_SKEW, normalise
from tests.audit.conftest import KEY_PHRASES, read_text
from tests.support import formgen

A4_300 = (2480, 3508)


def likeness(image: Image.Image, reference: Image.Image) -> float:
    """Return how alike two pages look at a glance: correlation of blurred thumbnails, -1 to 1."""
    def thumb(im: Image.Image) -> np.ndarray:
        small = cv2.resize(np.asarray(im.convert("L"), np.float32), (124, 175), interpolation=cv2.INTER_AREA)
        small = cv2.GaussianBlur(small, (0, 0), 2)
        return (small - small.mean()) / (small.std() + 1e-6)
    return float((thumb(image) * thumb(reference)).mean())


def upright(image: Image.Image, reference: Image.Image) -> bool:
    """Tell whether a normalised page shows the reference page the right way up."""
    return likeness(image, reference) > max(0.5, likeness(image.rotate(180), reference) + 0.2)


def layout_of(image: Image.Image) -> normalise_module.Layout:
    """Return the cheap layout estimate (direction, skew, orientation) of a greyscale page."""
    small, factor = normalise_module._small(image.convert("L"))
    return normalise_module._layout(normalise_module._ink(small, normalise_module._background(small)), factor)


@pytest.fixture
def unsure_osd(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make Tesseract's orientation detection always unsure, leaving the cheap estimate to decide."""
    monkeypatch.setattr(normalise_module, "_osd_turns", lambda image: None)


@pytest.fixture
def no_osd(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if Tesseract's orientation detection is asked at all."""
    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("OSD was called on a page that did not need it")
    monkeypatch.setattr(pytesseract, "image_to_osd", refuse)


def test_clean_300_dpi_scan_passes_through_untouched(form: formgen.RenderedForm, no_osd: None) -> None:
    [source] = load(formgen.to_bytes(form.image, "PNG"), Limits())
    image, dpi = normalise(source)
    assert image.mode == "L" and image.size == form.image.size and dpi == 300
    assert np.array_equal(np.asarray(image), np.asarray(form.image))


def test_text_layer_page_keeps_its_geometry(form: formgen.RenderedForm) -> None:
    source = SourcePage(form.image.convert("RGB").rotate(90, expand=True), 300, words=[])
    image, dpi = normalise(source)
    assert image.mode == "L" and image.size == source.image.size and dpi == 300


@pytest.mark.parametrize("scan_dpi, skew", [(150, 0.0), (150, 2.0), (600, 0.0), (600, 2.0)])
def test_scans_are_rescaled_to_300_dpi(form: formgen.RenderedForm, no_osd: None, scan_dpi: int,
                                       skew: float) -> None:
    scan = formgen.degrade(form.image, dpi=scan_dpi, rotate=skew)
    image, dpi = normalise(SourcePage(scan, scan_dpi))
    assert dpi == 300
    slack = 4 + 3508 * math.sin(math.radians(skew))  # a deskewed page keeps its corners
    assert abs(image.width - A4_300[0]) <= slack and abs(image.height - A4_300[1]) <= slack
    assert abs(layout_of(image).skew) < MIN_SKEW


def test_real_dpi_is_estimated_when_the_file_says_72(form: formgen.RenderedForm, no_osd: None) -> None:
    scan = formgen.degrade(form.image, dpi=200)
    [source] = load(formgen.to_bytes(scan, "JPEG", dpi=72), Limits())
    assert source.dpi == 72
    image, dpi = normalise(source)
    assert dpi == 300 and abs(image.width - A4_300[0]) <= 4


def test_dpi_comes_from_text_size_when_page_size_is_unknown(form: formgen.RenderedForm, no_osd: None) -> None:
    crop = formgen.degrade(form.image, dpi=150).crop((0, 0, 1240, 1000))  # part of a 150 dpi page
    image, dpi = normalise(SourcePage(crop, None))
    assert dpi == 300
    assert 130 < crop.width * 300 / image.width < 175  # the scan's DPI as estimated from its text


@pytest.mark.parametrize("orientation", [90, 180, 270])
def test_quarter_turns_are_undone(form: formgen.RenderedForm, orientation: int, unsure_osd: None) -> None:
    turned = formgen.degrade(form.image, orientation=orientation)
    image, dpi = normalise(SourcePage(turned, 300))
    assert image.size == form.image.size and dpi == 300
    assert upright(image, form.image)


@functools.cache
def other_form(seed: int) -> Image.Image:
    """Return another generated form: its layout and fonts vary with the seed."""
    return formgen.render_form(seed=seed, value_font="liberation" if seed % 2 else "dejavu").image


@pytest.mark.parametrize("seed", [3, 4])
@pytest.mark.parametrize("orientation", [0, 90, 180, 270])
def test_orientation_estimate_agrees_across_layouts_and_fonts(seed: int, orientation: int) -> None:
    page = other_form(seed)
    layout = layout_of(formgen.degrade(page, orientation=orientation, rotate=2.0, seed=seed))
    assert layout.turns == (4 - orientation // 90) % 4 and layout.sure
    assert abs(layout.skew + 2.0) < 0.3


def test_osd_has_the_last_word_when_it_is_sure(monkeypatch: pytest.MonkeyPatch) -> None:
    report = "Page number: 0\nOrientation in degrees: 90\nRotate: 270\nOrientation confidence: 9.31\n"
    monkeypatch.setattr(pytesseract, "image_to_osd", lambda *a, **k: report)
    assert normalise_module._osd_turns(Image.new("L", (300, 400), 255)) == 1  # 270 clockwise = 90 back
    monkeypatch.setattr(pytesseract, "image_to_osd", lambda *a, **k: report.replace("9.31", "0.4"))
    assert normalise_module._osd_turns(Image.new("L", (300, 400), 255)) is None


def test_a_failing_osd_leaves_the_cheap_estimate(form: formgen.RenderedForm,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> str:
        raise pytesseract.TesseractError(1, "Too few characters. Skipping this page")
    monkeypatch.setattr(pytesseract, "image_to_osd", fail)
    image, _ = normalise(SourcePage(formgen.degrade(form.image, orientation=180), 300))
    assert upright(image, form.image)


@pytest.mark.parametrize("angle", [-3.0, 3.0, 7.0])
def test_skew_is_removed(form: formgen.RenderedForm, angle: float) -> None:
    skewed = formgen.degrade(form.image, rotate=angle)
    assert abs(layout_of(skewed).skew + angle) < 0.2
    image, _ = normalise(SourcePage(skewed, 300))
    assert abs(layout_of(image).skew) < 0.2


def test_uneven_light_is_evened_out(form: formgen.RenderedForm) -> None:
    page = np.asarray(form.image, np.float32)
    light = np.linspace(0.4, 1.0, page.shape[1], dtype=np.float32)[None, :]  # a lamp on the right
    shaded = Image.fromarray((page * light).astype(np.uint8))
    image, _ = normalise(SourcePage(shaded, 300))
    paper = np.asarray(image)[np.asarray(form.image) == 255]
    assert np.percentile(paper, 5) > 200
    assert np.percentile(np.asarray(shaded)[np.asarray(form.image) == 255], 5) < 120


def test_phone_photo_is_found_flattened_to_a4_and_lit_evenly(form: formgen.RenderedForm,
                                                            phone_jpeg: bytes) -> None:
    [source] = load(phone_jpeg, Limits())
    assert source.image.size == (3000, 4000) and source.dpi is None
    image, dpi = normalise(source)
    assert image.size == A4_300 and dpi == 300
    assert upright(image, form.image)
    assert likeness(image, form.image) > 0.75
    corners = [np.asarray(image)[y:y + 100, x:x + 100] for x in (0, 2380) for y in (0, 3408)]
    assert all(np.median(c) > 190 for c in corners)  # paper, not table, at every corner


def test_sideways_phone_photo_is_turned_upright(form: formgen.RenderedForm, phone_jpeg: bytes,
                                                unsure_osd: None) -> None:
    [source] = load(phone_jpeg, Limits())
    image, dpi = normalise(SourcePage(source.image.transpose(Image.Transpose.ROTATE_270), 72))
    assert image.size == A4_300 and dpi == 300
    assert upright(image, form.image)


@pytest.mark.parametrize("size", [(40, 30), (2480, 3508)])
def test_blank_and_tiny_pages_do_not_break(size: tuple[int, int], no_osd: None) -> None:
    image, dpi = normalise(SourcePage(Image.new("L", size, 255), 300))
    assert image.size == size and dpi == 300


@pytest.mark.slow
@pytest.mark.parametrize("degradation", [{"orientation": 90}, {"orientation": 180}, {"orientation": 270},
                                         {"rotate": 3.0}], ids=["90", "180", "270", "skew3"])
def test_key_phrases_are_read_after_rotation_and_skew(form: formgen.RenderedForm, degradation: dict) -> None:
    text = read_text(formgen.to_bytes(formgen.degrade(form.image, **degradation), "PNG"))
    for phrase in KEY_PHRASES:
        assert phrase in text


@pytest.mark.slow
def test_key_phrases_are_read_from_a_phone_photo(phone_jpeg: bytes) -> None:
    text = read_text(phone_jpeg)
    for phrase in KEY_PHRASES:
        assert phrase in text
