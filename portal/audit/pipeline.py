"""The audit pipeline: load, normalise, OCR, detect, check, redact, in that order."""
from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date

from PIL import Image

from . import detect, ingest, normalise, pii, redact, rules
from .document import Context, Finding, Page, PiiHit
from .errors import NoTextFound, TooLarge, TooManyPages
from .ocr import OcrEngine, TesseractEngine


@dataclass(frozen=True)
class AuditOptions:
    """What the caller knows and wants: the form's date, limits, school redaction, parallelism."""

    form_date: date | None = None
    keep_school: bool = False
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    limits: ingest.Limits = field(default_factory=ingest.Limits)


@dataclass
class AuditResult:
    """Everything the audit of one document produced; holds only redacted material."""

    pages: int
    rules_version: str
    context: Context
    findings: list[Finding]
    pii: list[PiiHit]
    text: str  # redacted text, pages separated by a form feed
    images: list[Image.Image]  # redacted page images, rebuilt from pixels
    seconds: float

    def to_json(self, file: str) -> dict:
        """Return the line the command-line contract prints for this file."""
        return {
            "file": file,
            "ok": True,
            "error": None,
            "pages": self.pages,
            "rules_version": self.rules_version,
            "form_date": self.context.form_date.isoformat() if self.context.form_date else None,
            "flags": list(self.context.flags),
            "census_items": list(self.context.census_items),
            "rules": [
                {"id": f.rule_id, "status": f.status, "evidence": f.evidence,
                 "page": f.span.page if f.span else None, "box": list(f.box) if f.box else None}
                for f in self.findings
            ],
            "pii": [{"type": h.type, "page": h.page, "box": list(h.box)} for h in self.pii],
            "text": self.text,
            "seconds": round(self.seconds, 2),
        }


def _read_page(number: int, source: ingest.SourcePage, engine: OcrEngine) -> tuple[Page, Image.Image]:
    """Normalise one page and read its words (the text layer when the PDF has one)."""
    image, dpi = normalise.normalise(source)
    words = source.words if source.words is not None else engine.read(image, dpi)
    return Page(number, image.width, image.height, dpi, words), image


def _without_personal_values(pages: list[Page], hits: list[PiiHit]) -> list[Page]:
    """Return copies of the pages with each personal value (but the school's own) as its placeholder."""
    masked = {(h.page, i): f"[{h.type.upper()}]" for h in hits if h.type != "school" for i in h.words}
    return [
        replace(page, words=[
            replace(w, text=masked[(page.number, i)]) if (page.number, i) in masked else w
            for i, w in enumerate(page.words)
        ])
        for page in pages
    ]


def audit(
    data: bytes | Sequence[bytes], options: AuditOptions | None = None, engine: OcrEngine | None = None
) -> AuditResult:
    """Audit one document (a file, or several photos of one form) and return its redacted result.

    Raise AuditError when it cannot be read.
    """
    options = options or AuditOptions()
    engine = engine or TesseractEngine()
    started = time.monotonic()

    # load: bytes to page images, type decided by content, limits enforced over the whole document
    files = [data] if isinstance(data, bytes) else list(data)
    if sum(len(f) for f in files) > options.limits.max_bytes:
        raise TooLarge()
    sources = [page for f in files for page in ingest.load(f, options.limits)]
    if len(sources) > options.limits.max_pages:
        raise TooManyPages()
    # normalise and OCR: pages in parallel (Tesseract runs in its own process, so threads suffice)
    with ThreadPoolExecutor(max_workers=max(1, min(options.jobs, len(sources)))) as pool:
        read = list(pool.map(lambda item: _read_page(item[0], item[1], engine), enumerate(sources, 1)))
    pages = [page for page, _ in read]
    if not any(page.words for page in pages):
        raise NoTextFound()
    # find personal data: before detect, so a date of birth or signing date is never taken for the form's date
    hits = pii.find(pages, keep_school=options.keep_school)
    # detect: census items, context flags and the form's date
    context = detect.detect(_without_personal_values(pages, hits), options.form_date)
    # check: every rule of the catalogue, on the form's wording (the family's answers in its fields masked)
    findings = rules.check(_without_personal_values(pages, pii.answers(pages, hits)), context)
    # redact: personal data out of text, evidence and images (allow-list: unrecognised marks go too)
    redacted = redact.redact(pages, [image for _, image in read], hits)
    findings = [redacted.quote(f) for f in findings]

    return AuditResult(
        pages=len(pages), rules_version=rules.CATALOGUE.version, context=context, findings=findings,
        pii=redacted.hits, text=redacted.text, images=redacted.images, seconds=time.monotonic() - started,
    )
