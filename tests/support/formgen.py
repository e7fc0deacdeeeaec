"""Synthetic census forms with ground truth, degradations and file encoders for tests and benchmarks."""
from __future__ import annotations

import hashlib
import io
import math
import random
import struct
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

DPI = 300
A4_MM = (210, 297)
INK = 0  # printed wording
PEN = 45  # filled-in values: a dark pen, lighter than toner

_DEJAVU = "/usr/share/fonts/truetype/dejavu/"
_LIBERATION = "/usr/share/fonts/truetype/liberation/"
PRINT_FONTS: dict[str, tuple[str, str]] = {  # name -> (regular, bold)
    "dejavu": (_DEJAVU + "DejaVuSans.ttf", _DEJAVU + "DejaVuSans-Bold.ttf"),
    "liberation": (_LIBERATION + "LiberationSans-Regular.ttf", _LIBERATION + "LiberationSans-Bold.ttf"),
}
VALUE_FONTS: dict[str, tuple[str, str]] = {  # name -> (font file, Debian package)
    "dejavu": (_DEJAVU + "DejaVuSans.ttf", "fonts-dejavu-core"),
    "liberation": (_LIBERATION + "LiberationSans-Regular.ttf", "fonts-liberation"),
    "hand-dkg": ("/usr/share/fonts/truetype/fifthhorseman/dkg.ttf", "fonts-dkg-handwriting"),
    "hand-breip": ("/usr/share/fonts/truetype/breip/Breip.ttf", "fonts-breip"),  # capitals drawn hollow
    "hand-femke": ("/usr/share/fonts/truetype/femkeklaver/femkeklaver.ttf", "fonts-femkeklaver"),
    "hand-kristi": ("/usr/share/fonts/truetype/kristi/Kristi.ttf", "fonts-kristi"),
}

STATEMENTS: dict[str, str] = {  # stock fair-processing sentences, in the order a form prints them
    "purpose": "We use this information to support pupil learning, to monitor progress and to help the DfE "
               "understand the needs of pupils with English as an additional language.",
    "dfe": "The school is required by law to send this information to the Department for Education (DfE) as "
           "part of the school census, under section 537A of the Education Act 1996.",
    "npd": "The DfE keeps census data in the National Pupil Database and may share it with researchers and "
           "other third parties.",
    "optional": "Providing your child's nationality and country of birth is optional.",
    "no_effect": "Refusing to provide them will have no effect on the school's funding or on your child's "
                 "education.",
    "retract": "You can retract information already given at any time by asking the school office to record "
               "it as refused.",
    "notice": "Our full privacy notice is available from the school office and on the school website.",
}

ETHNICITIES = ["White - British", "White - Irish", "White - any other", "Mixed - White and Asian",
               "Asian - Indian", "Asian - Pakistani", "Asian - Bangladeshi", "Black - African",
               "Black - Caribbean", "Chinese", "Any other ethnic group", "Refused"]
FORENAMES = ["Olivia Grace", "Amelia", "Noah James", "Muhammad Ali", "Zofia Maria", "Oliver", "Isla Rose",
             "Leo", "Aisha", "Jack Thomas", "Chidera", "Harpreet", "Ioana", "Freddie", "Maryam", "Kacper"]
SURNAMES = ["SMITH", "KOWALSKA", "AHMED", "JONES", "O'BRIEN", "PATEL", "TAYLOR", "NOWAK", "OKAFOR",
            "HUSSAIN", "WILLIAMS", "POPESCU", "BEGUM", "MURPHY", "ADEYEMI", "EVANS"]
PARENTS = [("Mrs", "Sarah"), ("Mr", "David"), ("Mrs", "Fatima"), ("Ms", "Anna"), ("Mr", "Michael"),
           ("Ms", "Grace"), ("Mr", "Tomasz"), ("Mrs", "Nkechi"), ("Mr", "Imran"), ("Miss", "Elena")]
STREETS = ["Church Lane", "Station Road", "Victoria Street", "Mill Close", "Oakfield Avenue", "Park Terrace",
           "Chapel Street", "Beech Grove", "Queens Road", "Moorside Drive"]
TOWNS = [("Millbrook", "Leeds", "LS"), ("Hillside", "Bradford", "BD"), ("Kings Heath", "Birmingham", "B"),
         ("Ashby", "Sheffield", "S"), ("Heaton", "Newcastle upon Tyne", "NE"), ("Eastville", "Bristol", "BS"),
         ("Levenshulme", "Manchester", "M"), ("Walton", "Liverpool", "L")]
SCHOOLS = ["Oakfield Primary School", "St Mary's C of E Primary School", "Riverside Academy",
           "Hollybank Community Primary School", "Kingsway High School", "Greenfields Infant School",
           "St Joseph's Catholic Primary School", "Northgate Academy"]
LANGUAGES = [("English", "British", "United Kingdom"), ("Polish", "Polish", "Poland"),
             ("Urdu", "Pakistani", "Pakistan"), ("English", "Irish", "Ireland"),
             ("Romanian", "Romanian", "Romania"), ("Yoruba", "Nigerian", "Nigeria"),
             ("Bengali", "British", "United Kingdom"), ("Punjabi", "Indian", "India")]
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels


@dataclass(frozen=True)
class Field:
    """One personal value on the page: its name, cli.md pii type, text and box (left, top, right, bottom)."""

    name: str
    type: str
    value: str
    box: Box


@dataclass
class RenderedForm:
    """A rendered page and its ground truth."""

    image: Image.Image
    dpi: int
    text: str  # every text line as printed or filled in, one line per visual line, in reading order
    printed_words: list[str]  # the form's own wording (headings, labels, instructions, paragraph)
    fields: list[Field]  # personal values, plus the school's own name and address (type "school")
    statements: list[str]  # keys of STATEMENTS printed on the form


def upn_check_letter(digits: str) -> str:
    """Return the check letter of a Unique Pupil Number's 12 digits."""
    total = sum(int(d) * weight for d, weight in zip(digits, range(2, 14), strict=True))
    return _UPN_LETTERS[total % 23]


def _mm(v: float) -> int:
    return round(v * DPI / 25.4)


def _pt(v: float) -> int:
    return round(v * DPI / 72)


def _value_font_path(name: str) -> str:
    if name not in VALUE_FONTS:
        raise ValueError(f"unknown value font {name!r}; choose one of {', '.join(VALUE_FONTS)}")
    path, package = VALUE_FONTS[name]
    if not Path(path).is_file():
        raise FileNotFoundError(f"font {name!r} needs {path}: install the Debian package {package}")
    return path


@dataclass(frozen=True)
class _Person:
    surname: str
    forenames: str
    dob: str
    upn: str
    address: tuple[str, ...]
    postcode: str
    parent: str
    phone: str
    email: str
    ethnicity: str
    language: str
    nationality: str
    country: str
    signed: str


def _person(rng: random.Random, capitals: bool, hollow_capitals: bool) -> _Person:
    """Invent a pupil and parent, in BLOCK CAPITALS when asked unless the font draws capitals hollow."""
    capitals = capitals and not hollow_capitals
    surname = rng.choice(SURNAMES).title() if hollow_capitals else rng.choice(SURNAMES)
    title, parent = rng.choice(PARENTS)
    village, town, area = rng.choice(TOWNS)
    language, nationality, country = rng.choice(LANGUAGES)
    digits = f"{rng.randint(201, 938)}{rng.randint(2000, 7999)}{rng.randint(14, 24)}{rng.randint(1, 999):03d}"
    street = f"{rng.randint(1, 180)} {rng.choice(STREETS)}"
    if rng.random() < 0.3:
        street = f"Flat {rng.randint(1, 12)}, {street}"
    address = (street, village, town) if rng.random() < 0.6 else (street, town)
    forenames = rng.choice(FORENAMES)
    born = date(rng.randint(2009, 2021), rng.randint(1, 12), rng.randint(1, 28))
    dob = born.strftime("%d/%m/%Y") if rng.random() < 0.8 else f"{born.day} {born:%B %Y}"
    parent_name = f"{title} {parent} {surname.title()}"
    upper_forenames = capitals or (not hollow_capitals and rng.random() < 0.5)
    return _Person(
        surname=surname,
        forenames=forenames.upper() if upper_forenames else forenames,
        dob=dob,
        upn=upn_check_letter(digits) + digits,
        address=tuple(a.upper() for a in address) if capitals else address,
        postcode=f"{area}{rng.randint(1, 29)} {rng.randint(1, 9)}"
                 f"{rng.choice(_POSTCODE_LETTERS)}{rng.choice(_POSTCODE_LETTERS)}",
        parent=parent_name.upper() if capitals else parent_name,
        phone=f"07700 900{rng.randint(0, 999):03d}",
        email=f"{parent.lower()}.{surname.lower().replace(chr(39), '')}@example.com",
        ethnicity=rng.choice(ETHNICITIES[:-1]),
        language=language, nationality=nationality, country=country,
        signed=f"{rng.randint(1, 28):02d}/{rng.randint(9, 12):02d}/{rng.randint(2016, 2024)}",
    )


@dataclass(frozen=True)
class _Layout:
    print_font: str
    boxed: bool  # values in bordered table cells, else written on underlines
    banner: bool  # section headings on a grey bar, else underlined
    centred: bool  # letterhead centred, else on the left
    notice_first: bool  # the privacy paragraph comes before the pupil details
    label_w: float
    row_h: float


def _layout(rng: random.Random) -> _Layout:
    return _Layout(print_font=rng.choice(list(PRINT_FONTS)), boxed=rng.random() < 0.6,
                   banner=rng.random() < 0.6, centred=rng.random() < 0.4, notice_first=rng.random() < 0.25,
                   label_w=rng.choice([46.0, 52.0, 58.0]), row_h=rng.choice([8.0, 8.5, 9.0]))


class _Canvas:
    """An A4 page that records its text lines, printed words and personal-value boxes while drawing."""

    def __init__(self, layout: _Layout, value_font: str, rng: random.Random) -> None:
        self.image = Image.new("L", (_mm(A4_MM[0]), _mm(A4_MM[1])), 255)
        self.draw = ImageDraw.Draw(self.image)
        regular, bold = PRINT_FONTS[layout.print_font]
        sizes = {"title": (bold, 16), "heading": (bold, 11), "label": (bold, 9.5), "body": (regular, 9),
                 "small": (regular, 8.5)}
        self.fonts = {name: ImageFont.truetype(path, _pt(size)) for name, (path, size) in sizes.items()}
        self.value_path = _value_font_path(value_font)
        probe = ImageFont.truetype(self.value_path, 100)
        self.cap_ratio = -probe.getbbox("H", anchor="ls")[1] / 100
        self.handwritten = value_font.startswith("hand-")
        self.pen = rng.randint(15, 70) if self.handwritten else rng.randint(0, 30)
        self.rng = rng
        self.lines: list[list[str]] = []
        self.printed: list[str] = []
        self.fields: list[Field] = []

    def new_line(self) -> list[str]:
        """Start a visual line of ground-truth text and return it."""
        self.lines.append([])
        return self.lines[-1]

    def width_mm(self, s: str, font: str) -> float:
        """Return the printed width of s in mm."""
        return self.draw.textlength(s, font=self.fonts[font]) * 25.4 / DPI

    def text(self, x: float, y: float, s: str, font: str, line: list[str]) -> Box:
        """Print form wording at (x, y) mm and return its ink box."""
        xy = (_mm(x), _mm(y))
        self.draw.text(xy, s, font=self.fonts[font], fill=INK)
        line.append(s)
        self.printed.extend(s.split())
        return self.draw.textbbox(xy, s, font=self.fonts[font])

    def school(self, x: float, y: float, s: str, font: str, line: list[str], name: str) -> None:
        """Print the school's own name or address (redacted by default, so not form wording)."""
        xy = (_mm(x), _mm(y))
        self.draw.text(xy, s, font=self.fonts[font], fill=INK)
        line.append(s)
        self.fields.append(Field(name, "school", s, self.draw.textbbox(xy, s, font=self.fonts[font])))

    def value(self, x: float, y: float, width: float, height: float, s: str, line: list[str]) -> Box:
        """Fill in s centred on the middle of the cell at (x, y) mm of the given size; return its ink box."""
        cap = min(_mm(height) * 0.42, _mm(3.4 if self.handwritten else 2.5))
        size = max(14, round(cap / self.cap_ratio))
        font = ImageFont.truetype(self.value_path, size)
        while size > 14 and font.getlength(s) > _mm(width):
            size = int(size * 0.92)
            font = ImageFont.truetype(self.value_path, size)
        ascent, descent = font.getmetrics()
        pad = 8
        layer = Image.new("L", (math.ceil(font.getlength(s)) + 2 * pad, ascent + descent + 2 * pad), 0)
        ImageDraw.Draw(layer).text((pad, pad + ascent), s, font=font, fill=255, anchor="ls")
        dx, dy = pad - layer.width / 2, pad + ascent - layer.height / 2  # baseline start, from the centre
        if self.handwritten:
            angle = self.rng.uniform(-1.5, 1.5)
            layer = layer.rotate(angle, Image.Resampling.BICUBIC, expand=True)
            t = math.radians(angle)
            dx, dy = dx * math.cos(t) + dy * math.sin(t), -dx * math.sin(t) + dy * math.cos(t)
            x += self.rng.uniform(0, 2.5)
        left = round(_mm(x) - layer.width / 2 - dx)
        top = round(_mm(y + height / 2) + cap / 2 - layer.height / 2 - dy)
        ink = layer.point(lambda v: 255 - v * (255 - self.pen) // 255)
        region = (left, top, left + layer.width, top + layer.height)
        self.image.paste(ImageChops.darker(self.image.crop(region), ink), region[:2])
        line.append(s)
        bbox = layer.getbbox()
        assert bbox is not None
        return (max(0, left + bbox[0]), max(0, top + bbox[1]), min(self.image.width, left + bbox[2]),
                min(self.image.height, top + bbox[3]))

    def field(self, name: str, kind: str, values: Sequence[str], boxes: Sequence[Box]) -> None:
        """Record one personal value drawn as the given lines and boxes."""
        lefts, tops, rights, bottoms = zip(*boxes, strict=True)
        box = (min(lefts), min(tops), max(rights), max(bottoms))
        self.fields.append(Field(name, kind, "\n".join(values), box))

    def rect(self, x: float, y: float, w: float, h: float, width: int = 3, fill: int | None = None) -> None:
        """Draw a rectangle in mm."""
        self.draw.rectangle([_mm(x), _mm(y), _mm(x + w), _mm(y + h)], outline=INK, width=width, fill=fill)

    def rule(self, x0: float, x1: float, y: float, width: int = 3) -> None:
        """Draw a horizontal line in mm."""
        self.draw.line([_mm(x0), _mm(y), _mm(x1), _mm(y)], fill=INK, width=width)

    def tick_box(self, x: float, y: float, size: float = 4) -> None:
        """Draw an empty tick box in mm."""
        self.rect(x, y, size, size)

    def tick(self, x: float, y: float, name: str, meaning: str, size: float = 4) -> None:
        """Mark the tick box at (x, y) mm with a pen cross or tick that records what it means."""
        rng = self.rng
        a, b, c, d = _mm(x + 0.7), _mm(x + size - 0.7), _mm(y + 0.7), _mm(y + size - 0.7)
        if rng.random() < 0.5:
            self.draw.line([a + rng.randint(-6, 6), c, b, d + rng.randint(-6, 6)], fill=self.pen, width=7)
            self.draw.line([a, d + rng.randint(-6, 6), b + rng.randint(-6, 6), c], fill=self.pen, width=7)
            box = (a - 10, c - 10, b + 11, d + 11)
        else:  # a tick overshooting the box upwards
            points = [(a, (c + d) // 2), ((a + b) // 2, d), (b + rng.randint(5, 25), c - rng.randint(10, 30))]
            self.draw.line(points, fill=self.pen, width=7, joint="curve")
            box = (a - 4, min(p[1] for p in points) - 4, max(p[0] for p in points) + 4, d + 4)
        self.fields.append(Field(name, "handwriting", meaning, box))

    def wrap(self, s: str, font: str, width: float) -> list[str]:
        """Break s into lines no wider than width mm."""
        out: list[str] = []
        current = ""
        for word in s.split():
            trial = f"{current} {word}".strip()
            if current and self.width_mm(trial, font) > width:
                out.append(current)
                trial = word
            current = trial
        return out + [current] if current else out

    def signature(self, x: float, y: float, width: float) -> None:
        """Scribble a signature of pen strokes above the baseline at (x, y) mm."""
        rng = self.rng
        points: list[tuple[float, float]] = []
        cursor = _mm(x + rng.uniform(2, 8))
        base = _mm(y)
        end = _mm(x + width * rng.uniform(0.55, 0.9))
        while cursor < end:
            p0 = (cursor, base - rng.uniform(5, 40))
            p1 = (cursor + rng.uniform(-40, 90), base - rng.uniform(40, 130))
            p2 = (cursor + rng.uniform(0, 120), base + rng.uniform(-30, 25))
            p3 = (cursor + rng.uniform(60, 150), base - rng.uniform(5, 50))
            for t in np.linspace(0, 1, 24):
                points.append(tuple(  # type: ignore[arg-type]
                    (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t ** 2 * c + t ** 3 * d
                    for a, b, c, d in zip(p0, p1, p2, p3, strict=True)))
            cursor = p3[0]
        pen = rng.randint(4, 7)
        self.draw.line(points, fill=self.pen, width=pen, joint="curve")
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = (int(min(xs)) - pen, int(min(ys)) - pen, math.ceil(max(xs)) + pen, math.ceil(max(ys)) + pen)
        self.fields.append(Field("signature", "signature", "", box))


def render_form(*, seed: int = 1, statements: Sequence[str] | None = None,
                paragraphs: Sequence[str] | None = None, value_font: str = "dejavu", title: str | None = None,
                census_fields: bool = True, filled: bool = True) -> RenderedForm:
    """Render an A4 300 dpi data collection sheet and its ground truth.

    ``seed`` picks the pupil, the school and the layout. ``statements`` picks keys of STATEMENTS for the
    privacy paragraph (default: all of them); ``paragraphs`` replaces it with free text, one string per
    paragraph. ``title`` replaces the sheet's heading under the school's name. ``census_fields=False`` leaves
    out the ethnicity, language, nationality and country rows. ``filled=False`` leaves every value empty.
    """
    if statements is not None and (unknown := set(statements) - set(STATEMENTS)):
        raise ValueError(f"unknown statements {sorted(unknown)}; choose from {', '.join(STATEMENTS)}")
    rng = random.Random(seed)
    person = _person(rng, capitals=value_font.startswith("hand-") and rng.random() < 0.5,
                     hollow_capitals=value_font == "hand-breip")
    school = rng.choice(SCHOOLS)
    village, town, area = rng.choice(TOWNS)
    layout = _layout(rng)
    page = _Canvas(layout, value_font, rng)
    left, width = 18.0, 174.0
    label_w, row_h = layout.label_w, layout.row_h
    y = 12.0
    number = 0

    def centre(s: str, font: str) -> float:
        return left + (width - page.width_mm(s, font)) / 2 if layout.centred else left

    page.school(centre(school, "title"), y, school, "title", page.new_line(), "school_name")
    y += 8
    letterhead = (f"{rng.choice(STREETS)}, {village}, {town} {area}{rng.randint(1, 29)} "
                  f"{rng.randint(1, 9)}AB  Telephone 0113 496 0{rng.randint(0, 999):03d}")
    page.school(centre(letterhead, "small"), y, letterhead, "small", page.new_line(), "school_address")
    y += 7
    page.text(left, y, title or "Data Collection Sheet", "heading", page.new_line())
    y += 6.5
    for s in page.wrap("Please check the details below, write any changes in BLOCK CAPITALS and return "
                       "this sheet to the school office.", "small", width):
        page.text(left, y, s, "small", page.new_line())
        y += 4.2
    y += 3

    def section(heading: str) -> None:
        nonlocal y, number
        number += 1
        if layout.banner:
            page.rect(left, y, width, 7, width=0, fill=225)
        else:
            page.rule(left, left + width, y + 6.8, width=4)
        indent = 2 if layout.banner else 0
        page.text(left + indent, y + 1.1, f"{number}. {heading}", "heading", page.new_line())
        y += 8.5

    def row(label: str, name: str, kind: str, values: Sequence[str], options: Sequence[str] = ()) -> None:
        nonlocal y
        lines = len(values) if filled else 1
        step = 6.0 if layout.boxed else row_h  # one address line after another, or one per underline
        slot = row_h if lines == 1 or not layout.boxed else step
        first = y + (row_h - slot) / 2
        height = row_h + (lines - 1) * step
        line = page.new_line()
        page.text(left + (2 if layout.boxed else 0), y + row_h / 2 - 2.1, label, "label", line)
        option_x = left + width - 2 - sum(page.width_mm(o, "small") + 8 for o in options)
        value_right = option_x - 3 if options else left + width
        if layout.boxed:
            page.rect(left, y, label_w, height)
            page.rect(left + label_w, y, width - label_w, height)
        else:
            for i in range(lines):
                page.rule(left + label_w, value_right, y + (i + 1) * row_h - 1.2, width=2)
        if filled:
            value_w = value_right - (left + label_w) - 5
            boxes = [page.value(left + label_w + 3, first + i * step, value_w, slot, value,
                                line if i == 0 else page.new_line())
                     for i, value in enumerate(values)]
            page.field(name, kind, values, boxes)
        for option in options:  # 'Refused' / 'Not yet obtained' tick boxes
            page.tick_box(option_x, y + row_h / 2 - 2)
            page.text(option_x + 5.5, y + row_h / 2 - 2, option, "small", line)
            option_x += page.width_mm(option, "small") + 8
        y += height

    def notice() -> None:
        nonlocal y
        texts = list(paragraphs) if paragraphs is not None else [" ".join(STATEMENTS[k] for k in chosen)]
        texts = [t for t in texts if t.strip()]
        if not texts:
            return
        section("How we use this information")
        for paragraph in texts:
            for s in page.wrap(paragraph, "body", width):
                page.text(left, y, s, "body", page.new_line())
                y += 4.6
            y += 1.5
        y += 3

    chosen = list(STATEMENTS) if statements is None else [k for k in STATEMENTS if k in statements]
    if paragraphs is not None:
        chosen = [k for k in STATEMENTS if any(STATEMENTS[k] in t for t in paragraphs)]
    if layout.notice_first:
        notice()
    section("Pupil details")
    row("Legal surname", "surname", "name", [person.surname])
    row("Legal forename(s)", "forenames", "name", [person.forenames])
    row("Date of birth", "date_of_birth", "date_of_birth", [person.dob])
    row("Unique Pupil Number", "upn", "upn", [person.upn])
    row("Home address", "address", "address", person.address)
    row("Postcode", "postcode", "postcode", [person.postcode])
    y += 3
    section("Parent / carer contact")
    row("Name", "parent", "name", [person.parent])
    row("Telephone", "phone", "phone", [person.phone])
    row("Email", "email", "email", [person.email])
    y += 3
    if census_fields:
        section("School census information")
        page.text(left, y, "Ethnicity (tick one box)", "label", page.new_line())
        y += 6
        for i in range(0, len(ETHNICITIES), 3):
            line = page.new_line()
            for j, ethnicity in enumerate(ETHNICITIES[i:i + 3]):
                x = left + j * 58
                page.tick_box(x, y)
                if filled and ethnicity == person.ethnicity:
                    page.tick(x, y, "ethnicity", ethnicity)
                page.text(x + 6, y, ethnicity, "small", line)
            y += 5.5
        y += 2
        options = ("Refused", "Not yet obtained")
        row("First language", "first_language", "other", [person.language])
        row("Nationality", "nationality", "other", [person.nationality], options)
        row("Country of birth", "country_of_birth", "other", [person.country], options)
        y += 3
    if not layout.notice_first:
        notice()
    y += 2
    line = page.new_line()
    page.text(left, y, "Signed (parent/carer):", "label", line)
    page.rule(left + 45, left + 118, y + 5)
    if filled:
        page.signature(left + 45, y + 4.5, 73)
    page.text(left + 123, y, "Date:", "label", line)
    page.rule(left + 135, left + width, y + 5)
    if filled:
        page.field("signed_date", "other", [person.signed],
                   [page.value(left + 137, y - 2, width - 137, 6.5, person.signed, line)])
    if y > A4_MM[1] - 12:
        raise ValueError("the form does not fit on one A4 page: shorten the paragraphs")
    return RenderedForm(image=page.image, dpi=DPI, text="\n".join(" ".join(ln) for ln in page.lines if ln),
                        printed_words=page.printed, fields=page.fields, statements=chosen)


def _homography(src: Sequence[tuple[float, float]], dst: Sequence[tuple[float, float]]) -> list[float]:
    """Return the 8 coefficients mapping src points to dst points (Pillow's PERSPECTIVE order)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        rhs += [u, v]
    return [float(c) for c in np.linalg.solve(np.array(rows, float), np.array(rhs, float))]


def _table(size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
    """Return a wooden-table background of the given size."""
    w, h = size
    rows, cols = h // 8 + 1, w // 8 + 1
    grain = np.cumsum(rng.normal(0, 1, (rows, 1)), axis=0) + rng.normal(0, 2.5, (rows, cols))
    grain = (grain - grain.mean()) / (grain.std() + 1e-6)
    base = np.array([122, 92, 64], float) + rng.uniform(-20, 20, 3)
    rgb = np.clip(base[None, None, :] + grain[..., None] * 14, 0, 255).astype(np.uint8)
    return Image.fromarray(rgb, "RGB").resize(size, Image.Resampling.BILINEAR)


def _phone_photo(page: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Photograph the page on a table: 12 MP, perspective, uneven light, soft shadow, warm cast."""
    out_w, out_h = 3000, 4000
    pw, ph = page.size
    scale = out_h * rng.uniform(0.80, 0.88) / ph
    cx, cy = out_w / 2 + rng.uniform(-80, 80), out_h / 2 + rng.uniform(-80, 80)
    half_w, half_h = pw * scale / 2, ph * scale / 2
    squeeze = rng.uniform(0.05, 0.11) * half_w  # the far edge looks narrower
    corners = [(cx - half_w + squeeze, cy - half_h), (cx + half_w - squeeze, cy - half_h),
               (cx + half_w, cy + half_h), (cx - half_w, cy + half_h)]
    corners = [(x + rng.uniform(-50, 50), y + rng.uniform(-50, 50)) for x, y in corners]
    inverse = _homography(corners, [(0, 0), (pw, 0), (pw, ph), (0, ph)])  # Pillow maps output -> input
    paper = page.convert("RGB").transform((out_w, out_h), Image.Transform.PERSPECTIVE, inverse,
                                          Image.Resampling.BICUBIC)
    mask = Image.new("L", page.size, 255).transform((out_w, out_h), Image.Transform.PERSPECTIVE, inverse,
                                                    Image.Resampling.BILINEAR)
    photo = _table((out_w, out_h), rng)
    photo.paste(paper, (0, 0), mask)

    yy, xx = np.mgrid[0:out_h:8, 0:out_w:8].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (xx * math.cos(angle) + yy * math.sin(angle)) / math.hypot(out_w, out_h)
    light = 0.62 + 0.38 * (ramp - ramp.min()) / (np.ptp(ramp) + 1e-6)
    sx, sy = rng.choice([0, out_w]), rng.uniform(0.2, 0.8) * out_h  # the phone's shadow from one side
    dist = np.hypot((xx - sx) / (out_w * 0.45), (yy - sy) / (out_h * 0.35))
    light *= 1 - 0.5 / (1 + np.exp((dist - 1) * 6))
    light_img = Image.fromarray((light * 255).astype(np.uint8), "L").resize((out_w, out_h),
                                                                             Image.Resampling.BILINEAR)
    light_arr = np.asarray(light_img, np.float32)[..., None] / 255
    warm = np.array([1.0, 0.93, 0.80], np.float32)
    arr = np.asarray(photo, np.float32) * light_arr * warm
    arr += 4 * rng.standard_normal(arr.shape[:2], dtype=np.float32)[..., None]
    photo = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    return photo.filter(ImageFilter.GaussianBlur(0.8))


def degrade(image: Image.Image, *, seed: int = 1, rotate: float = 0, dpi: int = 300, blur: float = 0,
            noise: float = 0, jpeg: int = 0, phone: bool = False, orientation: int = 0) -> Image.Image:
    """Return a scanned or photographed copy of a 300 dpi page.

    ``rotate`` skews the content by degrees counter-clockwise; ``orientation`` turns the whole page by 0, 90,
    180 or 270 degrees counter-clockwise; ``dpi`` rescales as a scan at that resolution; ``phone`` makes a
    12 MP RGB photo of the page on a table (then ``dpi`` is ignored and JPEG quality defaults to 85).
    """
    if orientation not in (0, 90, 180, 270):
        raise ValueError("orientation must be 0, 90, 180 or 270")
    rng = np.random.default_rng(seed)
    out = image
    if rotate:
        white = 255 if out.mode == "L" else (255, 255, 255)
        out = out.rotate(rotate, Image.Resampling.BICUBIC, fillcolor=white)
    if phone:
        out = _phone_photo(out, rng)
        jpeg = jpeg or 85
    elif dpi != DPI:
        size = (round(out.width * dpi / DPI), round(out.height * dpi / DPI))
        out = out.resize(size, Image.Resampling.LANCZOS)
    if blur:
        out = out.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        arr = np.asarray(out, np.float32)
        arr = arr + rng.normal(0, noise, arr.shape[:2]).astype(np.float32).reshape(
            arr.shape[:2] + (1,) * (arr.ndim - 2))
        out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), out.mode)
    if orientation:
        out = out.transpose({90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180,
                             270: Image.Transpose.ROTATE_270}[orientation])
    if jpeg:
        out = Image.open(io.BytesIO(to_bytes(out, "JPEG", dpi=None if phone else dpi, quality=jpeg)))
        out.load()
    return out


EXIF_ORIENTATION = 0x0112  # 1 upright; 3 turned 180°; 6 to be turned 90° clockwise; 8 90° anticlockwise
EXIF_MAKE = 0x010F
EXIF_MODEL = 0x0110


def to_bytes(image: Image.Image, fmt: str, dpi: int | None = 300, quality: int = 90,
             exif: Mapping[int, str | int] | None = None) -> bytes:
    """Encode image as PNG, JPEG, TIFF, WEBP or HEIC, declaring dpi when given (HEIC carries none).

    ``exif`` holds tags to embed, such as ``{EXIF_ORIENTATION: 6, EXIF_MAKE: "Phone"}``.
    """
    fmt = fmt.upper()
    options: dict[str, object] = {"dpi": (dpi, dpi)} if dpi and fmt in ("PNG", "JPEG", "TIFF") else {}
    if fmt in ("JPEG", "WEBP", "HEIC"):
        options["quality"] = quality
    if fmt == "TIFF":
        options["compression"] = "tiff_deflate"
    if exif:
        tags = Image.Exif()
        tags.update(exif)
        options["exif"] = tags.tobytes()
    if fmt == "HEIC":
        import pillow_heif

        pillow_heif.register_heif_opener()
        fmt = "HEIF"
        image = image.convert("RGB")
    elif fmt not in ("PNG", "JPEG", "TIFF", "WEBP"):
        raise ValueError(f"unsupported format {fmt!r}")
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    return buf.getvalue()


def multipage_tiff(images: Sequence[Image.Image], dpi: int = 300) -> bytes:
    """Encode images as one multi-page TIFF."""
    buf = io.BytesIO()
    images[0].save(buf, "TIFF", save_all=True, append_images=list(images[1:]), dpi=(dpi, dpi),
                   compression="tiff_deflate")
    return buf.getvalue()


def scanned_pdf(images: Sequence[Image.Image], dpi: int = 300) -> bytes:
    """Encode images as an image-only PDF, one page each, at dpi."""
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=list(images[1:]), resolution=dpi)
    return buf.getvalue()


_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _pdf_string(s: str) -> bytes:
    raw = s.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _pdf(pages_of_lines: Sequence[Sequence[str]], password: str | None = None) -> bytes:
    """Write a PDF of Helvetica text lines on A4 pages, RC4-encrypted with password when given."""
    file_id = hashlib.md5(repr(pages_of_lines).encode()).digest()
    key = b""
    n_pages = len(pages_of_lines)
    font_obj = 3 + 2 * n_pages
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(n_pages))
           + b"] /Count %d >>" % n_pages,
        font_obj: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    if password is not None:
        permissions = -4
        padded = (password.encode() + _PAD)[:32]  # the same password opens as user and as owner
        owner = _rc4(hashlib.md5(padded).digest()[:5], padded)
        key = hashlib.md5(padded + owner + struct.pack("<i", permissions) + file_id).digest()[:5]
        encrypt_obj = font_obj + 1
        objects[encrypt_obj] = (b"<< /Filter /Standard /V 1 /R 2 /O <" + owner.hex().encode() + b"> /U <"
                                + _rc4(key, _PAD).hex().encode() + b"> /P %d >>" % permissions)
    for i, lines in enumerate(pages_of_lines):
        ops = [b"BT /F1 11 Tf 14 TL 56 786 Td"] + [_pdf_string(s) + b" Tj T*" for s in lines] + [b"ET"]
        content = b"\n".join(ops)
        number = 4 + 2 * i
        if key:
            content = _rc4(hashlib.md5(key + number.to_bytes(3, "little") + b"\0\0").digest()[:10], content)
        objects[3 + 2 * i] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << "
                              b"/F1 %d 0 R >> >> /Contents %d 0 R >>" % (font_obj, number))
        objects[number] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in sorted(objects))
    trailer = b"<< /Size %d /Root 1 0 R /ID [<%s> <%s>]" % (len(objects) + 1, file_id.hex().encode(),
                                                            file_id.hex().encode())
    if key:
        trailer += b" /Encrypt %d 0 R" % (font_obj + 1)
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def text_pdf(pages_of_lines: Sequence[Sequence[str]]) -> bytes:
    """Return a PDF with a real text layer: one page per list of lines, Helvetica 11 pt on A4."""
    return _pdf(pages_of_lines)


ENCRYPTED_PDF_PASSWORD = "census"


def encrypted_pdf(pages_of_lines: Sequence[Sequence[str]] = (("Data Collection Sheet",),)) -> bytes:
    """Return a text PDF that opens only with ENCRYPTED_PDF_PASSWORD (standard handler, RC4 40-bit)."""
    return _pdf(pages_of_lines, password=ENCRYPTED_PDF_PASSWORD)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def decompression_bomb(width: int = 60000, height: int = 60000) -> bytes:
    """Return a small PNG whose header declares width x height pixels of 1-bit grey (its data stops early)."""
    row = b"\0" * (1 + (width + 7) // 8)
    data = zlib.compress(row * 64, 9)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b""))


__all__ = ["DPI", "ENCRYPTED_PDF_PASSWORD", "ETHNICITIES", "EXIF_MAKE", "EXIF_MODEL", "EXIF_ORIENTATION",
           "PRINT_FONTS", "STATEMENTS", "VALUE_FONTS", "Box", "Field", "RenderedForm", "decompression_bomb",
           "degrade", "encrypted_pdf", "multipage_tiff", "render_form", "scanned_pdf", "text_pdf", "to_bytes",
           "upn_check_letter"]
