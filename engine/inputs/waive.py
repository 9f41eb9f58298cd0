"""Waivers: local agreements, recorded in the plan, that make a finding acceptable.

A waiver never changes an outcome. It is matched against the findings (fail or cannot
tell) of one assessment: a waiver that matches is *applied* and its finding is counted
as waived, apart from the others; one whose expiry has passed is *expired*, and one that
matches no finding on the date is *unmatched*. Reporters show all three.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.core.errors import InputError, did_you_mean
from engine.core.model import Assessment, Plan, Problem, RuleSet, Waiver, WaiverStatus, replace
from engine.inputs import load
from engine.inputs.read import Document, read_yaml

FINDINGS = ("fail", "cannot_tell")


def waivers_from_document(document: Document) -> tuple[Waiver, ...]:
    """The waivers a (schema-valid) plan document records."""
    entries: list[dict[str, Any]] = (document.data or {}).get("waivers") or []
    return tuple(
        Waiver(str(entry["rule"]), str(entry["reason"]), str(entry["reference"]),
               str(entry["approver"]), str(entry["expires"]),
               document.locations.get(f"/waivers/{index}"))
        for index, entry in enumerate(entries)
    )  # fmt: skip


def with_waivers(plan: Plan, document: Document, rules: RuleSet) -> Plan:
    """The plan with its document's waivers; each must name a constraint of ``rules``."""
    waivers = waivers_from_document(document)
    problems = [p for index, w in enumerate(waivers) for p in _rule_problems(w, index, rules, document)]
    if problems:
        raise InputError(problems)
    return replace(plan, waivers=waivers)


def _rule_problems(waiver: Waiver, index: int, rules: RuleSet, document: Document) -> list[Problem]:
    """A waiver accepts one constraint's finding: an unknown id, or an action's, is input."""
    pointer = f"/waivers/{index}/rule"
    constraints = [rule.id for rule in rules.constraints]
    if waiver.rule in constraints:
        return []
    if any(action.id == waiver.rule for action in rules.actions):
        message = (f"'{waiver.rule}' is an action, not a rule: a waiver names the constraint "
                   "whose finding the agreement accepts")  # fmt: skip
        hint = "run 'gpca check' on the plan and name a rule it reports; 'gpca rules' lists them"
    else:
        message = f"the waiver names no rule gpca knows: '{waiver.rule}'"
        suggestion = did_you_mean(waiver.rule, constraints)
        hint = f"{suggestion + ' ' if suggestion else ''}run 'gpca rules' to list the rules"
    return [Problem("unknown-rule", message, document.locations.get(pointer), pointer, hint)]


def load_plan_with_waivers(path: str | Path, rules: RuleSet, as_of: str | None = None) -> Plan:
    """``load_plan``, keeping the plan's waivers; a fixture file gives its ``plan``.
    ``as_of`` stands for a plan's missing ``assessed_on``."""
    document = read_yaml(path)  # read and parsed once, for the plan and its waivers alike
    if isinstance(document.data, dict) and {"plan", "expect"} <= document.data.keys():
        document = document.part("/plan")
    plan = load.plan_from_document(document, rules, as_of)  # via the module: tests stand in for it
    return with_waivers(plan, document, rules)


def review_waivers(assessment: Assessment) -> Assessment:
    """The assessment with the state of each of its plan's waivers on its date."""
    findings = {r.rule_id for r in assessment.results if r.outcome in FINDINGS}
    statuses = tuple(
        WaiverStatus(waiver, _state(waiver, findings, assessment.as_of))
        for waiver in assessment.plan.waivers
    )
    return replace(assessment, waivers=statuses)


def _state(waiver: Waiver, findings: set[str], day: str) -> Any:
    if waiver.expires < day:
        return "expired"
    return "applied" if waiver.rule in findings else "unmatched"


def unwaived_overall(assessment: Assessment) -> str:
    """The overall verdict counting only findings that no applied waiver covers."""
    waived = assessment.waived
    results = [r for r in assessment.results if r.rule_id not in waived]
    if any(r.outcome == "fail" and r.severity in ("breach", "local_breach") for r in results):
        return "risk"
    return "cannot_tell" if any(r.outcome == "cannot_tell" for r in results) else "no_risk"


def waiver_lines(assessment: Assessment) -> list[str]:
    """The waivers in words, for every reporter."""
    words = {"applied": "applied to the finding", "expired": "EXPIRED: it no longer covers anything",
             "unmatched": "UNMATCHED: no finding of this rule on the date"}  # fmt: skip
    return [
        f"{s.waiver.rule}: {words[s.state]}; reason: {s.waiver.reason}; reference: "
        f"{s.waiver.reference}; approved by {s.waiver.approver}; expires {s.waiver.expires}"
        for s in assessment.waivers
    ]


def applied_waiver(assessment: Assessment, rule_id: str) -> Waiver | None:
    """The waiver applied to ``rule_id``'s finding, if one is; the first, if the plan has several."""
    return next((s.waiver for s in assessment.waivers if s.state == "applied" and s.waiver.rule == rule_id), None)


def waived_findings(assessment: Assessment) -> int:
    """How many of the assessment's findings (fail or cannot tell) an applied waiver covers."""
    return sum(1 for r in assessment.results if r.outcome in FINDINGS and r.rule_id in assessment.waived)


def waiver_words(waiver: Waiver) -> str:
    """One applied waiver, as every reporter marks its finding."""
    return (f"Waived by a local agreement: {waiver.reason}; reference: {waiver.reference}; approved by "
            f"{waiver.approver}; expires {waiver.expires}")  # fmt: skip
