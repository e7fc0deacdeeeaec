"""The evidence export: valid against its schema, no personal data, no small groups, streamed, logged."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from frictionless import validate

from portal.extensions import db
from portal.models import AccessLog, Submission
from portal.reports import export, stats
from tests.support.reportdata import Form, copy_into_current, seed_database

K = 5
CONTEXT = (
    "local_authority_code",
    "local_authority",
    "region",
    "phase",
    "census_term",
    "academic_year",
    "form_month",
)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Return a folder for exports, apart from the test's database."""
    return tmp_path / "export"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Form]]:
    """Generate 300 forms once for the module."""
    path = tmp_path_factory.mktemp("seed") / "seed.sqlite3"
    return path, seed_database(path, 300, seed=5)


@pytest.fixture
def dataset(app: Flask, seeded: tuple[Path, list[Form]]) -> list[Form]:
    """Store the generated forms in this test's database and return their truth."""
    with app.app_context():
        copy_into_current(seeded[0])
    return seeded[1]


def run_export(app: Flask, fmt: str, out: Path) -> Any:
    """Run the export command and return its result."""
    return app.test_cli_runner().invoke(args=["export", "--format", fmt, "--out", str(out)])


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read an exported CSV file."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_data_package_validates_and_holds_one_row_per_confirmed_form_and_rule(
    app: Flask, dataset: list[Form], out: Path
) -> None:
    result = run_export(app, "datapackage", out)
    assert result.exit_code == 0, result.output
    report = validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((out / "datapackage.json").read_text())
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    rows = read_csv(out / "findings.csv")
    confirmed = [f for f in dataset if f.review_status == "confirmed"]
    assert len(rows) == len(confirmed) * len(confirmed[0].statuses)
    assert len({r["form"] for r in rows}) == len(confirmed)
    statuses = Counter(r["status"] for r in rows)
    assert statuses == Counter(s for f in confirmed for s in f.statuses.values())  # reviewers' word counts
    assert all((r["fails"] == "true") == (r["status"] in ("missing", "violation")) for r in rows)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_csv_and_json_hold_the_same_rows(app: Flask, dataset: list[Form], out: Path, fmt: str) -> None:
    assert run_export(app, fmt, out).exit_code == 0
    if fmt == "csv":
        rows = read_csv(out / "findings.csv")
        assert list(rows[0]) == export.columns()
    else:
        document = json.loads((out / "findings.json").read_text())
        rows = document["rows"]
        assert document["licenses"][0]["name"] == "CC-BY-4.0"
        assert [f["name"] for f in document["schema"]["fields"]] == export.columns()
        assert all(isinstance(r["fails"], bool) for r in rows)
    assert len(rows) == sum(f.review_status == "confirmed" for f in dataset) * 29


def test_no_personal_data_and_no_internal_ids_in_any_export(
    app: Flask, dataset: list[Form], tmp_path: Path
) -> None:
    for fmt in export.FORMATS:
        assert run_export(app, fmt, tmp_path / "out" / fmt).exit_code == 0
    text = "\n".join(p.read_text() for p in (tmp_path / "out").rglob("*.*"))
    for leak in ("[NAME]", "[PHONE]", "@", "01632", "Acacia", "redacted text of", "receipt"):
        assert leak not in text.replace('"@', ""), leak  # no placeholders, emails, phone numbers, form text
    with app.app_context():
        hashes = db.session.execute(db.select(Submission.receipt_hash)).scalars().all()
    assert not any(h in text for h in hashes)
    rows = read_csv(tmp_path / "out" / "csv" / "findings.csv")
    assert {r["form"] for r in rows}.isdisjoint({str(f.id) for f in dataset})
    assert any(r["evidence_withheld"] == "true" for r in rows)
    assert any(r["evidence"].startswith("We are required by law") for r in rows)


def test_pseudonyms_do_not_link_two_exports(app: Flask, dataset: list[Form], tmp_path: Path) -> None:
    run_export(app, "csv", tmp_path / "a")
    run_export(app, "csv", tmp_path / "b")
    first = {r["form"] for r in read_csv(tmp_path / "a" / "findings.csv")}
    second = {r["form"] for r in read_csv(tmp_path / "b" / "findings.csv")}
    assert len(first) == len(second) and first.isdisjoint(second)


def test_every_released_context_is_shared_by_at_least_k_forms(
    app: Flask, dataset: list[Form], out: Path
) -> None:
    run_export(app, "csv", out)
    contexts = {r["form"]: tuple(r[c] for c in CONTEXT) for r in read_csv(out / "findings.csv")}
    sizes = Counter(contexts.values())
    small = {c: n for c, n in sizes.items() if n < K and any(c)}
    assert small == {}
    assert any(c[0] for c in sizes)  # big authorities keep their name
    assert any(c[2] and not c[0] for c in sizes)  # small ones are merged into their region
    with app.app_context():
        report = stats.build()
    shown = {r.label for b in report.breakdowns for r in b.rows if r.forms is not None}
    released = {v for c in sizes for v in (c[1], c[2], c[4], c[5])} - {""}
    phases = {
        r.key for b in report.breakdowns if b.dimension == "phase" for r in b.rows if r.forms is not None
    }
    assert released - shown <= phases  # phases appear by key in the export, by name in the report
    assert {c[3] for c in sizes} - {""} <= phases


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # big enough everywhere: everything is released
        (
            {("202", "primary", 2016, 10): 5},
            {
                ("202", "primary", 2016, 10): (
                    "202",
                    "London",
                    "primary",
                    "Autumn 2016/17",
                    "2016/17",
                    "2016-10",
                )
            },
        ),
        # Camden's lone November form loses its month and joins October's; Southwark is hidden in the reports,
        # and a lone form in it is released with nothing that a table does not show for at least K forms
        (
            {
                ("202", "primary", 2016, 10): 4,
                ("202", "primary", 2016, 11): 1,
                ("210", "primary", 2016, 10): 1,
            },
            {
                ("202", "primary", 2016, 10): ("202", "London", "primary", "Autumn 2016/17", "2016/17", None),
                ("202", "primary", 2016, 11): ("202", "London", "primary", "Autumn 2016/17", "2016/17", None),
                ("210", "primary", 2016, 10): (None,) * 6,
            },
        ),
        # too few forms in all: nothing is released
        ({("202", "primary", 2016, 10): 2}, {("202", "primary", 2016, 10): (None,) * 6}),
    ],
)
def test_generalise(app: Flask, counts: dict[Any, int], expected: dict[Any, tuple[Any, ...]]) -> None:
    shown = {
        "region": {"London"},
        "local_authority": {"202"},
        "phase": {"primary"},
        "term": {"Autumn 2016/17"},
        "year": {"2016/17"},
    }
    with app.app_context():
        assert export.generalise(Counter(counts), K, shown) == expected


def test_a_group_the_reports_hide_is_never_named(app: Flask) -> None:
    counts = Counter({("202", "primary", 2016, 10): 10, ("210", "secondary", 2017, 5): 10})
    shown = {
        "region": {"London"},
        "local_authority": {"202"},
        "phase": {"primary"},
        "term": {"Autumn 2016/17"},
        "year": {"2016/17"},
    }
    with app.app_context():
        released = export.generalise(counts, K, shown)
    assert released[("202", "primary", 2016, 10)] == (
        "202",
        "London",
        "primary",
        "Autumn 2016/17",
        "2016/17",
        "2016-10",
    )
    assert released[("210", "secondary", 2017, 5)] == (None, "London", None, None, "2016/17", None)


@pytest.mark.parametrize(
    ("evidence", "published", "withheld"),
    [
        (
            "We share data with the Department for Education.",
            "We share data with the Department for Education.",
            False,
        ),
        ("Contact [NAME] at the office.", None, True),
        ("Write to dpo@school.example.", None, True),
        ("Ring 020 7946 0018.", None, True),
        ("Return it to 12 Acacia Avenue by Friday.", None, True),
        ("Our office, LS1 4AP, is open daily.", None, True),
        (
            "Under section 537A of the Education Act 1996.",
            "Under section 537A of the Education Act 1996.",
            False,
        ),
        (None, None, False),
        ("  spaced\n  out  ", "spaced out", False),
    ],
)
def test_screen_evidence(evidence: str | None, published: str | None, withheld: bool) -> None:
    assert export.screen_evidence(evidence) == (published, withheld)


@pytest.mark.parametrize(("role", "expected"), [("campaigner", 200), ("admin", 200), ("researcher", 403)])
def test_download_roles(client: FlaskClient, login: Any, role: str, expected: int) -> None:
    login(role)
    assert client.get("/reports/export.csv").status_code == expected


def test_the_download_streams_and_is_recorded(
    app: Flask, client: FlaskClient, login: Any, dataset: list[Form], out: Path
) -> None:
    user = login("campaigner")
    response = client.get("/reports/export.zip")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        assert sorted(archive.namelist()) == ["datapackage.json", "findings.csv"]
        archive.extractall(out)
    assert validate(str(out / "datapackage.json")).valid
    with app.app_context():
        log = db.session.execute(db.select(AccessLog).where(AccessLog.action == "export")).scalar_one()
        assert log.user_id == user.id and log.detail == "format=datapackage via=web"
    assert client.get("/reports/export.xlsx").status_code == 404


def test_the_export_command_is_recorded_too(app: Flask, out: Path) -> None:
    run_export(app, "json", out)
    with app.app_context():
        log = db.session.execute(db.select(AccessLog).where(AccessLog.action == "export")).scalar_one()
        assert log.user_id is None and log.detail == "format=json via=command"


def test_an_empty_export_still_validates(app: Flask, out: Path) -> None:
    assert run_export(app, "datapackage", out).exit_code == 0
    assert read_csv(out / "findings.csv") == []
    assert validate(str(out / "datapackage.json")).valid


def test_a_bad_format_is_a_usage_error(app: Flask, out: Path) -> None:
    result = run_export(app, "xlsx", out)
    assert result.exit_code == 2 and "xlsx" in result.output
