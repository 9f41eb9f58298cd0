"""Lint for local packs: an override must still fail every national ``fail`` example."""

from __future__ import annotations

from engine.core.model import ChosenAction, Example, Plan, Problem, RuleSet, SourceLocation
from engine.core.reference import reference_outcomes
from engine.inputs.load import load_rules
from engine.inputs.read import builtin_rules_dir


def weakened_examples(rules: RuleSet) -> list[Problem]:
    """Overrides of national constraints under which a national fail example stops failing."""
    constraints = {c.id for c in rules.constraints}
    mine = [o for o in rules.overrides if o.rule_id in constraints]
    if not mine:
        return []
    national = load_rules([builtin_rules_dir()])
    problems = []
    for override in mine:
        old = national.constraint(override.rule_id)
        for example in (e for e in old.examples if e.expect == "fail"):
            got = reference_outcomes(rules, _plan(example))[override.rule_id]
            if got != "fail":
                message = (f"this override of national '{override.rule_id}' weakens it: the national "
                           f"example '{example.note}' fails there but is {got} here")  # fmt: skip
                hint = "a pack may tighten a national rule, never weaken it; give it a new id"
                problems.append(Problem("pack-weakens", message, SourceLocation(override.file, 1, 1), hint=hint))
    return problems


def _plan(example: Example) -> Plan:
    data = example.plan
    chosen = tuple(ChosenAction(e["id"], {k: v for k, v in e.items() if k != "id"})
                   for e in data.get("actions", ()))  # fmt: skip
    return Plan("example", data.get("practice", {}), data["assessed_on"], chosen, data.get("setup", {}))
