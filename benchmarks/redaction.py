"""Redaction benchmark: do seeded personal values leak, and does the form's printed wording survive?

Renders filled census forms (values typed in print fonts and written in handwriting fonts, clean scans and
phone photos), audits each through the engine and measures every output channel:

- text:  the stored redacted text;
- json:  the JSON line the command-line tool prints (``AuditResult.to_json``);
- image: what Tesseract reads back from the redacted page images;
- database: every string the portal stores once the form is uploaded through the web app (all tables).

A seeded value leaks into a channel when any of its distinctive tokens (three or more letters or digits, not
a word the form itself prints, not a title such as "Mrs") is a token of that channel. Targets: zero leaks in
every channel, and at least 95% of the form's printed words read back from the redacted images.

    python benchmarks/redaction.py                    # 2 seeds x 6 fonts x clean/phone
    python benchmarks/redaction.py --seeds 5 --fonts hand-kristi dejavu --conditions phone
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402

from portal.audit.ocr import TesseractEngine  # noqa: E402
from portal.audit.pipeline import audit  # noqa: E402
from tests.support import formgen  # noqa: E402

FONTS = ["dejavu", "liberation", "hand-kristi", "hand-dkg", "hand-breip", "hand-femke"]
CONDITIONS = ["clean", "phone"]
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr"}
CHANNELS = ("text", "json", "image", "database")
PAGE_DPI = 300  # the engine normalises photos and scans to 300 dpi


def tokens(text: str) -> list[str]:
    """Split text into lower-case tokens of letters and digits."""
    return [t for t in re.split(r"[^0-9a-z]+", text.lower()) if t]


def strings(value: object) -> list[str]:
    """Return every string in a JSON value, keys included (numbers are boxes, pages and timings, not text)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(k) + strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


@dataclass
class Tally:
    """Counts for one font and condition."""

    forms: int = 0
    values: int = 0
    leaks: Counter = field(default_factory=Counter)  # channel -> leaked values
    leaked_fields: Counter = field(default_factory=Counter)  # (channel, field name) -> times
    printed: int = 0
    survived: int = 0
    seconds: float = 0.0


class Portal:
    """The web app on a scratch SQLite database, auditing uploads at once, to read what it stores."""

    def __init__(self, folder: str) -> None:
        from portal import create_app

        self.app = create_app({"TESTING": True, "SECRET_KEY": "benchmark", "WTF_CSRF_ENABLED": False,
                               "DATABASE_URL": f"sqlite:///{folder}/portal.sqlite3", "JOBS": "sync",
                               "RESUME_JOBS": False})
        import flask_migrate

        with self.app.app_context():
            flask_migrate.upgrade()
        self.client = self.app.test_client()

    def stored_strings(self, data: bytes) -> list[str]:
        """Upload one file, then return every string stored in any table; delete the submission after."""
        import io

        from portal.extensions import db

        response = self.client.post("/", data={"files": [(io.BytesIO(data), "form.jpg")]},
                                    content_type="multipart/form-data")
        with self.app.app_context():
            out = []
            for table in db.metadata.sorted_tables:
                for row in db.session.execute(db.select(table)):
                    out += [str(v) for v in row if isinstance(v, (str, dict, list))]
        self.client.post(response.headers["Location"] + "/delete")
        return out


def run_engine(data: bytes, engine: TesseractEngine) -> tuple[str, dict, list[Image.Image]]:
    """Audit bytes through the real pipeline; return the stored text, the JSON line and the page images."""
    result = audit(data, engine=engine)
    return result.text, result.to_json("form"), result.images


def measure(font: str, condition: str, seed: int, engine: TesseractEngine, tally: Tally,
            portal: Portal | None = None) -> None:
    """Render, audit and score one form."""
    form = formgen.render_form(seed=seed, value_font=font)
    if condition == "phone":
        photo = formgen.degrade(form.image, seed=seed, phone=True)
        data = formgen.to_bytes(photo, "JPEG", dpi=None, quality=85)
    else:
        data = formgen.to_bytes(form.image, "PNG", dpi=form.dpi)
    started = time.monotonic()
    text, line, images = run_engine(data, engine)
    tally.seconds += time.monotonic() - started
    read_back = " ".join(w.text for image in images for w in engine.read(image, PAGE_DPI))
    channels = {"text": set(tokens(text)), "json": set(tokens(" ".join(strings(line)))),
                "image": set(tokens(read_back))}
    if portal is not None:
        channels["database"] = set(tokens(" ".join(portal.stored_strings(data))))
    printed_vocabulary = {t for w in form.printed_words for t in tokens(w)}
    tally.forms += 1
    for seeded in form.fields:
        distinctive = {t for t in tokens(seeded.value)
                       if len(t) >= 3 and t not in printed_vocabulary and t not in TITLES}
        if not distinctive:
            continue  # a tick's meaning is printed wording; a signature has no text
        tally.values += 1
        for channel, found in channels.items():
            if distinctive & found:
                tally.leaks[channel] += 1
                tally.leaked_fields[(channel, seeded.name)] += 1
    wanted = Counter(t for w in form.printed_words for t in tokens(w))
    got = Counter(tokens(read_back))
    tally.printed += sum(wanted.values())
    tally.survived += sum(min(n, got[t]) for t, n in wanted.items())


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one row per font and condition, then the totals."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=2, help="forms per font and condition")
    parser.add_argument("--fonts", nargs="+", default=FONTS, choices=formgen.VALUE_FONTS)
    parser.add_argument("--conditions", nargs="+", default=CONDITIONS, choices=CONDITIONS)
    parser.add_argument("--no-database", action="store_true", help="skip the upload through the web app")
    args = parser.parse_args(argv)

    import tempfile

    engine = TesseractEngine()
    portal = None if args.no_database else Portal(tempfile.mkdtemp(prefix="redaction-benchmark-"))
    tallies: dict[tuple[str, str], Tally] = {}
    print(f"{'font':12} {'condition':9} {'forms':>5} {'values':>6} {'text':>5} {'json':>5} {'image':>5} {'db':>5} "
          f"{'wording':>8} {'s/form':>6}")
    for condition in args.conditions:
        for font in args.fonts:
            tally = tallies[(font, condition)] = Tally()
            for seed in range(1, args.seeds + 1):
                measure(font, condition, seed, engine, tally, portal)
            print(f"{font:12} {condition:9} {tally.forms:5} {tally.values:6} {tally.leaks['text']:5} "
                  f"{tally.leaks['json']:5} {tally.leaks['image']:5} {tally.leaks['database']:5} "
                  f"{tally.survived / tally.printed:8.1%} "
                  f"{tally.seconds / tally.forms:6.1f}", flush=True)
    total = Tally()
    for tally in tallies.values():
        total.forms += tally.forms
        total.values += tally.values
        total.leaks.update(tally.leaks)
        total.leaked_fields.update(tally.leaked_fields)
        total.printed += tally.printed
        total.survived += tally.survived
    print(f"{'all':22} {total.forms:5} {total.values:6} {total.leaks['text']:5} {total.leaks['json']:5} "
          f"{total.leaks['image']:5} {total.leaks['database']:5} {total.survived / total.printed:8.1%}")
    for (channel, name), times in sorted(total.leaked_fields.items()):
        print(f"leaked into {channel}: {name} x{times}")
    leaks = sum(total.leaks[c] for c in CHANNELS)
    print(f"seeded values leaked: {leaks} (target 0); printed wording surviving in the images: "
          f"{total.survived / total.printed:.1%} (target 95%)")
    return 0 if leaks == 0 and total.survived >= 0.95 * total.printed else 1


if __name__ == "__main__":
    raise SystemExit(main())
