"""Measure the rule checker on the labelled corpus: precision, recall and F1 per rule and overall.

Usage::

    python benchmarks/accuracy.py [--corpus DIR] [--ocr] [--ids ID ...] [--target 0.95]

Each ``benchmarks/corpus/*.yaml`` file is one document with its expected form date, context flags, census
items and the status of every rule of catalogue v1 (``shared/spec/rules.md``). The checker is run on the
document text made into one page by ``portal.audit.text.page_from_text``; with ``--ocr`` the text is first
rendered to A4 page images at 300 dpi (DejaVu Sans) and read back by Tesseract, so the checker sees real OCR
output, and checking time is also reported as a share of OCR time.

What is counted:

* Per rule, the task is multi-class over the statuses (present / missing / clear / violation /
  not_applicable). For every status the script counts TP, FP and FN (a document labelled ``missing`` but
  checked ``present`` is an FN of ``missing`` and an FP of ``present``) and gives precision, recall and F1.
  The rule's macro-F1 is the mean F1 over the statuses that occur in the labels of that rule.
* "Fails" is the binary view parents care about: positive = ``missing`` or ``violation``. Its precision,
  recall and F1 are printed per rule and pooled over all rules.
* Overall macro-F1 is the mean of the per-rule macro-F1 over all rules; the target is 0.95.
* Flags and census items: per-label precision and recall, and the share of documents whose whole set is
  right. The form date used by the checker is compared with the expected one.

Before checking, every document's labels are tested against the applies-when conditions of rules.md (see
``label_problems``); an inconsistent corpus stops the script with exit status 2. Otherwise it exits 1 when
overall macro-F1 is below the target, 0 when it is met. The corpus format and labelling conventions are in
``benchmarks/corpus/README.md``.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from portal.audit.document import Page

RULE_IDS: tuple[str, ...] = (
    *(f"FP-{n:02d}" for n in range(1, 17)),
    *(f"CEN-{n:02d}" for n in range(1, 13)),
    "AP-01",
)
PROHIBITIONS = frozenset({"CEN-05", "CEN-06", "CEN-07", "CEN-10"})
REQUIREMENT_STATUSES = frozenset({"present", "missing", "not_applicable"})
PROHIBITION_STATUSES = frozenset({"clear", "violation", "not_applicable"})
FAILS = frozenset({"missing", "violation"})
Pairs = list[tuple[frozenset[str], frozenset[str]]]  # (expected, got) label sets, one pair per document
FLAGS = ("NAT", "ETH", "AP", "CEN", "G18", "D18", "CONS", "SEC", "SRC", "GEN")
CENSUS_ITEMS = (
    "nationality", "country_of_birth", "ethnicity", "first_language", "english_proficiency", "religion",
    "free_school_meals", "sen", "medical", "ap_placement_reason", "passport_or_immigration",
)
GDPR_START = date(2018, 5, 25)
NAT_REMOVED = date(2018, 6, 28)
RETRACTION_START = date(2016, 11, 24)
# Rules whose applies-when condition is not a flag (FP-12 Art 14 notices, FP-13 overseas or cloud, FP-14
# profiling, CEN-12 English proficiency): their not_applicable labels are taken as written.
FREE_APPLICABILITY = frozenset({"FP-12", "FP-13", "FP-14", "CEN-12"})

# Tesseract rendering: A4 at 300 dpi, DejaVu Sans 11 pt.
DPI = 300
PAGE_SIZE = (2480, 3508)
MARGIN = 200
FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_PX = 46
LINE_PX = 62


@dataclass
class Document:
    """One labelled document of the corpus."""

    id: str
    path: Path
    text: str
    form_date: date | None
    expected_date: date | None
    flags: frozenset[str]
    items: frozenset[str]
    rules: dict[str, str]


@dataclass
class Outcome:
    """What the checker said about one document, and how long it took."""

    doc: Document
    form_date: date | None
    flags: frozenset[str]
    items: frozenset[str]
    rules: dict[str, str]
    evidence: dict[str, str | None]
    pages: int
    check_seconds: float
    ocr_seconds: float = 0.0


@dataclass
class Confusion:
    """Counts of true positives, false positives and false negatives for one class."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, expected: bool, got: bool) -> None:
        """Count one decision."""
        self.tp += expected and got
        self.fp += got and not expected
        self.fn += expected and not got

    @property
    def precision(self) -> float:
        """TP / (TP + FP), 1.0 when nothing was predicted and nothing expected."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float(self.fn == 0)

    @property
    def recall(self) -> float:
        """TP / (TP + FN), 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class RuleScore:
    """Per-status confusion counts and the binary "fails" view for one rule."""

    statuses: dict[str, Confusion] = field(default_factory=dict)
    fails: Confusion = field(default_factory=Confusion)
    labelled: Counter[str] = field(default_factory=Counter)

    def add(self, expected: str, got: str) -> None:
        """Count one document's verdict for this rule."""
        self.labelled[expected] += 1
        for status in {expected, got}:
            self.statuses.setdefault(status, Confusion()).add(expected == status, got == status)
        self.fails.add(expected in FAILS, got in FAILS)

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the statuses that occur in the labels."""
        return statistics.fmean(self.statuses[s].f1 for s in self.labelled)


def applies(rule: str, flags: frozenset[str], form_date: date | None) -> bool | None:
    """Return whether ``rule`` applies given the labelled flags and date, or None if flags cannot tell."""
    if rule in FREE_APPLICABILITY:
        return None
    nat = "NAT" in flags
    conditions = {
        "FP-02": "G18" in flags, "FP-04": "G18" in flags, "FP-07": "G18" in flags, "FP-09": "G18" in flags,
        "FP-11": "G18" in flags,
        "FP-06": bool({"CEN", "NAT"} & flags), "CEN-09": bool({"CEN", "NAT"} & flags),
        "FP-10": "CONS" in flags, "FP-15": "SRC" in flags, "FP-16": {"SEC", "GEN"} <= flags,
        "CEN-04": nat and (form_date is None or form_date >= RETRACTION_START),
        "CEN-06": bool({"NAT", "ETH"} & flags), "CEN-10": nat and "D18" in flags,
        "CEN-11": "ETH" in flags, "AP-01": "AP" in flags,
    }
    for rule_id in ("CEN-01", "CEN-02", "CEN-03", "CEN-05", "CEN-07", "CEN-08"):
        conditions[rule_id] = nat
    return conditions.get(rule, True)


def label_problems(doc: Document) -> list[str]:
    """Return the ways a document's labels contradict rules.md (empty when consistent)."""
    problems = []
    for rule in RULE_IDS:
        status = doc.rules.get(rule)
        allowed = PROHIBITION_STATUSES if rule in PROHIBITIONS else REQUIREMENT_STATUSES
        if status not in allowed:
            problems.append(f"{rule}: status {status!r} not one of {sorted(allowed)}")
            continue
        expected_applies = applies(rule, doc.flags, doc.expected_date)
        if expected_applies is not None and expected_applies != (status != "not_applicable"):
            problems.append(f"{rule}: {status} but applies-when is {expected_applies}")
    problems += [f"unknown rule {r}" for r in doc.rules if r not in RULE_IDS]
    problems += [f"unknown flag {f}" for f in doc.flags - set(FLAGS)]
    problems += [f"unknown census item {i}" for i in doc.items - set(CENSUS_ITEMS)]
    if ("NAT" in doc.flags) != bool({"nationality", "country_of_birth"} & doc.items):
        problems.append("NAT flag disagrees with the census items")
    if ("ETH" in doc.flags) != bool({"ethnicity", "first_language"} & doc.items):
        problems.append("ETH flag disagrees with the census items")
    if ("AP" in doc.flags) != ("ap_placement_reason" in doc.items):
        problems.append("AP flag disagrees with the census items")
    dated_d18 = doc.expected_date is not None and doc.expected_date >= NAT_REMOVED
    if ("D18" in doc.flags) != dated_d18:
        problems.append("D18 flag disagrees with the expected form date")
    if doc.expected_date is not None and doc.expected_date >= GDPR_START and "G18" not in doc.flags:
        problems.append("dated after 2018-05-25 but no G18 flag")
    if doc.form_date is not None and doc.expected_date != doc.form_date:
        problems.append("expected form date differs from the given form date")
    return problems


def _date(value: Any) -> date | None:
    """Read a YAML date (or ISO string) or None."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def load_corpus(directory: Path) -> list[Document]:
    """Load every ``*.yaml`` document of the corpus, sorted by id."""
    docs = []
    for path in sorted(directory.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        expected = raw["expected"]
        docs.append(Document(
            id=raw["id"], path=path, text=raw["text"], form_date=_date(raw.get("form_date")),
            expected_date=_date(expected.get("form_date")), flags=frozenset(expected["flags"]),
            items=frozenset(expected["census_items"]), rules=dict(expected["rules"]),
        ))
    ids = Counter(d.id for d in docs)
    duplicated = [i for i, n in ids.items() if n > 1]
    if duplicated:
        raise SystemExit(f"duplicate document ids: {duplicated}")
    return docs


def _wrap(text: str, font: Any, width: int) -> list[str]:
    """Wrap each printed line of ``text`` to ``width`` pixels, keeping the document's own line breaks."""
    out = []
    for line in text.splitlines():
        words = line.split(" ")
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if current and font.getlength(candidate) > width:
                out.append(current)
                current = word
            else:
                current = candidate
        out.append(current)
    return out


def render(text: str) -> list[Any]:
    """Render ``text`` to A4 page images at 300 dpi, as a school's printed letter would look when scanned."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT_PATH, FONT_PX)
    lines = _wrap(text, font, PAGE_SIZE[0] - 2 * MARGIN)
    per_page = (PAGE_SIZE[1] - 2 * MARGIN) // LINE_PX
    images = []
    for start in range(0, max(len(lines), 1), per_page):
        image = Image.new("L", PAGE_SIZE, 255)
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(lines[start:start + per_page]):
            draw.text((MARGIN, MARGIN + i * LINE_PX), line, font=font, fill=0)
        images.append(image)
    return images


def ocr_page(image: Any, number: int) -> Page:
    """Read one page image with Tesseract into a Page of words with their layout."""
    import pytesseract

    from portal.audit.document import Page, Word

    config = f"--psm 3 --dpi {DPI}"
    data = pytesseract.image_to_data(image, output_type=pytesseract.Output.DICT, config=config)
    words = [
        Word(text=t, box=(left, top, left + w, top + h), conf=float(c), block=b, par=p, line=ln)
        for t, left, top, w, h, c, b, p, ln in zip(
            data["text"], data["left"], data["top"], data["width"], data["height"], data["conf"],
            data["block_num"], data["par_num"], data["line_num"], strict=True)
        if t.strip()
    ]
    return Page(number, image.width, image.height, DPI, words)


def run(doc: Document, use_ocr: bool) -> Outcome:
    """Check one document and return the checker's verdicts with timings."""
    from portal.audit import detect, rules
    from portal.audit.text import page_from_text

    ocr_seconds = 0.0
    if use_ocr:
        started = time.perf_counter()
        pages = [ocr_page(image, n) for n, image in enumerate(render(doc.text), 1)]
        ocr_seconds = time.perf_counter() - started
    else:
        pages = [page_from_text(doc.text, number=1)]
    started = time.perf_counter()
    context = detect.detect(pages, doc.form_date)
    findings = rules.check(pages, context)
    check_seconds = time.perf_counter() - started
    return Outcome(
        doc=doc, form_date=context.form_date, flags=frozenset(context.flags),
        items=frozenset(context.census_items), rules={f.rule_id: f.status for f in findings},
        evidence={f.rule_id: f.evidence or f.pattern for f in findings}, pages=len(pages),
        check_seconds=check_seconds, ocr_seconds=ocr_seconds,
    )


def _set_report(title: str, names: tuple[str, ...], pairs: Pairs) -> None:
    """Print per-label precision/recall and exact-set accuracy for flags or census items."""
    exact = sum(expected == got for expected, got in pairs)
    print(f"\n{title}: whole set right on {exact}/{len(pairs)} documents ({exact / len(pairs):.1%})")
    print(f"  {'label':24} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>6} {'rec':>6} {'F1':>6}")
    for name in names:
        c = Confusion()
        for expected, got in pairs:
            c.add(name in expected, name in got)
        if c.tp + c.fp + c.fn:
            print(f"  {name:24} {c.tp:4} {c.fp:4} {c.fn:4} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}")


def report(outcomes: list[Outcome], target: float, use_ocr: bool) -> float:
    """Print every figure and the mismatches; return the overall macro-F1."""
    scores = {rule: RuleScore() for rule in RULE_IDS}
    pooled_fails = Confusion()
    mismatches = []
    for o in outcomes:
        for rule in RULE_IDS:
            expected, got = o.doc.rules[rule], o.rules.get(rule, "<absent>")
            scores[rule].add(expected, got)
            pooled_fails.add(expected in FAILS, got in FAILS)
            if expected != got:
                mismatches.append((o.doc.id, rule, expected, got, o.evidence.get(rule)))

    print(f"Documents: {len(outcomes)}, pages: {sum(o.pages for o in outcomes)}"
          f"{' (rendered and read by Tesseract)' if use_ocr else ' (text, one page each)'}")
    print("\nPer rule: macro-F1 over labelled statuses; 'fails' = missing or violation")
    print(f"  {'rule':7} {'macroF1':>7} {'failP':>6} {'failR':>6} {'failF1':>6}  per status: TP/FP/FN")
    for rule, s in scores.items():
        detail = "  ".join(f"{st}={c.tp}/{c.fp}/{c.fn}" for st, c in sorted(s.statuses.items()))
        print(f"  {rule:7} {s.macro_f1:7.3f} {s.fails.precision:6.3f} {s.fails.recall:6.3f}"
              f" {s.fails.f1:6.3f}  {detail}")

    macro = statistics.fmean(s.macro_f1 for s in scores.values())
    cells = sum(len(RULE_IDS) for _ in outcomes)
    correct = cells - len(mismatches)
    print(f"\nOverall macro-F1 (mean of per-rule macro-F1): {macro:.3f}  target >= {target:.2f}: "
          f"{'MET' if macro >= target else 'NOT MET'}")
    print(f"Rule verdicts right: {correct}/{cells} ({correct / cells:.1%})")
    pf = pooled_fails
    print(f"Fails, pooled over rules: precision {pf.precision:.3f}, recall {pf.recall:.3f}, F1 {pf.f1:.3f}"
          f" (TP {pf.tp}, FP {pf.fp}, FN {pf.fn})")
    documents_all_right = sum(all(o.doc.rules[r] == o.rules.get(r) for r in RULE_IDS) for o in outcomes)
    print(f"Documents with every rule right: {documents_all_right}/{len(outcomes)}")

    _set_report("Context flags", FLAGS, [(o.doc.flags, o.flags) for o in outcomes])
    _set_report("Census items", CENSUS_ITEMS, [(o.doc.items, o.items) for o in outcomes])
    dates_right = sum(o.form_date == o.doc.expected_date for o in outcomes)
    print(f"\nForm date right: {dates_right}/{len(outcomes)}")
    for o in outcomes:
        if o.form_date != o.doc.expected_date:
            print(f"  {o.doc.id}: expected {o.doc.expected_date}, got {o.form_date}")
    for o in outcomes:
        if o.flags != o.doc.flags or o.items != o.doc.items:
            extra = sorted((o.flags - o.doc.flags) | (o.items - o.doc.items))
            lacking = sorted((o.doc.flags - o.flags) | (o.doc.items - o.items))
            print(f"  {o.doc.id}: flags/items extra {extra}, missing {lacking}")

    print(f"\nRule mismatches ({len(mismatches)}): document, rule, expected -> got, evidence")
    for doc_id, rule, expected, got, evidence in mismatches:
        quote = f"  «{' '.join(str(evidence).split())[:100]}»" if evidence else ""
        print(f"  {doc_id:44} {rule:7} {expected:>14} -> {got:<14}{quote}")

    pages = sum(o.pages for o in outcomes)
    check = sum(o.check_seconds for o in outcomes)
    print(f"\nChecking time (detect + rules): {1000 * check / pages:.2f} ms per page mean, "
          f"{1000 * max(o.check_seconds / o.pages for o in outcomes):.2f} ms worst document")
    if use_ocr:
        ocr = sum(o.ocr_seconds for o in outcomes)
        print(f"OCR time: {ocr / pages:.2f} s per page mean; checking is {100 * check / ocr:.2f}% of OCR time"
              f" (target well under 5%)")
    return macro


def main(argv: list[str] | None = None) -> int:
    """Run the checker on the corpus and print the figures; exit 1 when below target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parent / "corpus")
    parser.add_argument("--ocr", action="store_true", help="render each document and read it with Tesseract")
    parser.add_argument("--ids", nargs="*", help="only these document ids")
    parser.add_argument("--target", type=float, default=0.95, help="overall macro-F1 target")
    args = parser.parse_args(argv)

    docs = load_corpus(args.corpus)
    if args.ids:
        docs = [d for d in docs if d.id in set(args.ids)]
    bad = {d.id: label_problems(d) for d in docs}
    for doc_id, problems in bad.items():
        for problem in problems:
            print(f"label problem in {doc_id}: {problem}", file=sys.stderr)
    if any(bad.values()):
        return 2
    outcomes = []
    for doc in docs:
        outcomes.append(run(doc, args.ocr))
        if args.ocr:
            print(f"  read {doc.id}: {outcomes[-1].pages} pages", file=sys.stderr)
    macro = report(outcomes, args.target, args.ocr)
    return 0 if macro >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
