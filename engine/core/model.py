"""The records that cross module borders: rules, plans, problems and verdicts.

They are frozen msgspec Structs, dataclasses in all but name: built in C, the model's
eighteen classes take about a millisecond to define where frozen dataclasses took about
twelve, at every start of `gpca`. Copy one with changes with ``replace``, exported here.

Dates are ISO strings (``YYYY-MM-DD``) throughout: they compare correctly as strings,
and durable_rules has no date type.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from msgspec import Struct, field
from msgspec.structs import replace  # noqa: F401  (the one way to copy a record)

Condition = dict[str, Any]
"""A node of the condition language (docs/rule-language.md); plain data, never Python."""

Outcome = Literal["pass", "fail", "cannot_tell", "not_applicable"]
Severity = Literal["breach", "local_breach", "guidance_risk", "advisory"]
ActionStatus = Literal["safe", "safe_with_cautions", "risk", "cannot_tell"]
Overall = Literal["no_risk", "risk", "cannot_tell"]

PRACTICE = "practice"
"""The attribution of a finding that fails with no action at all."""

BREACH_SEVERITIES: frozenset[str] = frozenset({"breach", "local_breach"})
SAFE_STATUSES: frozenset[str] = frozenset({"safe", "safe_with_cautions"})  # no contract-level finding


def sha256_of(raw: bytes) -> str:
    """The hex SHA-256 of ``raw``, for replay stamps."""
    import hashlib  # imported here: loading OpenSSL is a cost that plain `gpca check` skips

    return hashlib.sha256(raw).hexdigest()


class SourceLocation(Struct, frozen=True):
    path: str
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def shown(self) -> SourceLocation:
        """This place, its path made relative when it lies below the current directory."""
        path = Path(self.path)
        if not (path.is_absolute() and path.is_relative_to(Path.cwd())):
            return self
        return SourceLocation(os.path.relpath(path), self.line, self.column)


def nearest_location(locations: Mapping[str, SourceLocation], pointer: str) -> SourceLocation | None:
    """The place of the JSON ``pointer``, or of its nearest ancestor in ``locations``."""
    while pointer and pointer not in locations:
        pointer = pointer.rpartition("/")[0]
    return locations.get(pointer)


class Problem(Struct, frozen=True):
    """One thing wrong with a user's input: data to report, never an exception."""

    code: str  # kebab-case and stable: plan-schema, rule-schema, unknown-action, yaml-syntax, ...
    message: str
    location: SourceLocation | None = None
    pointer: str = ""  # JSON pointer into the document, e.g. /actions/0/id
    hint: str | None = None


class Source(Struct, frozen=True):
    title: str
    url: str  # "" for an inference, which has none
    quote: str
    confidence: Literal["high", "medium", "low"]
    why: str
    kind: Literal["publication", "inference"] = "publication"  # inference: the project's own reading

    @property
    def place(self) -> str:
        """Where to read it: the URL, or that it is gpca's own reading."""
        return self.url or "gpca's own reading of the other sources (no URL)"


class Reading(Struct, frozen=True):
    """How one side reads a rule: the commissioner (NHS England, an ICB, DHSC) or the
    profession (the BMA, an LMC), in its own words and with its own sources."""

    reader: Literal["commissioner", "profession"]
    by: str  # who, e.g. "NHS England (London)", "Londonwide LMCs"
    position: Literal["breach", "not_a_breach", "no_position"]
    words: str  # the reader's own words, quoted from its source
    sources: tuple[Source, ...]
    notices_issued: bool = False  # notices have been issued on this reading


class Period(Struct, frozen=True):
    """An inclusive date range; ``None`` means open-ended."""

    start: str | None = None
    end: str | None = None

    def contains(self, day: str) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


class Example(Struct, frozen=True):
    note: str
    expect: Literal["pass", "fail", "safe", "safe_with_cautions", "risk", "cannot_tell"]
    plan: dict[str, Any]


class Constraint(Struct, frozen=True):
    """A contractual (or guidance) requirement that holds whether or not an action caused it."""

    id: str
    title: str
    ref: str  # the catalogue's id, e.g. C-111-01
    force: str  # contract | regulation | statute | local_contract | guidance | advice
    severity: Severity
    effective: tuple[Period, ...]
    sources: tuple[Source, ...]
    fails_when: Condition
    message: str
    remedy: str
    applies_when: Condition | None = None
    lets: dict[str, Any] = field(default_factory=dict)
    examples: tuple[Example, ...] = ()
    file: str = ""
    pack: str = "national"
    binds_by_variation: bool = False  # each period starts nationally; see engine/core/binding.py
    readings: tuple[Reading, ...] = ()  # where the commissioner and the profession differ

    def in_effect(self, day: str) -> bool:
        return any(period.contains(day) for period in self.effective)


class Effect(Struct, frozen=True):
    """What an action changes in the practice's set-up.

    ``target`` is a dotted plan path. With ``for_each`` the target is relative to each
    item of that list for which ``where`` holds. The new value is ``value``, or the
    action's parameter named ``param``. ``when`` is a condition on the action's own
    parameters: the effect applies only where it holds, and leaves the target unknown
    where it cannot be told (an answer the action makes stale).
    """

    target: str
    value: Any = None
    param: str | None = None
    for_each: str | None = None
    where: Condition | None = None
    when: Condition | None = None


class Phase(Struct, frozen=True):
    name: str
    start: str
    end: str | None
    status: Literal["recommended", "dropped", "superseded", "superseded_by_menu", "withdrawn"]
    wording: str = ""  # this phase's wording, where it differs from the action's

    def contains(self, day: str) -> bool:
        return Period(self.start, self.end).contains(day)


class Action(Struct, frozen=True):
    id: str
    title: str
    phases: tuple[Phase, ...]
    wording: str
    sources: tuple[Source, ...]
    effects: tuple[Effect, ...]
    bears_on: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)  # JSON Schema properties
    required_params: tuple[str, ...] = ()
    instead: str = ""  # what to do instead, when it risks a breach
    records: tuple[str, ...] = ()  # records the practice should keep
    examples: tuple[Example, ...] = ()
    file: str = ""
    pack: str = "national"
    publisher: str = ""  # who recommends it, for a local pack's action (engine/inputs/load.py); else the BMA


class Override(Struct, frozen=True):
    """A local pack's rule that replaces a rule of the same id from an earlier directory."""

    rule_id: str
    pack: str
    file: str
    replaces: str  # the file of the rule it replaces


class DataFlow(Struct, frozen=True):
    """A national data flow every practice has, listed in its plan or not; a local pack
    may add its own. It joins the plan's ``setup.data_sharing`` while in effect."""

    id: str
    name: str
    legal_basis: Literal["statutory_dpn", "contractual", "voluntary"]
    purpose: Literal["direct_care", "secondary"]
    effective: tuple[Period, ...]
    sources: tuple[Source, ...]
    notes: str = ""
    file: str = ""
    pack: str = "national"

    def in_effect(self, day: str) -> bool:
        return any(period.contains(day) for period in self.effective)


class RuleSet(Struct, frozen=True):
    constraints: tuple[Constraint, ...]
    actions: tuple[Action, ...]
    directories: tuple[str, ...]
    digest: str  # sha256 over the rule files, for the replay stamp
    overrides: tuple[Override, ...] = ()  # reported, never silent (engine/inputs/packs.py)
    sources_checked_to: str | None = None  # rules/ruleset.yaml: sources last checked to this date

    def checked_before(self, day: str) -> bool:
        """Whether ``day`` is after the date the rules' sources were last checked to."""
        return self.sources_checked_to is not None and day > self.sources_checked_to
    flows: tuple[DataFlow, ...] = ()  # the data flows every practice has (rules/data-flows/)
    origins: tuple[str, ...] = ()  # each directory as reports name it, e.g. "national (rules/)"

    def constraint(self, rule_id: str) -> Constraint:
        found = _by_id(self.constraints).get(rule_id)
        return found if found is not None else next(rule for rule in self.constraints if rule.id == rule_id)

    def action(self, action_id: str) -> Action:
        found = _by_id(self.actions).get(action_id)
        return found if found is not None else next(action for action in self.actions if action.id == action_id)


# Reporters look up a rule by id for every result of every plan: a scan of the rules each
# time was a fifth of rendering. A frozen record cannot carry its own index, so it is kept
# here, per tuple of rules (held, so that its id is not reused), the first of an id winning.
_INDEXES: dict[int, tuple[tuple[Any, ...], dict[str, Any]]] = {}


def _by_id(items: tuple[Any, ...]) -> dict[str, Any]:
    found = _INDEXES.get(id(items))
    if found is None or found[0] is not items:
        if len(_INDEXES) >= 64:
            _INDEXES.clear()
        index: dict[str, Any] = {}
        for item in items:
            index.setdefault(item.id, item)
        found = _INDEXES[id(items)] = (items, index)
    return found[1]


class ChosenAction(Struct, frozen=True):
    id: str
    params: dict[str, Any]
    location: SourceLocation | None = None


class Waiver(Struct, frozen=True):
    """A local agreement recorded in the plan that makes one rule's finding acceptable."""

    rule: str
    reason: str
    reference: str
    approver: str
    expires: str  # ISO date, inclusive
    location: SourceLocation | None = None


class WaiverStatus(Struct, frozen=True):
    """What became of one waiver on the assessment date."""

    waiver: Waiver
    state: Literal["applied", "expired", "unmatched"]


class Plan(Struct, frozen=True):
    path: str
    practice: dict[str, Any]
    assessed_on: str
    actions: tuple[ChosenAction, ...]
    setup: dict[str, Any]
    locations: Mapping[str, SourceLocation] = field(default_factory=dict)  # JSON pointer -> place
    raw: bytes = b""  # the file as read, for its digest
    waivers: tuple[Waiver, ...] = ()
    warnings: tuple[Problem, ...] = ()  # deprecated fields read (engine/inputs/migrate.py)

    @property
    def digest(self) -> str:
        """The SHA-256 of the plan file, or "" for a plan that was never a file."""
        return sha256_of(self.raw) if self.raw else ""

    def location_of(self, pointer: str) -> SourceLocation | None:
        """The place of ``pointer`` or of its nearest ancestor that the file has."""
        return nearest_location(self.locations, pointer)


class RuleResult(Struct, frozen=True):
    """One constraint's verdict for one plan on one date."""

    rule_id: str
    outcome: Outcome
    severity: Severity
    attributed_to: tuple[str, ...] = ()  # action ids, or (PRACTICE,); empty when it passes
    missing: tuple[str, ...] = ()  # plan paths whose absence makes it cannot_tell
    message: str = ""  # when it fails: the rule's message with its placeholders filled in
    remedy: str = ""  # when it fails: what would make the plan comply
    reason: str = ""  # why not applicable, when it is not


class ActionVerdict(Struct, frozen=True):
    action_id: str
    status: ActionStatus
    findings: tuple[str, ...]  # rule ids attributed to this action that fail or cannot tell
    cautions: tuple[str, ...] = ()  # guidance_risk/advisory findings attributed to it
    in_phase: bool = True  # whether the BMA menu listed it on the assessment date
    # Every breach it risks is one the commissioner reads as a breach and the profession
    # disputes: it risks a notice, and the point is contested (engine/core/readings.py).
    contested: bool = False


class Assessment(Struct, frozen=True):
    plan: Plan
    as_of: str
    results: tuple[RuleResult, ...]
    actions: tuple[ActionVerdict, ...]
    # The planned fact as asserted in the durable_rules session, so a trace reads the
    # very values the verdict came from; not part of the verdict, so not compared.
    facts: dict[str, Any] = field(default_factory=dict)
    waivers: tuple[WaiverStatus, ...] = ()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Assessment):
            return NotImplemented
        return _verdict(self) == _verdict(other)

    @property
    def overall(self) -> Overall:
        risky = [r for r in self.results if r.outcome == "fail" and r.severity in BREACH_SEVERITIES]
        if risky:
            return "risk"
        if any(r.outcome == "cannot_tell" for r in self.results):
            return "cannot_tell"
        return "no_risk"

    def result(self, rule_id: str) -> RuleResult:
        return next(r for r in self.results if r.rule_id == rule_id)

    def outcome_of(self, rule_id: str, absent: str) -> str:
        """The rule's outcome, or ``absent`` when the rule set has no such rule."""
        return next((r.outcome for r in self.results if r.rule_id == rule_id), absent)

    @property
    def waived(self) -> frozenset[str]:
        """Rule ids whose finding an applied waiver makes acceptable; still reported."""
        return frozenset(s.waiver.rule for s in self.waivers if s.state == "applied")


def _verdict(assessment: Assessment) -> tuple[Any, ...]:
    return (assessment.plan, assessment.as_of, assessment.results, assessment.actions,
            assessment.waivers)  # fmt: skip
