"""The catalogue: version 1 as the spec defines it, and a broken catalogue naming its rule and field."""
from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from portal.audit import rules
from portal.audit.rules import catalogue, checkers

IDS = [f"FP-{n:02d}" for n in range(1, 17)] + [f"CEN-{n:02d}" for n in range(1, 13)] + ["AP-01"]
SEVERITY = {"FP-01": "high", "FP-02": "medium", "FP-03": "high", "FP-04": "medium", "FP-05": "high",
            "FP-06": "high", "FP-07": "medium", "FP-08": "medium", "FP-09": "medium", "FP-10": "medium",
            "FP-11": "medium", "FP-12": "high", "FP-13": "info", "FP-14": "info", "FP-15": "low",
            "FP-16": "low", "CEN-01": "critical", "CEN-02": "critical", "CEN-03": "high", "CEN-04": "medium",
            "CEN-05": "high", "CEN-06": "critical", "CEN-07": "high", "CEN-08": "high", "CEN-09": "high",
            "CEN-10": "high", "CEN-11": "medium", "CEN-12": "low", "AP-01": "high"}
PROHIBITIONS = {"CEN-05", "CEN-06", "CEN-07", "CEN-10"}


def test_version_1_holds_every_rule_of_the_spec_in_order() -> None:
    assert rules.CATALOGUE.version == "1"
    assert [r.id for r in rules.CATALOGUE.rules] == IDS
    assert {r.id: r.severity for r in rules.CATALOGUE.rules} == SEVERITY
    assert {r.id for r in rules.CATALOGUE.rules if r.kind == "prohibition"} == PROHIBITIONS


def test_every_rule_explains_itself_with_a_real_source() -> None:
    for rule in rules.CATALOGUE.rules:
        assert len(rule.explanation) > 150, rule.id
        assert re.match(r"https://(www\.)?(legislation\.gov\.uk|gov\.uk|ico\.org\.uk|[a-z.-]*parliament\.uk)/",
                        rule.source_url), rule.id
        assert rule.source and rule.title


def test_every_rule_has_a_checker_and_lookups_name_what_is_missing() -> None:
    assert [c.rule.id for c in rules.CHECKERS] == IDS
    assert rules.CATALOGUE.get("CEN-01").title.startswith("Say nationality")
    assert rules.CATALOGUE.get("XX-99") is None
    with pytest.raises(KeyError, match="XX-99"):
        rules.CATALOGUE.rule("XX-99")


@pytest.fixture
def data() -> dict[str, Any]:
    return yaml.safe_load(catalogue.PATH.read_text(encoding="utf-8"))


def rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in data["rules"] if r["id"] == rule_id)


BROKEN = [
    ("FP-01", "kind", lambda d: rule(d, "FP-01").update(kind="requirment")),
    ("FP-03", "explanation", lambda d: rule(d, "FP-03").pop("explanation")),
    ("CEN-01", "applies_when", lambda d: rule(d, "CEN-01").update(applies_when="NAT and XYZ")),
    ("CEN-04", "applies_when", lambda d: rule(d, "CEN-04").update(applies_when="NAT and before:2016-13-45")),
    ("FP-02", "satisfied_by[0]", lambda d: rule(d, "FP-02")["satisfied_by"].insert(0, "data (protection")),
    ("FP-02", "satisfied_by[0]", lambda d: rule(d, "FP-02")["satisfied_by"].insert(0, "@no_such_term")),
    ("FP-02", "satisfied_by[0]", lambda d: rule(d, "FP-02")["satisfied_by"].insert(0, "pupi1 data")),  # typo
    ("CEN-01", "satisfied_by[0].abuot", lambda d: rule(d, "CEN-01")["satisfied_by"][0].update(abuot="@nat")),
    ("CEN-08", "severity", lambda d: rule(d, "CEN-08").update(severity="urgent")),
    ("FP-02", "satisfied_by[0].about",
     lambda d: rule(d, "FP-02")["satisfied_by"].insert(0, {"say": "dpo", "anaphor": "@demonstrative"})),
    ("FP-11", "source_url", lambda d: rule(d, "FP-11").update(source_url="http://example.com/ico")),
    ("CEN-05", "satisfied_by", lambda d: rule(d, "CEN-05").update(satisfied_by=["passport"])),
    ("FP-09", "distinct", lambda d: rule(d, "FP-09").update(distinct=99)),
    ("FP-04", "id", lambda d: d["rules"].append(dict(rule(d, "FP-04")))),
    ("FP-06", "colour", lambda d: rule(d, "FP-06").update(colour="red")),
]


@pytest.mark.parametrize(("owner", "field", "breakage"), BROKEN)
def test_a_broken_rule_is_named_with_its_field(data: dict[str, Any], owner: str, field: str,
                                                breakage) -> None:
    breakage(data)
    with pytest.raises(catalogue.CatalogueError) as caught:
        checkers.build(catalogue.parse(data))
    assert caught.value.owner == owner
    assert caught.value.field == field
    assert owner in str(caught.value) and field in str(caught.value)


@pytest.mark.parametrize(("owner", "field", "breakage"), [
    ("FP-05", "named.dfe", lambda d: rule(d, "FP-05").pop("named")),
    ("CEN-10", "checker", lambda d: rule(d, "CEN-10").update(checker="census_after_2019")),
])
def test_a_rule_its_checker_cannot_use_is_named(data: dict[str, Any], owner: str, field: str,
                                                 breakage) -> None:
    breakage(data)
    with pytest.raises(catalogue.CatalogueError) as caught:
        checkers.build(catalogue.parse(data))
    assert (caught.value.owner, caught.value.field) == (owner, field)


def test_broken_items_flags_and_terms_are_named(data: dict[str, Any]) -> None:
    data["census_items"].reverse()
    with pytest.raises(catalogue.CatalogueError, match="census_items"):
        catalogue.parse(data)


def test_broken_flag_is_named(data: dict[str, Any]) -> None:
    next(f for f in data["flags"] if f["id"] == "D18")["dated_from"] = "June 2018"
    with pytest.raises(catalogue.CatalogueError) as caught:
        catalogue.parse(data)
    assert (caught.value.owner, caught.value.field) == ("flag D18", "dated_from")


def test_invalid_yaml_is_reported(tmp_path) -> None:
    broken = tmp_path / "catalogue.yaml"
    broken.write_text("version: '1'\nrules: [unclosed\n", encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match="not valid YAML"):
        catalogue.load(broken)


def test_the_shipped_catalogue_parses_again_to_the_same_rules(data: dict[str, Any]) -> None:
    assert [r.id for r in catalogue.parse(data).rules] == IDS
