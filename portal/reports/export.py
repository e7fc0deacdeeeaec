"""The evidence export: a row per confirmed form and rule, as CSV, JSON or a Frictionless Data Package.

What an export holds, and what it leaves out on purpose:

- **No internal ids.** Each form gets a pseudonym, a keyed hash of its id under a random key made for this
  export and then forgotten: rows of one form link within one file, and to nothing else (not to another
  export).
- **Context generalised until no form stands out.** Local authority, region, phase, census term, academic year
  and form month together could single out a school, and so a family. Every combination released is shared by
  at least SUPPRESSION_THRESHOLD forms: where it is not, the form month is dropped, then the local authority
  (the region stays), then the phase, then the term (the academic year stays), then the year, then the region.
  And a group whose number of forms the reports hide (a small local authority, say) is never named in the
  export, so the export and the published tables cannot be combined to work out a hidden count.
- **Evidence only when it is the form's printed wording.** Evidence is redacted already. A sentence in which
  redaction replaced something (a placeholder such as ``[NAME]``), or that still looks like contact details
  (an ``@``, a long run of digits, a postcode, a street address: what redaction should have caught), was about
  a person or a school's own details, and its remains are the riskiest text there is: it is withheld
  (``evidence_withheld`` is true) rather than published.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import secrets
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import func

from ..extensions import db
from ..localities import PHASES, local_authorities
from ..models import Finding, Submission
from . import stats

FORMATS = ("csv", "json", "datapackage")
SEVERITIES = ("critical", "high", "medium", "low", "info")
STATUSES = ("present", "missing", "not_applicable", "clear", "violation")
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
RESOURCE = "findings.csv"
PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_ ]*\]")
DIGITS = re.compile(r"\d(?:[\s-]?\d){5,}")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
STREET = re.compile(
    r"\b\d+[A-Za-z]?,?\s+(?:[A-Z][a-z']+\s+){1,3}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Crescent|"
    r"Place|Gardens|Court|Terrace|Grove|Hill|Park|Square|Row|Walk|Mews|Rise|View)\b"
)
MAX_EVIDENCE = 400
BATCH = 1000  # rows fetched from the database at a time


def _fields() -> list[dict[str, Any]]:
    """Return the Table Schema fields of the export, in column order."""
    regions = sorted({la.region for la in local_authorities().values()})
    return [
        {
            "name": "form",
            "type": "string",
            "constraints": {"required": True, "pattern": "[0-9a-f]{16}"},
            "description": "Pseudonym of the form, new in each export: links a form's rows in this file only",
        },
        {
            "name": "rule_id",
            "type": "string",
            "constraints": {"required": True, "pattern": "[A-Z]+-[0-9]{2}"},
            "description": "Rule of the catalogue the form was checked against",
        },
        {"name": "rules_version", "type": "string", "description": "Version of the rule catalogue"},
        {
            "name": "severity",
            "type": "string",
            "constraints": {"enum": list(SEVERITIES)},
            "description": "How serious a failure of the rule is",
        },
        {
            "name": "status",
            "type": "string",
            "constraints": {"required": True, "enum": list(STATUSES)},
            "description": "Verdict, as confirmed or corrected by a reviewer",
        },
        {
            "name": "fails",
            "type": "boolean",
            "trueValues": ["true"],
            "falseValues": ["false"],
            "constraints": {"required": True},
            "description": "The form fails the rule (missing or violation)",
        },
        {
            "name": "evidence",
            "type": "string",
            "description": "The redacted sentence of the form that satisfies or breaches the rule",
        },
        {
            "name": "evidence_withheld",
            "type": "boolean",
            "trueValues": ["true"],
            "falseValues": ["false"],
            "constraints": {"required": True},
            "description": "Evidence existed but was withheld because redaction had touched it",
        },
        {
            "name": "local_authority_code",
            "type": "string",
            "constraints": {"pattern": "[0-9]{3}"},
            "description": "DfE code of the local authority, blank when not given or withheld",
        },
        {"name": "local_authority", "type": "string", "description": "Name of the local authority"},
        {
            "name": "region",
            "type": "string",
            "constraints": {"enum": regions},
            "description": "Region of England",
        },
        {
            "name": "phase",
            "type": "string",
            "constraints": {"enum": list(PHASES)},
            "description": "School phase",
        },
        {
            "name": "census_term",
            "type": "string",
            "constraints": {"pattern": "(Autumn|Spring|Summer) [0-9]{4}/[0-9]{2}"},
            "description": "School census the form prepared for",
        },
        {
            "name": "academic_year",
            "type": "string",
            "constraints": {"pattern": "[0-9]{4}/[0-9]{2}"},
            "description": "Academic year (September to August) the form was sent in",
        },
        {"name": "form_month", "type": "yearmonth", "description": "Month the form was sent home"},
    ]


def columns() -> list[str]:
    """Return the export's column names."""
    return [f["name"] for f in _fields()]


def schema() -> dict[str, Any]:
    """Return the Table Schema of the export."""
    return {"fields": _fields(), "primaryKey": ["form", "rule_id"], "missingValues": [""]}


def descriptor(created: datetime | None = None) -> dict[str, Any]:
    """Return the Data Package descriptor (datapackage.json) of an export."""
    created = created or datetime.now(UTC)
    threshold = current_app.config["SUPPRESSION_THRESHOLD"]
    return {
        "profile": "tabular-data-package",
        "name": "census-form-audit-findings",
        "title": "School census forms checked against the law on telling families about their data",
        "description": (
            "One row per reviewed and confirmed form and rule of the census form audit catalogue. Forms are "
            "pseudonymised for each export; context is generalised so that every combination of local "
            f"authority, phase, census term and month released is shared by at least {threshold} forms; "
            "evidence that redaction had touched is withheld."
        ),
        "created": created.replace(microsecond=0).isoformat(),
        "licenses": [LICENSE],
        "resources": [
            {
                "name": "findings",
                "path": RESOURCE,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema(),
            }
        ],
    }


def screen_evidence(text: str | None) -> tuple[str | None, bool]:
    """Return evidence fit to publish, and whether some was withheld."""
    if not text or not text.strip():
        return None, False
    if any(p.search(text) for p in (PLACEHOLDER, DIGITS, POSTCODE, STREET)) or "@" in text:
        return None, True
    text = " ".join(text.split())
    return (text if len(text) <= MAX_EVIDENCE else text[: MAX_EVIDENCE - 1] + "…"), False


# -- generalising context ---------------------------------------------------------------------------------

LEVELS = 7  # 0: everything … 6: nothing
Shown = dict[str, set[str | None]]


def _context(key: stats.Key, level: int, shown: Shown | None = None) -> tuple[str | None, ...]:
    """Return the context released for a form at a level of generalisation.

    A group whose number of forms the reports hide (``shown`` says which are shown) is never released either,
    nor anything finer within it: the export must not reveal what a table hides.
    """
    groups = stats.groups_of(key)
    la, phase, year, month = key

    def released(dimension: str) -> str | None:
        group = groups[dimension]
        return group if shown is None or group in shown.get(dimension, ()) else None

    region, phase_, academic = released("region"), released("phase"), released("year")
    authority = released("local_authority") if region else None
    term = released("term") if academic else None
    month_text = (
        f"{int(year):04d}-{int(month):02d}" if term and year is not None and month is not None else None
    )
    if level >= 1:
        month_text = None
    if level >= 2:
        authority = None
    if level >= 3:
        phase_ = None
    if level >= 4:
        term = None
    if level >= 5:
        academic = None
    if level >= 6:
        region = None
    return authority, region, phase_, term, academic, month_text


def generalise(
    counts: Counter[stats.Key], threshold: int, shown: Shown | None = None
) -> dict[stats.Key, tuple[str | None, ...]]:
    """Return the context released for each form key: every combination released holds ``threshold`` forms."""
    level = dict.fromkeys(counts, 0)
    while True:
        sizes: Counter[tuple[str | None, ...]] = Counter()
        for key, n in counts.items():
            sizes[_context(key, level[key], shown)] += n
        bumped = False
        for key in counts:
            if level[key] < LEVELS - 1 and sizes[_context(key, level[key], shown)] < threshold:
                level[key] += 1
                bumped = True
        if not bumped:
            return {key: _context(key, level[key], shown) for key in counts}


# -- the rows ---------------------------------------------------------------------------------------------


def rows() -> Iterator[dict[str, Any]]:
    """Yield an export row per confirmed form and rule, with flat memory (the database is read in batches)."""
    from ..audit import rules as catalogue_module

    catalogue = catalogue_module.CATALOGUE
    threshold = current_app.config["SUPPRESSION_THRESHOLD"]
    where = stats.eligible(include_unreviewed=False)
    year, month = stats._month_columns()
    counts = stats.forms_by_context(include_unreviewed=False)
    released = generalise(counts, threshold, stats.shown_groups(include_unreviewed=False))
    names = {code: la.name for code, la in local_authorities().items()}
    severity: dict[str, str | None] = {r.id: r.severity for r in catalogue.rules}
    key = secrets.token_bytes(32)  # forgotten after this export: pseudonyms link to nothing else
    status = func.coalesce(Finding.reviewed_status, Finding.status)
    statement = (
        db.select(
            Finding.submission_id,
            Finding.rule_id,
            status,
            Finding.evidence,
            Submission.rules_version,
            Submission.local_authority,
            Submission.phase,
            year,
            month,
        )
        .join(Submission, Finding.submission_id == Submission.id)
        .where(where)
        .order_by(Finding.submission_id, Finding.position)
        .execution_options(yield_per=BATCH)
    )
    pseudonym, last = "", None
    for submission_id, rule_id, final, evidence, version, la, phase, y, m in db.session.execute(statement):
        if submission_id != last:
            pseudonym = hmac.new(key, str(submission_id).encode(), hashlib.sha256).hexdigest()[:16]
            last = submission_id
        code, region, phase_, term, academic, month_text = released[(la, phase, y, m)]
        text, withheld = screen_evidence(evidence)
        yield {
            "form": pseudonym,
            "rule_id": rule_id,
            "rules_version": version,
            "severity": severity.get(rule_id),
            "status": final,
            "fails": final in stats.FAILS,
            "evidence": text,
            "evidence_withheld": withheld,
            "local_authority_code": code,
            "local_authority": names.get(code) if code else None,
            "region": region,
            "phase": phase_,
            "census_term": term,
            "academic_year": academic,
            "form_month": month_text,
        }


def _cell(value: Any) -> str:
    """Format one value for CSV: blank for missing, lower-case booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_chunks(source: Iterator[dict[str, Any]] | None = None) -> Iterator[str]:
    """Yield the export as CSV text, a batch of rows at a time."""
    names = columns()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for i, row in enumerate(rows() if source is None else source, 1):
        writer.writerow([_cell(row[n]) for n in names])
        if i % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(source: Iterator[dict[str, Any]] | None = None) -> Iterator[str]:
    """Yield the export as one JSON document: the package's metadata and a list of rows."""
    meta = descriptor()
    head = {k: meta[k] for k in ("name", "title", "description", "created", "licenses")}
    head["schema"] = schema()
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ['
    yield opening
    parts: list[str] = []
    for i, row in enumerate(rows() if source is None else source):
        parts.append(("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False))
        if len(parts) >= BATCH:
            yield "".join(parts)
            parts.clear()
    yield "".join(parts) + "\n]}\n"


class _Pipe(io.RawIOBase):
    """A write-only, unseekable stream whose bytes are taken out as they come (for a streamed zip)."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        """Accept writes."""
        return True

    def write(self, data: Any) -> int:
        """Keep a chunk until it is taken."""
        chunk = bytes(data)
        self.chunks.append(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        """Return how many bytes were written (zipfile needs this for its directory)."""
        return self.position

    def take(self) -> bytes:
        """Return and forget what was written since the last take."""
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def zip_chunks(source: Iterator[dict[str, Any]] | None = None) -> Iterator[bytes]:
    """Yield a zipped Data Package (datapackage.json and findings.csv), streamed."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor(), indent=2, ensure_ascii=False))
        yield pipe.take()
        with archive.open(RESOURCE, "w", force_zip64=True) as member:
            for text in csv_chunks(source):
                member.write(text.encode("utf-8"))
                yield pipe.take()
    yield pipe.take()


def write(fmt: str, out: Any) -> list[Any]:
    """Write an export into the folder ``out`` (a Path); return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        target = out / "findings.csv"
        with target.open("w", encoding="utf-8", newline="") as f:
            for text in csv_chunks():
                f.write(text)
        return [target]
    if fmt == "json":
        target = out / "findings.json"
        with target.open("w", encoding="utf-8") as f:
            for text in json_chunks():
                f.write(text)
        return [target]
    if fmt == "datapackage":
        data, meta = out / RESOURCE, out / "datapackage.json"
        with data.open("w", encoding="utf-8", newline="") as f:
            for text in csv_chunks():
                f.write(text)
        meta.write_text(json.dumps(descriptor(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return [meta, data]
    raise ValueError(f"unknown export format {fmt!r}")


def filename(fmt: str, today: date | None = None) -> str:
    """Return the download's file name."""
    stamp = (today or date.today()).isoformat()
    extension = {"csv": "csv", "json": "json", "datapackage": "zip"}[fmt]
    return f"census-form-audit-{stamp}.{extension}"
