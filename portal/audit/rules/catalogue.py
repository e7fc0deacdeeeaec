"""Load and validate the rule catalogue (``catalogue.yaml``): rules, census items and context flags as data.

A broken catalogue raises CatalogueError naming the rule (or item, or flag) and the field at fault, so the
portal refuses to start rather than audit forms against rules it misread.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..document import Context
from .patterns import PatternError, Term, compile_term, lexicon_words

PATH = Path(__file__).with_name("catalogue.yaml")
KINDS = ("requirement", "prohibition")
SEVERITIES = ("critical", "high", "medium", "low", "info")
FLAGS = ("NAT", "ETH", "AP", "CEN", "G18", "D18", "CONS", "SEC", "SRC", "GEN")
CENSUS_ITEMS = ("nationality", "country_of_birth", "ethnicity", "first_language", "english_proficiency",
                "religion", "free_school_meals", "sen", "medical", "ap_placement_reason",
                "passport_or_immigration")
_RULE_ID = re.compile(r"^(?:FP|CEN|AP)-\d{2}$")
_URL = re.compile(r"^https://(?:www\.)?(?:legislation\.gov\.uk|gov\.uk|[a-z.-]+\.gov\.uk|ico\.org\.uk|"
                  r"hansard\.parliament\.uk|questions-statements\.parliament\.uk|[a-z.-]+\.parliament\.uk)/\S*$")
_WHOLE_REF = re.compile(r"^@[a-z_]+$")
_INLINE_REF = re.compile(r"@([a-z_]+)")
_RULE_KEYS = {"id", "kind", "title", "explanation", "source", "source_url", "severity", "applies_when",
              "checker", "satisfied_by", "breached_by", "triggers", "distinct", "also", "named", "negation"}
_CLAUSE_KEYS = {"say", "with", "near", "about", "rivals", "anaphor", "unless", "reach", "ahead", "field",
                "negation"}

Condition = Callable[[Context], bool]


class CatalogueError(ValueError):
    """The catalogue is broken: ``owner`` (a rule id, item or flag) and ``field`` say where."""

    def __init__(self, owner: str, field_name: str, problem: str) -> None:
        super().__init__(f"catalogue {owner}, field {field_name!r}: {problem}")
        self.owner = owner
        self.field = field_name


@dataclass(frozen=True)
class Clause:
    """One way to satisfy (or breach) a rule: a phrase said in a unit, with optional scope and conditions.

    ``say`` must occur (not negated, unless ``negation`` is off). Each of ``with`` must occur in the same
    unit, in the line that introduced it, or within ``near`` units of it on the page. ``about`` (the topic)
    must be named in the same clause; or, for an anaphoric sentence ("this information is optional") or a
    form line, in the nearest earlier unit within ``reach`` (for a form line also the label on its row or the
    next ``ahead`` units) that names the topic or one of its ``rivals``. ``anaphor`` says which words make a
    sentence anaphoric (the catalogue's shared ``anaphor`` term when not given). ``unless`` vetoes in the same
    clause.
    """

    say: Term
    with_: tuple[Term, ...] = ()
    near: int = 0
    about: Term | None = None
    rivals: Term | None = None
    anaphor: Term | None = None
    unless: Term | None = None
    reach: int = 0
    ahead: int = 0
    field: bool = False
    negation: bool = True

    @property
    def label(self) -> str:
        """Describe the clause by its first phrasing (and topic), for explanations."""
        return self.say.label + (f" (about {self.about.label})" if self.about else "")


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue, as data."""

    id: str
    kind: str
    title: str
    explanation: str
    source: str
    source_url: str
    severity: str
    applies_when: str
    applies: Condition
    checker: str
    clauses: tuple[Clause, ...]
    triggers: Term | None = None
    distinct: int = 1
    also: tuple[Term, ...] = ()
    named: Mapping[str, tuple[Clause, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Item:
    """A census item the form may ask for, and the words that show it does."""

    id: str
    terms: Term
    unless: Term | None
    asking: bool  # True: only a form line or a sentence that asks or collects counts


@dataclass(frozen=True)
class Flag:
    """A context flag: from census items, from wording, or from the form's date."""

    id: str
    items: tuple[str, ...] = ()
    mentions: Term | None = None
    unless: Term | None = None
    negation: bool = False
    dated_from: date | None = None
    titles: Term | None = None
    topics: tuple[str, ...] = ()
    min_topics: int = 0
    min_topics_untitled: int = 0
    breadth: tuple[Term, ...] = ()  # kinds of data a general notice names
    min_breadth: int = 0


@dataclass(frozen=True)
class Catalogue:
    """The whole catalogue: version, shared terms, census items, flags and rules in order."""

    version: str
    terms: Mapping[str, Term]
    items: tuple[Item, ...]
    flags: tuple[Flag, ...]
    rules: tuple[Rule, ...]
    lexicon: frozenset[str]

    def get(self, rule_id: str) -> Rule | None:
        """Return the rule with this id, or None (an old finding may name a rule since retired)."""
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    def rule(self, rule_id: str) -> Rule:
        """Return the rule with this id; raise KeyError naming it when there is none."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"no rule {rule_id} in catalogue version {self.version}")

    def term(self, name: str) -> Term:
        """Return a shared term by name; raise KeyError naming it when there is none."""
        if name not in self.terms:
            raise KeyError(f"no term @{name} in catalogue version {self.version}")
        return self.terms[name]


def load(path: Path = PATH) -> Catalogue:
    """Read and validate a catalogue file; raise CatalogueError naming the owner and field at fault."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise CatalogueError("file", path.name, f"not valid YAML: {e}") from e
    return parse(data)


def parse(data: Any) -> Catalogue:
    """Build a Catalogue from parsed YAML; raise CatalogueError naming the owner and field at fault."""
    if not isinstance(data, dict):
        raise CatalogueError("file", "(top)", "expected version, terms, census_items, flags and rules")
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise CatalogueError("file", "version", "expected a non-empty string such as \"1\"")
    builder = _Builder(data.get("terms") or {})
    items = tuple(builder.item(raw) for raw in _list(data, "census_items"))
    if tuple(i.id for i in items) != CENSUS_ITEMS:
        raise CatalogueError("census_items", "id", f"expected exactly {', '.join(CENSUS_ITEMS)}, in order")
    flags = tuple(builder.flag(raw) for raw in _list(data, "flags"))
    if tuple(f.id for f in flags) != FLAGS:
        raise CatalogueError("flags", "id", f"expected exactly {', '.join(FLAGS)} in that order")
    rules = tuple(builder.rule(raw) for raw in _list(data, "rules"))
    ids = [r.id for r in rules]
    if dup := {i for i in ids if ids.count(i) > 1}:
        raise CatalogueError(sorted(dup)[0], "id", "duplicate rule id")
    for flag in flags:
        for topic in flag.topics:
            if topic not in ids:
                raise CatalogueError(f"flag {flag.id}", "topics", f"no rule {topic}")
    terms = {name: builder.named(name) for name in builder.raw_terms}
    return Catalogue(version, terms, items, flags, rules, frozenset(builder.lexicon))


def _list(data: dict, key: str) -> list:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise CatalogueError("file", key, "expected a non-empty list")
    return value


class _Builder:
    """Compile the catalogue's parts, resolving @references to shared terms and collecting the lexicon."""

    def __init__(self, raw_terms: Any) -> None:
        if not isinstance(raw_terms, dict):
            raise CatalogueError("file", "terms", "expected a mapping of name to phrasings")
        self.raw_terms: dict[str, Any] = raw_terms
        self._terms: dict[str, Term] = {}
        self.lexicon: set[str] = set()

    def named(self, name: str, owner: str = "terms", where: str = "") -> Term:
        """Return the shared term ``name``, compiled once."""
        if name not in self.raw_terms:
            raise CatalogueError(owner, where or name, f"unknown term @{name}")
        if name not in self._terms:
            self._terms[name] = replace(self.term(self.raw_terms[name], f"terms {name}", name), name=name)
        return self._terms[name]

    def term(self, value: Any, owner: str, where: str) -> Term:
        """Compile a term: a phrasing, an @reference, a list of them, or {raw: regex or list}."""
        if isinstance(value, dict):
            if set(value) != {"raw"}:
                raise CatalogueError(owner, where, "a mapping term must have only the key 'raw'")
            raws = value["raw"] if isinstance(value["raw"], list) else [value["raw"]]
            if not raws or not all(isinstance(r, str) and r for r in raws):
                raise CatalogueError(owner, where, "raw must be a regular expression or a list of them")
            return self._compile(tuple(raws), True, owner, where)
        values = value if isinstance(value, list) else [value]
        if not values:
            raise CatalogueError(owner, where, "expected at least one phrasing")
        if len(values) == 1 and isinstance(values[0], str) and _WHOLE_REF.match(values[0]):
            return self.named(values[0][1:], owner, where)
        phrasings: list[str] = []
        for v in values:
            if not isinstance(v, str) or not v.strip():
                raise CatalogueError(owner, where, f"expected phrasings (strings), got {v!r}")
            if _WHOLE_REF.match(v):
                ref = self.named(v[1:], owner, where)
                if ref.raw:
                    raise CatalogueError(owner, where, f"{v} is a raw term and cannot join plain phrasings")
                phrasings.extend(ref.phrasings)
            else:
                phrasings.append(v)
        refs = {name: self.named(name, owner, where) for p in phrasings for name in _INLINE_REF.findall(p)}
        return self._compile(tuple(phrasings), False, owner, where, refs)

    def _compile(self, phrasings: tuple[str, ...], raw: bool, owner: str, where: str,
                 refs: dict[str, Term] | None = None) -> Term:
        try:
            term = compile_term(phrasings, raw, refs)
        except PatternError as e:
            raise CatalogueError(owner, where, str(e)) from e
        if not raw:
            for p in phrasings:
                self.lexicon |= lexicon_words(p)
        return term

    def optional(self, raw: dict, key: str, owner: str) -> Term | None:
        """Compile ``raw[key]`` when present."""
        return self.term(raw[key], owner, key) if key in raw else None

    def clause(self, value: Any, owner: str, where: str, negation: bool) -> Clause:
        """Compile one clause: a term alone, or a mapping with say/with/about/rivals/unless/reach/..."""
        if not isinstance(value, dict) or "raw" in value:
            return Clause(self.term(value, owner, where), negation=negation)
        if unknown := set(value) - _CLAUSE_KEYS:
            raise CatalogueError(owner, f"{where}.{sorted(unknown)[0]}", "unknown clause key")
        if "say" not in value:
            raise CatalogueError(owner, f"{where}.say", "a clause needs 'say'")
        withs = value.get("with", [])
        if not isinstance(withs, list):
            raise CatalogueError(owner, f"{where}.with", "expected a list of terms")
        for key in ("reach", "ahead", "near"):
            if not isinstance(value.get(key, 0), int) or value.get(key, 0) < 0:
                raise CatalogueError(owner, f"{where}.{key}", "expected a whole number of units, 0 or more")
        for key in ("field", "negation"):
            if not isinstance(value.get(key, False), bool):
                raise CatalogueError(owner, f"{where}.{key}", "expected true or false")
        if "near" in value and not withs:
            raise CatalogueError(owner, f"{where}.near", "near needs terms to find ('with')")
        if ({"reach", "ahead", "rivals", "anaphor"} & set(value)) and "about" not in value:
            raise CatalogueError(owner, f"{where}.about", "reach, ahead, rivals and anaphor need a topic ('about')")
        return Clause(
            say=self.term(value["say"], owner, f"{where}.say"),
            with_=tuple(self.term(w, owner, f"{where}.with[{n}]") for n, w in enumerate(withs)),
            near=value.get("near", 0),
            about=self.optional(value, "about", owner), rivals=self.optional(value, "rivals", owner),
            anaphor=self.optional(value, "anaphor", owner), unless=self.optional(value, "unless", owner),
            reach=value.get("reach", 0),
            ahead=value.get("ahead", 0), field=value.get("field", False),
            negation=value.get("negation", negation))

    def clauses(self, value: Any, owner: str, where: str, negation: bool) -> tuple[Clause, ...]:
        """Compile a non-empty list of clauses."""
        if not isinstance(value, list) or not value:
            raise CatalogueError(owner, where, "expected a non-empty list of clauses")
        return tuple(self.clause(v, owner, f"{where}[{n}]", negation) for n, v in enumerate(value))

    def rule(self, raw: Any) -> Rule:
        """Compile and validate one rule."""
        if not isinstance(raw, dict):
            raise CatalogueError("rules", "(entry)", "each rule must be a mapping")
        rid = raw.get("id")
        if not isinstance(rid, str) or not _RULE_ID.match(rid):
            raise CatalogueError(str(rid), "id", "expected an id like FP-01, CEN-01 or AP-01")
        if unknown := set(raw) - _RULE_KEYS:
            raise CatalogueError(rid, sorted(unknown)[0], "unknown field")
        for key in ("title", "explanation", "source", "source_url", "applies_when"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise CatalogueError(rid, key, "expected non-empty text")
        if raw.get("kind") not in KINDS:
            raise CatalogueError(rid, "kind", f"expected one of {', '.join(KINDS)}")
        if raw.get("severity") not in SEVERITIES:
            raise CatalogueError(rid, "severity", f"expected one of {', '.join(SEVERITIES)}")
        if not _URL.match(raw["source_url"]):
            raise CatalogueError(rid, "source_url", "expected an https link to legislation.gov.uk, gov.uk, "
                                                     "ico.org.uk or parliament.uk")
        key = "satisfied_by" if raw["kind"] == "requirement" else "breached_by"
        other = "breached_by" if key == "satisfied_by" else "satisfied_by"
        if other in raw:
            raise CatalogueError(rid, other, f"a {raw['kind']} takes '{key}', not '{other}'")
        negation = raw.get("negation", True)
        if not isinstance(negation, bool):
            raise CatalogueError(rid, "negation", "expected true or false")
        distinct = raw.get("distinct", 1)
        clauses = self.clauses(raw.get(key), rid, key, negation)
        if not isinstance(distinct, int) or not 1 <= distinct <= len(clauses):
            raise CatalogueError(rid, "distinct", f"expected a number from 1 to {len(clauses)}")
        named = raw.get("named", {})
        if not isinstance(named, dict):
            raise CatalogueError(rid, "named", "expected a mapping of name to clauses")
        also = raw.get("also", [])
        if not isinstance(also, list):
            raise CatalogueError(rid, "also", "expected a list of terms")
        checker = raw.get("checker", "phrase")
        if not isinstance(checker, str):
            raise CatalogueError(rid, "checker", "expected the name of a checker")
        return Rule(
            id=rid, kind=raw["kind"], title=raw["title"].strip(),
            explanation=" ".join(raw["explanation"].split()),
            source=raw["source"].strip(), source_url=raw["source_url"], severity=raw["severity"],
            applies_when=raw["applies_when"], applies=condition(raw["applies_when"], rid), checker=checker,
            clauses=clauses, triggers=self.optional(raw, "triggers", rid), distinct=distinct,
            also=tuple(self.term(a, rid, f"also[{n}]") for n, a in enumerate(also)),
            named={name: self.clauses(v, rid, f"named.{name}", negation) for name, v in named.items()})

    def item(self, raw: Any) -> Item:
        """Compile one census item."""
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise CatalogueError("census_items", "id", "each item needs an id")
        owner = f"census item {raw['id']}"
        if unknown := set(raw) - {"id", "terms", "unless", "asking"}:
            raise CatalogueError(owner, sorted(unknown)[0], "unknown field")
        if "terms" not in raw:
            raise CatalogueError(owner, "terms", "expected phrasings")
        if not isinstance(raw.get("asking", False), bool):
            raise CatalogueError(owner, "asking", "expected true or false")
        return Item(raw["id"], self.term(raw["terms"], owner, "terms"), self.optional(raw, "unless", owner),
                    raw.get("asking", False))

    def flag(self, raw: Any) -> Flag:
        """Compile one context flag."""
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise CatalogueError("flags", "id", "each flag needs an id")
        owner = f"flag {raw['id']}"
        known = {"id", "items", "mentions", "unless", "negation", "dated_from", "titles", "topics",
                 "min_topics", "min_topics_untitled", "breadth", "min_breadth"}
        if unknown := set(raw) - known:
            raise CatalogueError(owner, sorted(unknown)[0], "unknown field")
        items = tuple(raw.get("items", ()))
        if bad := [i for i in items if i not in CENSUS_ITEMS]:
            raise CatalogueError(owner, "items", f"unknown census item {bad[0]}")
        dated = raw.get("dated_from")
        if dated is not None and not isinstance(dated, date):
            raise CatalogueError(owner, "dated_from", "expected a date YYYY-MM-DD")
        breadth = raw.get("breadth", [])
        if not isinstance(breadth, list):
            raise CatalogueError(owner, "breadth", "expected a list of terms")
        for key in ("min_topics", "min_topics_untitled", "min_breadth"):
            if not isinstance(raw.get(key, 0), int):
                raise CatalogueError(owner, key, "expected a whole number")
        if not (items or "mentions" in raw or dated or "topics" in raw):
            raise CatalogueError(owner, "mentions", "a flag needs items, mentions, dated_from or topics")
        return Flag(raw["id"], items, self.optional(raw, "mentions", owner),
                    self.optional(raw, "unless", owner), bool(raw.get("negation", False)), dated,
                    self.optional(raw, "titles", owner),
                    tuple(raw.get("topics", ())), raw.get("min_topics", 0), raw.get("min_topics_untitled", 0),
                    tuple(self.term(b, owner, f"breadth[{n}]") for n, b in enumerate(breadth)),
                    raw.get("min_breadth", 0))


_TOKEN = re.compile(r"\s*(\(|\)|\band\b|\bor\b|\bnot\b|\balways\b|before:\d{4}-\d{2}-\d{2}|[A-Z0-9]+)")


def condition(text: str, owner: str) -> Condition:
    """Compile ``applies_when`` (flags with and/or/not, ``always``, ``before:YYYY-MM-DD``) to a predicate."""
    tokens: list[str] = []
    pos = 0
    while pos < len(text.rstrip()):
        m = _TOKEN.match(text, pos)
        if not m:
            raise CatalogueError(owner, "applies_when", f"cannot read {text[pos:].strip()!r}")
        tokens.append(m.group(1))
        pos = m.end()

    def fail(problem: str) -> CatalogueError:
        return CatalogueError(owner, "applies_when", f"{problem} in {text!r}")

    def expr(i: int) -> tuple[Condition, int]:
        left, i = term(i)
        while i < len(tokens) and tokens[i] == "or":
            right, i = term(i + 1)
            left = (lambda a, b: lambda c: a(c) or b(c))(left, right)
        return left, i

    def term(i: int) -> tuple[Condition, int]:
        left, i = factor(i)
        while i < len(tokens) and tokens[i] == "and":
            right, i = factor(i + 1)
            left = (lambda a, b: lambda c: a(c) and b(c))(left, right)
        return left, i

    def factor(i: int) -> tuple[Condition, int]:
        if i >= len(tokens):
            raise fail("unexpected end")
        token = tokens[i]
        if token == "not":
            inner, i = factor(i + 1)
            return (lambda c: not inner(c)), i
        if token == "(":
            inner, i = expr(i + 1)
            if i >= len(tokens) or tokens[i] != ")":
                raise fail("missing ')'")
            return inner, i + 1
        if token == "always":
            return (lambda c: True), i + 1
        if token.startswith("before:"):
            try:
                day = date.fromisoformat(token[7:])
            except ValueError as e:
                raise fail(f"bad date {token[7:]}") from e
            return (lambda c: c.form_date is not None and c.form_date < day), i + 1
        if token in FLAGS:
            return (lambda c: token in c.flags), i + 1
        raise fail(f"unknown flag or word {token!r}")

    result, end = expr(0)
    if end != len(tokens):
        raise fail(f"unexpected {tokens[end]!r}")
    return result
