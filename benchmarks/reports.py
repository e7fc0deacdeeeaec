"""Benchmark the reports: page time and export memory as the number of findings grows (issue #7).

    .venv/bin/python benchmarks/reports.py [--findings 25000 50000 100000 200000] [--repeat 5]

For each size it builds a fresh SQLite database of generated, audited submissions (29 findings each, most of
them confirmed), then prints:

- the reports page: median wall and CPU time of GET /reports/ for a signed-in campaigner (target: 300 ms at
  100,000 findings), and of the figures alone (stats.build);
- the export: peak Python memory (tracemalloc) and the growth of the process's resident memory while the CSV
  and the zipped Data Package stream to nowhere, with their time (target: flat memory as rows grow).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flask_migrate  # noqa: E402

from portal import create_app  # noqa: E402
from portal.audit import rules  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.reports import export, stats  # noqa: E402
from tests.staff import make_user, sign_in_quickly  # noqa: E402
from tests.support.reportdata import populate  # noqa: E402


def rss_mb() -> float:
    """Return the current resident set size in MB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 1e6


def median_ms(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Return the median wall and CPU times of an action in milliseconds (after one warm-up run).

    The CPU time is this process's (SQLite runs inside it): on a machine shared with other work it shows what
    the wall time would be on an idle one.
    """
    action()
    wall, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def drain(chunks: Iterator[str] | Iterator[bytes]) -> tuple[int, float, float, float]:
    """Consume an export; return (bytes, seconds, tracemalloc peak MB, RSS growth MB)."""
    before = rss_mb()
    tracemalloc.start()
    started = time.perf_counter()
    size = 0
    for chunk in chunks:
        size += len(chunk)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size, seconds, peak / 1e6, rss_mb() - before


def run(findings: int, repeat: int) -> None:
    """Measure one database size."""
    rule_ids = [r.id for r in rules.CATALOGUE.rules]
    forms = max(1, findings // len(rule_ids))
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "benchmark-only",
                "RESUME_JOBS": False,
                "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            }
        )
        with app.app_context():
            flask_migrate.upgrade()
            started = time.perf_counter()
            populate(rule_ids, forms, seed=1, keep=False, batch=20_000)
            filled = time.perf_counter() - started
        user = make_user(app, "campaigner")
        client = app.test_client()
        sign_in_quickly(client, user)

        def page() -> None:
            response = client.get("/reports/?rule=CEN-01")
            assert response.status_code == 200, response.status_code

        def figures() -> None:
            with app.app_context():
                stats.build("CEN-01")

        page_ms = median_ms(page, repeat)
        build_ms = median_ms(figures, repeat)
        with app.test_request_context():
            csv_bytes, csv_s, csv_peak, csv_rss = drain(export.csv_chunks())
            zip_bytes, zip_s, zip_peak, zip_rss = drain(export.zip_chunks())
            db.session.remove()
        print(
            f"{forms * len(rule_ids):>9,} {forms:>7,} {filled:>7.1f} {page_ms[0]:>5.0f}/{page_ms[1]:<5.0f} "
            f"{build_ms[0]:>5.0f}/{build_ms[1]:<5.0f} "
            f"{csv_bytes / 1e6:>8.1f} {csv_s:>6.1f} {csv_peak:>8.2f} {csv_rss:>7.1f} "
            f"{zip_bytes / 1e6:>8.1f} {zip_s:>6.1f} {zip_peak:>8.2f} {zip_rss:>7.1f}",
            flush=True,
        )
        with app.app_context():
            db.engine.dispose()


def main() -> None:
    """Run the benchmark at each size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--findings", type=int, nargs="+", default=[25_000, 50_000, 100_000, 200_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; times are wall/CPU")
    print(
        f"{'findings':>9} {'forms':>7} {'fill s':>7} {'page ms':>11} {'build ms':>11} "
        f"{'csv MB':>8} {'csv s':>6} {'peak MB':>8} {'rss +MB':>7} "
        f"{'zip MB':>8} {'zip s':>6} {'peak MB':>8} {'rss +MB':>7}"
    )
    for findings in args.findings:
        run(findings, args.repeat)
    print("targets: page ≤ 300 ms at 100,000 findings on SQLite; export peak memory flat as rows grow")


if __name__ == "__main__":
    main()
