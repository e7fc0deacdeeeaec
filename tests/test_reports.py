"""Reports on generated data: true figures, nothing small shown, nothing hidden derivable; pages, roles."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.extensions import db
from portal.localities import PHASES, local_authorities
from portal.models import AccessLog, Setting
from portal.reports import stats
from tests.support.reportdata import Form, copy_into_current, seed_database

K = 5
P = (1 << 61) - 1  # a Mersenne prime: exact elimination modulo P stands in for elimination over the rationals


@pytest.fixture
def rule_ids(app: Flask) -> list[str]:
    with app.app_context():
        return [r.id for r in stats.rule_choices()]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Form]]:
    """Generate 400 forms once for the module."""
    path = tmp_path_factory.mktemp("seed") / "seed.sqlite3"
    return path, seed_database(path, 400, seed=11)


@pytest.fixture
def dataset(app: Flask, seeded: tuple[Path, list[Form]]) -> list[Form]:
    """Store the generated forms in this test's database and return their truth."""
    with app.app_context():
        copy_into_current(seeded[0])
    return seeded[1]


# -- the truth, counted independently of portal/reports/stats.py -------------------------------------------


def term_of(form: Form) -> tuple[str, str]:
    """Return (census term, academic year) labels of a form, counted by hand."""
    when = form.form_month or form.form_date
    if when is None:
        return "Date not known", "Date not known"
    start = when.year if when.month >= 9 else when.year - 1
    year = f"{start}/{str(start + 1)[2:]}"
    season = {
        9: "Autumn",
        10: "Autumn",
        11: "Autumn",
        12: "Autumn",
        1: "Spring",
        2: "Spring",
        3: "Spring",
    }.get(when.month, "Summer")
    return f"{season} {year}", year


def group_labels(form: Form) -> dict[str, str]:
    """Return the row label a form falls in for each dimension."""
    la = local_authorities().get(form.local_authority or "")
    term, year = term_of(form)
    return {
        "region": la.region if la else "Not given",
        "local_authority": la.name if la else "Not given",
        "phase": PHASES[form.phase] if form.phase else "Not given",
        "term": term,
        "year": year,
    }


def counted(forms: list[Form], unreviewed: bool = False) -> list[Form]:
    """Return the forms a report counts."""
    ok = {"confirmed", "pending", "disputed"} if unreviewed else {"confirmed"}
    return [f for f in forms if f.review_status in ok]


FAILS = {"missing", "violation"}
APPLIES = {"missing", "violation", "present", "clear"}


# -- what an attacker can work out from a published report -------------------------------------------------


def published_system(
    report: stats.Report,
) -> tuple[dict[Hashable, int | None], list[tuple[Hashable, list[Hashable]]]]:
    """Return each quantity of the report (its value, None when hidden or never shown) and the equations."""
    known: dict[Hashable, int | None] = {("N",): report.forms}
    eqs: list[tuple[Hashable, list[Hashable]]] = []
    for row in report.rules:
        r = row.key
        known[("F", r)], known[("A", r)] = row.fails, row.applies
        known[("P", r)] = known[("R", r)] = None  # passes and "the rest" are never shown
        eqs += [(("A", r), [("F", r), ("P", r)]), (("N",), [("A", r), ("R", r)])]
    for item in report.items:
        known[("Y", item.key)], known[("No", item.key)] = item.asks, None
        eqs.append((("N",), [("Y", item.key), ("No", item.key)]))
    chosen = report.rule.id
    parents = {"local_authority": "region", "term": "year"}
    for b in report.breakdowns:
        d = b.dimension
        for row in b.rows:
            g = row.label
            known[(d, g, "N")], known[(d, g, "A")], known[(d, g, "F")] = row.forms, row.applies, row.fails
            known[(d, g, "P")] = known[(d, g, "R")] = None
            eqs += [((d, g, "A"), [(d, g, "F"), (d, g, "P")]), ((d, g, "N"), [(d, g, "A"), (d, g, "R")])]
    for b in report.breakdowns:
        d = b.dimension
        for col, total in (
            ("N", ("N",)),
            ("A", ("A", chosen)),
            ("F", ("F", chosen)),
            ("P", ("P", chosen)),
            ("R", ("R", chosen)),
        ):
            if d not in parents:
                eqs.append((total, [(d, row.label, col) for row in b.rows]))
                continue
            children: dict[str, list[Hashable]] = {}
            for row in b.rows:
                children.setdefault(parent_label(d, row.label), []).append((d, row.label, col))
            eqs += [((parents[d], p, col), kids) for p, kids in children.items()]
    return known, eqs


def parent_label(dimension: str, label: str) -> str:
    """Return the region of a local authority's row, or the academic year of a term's row."""
    if dimension == "term":
        return label if label == "Date not known" else label.split(" ")[1]
    by_name = {la.name: la.region for la in local_authorities().values()}
    return by_name.get(label, "Not given")


def determined(
    known: dict[Hashable, int | None], eqs: list[tuple[Hashable, list[Hashable]]]
) -> set[Hashable]:
    """Return the unknown quantities the equations pin down (row reduction modulo a large prime)."""
    unknown = sorted((k for k, v in known.items() if v is None), key=repr)
    col = {k: i for i, k in enumerate(unknown)}
    rows = []
    for total, members in eqs:
        row = [0] * len(unknown)
        for cell, sign in [(total, 1), *[(m, -1) for m in members]]:
            if cell in col:
                row[col[cell]] = (row[col[cell]] + sign) % P
        if any(row):
            rows.append(row)
    r = 0
    for c in range(len(unknown)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][c]), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        inv = pow(rows[r][c], P - 2, P)
        rows[r] = [x * inv % P for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c]:
                f = rows[i][c]
                rows[i] = [(a - f * b) % P for a, b in zip(rows[i], rows[r], strict=True)]
        r += 1
    return {
        unknown[[c for c, x in enumerate(row) if x][0]] for row in rows[:r] if sum(1 for x in row if x) == 1
    }


def every_count(report: stats.Report) -> list[int | None]:
    """Return every count a report publishes."""
    values: list[int | None] = [report.forms]
    values += [v for r in report.rules for v in (r.applies, r.fails)]
    values += [i.asks for i in report.items]
    for b in report.breakdowns:
        values += [v for r in [*b.rows, b.total] for v in (r.forms, r.applies, r.fails)]
    return values


# -- the figures -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("unreviewed", [False, True])
@pytest.mark.parametrize("rule", ["CEN-01", "FP-05", "CEN-05"])
def test_every_shown_figure_is_the_true_count(
    app: Flask, dataset: list[Form], rule: str, unreviewed: bool
) -> None:
    forms = counted(dataset, unreviewed)
    with app.app_context():
        report = stats.build(rule, include_unreviewed=unreviewed)
    assert report.rule.id == rule
    assert report.forms == len(forms)
    for row in report.rules:
        fails = sum(f.statuses[row.key] in FAILS for f in forms)
        applies = sum(f.statuses[row.key] in APPLIES for f in forms)
        assert row.fails in (None, fails) and row.applies in (None, applies), row.key
    for item in report.items:
        assert item.asks in (None, sum(item.key in f.census_items for f in forms)), item.key
    shown = 0
    for b in report.breakdowns:
        truth: dict[str, Counter[str]] = {}
        for f in forms:
            c = truth.setdefault(group_labels(f)[b.dimension], Counter())
            c["forms"] += 1
            c["applies"] += f.statuses[rule] in APPLIES
            c["fails"] += f.statuses[rule] in FAILS
        assert {r.label for r in b.rows} == set(truth), b.dimension
        for r in b.rows:
            for name in ("forms", "applies", "fails"):
                value = getattr(r, name)
                assert value in (None, truth[r.label][name]), (b.dimension, r.label, name)
                shown += value is not None
    assert shown > 30  # a dataset this size shows most of its figures


@pytest.mark.parametrize("rule", ["CEN-01", "FP-12", "AP-01"])
def test_no_small_count_is_shown_and_no_hidden_one_can_be_worked_out(
    app: Flask, dataset: list[Form], rule: str
) -> None:
    with app.app_context():
        report = stats.build(rule)
    counts = every_count(report)
    assert None in counts  # the dataset has small groups: something was hidden
    assert not [v for v in counts if v is not None and 0 < v < K]
    known, eqs = published_system(report)
    pinned = determined(known, eqs)
    hidden_shown_cells = {k for k in pinned if k[-1] in ("N", "A", "F") or k[0] in ("N", "F", "A", "Y")}
    assert hidden_shown_cells == set()


def _truth_of_unshown(report: stats.Report, forms: list[Form], rule: str) -> dict[Hashable, int]:
    """Return the true value of each never-shown quantity."""
    out: dict[Hashable, int] = {}
    for r in report.rules:
        out[("P", r.key)] = sum(f.statuses[r.key] in APPLIES - FAILS for f in forms)
        out[("R", r.key)] = sum(f.statuses[r.key] not in APPLIES for f in forms)
    for b in report.breakdowns:
        for f in forms:
            g = group_labels(f)[b.dimension]
            out[(b.dimension, g, "P")] = out.get((b.dimension, g, "P"), 0) + (
                f.statuses[rule] in APPLIES - FAILS
            )
            out[(b.dimension, g, "R")] = out.get((b.dimension, g, "R"), 0) + (f.statuses[rule] not in APPLIES)
    return out


def test_derivable_unshown_quantities_are_zero_or_large(app: Flask, dataset: list[Form]) -> None:
    forms = counted(dataset)
    with app.app_context():
        report = stats.build("CEN-01")
    known, eqs = published_system(report)
    truth = _truth_of_unshown(report, forms, "CEN-01")
    pinned = [k for k in determined(known, eqs) if k in truth]
    assert pinned  # e.g. passes = applies - fails where both are shown
    assert [k for k in pinned if 0 < truth[k] < K] == []


def test_switching_rules_never_changes_the_shared_figures(
    app: Flask, dataset: list[Form], rule_ids: list[str]
) -> None:
    with app.app_context():
        reports = [stats.build(r) for r in rule_ids[:8]]
    first = reports[0]
    for report in reports[1:]:
        assert report.forms == first.forms
        assert [(r.applies, r.fails) for r in report.rules] == [(r.applies, r.fails) for r in first.rules]
        for a, b in zip(report.breakdowns, first.breakdowns, strict=True):
            assert [r.forms for r in a.rows] == [r.forms for r in b.rows], a.dimension


def test_an_empty_database_shows_nothing_to_count(app: Flask) -> None:
    with app.app_context():
        report = stats.build()
    assert report.forms == 0
    assert all(r.fails == 0 and r.share is None for r in report.rules)


@pytest.mark.parametrize(
    ("year", "month", "term", "academic"),
    [
        (2016, 9, "Autumn 2016/17", "2016/17"),
        (2016, 12, "Autumn 2016/17", "2016/17"),
        (2017, 1, "Spring 2016/17", "2016/17"),
        (2017, 3, "Spring 2016/17", "2016/17"),
        (2017, 4, "Summer 2016/17", "2016/17"),
        (2017, 8, "Summer 2016/17", "2016/17"),
        (1999, 10, "Autumn 1999/00", "1999/00"),
    ],
)
def test_census_terms(year: int, month: int, term: str, academic: str) -> None:
    assert stats.census_term(year, month) == term
    assert stats.academic_year(year, month) == academic


# -- the pages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), [("campaigner", 200), ("researcher", 200), ("admin", 200)])
def test_staff_see_the_reports(
    app: Flask, client: FlaskClient, login: Any, dataset: list[Form], role: str, expected: int
) -> None:
    login(role)
    response = client.get("/reports/")
    assert response.status_code == expected
    body = response.get_data(as_text=True)
    assert "<svg" in body and 'role="img"' in body and "<caption>" in body
    assert body.count("<svg") == body.count("<table>")  # every chart has its table
    assert "CEN-01" in body and "[c]" in body
    assert ("Download data package" in body) == (role in ("campaigner", "admin"))
    assert ("Switch it on" in body) == (role == "admin")
    assert "style=" not in body and "<script" not in body.split("</header>")[1]


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/reports/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert client.get("/reports/export.csv").status_code == 302


def test_unreviewed_forms_count_only_on_request(
    app: Flask, client: FlaskClient, login: Any, dataset: list[Form]
) -> None:
    login("campaigner")
    confirmed = len(counted(dataset))
    everything = len(counted(dataset, unreviewed=True))
    assert f"<strong>{confirmed}</strong>" in client.get("/reports/").get_data(as_text=True)
    body = client.get("/reports/?unreviewed=y&rule=FP-01").get_data(as_text=True)
    assert f"<strong>{everything}</strong>" in body and "including forms not yet reviewed" in body


def test_an_unknown_rule_is_a_clear_400(client: FlaskClient, login: Any, dataset: list[Form]) -> None:
    login("campaigner")
    response = client.get("/reports/?rule=XX-99")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Not a valid choice" in body and "CEN-01:" in body  # the default rule is shown instead


def test_public_statistics_are_off_until_an_admin_switches_them_on(
    app: Flask, client: FlaskClient, login: Any, dataset: list[Form]
) -> None:
    assert client.get("/statistics").status_code == 404
    admin = login("admin")
    response = client.post("/reports/public", data={"enabled": "on"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/reports/")
    with app.app_context():
        assert db.session.get(Setting, "public_statistics").value == "on"
        log = db.session.execute(db.select(AccessLog).where(AccessLog.action == "setting")).scalar_one()
        assert log.user_id == admin.id and log.detail == "public_statistics=on"
    client.post("/staff/logout")
    anonymous = app.test_client()
    response = anonymous.get("/statistics?rule=FP-05")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<svg" in body and "FP-05" in body and "[c]" in body
    assert "Download" not in body and "not yet reviewed" not in body and "Switch it" not in body
    assert f"<strong>{len(counted(dataset))}</strong>" in body
    assert (
        anonymous.get("/statistics?unreviewed=y")
        .get_data(as_text=True)
        .count(f"<strong>{len(counted(dataset))}</strong>")
        == 1
    )  # the public never sees unreviewed forms


@pytest.mark.parametrize(("role", "expected"), [("campaigner", 403), ("researcher", 403)])
def test_only_admins_switch_public_statistics(
    app: Flask, client: FlaskClient, login: Any, role: str, expected: int
) -> None:
    login(role)
    assert client.post("/reports/public", data={"enabled": "on"}).status_code == expected
    with app.app_context():
        assert db.session.get(Setting, "public_statistics") is None


def test_a_bad_switch_value_is_a_400_and_changes_nothing(app: Flask, client: FlaskClient, login: Any) -> None:
    login("admin")
    assert client.post("/reports/public", data={"enabled": "maybe"}).status_code == 400
    with app.app_context():
        assert db.session.get(Setting, "public_statistics") is None


def test_every_chart_is_well_formed_svg_and_shows_hidden_bars(
    client: FlaskClient, login: Any, dataset: list[Form]
) -> None:
    login("campaigner")
    body = client.get("/reports/?rule=CEN-01").get_data(as_text=True)
    charts = re.findall(r"<svg .*?</svg>", body, flags=re.S)
    assert len(charts) == 7
    for chart in charts:
        root = ElementTree.fromstring(chart)
        title = root.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and title.text and root.get("role") == "img"
    assert any('class="bar hidden"' in c for c in charts)  # small groups show as hidden, not as a bar


def test_the_header_links_the_public_statistics_once_they_are_on(app: Flask, client: FlaskClient) -> None:
    assert "/statistics" not in client.get("/").get_data(as_text=True)
    app.test_cli_runner().invoke(args=["public-stats", "on"])
    assert 'href="/statistics"' in client.get("/").get_data(as_text=True)


def test_the_public_stats_command(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert "off" in runner.invoke(args=["public-stats"]).output
    result = runner.invoke(args=["public-stats", "on"])
    assert result.exit_code == 0 and "on" in result.output
    assert app.test_client().get("/statistics").status_code == 200
    runner.invoke(args=["public-stats", "off"])
    assert app.test_client().get("/statistics").status_code == 404
    assert runner.invoke(args=["public-stats", "maybe"]).exit_code == 2
