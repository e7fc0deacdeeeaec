"""Independent check of the command line against the shared form generator (``../shared/tools/make_form.py``).

Generates forms across seeds, fonts, omitted privacy statements, ``--no-privacy`` and degradations (clean,
rotated, blur+noise+JPEG, 150 dpi, phone photo), runs ``python -m portal.audit --redacted-dir`` once on all of
them, and scores each JSON line against the form's JSON ground truth:

- leaks: each personal value of the ground truth (whole, compacted, and in parts: a surname alone, a postcode's
  two halves, a phone's local number) in the output ``text``, in any rule's ``evidence``, and in what bare
  ``tesseract`` reads back from the redacted page image;
- box coverage: each personal value's box, mapped onto the redacted image (registered against an undegraded
  twin of the form), must no longer show the value's ink (blanked, or a filled box of any colour);
- statements: each generator statement against the rule it satisfies in rules.md (present when printed,
  missing when left out), the rules the generator's fixed wording decides, the census items and flags;
- census answers (language, nationality, country) in the output, shown but not scored;
- seconds per page.

Exits 1 when anything leaked, a box still shows its value, or a verdict above is wrong; the problems are listed.

    python benchmarks/shared_forms.py                       # 40 forms
    python benchmarks/shared_forms.py --count 10 --keep     # keep the forms, truths, lines and images
"""
from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MAKE_FORM = ROOT.parent / "shared" / "tools" / "make_form.py"

DEGRADATIONS = ("clean", "rotate", "blur+noise+jpeg", "dpi150", "phone")
# privacy sections: the statements left out, or None for --no-privacy
SECTIONS: tuple[tuple[str, ...] | None, ...] = (
    (), ("optional",), ("no_effect",), ("dfe",), ("notice",), ("optional", "no_effect"), ("dfe", "optional"),
    None,
)
STATEMENTS = ("dfe", "optional", "no_effect", "notice")
# statement -> the rule of rules.md it satisfies (present when printed, missing when left out)
RULE_OF = {"dfe": "FP-05", "optional": "CEN-01", "no_effect": "CEN-03", "notice": None}
# statement -> further rules it satisfies on its own (present when printed; left out, other wording may still)
ALSO = {"dfe": ("CEN-09",), "optional": ("FP-12",), "no_effect": (), "notice": ()}
# rules the generator's fixed wording decides on every form: the sheet names the school but gives no address,
# phone or email, mentions no National Pupil Database, access or retraction, offers "Refused" for nationality
# and country of birth, and demands, assumes or selects nothing
FIXED = {"FP-01": "missing", "FP-06": "missing", "FP-08": "missing", "CEN-02": "present", "CEN-04": "missing",
         "CEN-05": "clear", "CEN-06": "clear", "CEN-07": "clear"}
CENSUS_ITEMS = {"nationality", "country_of_birth", "ethnicity", "first_language"}  # what every form asks
FLAGS = {"NAT", "ETH", "CEN"}  # the census section names the school census; nationality and ethnicity asked
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr"}
CHANNELS = ("text", "evidence", "image")


@dataclass
class Form:
    """One generated form: its file, ground truth, undegraded twin and what the CLI said."""

    path: Path
    degradation: str
    omitted: tuple[str, ...] | None
    truth: dict
    twin: Path
    line: dict = field(default_factory=dict)
    reread: str = ""


@dataclass
class Score:
    """Counts over all forms."""

    values: Counter = field(default_factory=Counter)  # field -> values checked
    leaks: Counter = field(default_factory=Counter)  # (channel, "whole"|"part") -> values
    leaked: list[str] = field(default_factory=list)
    boxes: Counter = field(default_factory=Counter)  # "measured" | "covered" | "unregistered"
    uncovered: list[str] = field(default_factory=list)
    rules: dict = field(default_factory=lambda: defaultdict(Counter))  # degradation -> tp/fp/fn/tn
    also: Counter = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)
    answers: Counter = field(default_factory=Counter)  # "checked" | channel -> written census answers
    shown: list[str] = field(default_factory=list)
    fixed: Counter = field(default_factory=Counter)
    census: Counter = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)


# ---------------------------------------------------------------- generating

def plan(count: int, seed: int) -> list[tuple[int, str, str, tuple[str, ...] | None, list[str]]]:
    """Return (seed, font, degradation, omitted statements, generator options) for each form."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        degradation = DEGRADATIONS[i % len(DEGRADATIONS)]
        omitted = SECTIONS[(i // len(DEGRADATIONS)) % len(SECTIONS)]
        font = ("dejavu", "liberation")[(i // (len(DEGRADATIONS) * len(SECTIONS)) + i) % 2]
        options = {
            "clean": [],
            "rotate": ["--rotate", f"{rng.choice((-1, 1)) * rng.uniform(0.7, 3.5):.2f}"],
            "blur+noise+jpeg": ["--blur", f"{rng.uniform(0.8, 1.5):.2f}", "--noise", str(rng.randint(8, 16)),
                                "--jpeg", str(rng.randint(30, 60))],
            "dpi150": ["--dpi", "150"],
            "phone": ["--phone"],
        }[degradation]
        out.append((seed + i, font, degradation, omitted, options))
    return out


def generate(make_form: Path, folder: Path, count: int, seed: int) -> list[Form]:
    """Render the forms (and an undegraded twin of each degraded one) with the shared generator."""
    jobs, forms = [], []
    for number, font, degradation, omitted, options in plan(count, seed):
        stem = f"form{number:04d}-{degradation.replace('+', '-')}"
        path = folder / "forms" / f"{stem}{'.jpg' if degradation == 'phone' else '.png'}"
        content = ["--no-privacy"] if omitted is None else [a for s in omitted for a in ("--omit", s)]
        common = ["--seed", str(number), "--font", font, *content]
        jobs.append([str(path), *common, *options])
        twin = path
        if degradation != "clean":
            twin = folder / "twins" / f"{stem}.png"
            jobs.append([str(twin), *common])
        forms.append(Form(path, degradation, omitted, {}, twin))
    with ThreadPoolExecutor() as pool:
        for done in pool.map(lambda a: subprocess.run([sys.executable, str(make_form), *a],
                                                      capture_output=True, text=True), jobs):
            if done.returncode:
                sys.exit(f"make_form.py failed: {done.stderr.strip()}")
    for form in forms:
        form.truth = json.loads(form.path.with_suffix(".json").read_text())
    return forms


# ---------------------------------------------------------------- leaks

def normal(text: str) -> str:
    """Lower-case, with every run of spaces (and form feeds, newlines) as one space."""
    return " ".join(text.lower().split())


def compact(text: str) -> str:
    """Lower-case letters and digits only."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def words(text: str) -> set[str]:
    """Lower-case tokens of letters and digits."""
    return {t for t in re.split(r"[^0-9a-z]+", text.lower()) if t}


def parts(name: str, value: str) -> list[tuple[str, ...]]:
    """Return the partial leaks of a value: word sets that, all found as tokens, give part of it away."""
    tokens = [t for t in re.split(r"[^0-9a-z]+", value.lower()) if t]
    if name in ("surname", "forenames", "parent"):
        return [(t,) for t in tokens if t not in TITLES and len(t) >= 2]
    if name == "postcode":
        return [tuple(tokens)]  # outward and inward code, anywhere
    if name == "address":
        return [tuple(tokens[:3])]  # house number and street
    if name == "phone":
        return [(tokens[-1],)]  # the local number
    if name == "email":
        return [(t,) for t in tokens[:-2]]  # the local part's names
    if name == "dob":
        return [tuple(tokens)]  # day, month and year, apart
    if name == "upn":
        return [(value.lower()[1:],)]  # the digits without the check letter
    return []


def leaks(name: str, value: str, channel: str) -> str | None:
    """Return "whole" or "part" when ``value`` (or a part of it) is in ``channel``, else None."""
    if normal(value) in normal(channel) or compact(value) in compact(channel):
        return "whole"
    found = words(channel)
    joined = compact(channel)
    for group in parts(name, value):
        if all(t in found or (len(t) >= 8 and t in joined) for t in group):
            return "part"
    return None


def reread(image: Path) -> str:
    """Return what bare Tesseract reads on a redacted page image (sparse text: every fragment it can)."""
    done = subprocess.run(["tesseract", str(image), "stdout", "--psm", "11"], capture_output=True, text=True)
    return done.stdout


# ---------------------------------------------------------------- boxes

def register(twin: np.ndarray, redacted: np.ndarray) -> np.ndarray | None:
    """Return the homography from the twin's pixels to the redacted image's, or None when it cannot be found."""
    scale = 0.5
    small = [cv2.resize(im, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) for im in (twin, redacted)]
    sift = cv2.SIFT_create(4000)
    (k1, d1), (k2, d2) = (sift.detectAndCompute(im, None) for im in small)
    if d1 is None or d2 is None:
        return None
    pairs = cv2.BFMatcher().knnMatch(d1, d2, k=2)
    good = [m for m, n in (p for p in pairs if len(p) == 2) if m.distance < 0.75 * n.distance]
    if len(good) < 30:
        return None
    src = np.float32([k1[m.queryIdx].pt for m in good]) / scale
    dst = np.float32([k2[m.trainIdx].pt for m in good]) / scale
    h, inliers = cv2.findHomography(src, dst, cv2.RANSAC, 4.0)
    return h if h is not None and int(inliers.sum()) >= 30 else None


def flatten(image: np.ndarray) -> np.ndarray:
    """Divide out uneven lighting (a photographed page): paper becomes white, filled boxes keep their colour."""
    small = cv2.resize(image, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    paper = cv2.GaussianBlur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((31, 31), np.uint8)), (0, 0), 8)
    paper = cv2.resize(paper, image.shape[::-1], interpolation=cv2.INTER_LINEAR).astype(np.float32)
    return np.clip(image.astype(np.float32) * 255 / np.maximum(paper, 1), 0, 255).astype(np.uint8)


def filled(redacted: np.ndarray) -> np.ndarray:
    """Return the pixels inside filled boxes of any colour (grey or black redaction, labels written on them)."""
    grey = cv2.morphologyEx(((redacted > 120) & (redacted < 235)).astype(np.uint8), cv2.MORPH_OPEN,
                            np.ones((9, 9), np.uint8))
    black = cv2.morphologyEx((redacted <= 120).astype(np.uint8), cv2.MORPH_OPEN, np.ones((15, 15), np.uint8))
    return cv2.morphologyEx(grey | black, cv2.MORPH_CLOSE, np.ones((25, 25), np.uint8)).astype(bool)


def covered(warped: np.ndarray, redacted: np.ndarray, fill: np.ndarray, h: np.ndarray,
            box: list[int]) -> tuple[bool, float]:
    """Tell whether a value's ink no longer shows in the redacted image; return the largest share still showing.

    The value's ink is the twin's dark pixels in its box (``warped``: the twin carried onto the redacted image
    by ``h``). Ink shows where the redacted image is still dark there (with a pixel of slack for registration)
    outside any filled box. The box is judged in slices about a character pair wide, so one word left
    uncovered in a long value counts.
    """
    x0, y0, x1, y1 = box
    corners = np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]).reshape(-1, 1, 2)
    mapped = cv2.perspectiveTransform(corners, h).reshape(-1, 2)
    rh, rw = redacted.shape
    left, top = (int(max(0, v)) for v in mapped.min(axis=0))
    right, bottom = int(min(rw, mapped[:, 0].max())), int(min(rh, mapped[:, 1].max()))
    if right - left < 3 or bottom - top < 3:
        return False, 1.0
    ink = warped[top:bottom, left:right] < 128
    dark = cv2.dilate((redacted[top:bottom, left:right] < 128).astype(np.uint8), np.ones((3, 3), np.uint8))
    showing = ink & dark.astype(bool) & ~fill[top:bottom, left:right]
    worst, step = 0.0, max(8, bottom - top)
    for x in range(0, right - left, step):
        if ink[:, x:x + step].sum() >= 20:
            worst = max(worst, float(showing[:, x:x + step].sum() / ink[:, x:x + step].sum()))
    return worst <= 0.5, worst


# ---------------------------------------------------------------- scoring

def score_form(form: Form, redacted_dir: Path, score: Score) -> None:
    """Score one form's line, text, evidence, redacted image and rules against its ground truth."""
    line, truth, name = form.line, form.truth, form.path.name
    if not line.get("ok"):
        score.wrong.append(f"{name}: not audited ({line.get('error')})")
        return
    score.seconds.append(line["seconds"] / max(1, line["pages"]))
    evidence = "\n".join(r["evidence"] or "" for r in line["rules"])
    channels = {"text": line["text"], "evidence": evidence, "image": form.reread}
    pages = [redacted_dir / f"{form.path.stem}-{n}.png" for n in range(1, line["pages"] + 1)]
    redacted = flatten(cv2.imread(str(pages[0]), cv2.IMREAD_GRAYSCALE)) if pages and pages[0].exists() else None
    twin = cv2.imread(str(form.twin), cv2.IMREAD_GRAYSCALE)
    twin_truth = json.loads(form.twin.with_suffix(".json").read_text())
    twin_boxes = {f["field"]: f["bbox"] for f in twin_truth["fields"]}
    h = register(twin, redacted) if redacted is not None else None
    if h is not None:
        warped = cv2.warpPerspective(twin, h, redacted.shape[::-1], flags=cv2.INTER_LINEAR, borderValue=255)
        fill = filled(redacted)
    for f in truth["fields"]:
        if f["type"].startswith("CENSUS_"):
            answer(f, truth["text"], channels, name, score)
            continue
        score.values[f["field"]] += 1
        for channel, text in channels.items():
            how = leaks(f["field"], f["value"], text)
            if how:
                score.leaks[(channel, how)] += 1
                score.leaked.append(f"{name}: {f['field']} {how} in {channel}")
        if h is None:
            score.boxes["unregistered"] += 1
            continue
        ok, survived = covered(warped, redacted, fill, h, twin_boxes[f["field"]])
        score.boxes["measured"] += 1
        score.boxes["covered"] += ok
        if not ok:
            score.uncovered.append(f"{name}: {f['field']} box shows {survived:.0%} of its ink (worst slice)")
    status = {r["id"]: r["status"] for r in line["rules"]}
    for statement in STATEMENTS:
        printed = truth["statements"][statement]["present"]
        rule = RULE_OF[statement]
        if rule:
            found = status.get(rule) == "present"
            key = ("tp" if found else "fn") if printed else ("fp" if found else "tn")
            score.rules[form.degradation][key] += 1
            score.rules["all"][key] += 1
            score.rules[statement][key] += 1
            if key in ("fp", "fn"):
                score.wrong.append(f"{name}: {statement} {'printed' if printed else 'left out'} but {rule} "
                                   f"{status.get(rule)}")
        for other in ALSO[statement] if printed else ():
            score.also["checked"] += 1
            if status.get(other) == "present":
                score.also["present"] += 1
            else:
                score.wrong.append(f"{name}: {statement} printed but {other} {status.get(other)}")
    for rule, expected in FIXED.items():
        score.fixed["checked"] += 1
        if status.get(rule) == expected:
            score.fixed["right"] += 1
        else:
            score.wrong.append(f"{name}: {rule} {status.get(rule)}, expected {expected}")
    items, flags = set(line["census_items"]), set(line["flags"])
    score.census["forms"] += 1
    score.census["exact"] += items == CENSUS_ITEMS
    score.census["flags"] += FLAGS <= flags
    if items != CENSUS_ITEMS:
        score.wrong.append(f"{name}: census items missing {sorted(CENSUS_ITEMS - items)} "
                           f"extra {sorted(items - CENSUS_ITEMS)}")
    if not FLAGS <= flags:
        score.wrong.append(f"{name}: flags missing {sorted(FLAGS - flags)}")


def answer(f: dict, text: str, channels: dict[str, str], name: str, score: Score) -> None:
    """Count a written census answer (language, nationality, country) found in an output channel.

    Not scored: the spec names no type for it, though a child's nationality is personal data. An answer
    the form also prints ("British" in "White - British") or a ticked ethnicity cannot be told from wording.
    """
    label = {"language": "first language", "nationality": "nationality", "cob": "country of birth"}.get(f["field"])
    printed = words(" ".join(ln for ln in text.splitlines() if not label or not ln.lower().startswith(label)))
    if not label or words(f["value"]) & printed:
        return
    score.answers["checked"] += 1
    for channel, found in channels.items():
        if words(f["value"]) <= words(found):
            score.answers[channel] += 1
            score.shown.append(f"{name}: census answer {f['field']} in {channel}")


def prf(c: Counter) -> str:
    """Precision, recall and counts of "present" answers."""
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return f"{p:9.1%} {r:7.1%} {c['tp']:4} {c['fp']:4} {c['fn']:4} {c['tn']:4}"


def report(score: Score, forms: list[Form], wall: float) -> int:
    """Print the figures; return 1 when anything leaked or a statement was judged wrongly, else 0."""
    values = sum(score.values.values())
    print(f"\nforms {len(forms)}, personal values checked {values} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(score.values.items()))})")
    print(f"\n{'leaks':10} {'whole':>6} {'part':>6}")
    for channel in CHANNELS:
        print(f"{channel:10} {score.leaks[(channel, 'whole')]:6} {score.leaks[(channel, 'part')]:6}")
    a = score.answers
    print(f"census answers written in (not scored): {a['checked']} checked, "
          + ", ".join(f"{channel} {a[channel]}" for channel in CHANNELS))
    b = score.boxes
    print(f"\nboxes covered {b['covered']}/{b['measured']}"
          + (f" ({b['unregistered']} on pages that could not be registered)" if b["unregistered"] else ""))
    print(f"\n{'statements':20} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4} {'tn':>4}")
    for key in (*DEGRADATIONS, *[s for s in STATEMENTS if RULE_OF[s]], "all"):
        label = f"{key} ({RULE_OF[key]})" if key in RULE_OF else key
        print(f"{label:20} {prf(score.rules[key])}")
    print(f"implied rules present when printed: {score.also['present']}/{score.also['checked']} "
          f"({', '.join(f'{s}->{r}' for s, rs in ALSO.items() for r in rs)}); 'notice' has no rule in rules.md")
    print(f"rules decided by the fixed wording: {score.fixed['right']}/{score.fixed['checked']} right "
          f"({', '.join(f'{r} {v}' for r, v in FIXED.items())})")
    c = score.census
    print(f"census items exactly {sorted(CENSUS_ITEMS)}: {c['exact']}/{c['forms']}; "
          f"flags include {sorted(FLAGS)}: {c['flags']}/{c['forms']}")
    pages = sum(f.line.get("pages", 0) for f in forms)
    if score.seconds:
        print(f"\nseconds per page: engine mean {sum(score.seconds) / len(score.seconds):.2f}, "
              f"max {max(score.seconds):.2f}; whole run {wall / max(1, pages):.2f} wall-clock")
    for problem in score.leaked + score.uncovered + score.wrong + score.shown:
        print("  " + problem)
    failures = sum(score.leaks.values()) + len(score.uncovered) + len(score.wrong)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    """Generate, audit and score; print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--make-form", type=Path, default=DEFAULT_MAKE_FORM, help="the shared generator")
    parser.add_argument("--count", type=int, default=40, help="forms to generate")
    parser.add_argument("--seed", type=int, default=7000, help="first generator seed")
    parser.add_argument("--jobs", type=int, help="passed to the command line's --jobs")
    parser.add_argument("--keep", action="store_true", help="keep the working folder and print its path")
    args = parser.parse_args(argv)
    if not args.make_form.is_file():
        sys.exit(f"no form generator at {args.make_form}: pass --make-form PATH to make_form.py")

    folder = Path(tempfile.mkdtemp(prefix="shared-forms-"))
    print(f"generating {args.count} forms in {folder}", file=sys.stderr, flush=True)
    forms = generate(args.make_form, folder, args.count, args.seed)
    redacted_dir = folder / "redacted"
    command = [sys.executable, "-m", "portal.audit", "--redacted-dir", str(redacted_dir),
               *(["--jobs", str(args.jobs)] if args.jobs else []), *(str(f.path) for f in forms)]
    print("auditing them with one run of python -m portal.audit", file=sys.stderr, flush=True)
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.monotonic() - started
    lines = [json.loads(s) for s in done.stdout.splitlines() if s.strip()]
    if done.returncode not in (0, 3) or len(lines) != len(forms):
        sys.exit(f"the command line failed (status {done.returncode}):\n{done.stderr[-2000:]}")
    for form, line in zip(forms, lines, strict=True):
        form.line = line
    (folder / "lines.jsonl").write_text(done.stdout)
    print("re-reading the redacted images and scoring", file=sys.stderr, flush=True)
    images = [redacted_dir / f"{f.path.stem}-1.png" for f in forms]
    with ThreadPoolExecutor() as pool:
        for form, text in zip(forms, pool.map(lambda p: reread(p) if p.exists() else "", images), strict=True):
            form.reread = text
    score = Score()
    for form in forms:
        score_form(form, redacted_dir, score)
    status = report(score, forms, wall)
    if args.keep:
        print(f"\nkept in {folder}")
    else:
        import shutil

        shutil.rmtree(folder)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
