"""`gpca suggest`: fixes for each finding, the largest safe subset of the chosen actions,
catalogue actions that are safe to add, and the earliest safe dates for notice-bound
actions. Every suggestion here has been re-checked by the engine.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from msgspec import Struct

from engine.advice.suggest import MAX_SUBSET_ACTIONS, Fix, findings, fixes
from engine.core.apply import conflicting_actions
from engine.core.model import SAFE_STATUSES, Action, Assessment, ChosenAction, Plan, replace
from engine.core.readings import result_contested

if TYPE_CHECKING:
    from engine.core.evaluate import Evaluator

NOTICE_TERMS = ("add_days", "add_months")


class Advice(Struct, frozen=True):
    assessment: Assessment
    fixes: dict[str, list[Fix]]
    safe_subset: tuple[str, ...] | None  # None: too many actions to search
    safe_additions: tuple[str, ...]
    earliest: tuple[tuple[str, str, str], ...]  # (action id, plan path, earliest safe date)
    contested: tuple[str, ...] = ()  # findings on points the commissioner and the profession dispute


def advise(evaluator: Evaluator, assessment: Assessment) -> Advice:
    found = fixes(evaluator, assessment)
    contested = tuple(r.rule_id for r in assessment.results if result_contested(r, evaluator.rules))
    return Advice(assessment, found, largest_safe_subset(evaluator, assessment),
                  safe_additions(evaluator, assessment), _earliest(evaluator, assessment, found),
                  contested)  # fmt: skip


def _with_actions(plan: Plan, actions: tuple[ChosenAction, ...]) -> Plan:
    return replace(plan, actions=actions)


def _all_safe(assessment: Assessment) -> bool:
    return all(v.status in SAFE_STATUSES for v in assessment.actions)


def largest_safe_subset(evaluator: Evaluator, assessment: Assessment) -> tuple[str, ...] | None:
    """The largest subset of the chosen actions that are all safe together on the date."""
    chosen = assessment.plan.actions
    if len(chosen) > MAX_SUBSET_ACTIONS:
        return None
    for size in range(len(chosen), -1, -1):
        for subset in itertools.combinations(chosen, size):
            plan = _with_actions(assessment.plan, subset)
            if _all_safe(evaluator.assess(plan, as_of=assessment.as_of)):
                return tuple(c.id for c in subset)
    return ()


def safe_additions(evaluator: Evaluator, assessment: Assessment) -> tuple[str, ...]:
    """Catalogue actions on the BMA menu on the date that could be added and stay safe."""
    chosen = {c.id for c in assessment.plan.actions}
    safe = []
    for action in evaluator.rules.actions:
        if action.id in chosen or _needs_params(action):
            continue
        plan = _with_actions(assessment.plan, (*assessment.plan.actions, ChosenAction(action.id, {})))
        if conflicting_actions(plan.actions, evaluator.rules, assessment.as_of):
            continue  # it undoes what a chosen action does: not an addition
        after = evaluator.assess(plan, as_of=assessment.as_of)
        verdict = after.actions[-1]
        unchanged = after.actions[:-1] == assessment.actions and findings(after) <= findings(assessment)
        if verdict.status in SAFE_STATUSES and verdict.in_phase and unchanged:
            safe.append(action.id)
    return tuple(safe)


def _needs_params(action: Action) -> bool:
    return any("default" not in action.params.get(name, {}) for name in action.required_params)


def notice_bound(evaluator: Evaluator, action_id: str) -> bool:
    """Whether the action bears on a rule that counts a notice period."""
    bears = evaluator.rules.action(action_id).bears_on
    return any(term in repr(evaluator.rules.constraint(r).fails_when) for r in bears
               if r in {c.id for c in evaluator.rules.constraints} for term in NOTICE_TERMS)  # fmt: skip


def _earliest(evaluator: Evaluator, assessment: Assessment,
              found: dict[str, list[Fix]]) -> tuple[tuple[str, str, str], ...]:  # fmt: skip
    dates = []
    for choice in assessment.plan.actions:
        if not notice_bound(evaluator, choice.id):
            continue
        for rule_id in evaluator.rules.action(choice.id).bears_on:
            for fix in found.get(rule_id, []):
                dates += [(choice.id, c.target, str(c.value)) for c in fix.changes
                          if c.kind == "set" and _is_date(c.value)]  # fmt: skip
    return tuple(dict.fromkeys(dates))


def _is_date(value: object) -> bool:
    return isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[:4].isdigit()


def render_advice(advice: Advice) -> str:
    assessment = advice.assessment
    blocks = [f"Suggestions for {assessment.plan.path}, as of {assessment.as_of} "
              "(each one re-checked by the engine)", _fix_block(advice)]  # fmt: skip
    subset = advice.safe_subset
    if not assessment.plan.actions:
        blocks.append("Largest safe set of your actions: the plan chooses no actions.")
    elif subset is None:
        blocks.append("Largest safe set of your actions: too many actions to search.")
    else:
        dropped = [c.id for c in assessment.plan.actions if c.id not in subset]
        blocks.append("\n".join([f"Largest set of your chosen actions that is safe together on {assessment.as_of}:",
                                 *(f"  - {a}" for a in subset or ("(none of them)",)),
                                 *(f"  leaves out {a}" for a in dropped)]))  # fmt: skip
    additions = advice.safe_additions or ("(none)",)
    blocks.append("\n".join(["Other actions on the BMA menu you could add safely:",
                             *(f"  - {a}" for a in additions)]))  # fmt: skip
    blocks.append(_earliest_block(advice))
    return "\n\n".join(blocks) + "\n"


def _fix_block(advice: Advice) -> str:
    if not advice.fixes:
        return "No findings to clear."
    lines = ["To clear each finding (any one option is enough):"]
    for rule_id, found in advice.fixes.items():
        contested = " RISKS A NOTICE (CONTESTED); take it to your LMC" if rule_id in advice.contested else ""
        lines.append(f"  {rule_id}:{contested}")
        if not found:
            lines += _unfixed(advice.assessment, rule_id)
        for fix in found:
            lines.append("    - " + "; and ".join(c.words for c in fix.changes))
    return "\n".join(lines)


def _earliest_block(advice: Advice) -> str:
    lines = ["Earliest safe dates for actions bound by notice periods:"]
    lines += [f"  - {action}: {path} no earlier than {day}" for action, path, day in advice.earliest]
    if len(lines) == 1:
        lines.append("  none needed: no chosen action breaks a notice period as planned")
    return "\n".join(lines)


def _unfixed(assessment: Assessment, rule_id: str) -> list[str]:
    from engine.advice.words import question_for

    lines = ["    no change of one or two answers clears it without adding another finding;"]
    missing = assessment.result(rule_id).missing
    if missing:
        lines.append("    answer these questions in the plan, then check again:")
        lines += [f"      * {question_for(path, assessment.plan)} ({path})" for path in missing]
    return lines + ["    ask your LMC"]
