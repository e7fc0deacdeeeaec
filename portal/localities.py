"""English local authorities (DfE codes and regions) and school phases, for context and reports."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class LocalAuthority:
    code: str
    name: str
    region: str


@cache
def local_authorities() -> dict[str, LocalAuthority]:
    """Return every English local authority by DfE code, sorted by name."""
    with files("portal").joinpath("data/local_authorities.csv").open(encoding="utf-8") as f:
        rows = [LocalAuthority(r["code"], r["name"], r["region"]) for r in csv.DictReader(f)]
    return {la.code: la for la in sorted(rows, key=lambda la: la.name)}


PHASES: dict[str, str] = {
    "early_years": "Nursery or early years",
    "primary": "Primary",
    "secondary": "Secondary",
    "all_through": "All-through",
    "special": "Special school",
    "alternative_provision": "Alternative provision or pupil referral unit",
}
