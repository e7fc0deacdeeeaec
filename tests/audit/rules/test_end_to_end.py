"""End to end: text rendered to a 300 dpi page, read by real Tesseract, checked by the rule checker."""
from __future__ import annotations

import textwrap
from datetime import date

import pytesseract
import pytest
from PIL import Image, ImageDraw, ImageFont

from portal.audit import detect, ingest, normalise, rules
from portal.audit.document import Context, Finding, Page, union
from portal.audit.ocr import TesseractEngine, words
from tests.support import formgen

pytestmark = pytest.mark.slow
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def render(paragraphs: list[str]) -> Image.Image:
    """Render paragraphs in 11 pt DejaVu Sans on a white A4 page at 300 dpi."""
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 46)
    y = 200
    for paragraph in paragraphs:
        for line in textwrap.wrap(paragraph, 80) or [""]:
            draw.text((200, y), line, font=font, fill=0)
            y += 62
        y += 40
    return image


def read(image: Image.Image) -> Page:
    """OCR a page image with Tesseract as the engine does (300 dpi, automatic layout)."""
    data = pytesseract.image_to_data(image, config="--dpi 300 --psm 3", output_type=pytesseract.Output.DICT,
                                     timeout=180)
    return Page(1, image.width, image.height, 300, words(data))


def audit(page: Page, when: date | None = None) -> tuple[Context, dict[str, Finding]]:
    context = detect.detect([page], when)
    return context, {f.rule_id: f for f in rules.check([page], context)}


def quote(page: Page, f: Finding) -> str:
    assert f.span is not None
    return " ".join(w.text for w in page.words[f.span.start:f.span.end])


@pytest.fixture(scope="module")
def full_form() -> Page:
    """A data collection sheet with every stock statement, read by Tesseract."""
    return read(formgen.render_form(seed=7).image)


def test_full_census_sheet(full_form: Page) -> None:
    context, found = audit(full_form)
    assert {"nationality", "country_of_birth", "ethnicity", "first_language"} <= set(context.census_items)
    assert {"NAT", "ETH", "CEN"} <= set(context.flags) and "D18" not in context.flags
    for rule_id in ("FP-03", "FP-05", "FP-06", "FP-12", "CEN-01", "CEN-02", "CEN-03", "CEN-04", "CEN-08",
                    "CEN-09", "CEN-11"):
        assert found[rule_id].status == "present", rule_id
    for rule_id in ("CEN-05", "CEN-06", "CEN-07"):
        assert found[rule_id].status == "clear", rule_id
    assert found["FP-08"].status == "missing"
    assert "optional" in quote(full_form, found["CEN-01"])
    assert "Refused" in quote(full_form, found["CEN-02"])


def test_evidence_box_covers_the_evidence_words(full_form: Page) -> None:
    _, found = audit(full_form)
    f = found["CEN-03"]
    assert f.span is not None and f.box is not None
    assert f.box == union([w.box for w in full_form.words[f.span.start:f.span.end]])
    assert 0 <= f.box[0] < f.box[2] <= full_form.width and 0 <= f.box[1] < f.box[3] <= full_form.height
    assert 0.5 < f.confidence <= 1


def test_sheet_without_the_nationality_statements() -> None:
    page = read(formgen.render_form(seed=3, statements=["dfe", "notice"]).image)
    context, found = audit(page)
    assert "NAT" in context.flags
    assert found["CEN-01"].status == "missing"
    assert found["CEN-03"].status == "missing"
    assert found["FP-06"].status == "missing"
    assert found["CEN-02"].status == "present"  # the sheet still offers "Refused"
    assert found["FP-05"].status == "present"


def test_gdpr_era_letter_dated_on_the_page() -> None:
    page = read(render([
        "Greenfields Infant School, Mill Close, Bristol BS5 6AB",
        "1 October 2018",
        "Dear Parent or Carer,",
        "Under the General Data Protection Regulation we must tell you how we use your information. The DfE "
        "requires us to collect your child's nationality and country of birth for the school census.",
        "You can complain to the Information Commissioner's Office at ico.org.uk/concerns.",
        "Nationality: ______________        Country of birth: ______________",
    ]))
    context, found = audit(page)
    assert context.form_date == date(2018, 10, 1)
    assert {"NAT", "CEN", "G18", "D18"} <= set(context.flags)
    assert found["CEN-10"].status == "violation"
    assert "school census" in quote(page, found["CEN-10"])
    assert found["FP-11"].status == "present"
    assert found["FP-02"].status == "missing"
    assert found["CEN-01"].status == "missing"


def test_phone_photo_of_the_sheet_through_the_engine() -> None:
    """A 12 MP phone photo (perspective, shadow, JPEG) read as the pipeline reads it."""
    photo = formgen.degrade(formgen.render_form(seed=5).image, phone=True, seed=5)
    source = ingest.load(formgen.to_bytes(photo, "JPEG", dpi=None, quality=80), ingest.Limits())[0]
    image, dpi = normalise.normalise(source)
    page = Page(1, image.width, image.height, dpi, TesseractEngine(timeout=180).read(image, dpi))
    context, found = audit(page)
    assert {"NAT", "ETH", "CEN"} <= set(context.flags) and context.form_date is None
    for rule_id in ("FP-05", "CEN-01", "CEN-02", "CEN-03", "CEN-09", "CEN-11"):
        assert found[rule_id].status == "present", rule_id
