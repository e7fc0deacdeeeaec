"""Measure the audit engine's OCR path beside bare Tesseract on the inputs parents send (issue #3).

Usage::

    python benchmarks/ocr.py [--repeat N] [--only KIND ...] [--keep DIR]

Every input is generated here by ``tests/support/formgen`` (typed values, so the ground truth is readable
print): a clean 300 dpi scan, a 150 dpi scan, the page rotated 90°, the page skewed 3°, a 12 MP phone photo
with perspective, uneven light and a shadow (JPEG declaring 72 dpi, as phones do), another such photo as HEIC,
and a 10-page scanned PDF. Each is read twice, in the same run:

* **bare**: the ``tesseract`` command on the raw file, ``OMP_THREAD_LIMIT=1``, default settings. The PDF is
  first rasterised by ``pdftoppm -r 300 -gray``, then its pages are read one after another; all of it counts.
* **engine**: a worker process running ``portal.audit.ingest.load`` → ``normalise.normalise`` →
  ``ocr.TesseractEngine().read``, pages in parallel as the pipeline does. Its time runs from the file's bytes
  in hand to the text out; the worker's interpreter start and imports are shown apart as ``+start``.

Peak memory is the largest summed RSS of the whole process tree (the command or worker and every Tesseract
it starts), sampled from ``/proc`` every 10 ms (``ru_maxrss`` would not do: a forked child is charged with the
benchmark's own memory before it execs). Times are the median of ``--repeat`` runs; memory is the largest.
The machine's load average is printed first: other work on the cores slows both sides' wall time, so the CPU
seconds of each tree (``cpu b/e``, user + system; the engine's counted after its imports, like its time) are
shown too, as the figure that load disturbs least.

CER (character error rate) is given two ways, both whitespace-normalised, over the ground truth's length:
``CER`` ignores word order (words read right cost nothing wherever they are; each left-over word of the truth
is paired with the closest left-over word read and costs their edit distance; unpaired words cost their
length), so the order in which Tesseract reads table columns and tick-box grids counts against neither side;
``ordered`` is the plain Levenshtein distance in reading order (every line joined by one space). The targets
use ``CER``. A side that cannot read the file at all scores 100%.

The targets of issue #3 are printed beside the figures; they are reported, not asserted (exit status 0),
unless ``--strict`` is given (exit status 1 when a target is missed).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from PIL import Image

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_SECONDS = 0.01
MB = 2**20
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


@dataclass(frozen=True)
class Input:
    """One generated input file and the text printed on it."""

    kind: str
    label: str
    path: Path
    truth: str


@dataclass(frozen=True)
class Measure:
    """One process tree's run: wall and CPU seconds, peak tree RSS in bytes, output and exit code."""

    seconds: float
    cpu: float
    peak: int
    stdout: str
    stderr: str
    returncode: int


@dataclass(frozen=True)
class Result:
    """One side's figures for one input."""

    seconds: float
    cpu: float
    start: float  # interpreter start and imports (engine only)
    peak: int
    text: str
    error: str | None = None


def generate(folder: Path, kinds: Sequence[str]) -> list[Input]:
    """Write the benchmark inputs to folder and return them with their ground truth."""
    from tests.support import formgen

    def form(seed: int) -> formgen.RenderedForm:
        return formgen.render_form(seed=seed)

    def png(name: str, image: Image.Image, dpi: int = 300) -> Path:
        path = folder / name
        path.write_bytes(formgen.to_bytes(image, "PNG", dpi=dpi))
        return path

    def clean() -> tuple[Path, str]:
        f = form(301)
        return png("clean.png", f.image), f.text

    def scan150() -> tuple[Path, str]:
        f = form(302)
        return png("scan150.png", formgen.degrade(f.image, dpi=150), dpi=150), f.text

    def rotated90() -> tuple[Path, str]:
        f = form(303)
        return png("rotated90.png", formgen.degrade(f.image, orientation=90)), f.text

    def skew3() -> tuple[Path, str]:
        f = form(304)
        return png("skew3.png", formgen.degrade(f.image, rotate=3)), f.text

    def phone() -> tuple[Path, str]:
        f = form(305)
        path = folder / "phone.jpg"
        photo = formgen.degrade(f.image, phone=True, seed=305)
        path.write_bytes(formgen.to_bytes(photo, "JPEG", dpi=72, quality=88))
        return path, f.text

    def heic() -> tuple[Path, str]:
        f = form(306)
        path = folder / "phone.heic"
        path.write_bytes(formgen.to_bytes(formgen.degrade(f.image, phone=True, seed=306), "HEIC", quality=80))
        return path, f.text

    def pdf10() -> tuple[Path, str]:
        forms = [form(seed) for seed in range(311, 321)]
        path = folder / "scan10.pdf"
        path.write_bytes(formgen.scanned_pdf([f.image for f in forms], dpi=300))
        return path, "\n".join(f.text for f in forms)

    makers: dict[str, tuple[str, Callable[[], tuple[Path, str]]]] = {
        "clean": ("clean 300 dpi scan", clean),
        "scan150": ("150 dpi scan", scan150),
        "rotated90": ("page rotated 90°", rotated90),
        "skew3": ("page skewed 3°", skew3),
        "phone": ("12 MP phone photo (JPEG)", phone),
        "heic": ("12 MP phone photo (HEIC)", heic),
        "pdf10": ("10-page scanned PDF", pdf10),
    }
    inputs = []
    for kind in kinds:
        label, make = makers[kind]
        path, truth = make()
        inputs.append(Input(kind, label, path, truth))
    return inputs


KINDS = ("clean", "scan150", "rotated90", "skew3", "phone", "heic", "pdf10")


def _tree_rss(pid: int) -> int:
    """Return the summed resident memory of pid and all its descendants, in bytes."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/statm") as f:
                total += int(f.read().split()[1]) * PAGE_SIZE
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    pending.extend(int(child) for child in f.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue  # the process ended while we looked
    return total


def measure(command: Sequence[str]) -> Measure:
    """Run command to its end and return its wall time, peak tree memory and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=ENV)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(SAMPLE_SECONDS):
                peak = max(peak, _tree_rss(process.pid))

        sampler = threading.Thread(target=sample)
        sampler.start()
        before = _cpu(resource.RUSAGE_CHILDREN)
        returncode = process.wait()
        seconds = time.perf_counter() - started
        cpu = _cpu(resource.RUSAGE_CHILDREN) - before
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        stdout, stderr = (f.read().decode(errors="replace") for f in (out, err))
        return Measure(seconds, cpu, peak, stdout, stderr, returncode)


def run_bare(item: Input) -> Result:
    """Read the raw file with the tesseract command (rasterising a PDF with pdftoppm first)."""
    if item.path.suffix != ".pdf":
        m = measure(["tesseract", str(item.path), "stdout"])
        error = None if m.returncode == 0 and m.stdout.strip() else _first_line(m.stderr) or "no text"
        return Result(m.seconds, m.cpu, 0.0, m.peak, m.stdout, error)
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as folder:
        raster = measure(["pdftoppm", "-r", "300", "-gray", str(item.path), f"{folder}/page"])
        pages = sorted(Path(folder).iterdir())
        runs = [raster] + [measure(["tesseract", str(page), "stdout"]) for page in pages]
    failed = next((m for m in runs if m.returncode != 0), None)
    return Result(sum(m.seconds for m in runs), sum(m.cpu for m in runs), 0.0, max(m.peak for m in runs),
                  "\n".join(m.stdout for m in runs[1:]), _first_line(failed.stderr) if failed else None)


def run_engine(item: Input) -> Result:
    """Read the file with the audit engine in a worker process."""
    m = measure([sys.executable, str(Path(__file__).resolve()), "--worker", str(item.path)])
    if m.returncode != 0:  # a crash, not an AuditError: show the exception line of the traceback
        last = m.stderr.strip().splitlines()[-1:] or ["crashed"]
        return Result(m.seconds, m.cpu, 0.0, m.peak, "", last[0])
    report = json.loads(m.stdout)
    return Result(report["seconds"], report["cpu"], m.seconds - report["seconds"], m.peak, report["text"],
                  report["error"])


def _cpu(who: int) -> float:
    """Return the user and system CPU seconds used so far by who (RUSAGE_SELF or RUSAGE_CHILDREN)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def worker(path: str) -> None:
    """Read one file with the engine as the pipeline does and print its text and time as JSON."""
    from concurrent.futures import ThreadPoolExecutor

    from portal.audit import ingest, normalise, text
    from portal.audit.document import Page
    from portal.audit.errors import AuditError
    from portal.audit.ocr import TesseractEngine

    started = time.perf_counter()
    cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
    engine = TesseractEngine()

    def read(item: tuple[int, ingest.SourcePage]) -> Page:
        number, source = item
        image, dpi = normalise.normalise(source)
        words = source.words if source.words is not None else engine.read(image, dpi)
        return Page(number, image.width, image.height, dpi, words)

    try:
        sources = ingest.load(Path(path).read_bytes(), ingest.Limits())
        with ThreadPoolExecutor(max_workers=max(1, min(os.cpu_count() or 1, len(sources)))) as pool:
            pages = list(pool.map(read, enumerate(sources, 1)))
        result = {"text": "\n".join(line.text for page in pages for line in text.lines(page)), "error": None}
    except AuditError as e:
        result = {"text": "", "error": e.code}
    cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - cpu
    print(json.dumps({**result, "seconds": time.perf_counter() - started, "cpu": cpu}))


def cer(truth: str, read: str) -> float:
    """Return the character error rate of read against truth, in reading order, whitespace-normalised."""
    reference = " ".join(truth.split())
    return Levenshtein.distance(reference, " ".join(read.split())) / max(1, len(reference))


def bag_cer(truth: str, read: str) -> float:
    """Return the character error rate of read against truth with word order ignored.

    Words found in both are free; each word left over in the truth is paired with the closest left-over read
    word (greedily, closest pairs first) and costs their edit distance; unpaired words cost their length.
    """
    expected, got = Counter(truth.split()), Counter(read.split())
    common = expected & got
    missing, extra = list((expected - common).elements()), list((got - common).elements())
    cost = 0
    if missing and extra:
        distances = process.cdist(missing, extra, scorer=Levenshtein.distance, workers=1)
        pairs = sorted((int(distances[i][j]), i, j) for i in range(len(missing)) for j in range(len(extra)))
        used_missing: set[int] = set()
        used_extra: set[int] = set()
        for distance, i, j in pairs:
            if i not in used_missing and j not in used_extra:
                used_missing.add(i)
                used_extra.add(j)
                cost += distance
        missing = [w for i, w in enumerate(missing) if i not in used_missing]
        extra = [w for j, w in enumerate(extra) if j not in used_extra]
    cost += sum(map(len, missing)) + sum(map(len, extra))
    return cost / max(1, sum(len(w) for w in truth.split()))


TARGETS = {  # kind -> what issue #3 asks, as (label, check on (bare, engine, cer bare, cer engine))
    "clean": [("time ≤1.15× bare", lambda b, e, cb, ce: e.seconds <= 1.15 * b.seconds),
              ("CER ≤ bare", lambda b, e, cb, ce: ce <= cb)],
    "phone": [("CER ≤ ½ bare", lambda b, e, cb, ce: ce <= cb / 2),
              ("time ≤ bare", lambda b, e, cb, ce: e.seconds <= b.seconds),
              ("mem ≤400 MB", lambda b, e, cb, ce: e.peak <= 400 * MB)],
    "heic": [("mem ≤400 MB", lambda b, e, cb, ce: e.peak <= 400 * MB)],
    "pdf10": [("time ≤0.6× bare", lambda b, e, cb, ce: e.seconds <= 0.6 * b.seconds)],
}


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the inputs, run both sides and print the table; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per side and input (median time)")
    parser.add_argument("--only", nargs="+", choices=KINDS, default=list(KINDS), help="input kinds to run")
    parser.add_argument("--keep", type=Path, help="write the inputs to this folder and keep them")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return 0
    for tool in ("tesseract", "pdftoppm"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not installed (Debian: tesseract-ocr, poppler-utils)")

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        inputs = generate(folder, args.only)
        header = (f"{'input':<26} {'bare s':>7} {'engine s':>9} {'+start':>7} {'×bare':>6} {'cpu b/e':>11} "
                  f"{'bare MB':>8} {'eng MB':>7} {'bare CER':>9} {'eng CER':>8} {'ordered b/e':>13}  "
                  "targets (issue #3)")
        load = os.getloadavg()[0]
        print(f"{os.cpu_count()} cores, load average {load:.1f}; {args.repeat} run(s) per side, median time, "
              "largest memory")
        print(header)
        print("-" * len(header))
        missed = 0
        for item in inputs:
            bare = _summary([run_bare(item) for _ in range(args.repeat)])
            engine = _summary([run_engine(item) for _ in range(args.repeat)])
            cer_bare, cer_engine = (1.0 if r.error else bag_cer(item.truth, r.text) for r in (bare, engine))
            ordered = "/".join(f"{1.0 if r.error else cer(item.truth, r.text):.1%}" for r in (bare, engine))
            checks = []
            for label, check in TARGETS.get(item.kind, []):
                ok = check(bare, engine, cer_bare, cer_engine)
                missed += not ok
                checks.append(f"{label} {'ok' if ok else 'MISSED'}")
            print(f"{item.label:<26} {bare.seconds:>7.2f} {engine.seconds:>9.2f} {engine.start:>7.2f} "
                  f"{engine.seconds / bare.seconds:>6.2f} {f'{bare.cpu:.1f}/{engine.cpu:.1f}':>11} "
                  f"{bare.peak / MB:>8.0f} {engine.peak / MB:>7.0f} "
                  f"{cer_bare:>9.1%} {cer_engine:>8.1%} {ordered:>13}  {', '.join(checks) or '-'}")
            for side, result in (("bare", bare), ("engine", engine)):
                if result.error:
                    print(f"{'':<26} {side} failed: {result.error}")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if args.strict and missed else 0


def _summary(runs: list[Result]) -> Result:
    """Return the first run's text with the median time and largest memory of all runs."""
    first = runs[0]
    return Result(statistics.median(r.seconds for r in runs), statistics.median(r.cpu for r in runs),
                  statistics.median(r.start for r in runs), max(r.peak for r in runs), first.text,
                  first.error)


if __name__ == "__main__":
    sys.exit(main())
