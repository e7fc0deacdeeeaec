"""Redaction by allow-list: every output channel keeps the form's wording and nothing personal."""
from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from portal.audit import pii, redact
from portal.audit.document import Finding, Page, Span, Word
from portal.audit.ocr import TesseractEngine
from tests.audit.wordpages import page
from tests.support import formgen

PRINT_FONT = formgen.PRINT_FONTS["dejavu"][0]
HANDWRITING = [name for name in formgen.VALUE_FONTS if name.startswith("hand-")]
DARKEST_PLACEHOLDER = redact.PLACEHOLDER_INK - 20  # darker than any placeholder pixel: surviving ink


def tokens(text: str) -> set[str]:
    return {t for t in re.split(r"[^0-9a-z]+", text.lower()) if t}


def seeded_tokens(form: formgen.RenderedForm) -> dict[str, set[str]]:
    """Return each personal value's distinctive tokens: not printed by the form itself, not a title."""
    printed = {t for w in form.printed_words for t in tokens(w)}
    out = {}
    for f in form.fields:
        distinctive = {t for t in tokens(f.value) if len(t) >= 3 and t not in printed} - {"mrs", "miss"}
        if distinctive:
            out[f.name] = distinctive
    return out


class Sheet:
    """A drawn test page whose words are known exactly: what OCR would have read, without OCR."""

    def __init__(self, size: tuple[int, int] = (1200, 900)) -> None:
        self.image = Image.new("L", size, 255)
        self.draw = ImageDraw.Draw(self.image)
        self.font = ImageFont.truetype(PRINT_FONT, 36)
        self.words: list[Word] = []

    def write(self, x: int, y: int, text: str, conf: float = 95.0, line: int = 1) -> None:
        for word in text.split():
            box = self.draw.textbbox((x, y), word, font=self.font)
            self.draw.text((x, y), word, font=self.font, fill=0)
            self.words.append(Word(word, box, conf, block=line, par=1, line=1))
            x = box[2] + 16

    def page(self) -> Page:
        return Page(1, self.image.width, self.image.height, 300, list(self.words))


def dark(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Return how many pixels in ``box`` are darker than any placeholder pixel."""
    return int((np.asarray(image)[box[1]:box[3], box[0]:box[2]] < DARKEST_PLACEHOLDER).sum())


# ---------------------------------------------------------------- text and quotes

def test_text_keeps_printed_words_and_types_each_hit() -> None:
    p = page("Legal surname || SMITH", "Postcode || LS12 4AB", "Email || jo@example.com")
    r = redact.redact([p], [Image.new("L", (p.width, p.height), 255)], pii.find([p]))
    assert r.text == "Legal surname [NAME]\nPostcode [POSTCODE]\nEmail [EMAIL]"


def test_words_of_one_hit_collapse_into_one_placeholder() -> None:
    p = page("Home address || Flat 2, 14 Church Lane", "|| Leeds", "Date of birth || 3 March 2015")
    r = redact.redact([p], [Image.new("L", (p.width, p.height), 255)], pii.find([p]))
    assert r.text == "Home address [ADDRESS]\n[ADDRESS]\nDate of birth [DATE_OF_BIRTH]"


def test_words_not_read_well_become_one_marker() -> None:
    p = page("We collect %$#@ ~~ this data", "Religion i1l|l Il!",
             conf={"%$#@": 91.0, "i1l|l": 40.0, "Il!": 30.0})
    r = redact.redact([p], [Image.new("L", (p.width, p.height), 255)], [])
    assert r.text == f"We collect {redact.DROPPED} this data\nReligion {redact.DROPPED}"


def test_pages_split_by_form_feed() -> None:
    first, second = page("Data Collection Sheet"), page("Telephone || 07700 900123", number=2)
    blank = [Image.new("L", (first.width, first.height), 255)] * 2
    r = redact.redact([first, second], blank, pii.find([first, second]))
    assert r.text == "Data Collection Sheet\fTelephone [PHONE]"


def test_quote_is_the_redacted_span() -> None:
    p = page("Signed by Mrs Fatima AHMED on behalf of the family")
    r = redact.redact([p], [Image.new("L", (p.width, p.height), 255)], pii.find([p]))
    finding = Finding("FP-01", "present", span=Span(1, 1, 8), evidence="Signed by Mrs Fatima AHMED on behalf")
    quoted = Finding("FP-01", "present", span=Span(1, 1, 8), evidence="by [NAME] on behalf of")
    assert r.quote(finding) == quoted
    assert r.quote(Finding("CEN-01", "missing", evidence="anything")).evidence is None


def test_redact_changes_none_of_its_inputs() -> None:
    sheet = Sheet()
    sheet.write(40, 40, "Legal surname")
    sheet.write(600, 40, "SMITH")
    p = sheet.page()
    hits = pii.find([p])
    image_before, words_before, hits_before = sheet.image.tobytes(), list(p.words), list(hits)
    redact.redact([p], [sheet.image], hits)
    assert sheet.image.tobytes() == image_before and p.words == words_before and hits == hits_before


def test_images_are_new_pixels_without_metadata() -> None:
    sheet = Sheet()
    sheet.write(40, 40, "Legal surname")
    source = sheet.image.convert("RGB")
    source.info.update({"dpi": (300, 300), "comment": b"SMITH"})
    r = redact.redact([sheet.page()], [source], [])
    (out,) = r.images
    assert out is not source and out.size == source.size and out.mode == "L"
    assert out.info == {} and not out.getexif()


# ---------------------------------------------------------------- images

def test_kept_wording_survives_and_personal_words_become_a_labelled_grey_box() -> None:
    sheet = Sheet()
    sheet.write(40, 40, "Legal surname")
    sheet.write(600, 40, "SMITH")
    p = sheet.page()
    (out,) = redact.redact([p], [sheet.image], pii.find([p])).images
    label, value = p.words[0].box, p.words[2].box
    assert dark(out, label) > 100
    assert dark(out, value) == 0
    grey = np.asarray(out)[value[1]:value[3], value[0]:value[2]]
    assert (grey == redact.PLACEHOLDER_FILL).mean() > 0.5


def test_low_confidence_words_and_unread_marks_are_removed_and_reported() -> None:
    sheet = Sheet()
    sheet.write(40, 40, "Comments")
    sheet.write(600, 40, "Methodist", conf=35.0)
    sheet.draw.line([(100, 500), (180, 420), (260, 560), (340, 430), (420, 540)], fill=30, width=6)
    p = sheet.page()
    r = redact.redact([p], [sheet.image], pii.find([p]))
    (out,) = r.images
    assert dark(out, p.words[1].box) == 0
    assert dark(out, (90, 410, 430, 570)) == 0
    reported = [h for h in r.hits if h.type in ("handwriting", "other")]
    for box in (p.words[1].box, (100, 420, 420, 560)):
        assert any(h.box[0] <= box[0] and h.box[1] <= box[1] and h.box[2] >= box[2] and h.box[3] >= box[3]
                   for h in reported)
    assert r.text == f"Comments {redact.DROPPED}"


def test_ruling_and_tick_boxes_are_redrawn_and_ticks_removed() -> None:
    sheet = Sheet()
    sheet.draw.rectangle((20, 20, 1180, 120), outline=0, width=3)  # a table row
    sheet.draw.line([(400, 20), (400, 120)], fill=0, width=3)
    for x in (100, 300):
        sheet.draw.rectangle((x, 300, x + 47, 347), outline=0, width=3)
    sheet.draw.line([(310, 330), (322, 343), (352, 290)], fill=40, width=7)  # a tick running out of its box
    p = sheet.page()
    r = redact.redact([p], [sheet.image], [])
    out = np.asarray(r.images[0])
    assert (out[20:23, 20:1180] < 128).mean() > 0.9 and (out[20:120, 399:402] < 128).mean() > 0.9
    for x in (100, 300):
        assert (out[300:303, x:x + 47] < 128).mean() > 0.9 and (out[300:347, x:x + 3] < 128).mean() > 0.9
        assert (out[310:338, x + 10:x + 38] > 250).all()  # empty, whether ticked or not
    assert (out[285:296, 340:356] > 250).all()  # the tick's tail outside the box is gone too
    assert any(h.type == "handwriting" and h.box[0] <= 330 and h.box[2] >= 340 for h in r.hits)


def test_signature_region_is_reported_only_when_signed() -> None:
    sheet = Sheet()
    sheet.write(40, 40, "Please sign to confirm that these details are correct.")
    sheet.write(40, 300, "Signature:", line=2)
    unsigned = redact.redact([sheet.page()], [sheet.image.copy()], pii.find([sheet.page()]))
    assert not any(h.type == "signature" for h in unsigned.hits)
    sheet.draw.line([(350, 330), (420, 270), (470, 340), (560, 280), (640, 320)], fill=40, width=5)
    signed = redact.redact([sheet.page()], [sheet.image], pii.find([sheet.page()]))
    (signature,) = [h for h in signed.hits if h.type == "signature"]
    assert signature.words == () and signature.box[0] < 350 and signature.box[2] > 640
    assert dark(signed.images[0], (340, 260, 650, 350)) == 0


# ---------------------------------------------------------------- with real Tesseract

@pytest.fixture(scope="module")
def engine() -> TesseractEngine:
    return TesseractEngine(timeout=120)


def audit_form(form: formgen.RenderedForm, engine: TesseractEngine) -> tuple[Page, redact.Redaction]:
    """OCR a rendered form, find its personal data and redact it."""
    image = form.image
    p = Page(1, image.width, image.height, form.dpi, engine.read(image, form.dpi))
    return p, redact.redact([p], [image], pii.find([p]))


@pytest.mark.slow
def test_no_output_channel_holds_a_seeded_value(engine: TesseractEngine) -> None:
    form = formgen.render_form(seed=11, value_font="dejavu")
    p, r = audit_form(form, engine)
    whole = r.quote(Finding("FP-03", "present", span=Span(1, 0, len(p.words))))
    read_back = " ".join(w.text for w in engine.read(r.images[0], form.dpi))
    for channel, text in {"text": r.text, "quote": whole.evidence or "", "image": read_back}.items():
        found = {name: values & tokens(text) for name, values in seeded_tokens(form).items()}
        assert not {name: hits for name, hits in found.items() if hits}, channel
    assert "[NAME]" in r.text and "[POSTCODE]" in r.text and "[UPN]" in r.text


@pytest.mark.slow
@pytest.mark.parametrize("font", HANDWRITING)
@pytest.mark.parametrize(("label", "value"), [
    ("Legal surname", "KOWALSKA"), ("Home address", "14 Mill Close"), ("Telephone", "07700 900461"),
    ("Religion", "Methodist"), ("Hobbies", "SWIMMING"), ("Best friend", "Grace Hill"),  # no label it knows
])
def test_handwritten_value_beside_its_label_never_survives(engine: TesseractEngine, font: str, label: str,
                                                           value: str) -> None:
    image = Image.new("L", (2480, 600), 255)
    draw = ImageDraw.Draw(image)
    body = ImageFont.truetype(formgen.PRINT_FONTS["dejavu"][0], 38)
    draw.text((200, 60), "Please check the details below and return this sheet to the school office.",
              font=body, fill=0)
    draw.rectangle((180, 200, 2300, 380), outline=0, width=3)  # a table row: the label's cell and the value's
    draw.line([(860, 200), (860, 380)], fill=0, width=3)
    draw.text((200, 250), label, font=ImageFont.truetype(formgen.PRINT_FONTS["dejavu"][1], 40), fill=0)
    hand = ImageFont.truetype(formgen.VALUE_FONTS[font][0], 64)
    draw.text((900, 235), value, font=hand, fill=0)
    box = draw.textbbox((900, 235), value, font=hand)
    p = Page(1, image.width, image.height, 300, engine.read(image, 300))
    r = redact.redact([p], [image], pii.find([p]))
    out = r.images[0]
    assert dark(out, box) == 0  # white, or at most a grey placeholder: no stroke of the value is left
    read_back = tokens(" ".join(w.text for w in engine.read(out, 300)))
    assert not tokens(value) & read_back
    assert tokens(label) <= read_back


@pytest.mark.slow
@pytest.mark.parametrize("font", ["hand-kristi", "liberation"])
def test_printed_wording_survives(engine: TesseractEngine, font: str) -> None:
    form = formgen.render_form(seed=4, value_font=font)
    _, r = audit_form(form, engine)
    wanted = Counter(t for w in form.printed_words for t in tokens(w))
    got = Counter(t for w in engine.read(r.images[0], form.dpi) for t in tokens(w.text))
    survived = sum(min(n, got[t]) for t, n in wanted.items())
    assert survived >= 0.95 * sum(wanted.values())


def test_no_log_line_or_error_names_a_value(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    p = page("Legal surname || KOWALSKA", "Email || zofia.k@example.com", "Postcode || LS12 4AB")
    r = redact.redact([p], [Image.new("L", (p.width, p.height), 255)], pii.find([p]))
    with pytest.raises(ValueError) as error:  # a page without its image
        redact.redact([p, p], [Image.new("L", (p.width, p.height), 255)], pii.find([p]))
    said = " ".join([record.getMessage() for record in caplog.records] + [str(error.value), repr(r)])
    for value in ("KOWALSKA", "zofia", "LS12"):
        assert value not in said
