"""Command line: ``python -m portal.audit [options] FILE...`` prints one JSON line per file (spec/cli.md).

A path that does not exist or cannot be opened gets the line ``{"ok": false, "error": {"code": "not_found",
...}}`` and exit status 3, like any other unreadable file; the remaining files are still audited.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

from .errors import AuditError
from .ocr import TesseractEngine
from .pipeline import AuditOptions, audit

log = logging.getLogger("portal.audit")


class NotFound(AuditError):
    code = "not_found"
    message = "We could not find or open this file. Please check its name and try again."


def main(argv: list[str] | None = None) -> int:
    """Audit the files named in ``argv`` and return the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s: %(message)s")
    options = AuditOptions(form_date=args.form_date, keep_school=args.keep_school, jobs=args.jobs)
    engine = TesseractEngine(max_parallel=args.jobs)  # at most --jobs Tesseracts, however files and pages mix
    if args.redacted_dir:
        args.redacted_dir.mkdir(parents=True, exist_ok=True)
    failed = False
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        lines = [pool.submit(_audit_file, name, options, engine, args.redacted_dir) for name in args.files]
        for number, (name, future) in enumerate(zip(args.files, lines, strict=True), 1):
            line = future.result()
            print(json.dumps(line), flush=True)
            failed = failed or not line["ok"]
            outcome = f"{line['pages']} page(s), {line['seconds']} s" if line["ok"] else line["error"]["code"]
            print(f"[{number}/{len(args.files)}] {name}: {outcome}", file=sys.stderr, flush=True)
    return 3 if failed else 0


def _parser() -> argparse.ArgumentParser:
    """Build the argument parser; argparse exits with status 2 on bad usage."""
    parser = argparse.ArgumentParser(
        prog="python -m portal.audit",
        description="Audit census forms: one JSON line per file on standard output, in the order given.")
    parser.add_argument("--form-date", type=_date, metavar="YYYY-MM-DD",
                        help="the date the form was issued, when known")
    parser.add_argument("--redacted-dir", type=Path, metavar="DIR",
                        help="also write each redacted page as DIR/<file stem>-<page number>.png")
    parser.add_argument("--keep-school", action="store_true",
                        help="do not redact the school's own name and address")
    parser.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, metavar="N",
                        help="OCR processes to run at once (default: the number of CPU cores)")
    parser.add_argument("files", nargs="+", metavar="FILE", help="photo, scan or PDF of a form")
    return parser


def _date(value: str) -> date:
    """Parse a YYYY-MM-DD date for argparse."""
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not a date of the form YYYY-MM-DD: {value!r}") from e


def _positive(value: str) -> int:
    """Parse a whole number of at least 1 for argparse."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {value!r}")
    return int(value)


def _audit_file(name: str, options: AuditOptions, engine: TesseractEngine, redacted_dir: Path | None) -> dict:
    """Audit one file and return its JSON line; failures become an ``ok: false`` line."""
    try:
        result = audit(_read(name, options.limits.max_bytes), options, engine)
    except AuditError as e:
        return _error_line(name, e)
    except Exception as e:  # a bug in a stage: report it without letting it stop the other files
        where = traceback.extract_tb(e.__traceback__)[-1]
        log.error("%s: internal error %s at %s:%s", name, type(e).__name__, where.filename, where.lineno)
        return _error_line(name, AuditError())
    if redacted_dir:
        for number, image in enumerate(result.images, 1):
            image.save(redacted_dir / f"{Path(name).stem}-{number}.png", "PNG")
    return result.to_json(name)


def _read(name: str, max_bytes: int) -> bytes:
    """Read a file, at most one byte beyond the size limit (the pipeline then refuses it as too large)."""
    try:
        with open(name, "rb") as f:
            return f.read(max_bytes + 1)
    except OSError as e:
        raise NotFound() from e


def _error_line(name: str, error: AuditError) -> dict:
    """Return the JSON line of a file that could not be audited."""
    return {"file": name, "ok": False, "error": {"code": error.code, "message": error.message}}


if __name__ == "__main__":
    sys.exit(main())
