"""Load benchmark (issue #8): many parents upload at once while OCR queues; scaled against embedded.

Usage::

    python benchmarks/load.py [--uploads 50] [--rate R] [--mode both|scaled|embedded] [--timeout 1800]
                              [--keep DIR]

Each mode starts its own stack on 127.0.0.1 and stops it afterwards:

* **scaled**: gunicorn with two workers (``gunicorn -w 2 wsgi:app``) on a fresh PostgreSQL database of its
  own, Redis on 127.0.0.1:6379 with a queue of its own, and two Celery worker processes (``-c 1`` each,
  ``nice 19``, as the systemd unit in deploy/ runs them: OCR yields the CPU to the web tier beside it);
* **embedded**: ``flask run`` with SQLite and the in-process audit thread, as ``make run`` starts it.

Every simulated parent opens the upload page (for its CSRF token and session cookie), waits at a barrier with
the others, then posts the same generated census form (``tests/support/formgen``, one A4 page, JPEG as a phone
sends it): all at once, or ``--rate`` a second so that uploads keep arriving while the audits queue. The
benchmark reports the upload requests that failed, the time from posting to the 303 redirect to the receipt
("accepted": p50, p95, max), whether every audit completed, and pages audited per minute from the first upload
to the last audit committed. Four warm-up uploads are sent and audited first, and not counted. Figures are
printed, never asserted: the machine is shared, and its load average is printed beside them.
"""
from __future__ import annotations

import argparse
import http.client
import os
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support import formgen, http_upload, services  # noqa: E402

VENV_BIN = Path(sys.executable).parent
WARM_UP = 4  # uploads sent, and audited, before the measured ones


@dataclass
class Upload:
    """One simulated parent's upload: how it went and how long the post took to be accepted."""

    status: int = 0
    seconds: float = 0.0
    page_seconds: float = 0.0
    error: str | None = None


@dataclass
class Outcome:
    """The figures of one mode."""

    mode: str
    uploads: list[Upload] = field(default_factory=list)
    audits: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    pages: int = 0
    wall: float = 0.0  # first upload posted to last audit committed
    busy: float = 0.0  # first audit started to last audit committed
    note: str = ""


def form_bytes() -> bytes:
    """Return the generated census form, as a phone would send it."""
    return formgen.to_bytes(formgen.render_form(seed=11).image, "JPEG", quality=85)


def parent(port: int, form: bytes, barrier: threading.Barrier, result: Upload, delay: float = 0.0) -> None:
    """Open the upload page, wait for the others (and ``delay`` more seconds), post the form, time it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        started = time.perf_counter()
        cookie, csrf = http_upload.open_upload_page(connection)
        result.page_seconds = time.perf_counter() - started
        body, content_type = http_upload.multipart(form, csrf)
        barrier.wait(timeout=300)
        time.sleep(delay)
        started = time.perf_counter()
        response = http_upload.post_upload(connection, port, body, content_type, cookie)
        result.seconds = time.perf_counter() - started
        result.status = response.status
        if response.status != 303 or "/r/" not in response.getheader("Location", ""):
            result.error = f"HTTP {response.status}"
    except Exception as e:  # a refused or reset connection is a failed upload, counted as such
        result.error = f"{type(e).__name__}: {e}"
    finally:
        connection.close()


def load(port: int, count: int, form: bytes, rate: float = 0.0) -> tuple[list[Upload], float]:
    """Send ``count`` uploads, all at once or ``rate`` a second; return them and when they were released."""
    uploads = [Upload() for _ in range(count)]
    barrier = threading.Barrier(count + 1)
    threads = [threading.Thread(target=parent, args=(port, form, barrier, u, i / rate if rate else 0.0))
               for i, u in enumerate(uploads)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=300)
    released = time.time()
    for thread in threads:
        thread.join(300)
    return uploads, released


def rows(fetch: Any, after: int) -> list[tuple[str, int | None, Any, Any, str | None]]:
    """Return (status, pages, started_at, finished_at, error code) of the submissions after id ``after``."""
    return list(fetch("SELECT status, pages, started_at, finished_at, error_code FROM submission"
                      f" WHERE id > {int(after)}"))


def last_id(fetch: Any) -> int:
    """Return the highest submission id so far (0 for none)."""
    return int(fetch("SELECT coalesce(max(id), 0) FROM submission")[0][0])


def when(value: Any) -> float:
    """Return a stored timestamp (a datetime, or SQLite's text) as seconds since the epoch (UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value if "+" in value else value + "+00:00")
    return float(value.timestamp())


def wait_for_audits(fetch: Any, count: int, after: int, released: float, timeout: float,
                    outcome: Outcome) -> None:
    """Poll the database until every submission after id ``after`` is done or failed; fill in the outcome."""
    deadline = time.monotonic() + timeout
    while True:
        found = rows(fetch, after)
        finished = [r for r in found if r[0] in ("done", "failed")]
        if len(finished) >= count or time.monotonic() > deadline:
            break
        time.sleep(1)
    outcome.audits = Counter(r[0] for r in found)
    outcome.errors = Counter(r[4] for r in found if r[4])
    outcome.pages = sum(r[1] or 0 for r in found if r[0] == "done")
    ends = [when(r[3]) for r in finished if r[3]]
    starts = [when(r[2]) for r in found if r[2]]
    if ends:
        outcome.wall = max(ends) - released
        outcome.busy = max(ends) - min(starts) if starts else 0.0
    if len(finished) < count:
        outcome.note = f"timed out after {timeout:.0f} s with {count - len(finished)} audit(s) unfinished"


def start_process(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start a server process in its own process group, logging to a file."""
    with open(log, "ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop a server process we started, warmly, then by force."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(10)


@contextmanager
def scaled_stack(folder: Path) -> Iterator[tuple[int, Any]]:
    """Run gunicorn (2 workers), 2 Celery worker processes, a fresh database and queue; yield port, fetch."""
    services.check_redis()
    database = services.Database("load")
    tag = secrets.token_hex(3)
    settings: dict[str, object] = {
        "DATABASE_URL": database.url(),
        "BROKER_URL": f"{services.REDIS_URL}/{1 + os.getpid() % 15}",
        "AUDIT_QUEUE": f"audit-load-{tag}",
    }
    web: subprocess.Popen[bytes] | None = None
    workers: list[services.Worker] = []
    try:
        services.migrate(settings)
        env = services.worker_env(services.settings_env(settings))
        port = services.free_port()
        web = start_process([str(VENV_BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                            env, folder / "gunicorn.log")
        for n in range(2):
            workers.append(services.Worker(folder / f"worker-{n}.log", services.settings_env(settings),
                                           str(settings["AUDIT_QUEUE"]), concurrency=1, nice=19))
        for worker in workers:
            worker.wait_ready()
        services.wait_for_port(port, 60)
        with database.connect() as connection:
            yield port, lambda q: connection.execute(q).fetchall()
    finally:
        for worker in workers:
            worker.stop()
        if web is not None:
            stop_process(web)
        database.drop()


@contextmanager
def embedded_stack(folder: Path) -> Iterator[tuple[int, Any]]:
    """Run `flask run` with SQLite and in-process audits, as `make run` does; yield port, fetch."""
    path = folder / "portal.sqlite3"
    settings = {"DATABASE_URL": f"sqlite:///{path}"}
    services.migrate(settings)
    port = services.free_port()
    env = services.worker_env(services.settings_env(settings))
    web = start_process([str(VENV_BIN / "flask"), "--app", "portal", "run", "--host", "127.0.0.1", "--port",
                         str(port), "--no-reload"], env, folder / "flask.log")
    try:
        services.wait_for_port(port, 60)
        connection = sqlite3.connect(path, timeout=30)
        try:
            yield port, lambda q: connection.execute(q).fetchall()
        finally:
            connection.close()
    finally:
        stop_process(web)


def run(mode: str, count: int, form: bytes, timeout: float, folder: Path, rate: float) -> Outcome:
    """Start a mode's stack, load it and wait for its audits."""
    outcome = Outcome(mode)
    stack = scaled_stack if mode == "scaled" else embedded_stack
    folder.mkdir(parents=True, exist_ok=True)
    with stack(folder) as (port, fetch):
        # Warm up: every web and audit process has imported, connected and served once before the clock runs.
        warm, released = load(port, WARM_UP, form)
        if any(u.error for u in warm):
            raise RuntimeError(f"warm-up uploads failed: {[u.error for u in warm if u.error]}")
        wait_for_audits(fetch, WARM_UP, 0, released, timeout, Outcome(mode))
        baseline = last_id(fetch)
        outcome.uploads, released = load(port, count, form, rate)
        accepted = sum(1 for u in outcome.uploads if not u.error)
        wait_for_audits(fetch, accepted, baseline, released, timeout, outcome)
    return outcome


def ms(seconds: list[float], q: float) -> str:
    """Return the q-quantile of some durations, in milliseconds."""
    if not seconds:
        return "-"
    if q >= 1:
        return f"{max(seconds) * 1000:.0f}"
    return f"{statistics.quantiles(seconds, n=100, method='inclusive')[int(q * 100) - 1] * 1000:.0f}"


def report(outcomes: list[Outcome], count: int, size: int, rate: float) -> None:
    """Print the figures of each mode and the comparison."""
    pace = f"{rate:g} a second" if rate else "at once"
    print(f"\n{count} uploads {pace} of a one-page form ({size // 1024} kB JPEG); "
          f"load average now {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'mode':9} {'failed':>6} {'accepted p50':>12} {'p95':>6} {'max':>6}  {'page p95':>8}  "
          f"{'audits done/failed/unfinished':>29} {'pages':>5} {'wall s':>7} {'pages/min':>9}")
    for o in outcomes:
        times = [u.seconds for u in o.uploads if not u.error]
        page_times = [u.page_seconds for u in o.uploads if u.page_seconds]
        failed = sum(1 for u in o.uploads if u.error)
        unfinished = sum(n for s, n in o.audits.items() if s not in ("done", "failed"))
        audits = f"{o.audits['done']}/{o.audits['failed']}/{unfinished}"
        per_minute = o.pages / o.wall * 60 if o.wall else 0.0
        print(f"{o.mode:9} {failed:>6} {ms(times, .5):>9} ms {ms(times, .95):>6} {ms(times, 1):>6}  "
              f"{ms(page_times, .95):>5} ms  {audits:>29} {o.pages:>5} {o.wall:>7.1f} {per_minute:>9.1f}")
        for error, n in Counter(u.error for u in o.uploads if u.error).items():
            print(f"  upload error x{n}: {error}")
        for code, n in o.errors.items():
            print(f"  audit failed x{n}: {code}")
        if o.note:
            print(f"  {o.note}")
    by_mode = {o.mode: o for o in outcomes}
    if "scaled" in by_mode:
        times = [u.seconds for u in by_mode["scaled"].uploads if not u.error]
        p95 = float(ms(times, .95)) if times else float("inf")
        verdict = "met" if p95 < 200 else "MISSED"
        print(f"target: scaled upload accepted p95 < 200 ms: {verdict} ({p95:.0f} ms)")
    if {"scaled", "embedded"} <= by_mode.keys() and by_mode["embedded"].wall and by_mode["scaled"].wall:
        s, e = (by_mode[m].pages / by_mode[m].wall * 60 for m in ("scaled", "embedded"))
        print(f"pages per minute, scaled (2 Celery processes) / embedded (1 audit thread): {s / e:.2f}x")


def main() -> int:
    """Run the benchmark from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--uploads", type=int, default=50, help="simultaneous uploads (default 50)")
    parser.add_argument("--mode", choices=("both", "scaled", "embedded"), default="both")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="uploads a second, one after another (default: all at once)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for a mode's audits")
    parser.add_argument("--keep", type=Path, help="keep the servers' logs in this folder")
    args = parser.parse_args()
    form = form_bytes()
    modes = ["scaled", "embedded"] if args.mode == "both" else [args.mode]
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores; "
          f"modes: {', '.join(modes)}", flush=True)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="portal-load-") as temporary:
        folder = args.keep or Path(temporary)
        for mode in modes:
            started = time.monotonic()
            outcomes.append(run(mode, args.uploads, form, args.timeout, folder / mode, args.rate))
            print(f"{mode}: finished in {time.monotonic() - started:.0f} s", flush=True)
    report(outcomes, args.uploads, len(form), args.rate)
    return 0


if __name__ == "__main__":
    sys.exit(main())
