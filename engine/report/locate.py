"""Where in a plan file a finding belongs: the chosen action's entry, or the field it reads."""

from __future__ import annotations

from engine.core.compile import paths_read
from engine.core.model import PRACTICE, Assessment, RuleResult, RuleSet, SourceLocation


def finding_location(result: RuleResult, assessment: Assessment, rules: RuleSet) -> SourceLocation:
    plan = assessment.plan
    if PRACTICE not in result.attributed_to:
        for index, choice in enumerate(plan.actions):
            if choice.id in result.attributed_to and f"/actions/{index}" in plan.locations:
                return plan.locations[f"/actions/{index}"]
    reads = sorted(paths_read(rules.constraint(result.rule_id)))
    pointers = [_pointer(path) for path in (*reads, *result.missing)]
    known = [pointer for pointer in pointers if pointer in plan.locations]
    if known:
        return plan.locations[max(known, key=len)]
    places = [plan.location_of(pointer) for pointer in pointers]
    return next((place for place in places if place), None) or SourceLocation(plan.path, 1, 1)


def _pointer(path: str) -> str:
    """``setup.services[1].kind`` -> ``/setup/services/1/kind``; ``a[].b`` stops at the list."""
    head = path.split("[]")[0]
    return "/" + head.replace("[", ".").replace("]", "").replace(".", "/")
