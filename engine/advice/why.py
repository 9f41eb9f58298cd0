"""Why a rule came out as it did, in one line: for `gpca test` and `gpca impact`."""

from __future__ import annotations

from engine.advice.explain import deciding, settled_words
from engine.advice.words import OUTCOME_WORDS
from engine.core.model import Assessment, RuleResult, RuleSet
from engine.core.trace import trace_rule


def explain_result(result: RuleResult, assessment: Assessment, rules: RuleSet) -> list[str]:
    head = f"{result.rule_id} is {OUTCOME_WORDS[result.outcome]} ({result.severity})"
    if result.outcome == "fail":
        causes = ", ".join(result.attributed_to) or "nobody"
        return [f"{head}, caused by {causes}: {result.message}"]
    if result.outcome == "cannot_tell":
        return [f"{head}: the plan leaves out {', '.join(result.missing) or 'a value it needs'}"]
    if result.outcome == "not_applicable":
        return [f"{head}: {result.reason}"]
    return [f"{head}: {_kept_quiet_by(result.rule_id, assessment, rules)}"]


def _kept_quiet_by(rule_id: str, assessment: Assessment, rules: RuleSet) -> str:
    """The plan's answers that kept a passing rule quiet; never the rule's failure message,
    which says the opposite of what happened."""
    fails = trace_rule(assessment, rules, rule_id).fails
    settled = deciding(fails, empty_lists=True) if fails is not None else []
    answers = [f"{step.path} is {settled_words(step)}" for step in settled]
    return "kept quiet by " + ("; ".join(answers) if answers else "the plan's answers")
