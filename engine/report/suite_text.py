"""`gpca test` as text: each failed case with expected vs got, and why gpca said what it did."""

from __future__ import annotations

from engine.errors import render_problem
from engine.explain import deciding, settled_words
from engine.model import Assessment, RuleResult, RuleSet
from engine.report.common import OUTCOME_WORDS
from engine.suite import CaseRun, SuiteResult
from engine.trace import trace_rule
from engine.verify import Mismatch


def render_suite_text(result: SuiteResult, rules: RuleSet) -> str:
    blocks = [render_problem(p) for error in result.errors for p in error.problems]
    blocks += [_failed_case(run, rules) for run in result.failed]
    blocks.append(result.summary)
    return "\n\n".join(blocks) + "\n"


def _failed_case(run: CaseRun, rules: RuleSet) -> str:
    lines = [f"FAIL  {run.case.name}: {run.case.note}"]
    for mismatch in run.mismatches:
        lines.append(f"  {mismatch}")
        lines += [f"      {line}" for line in explain_mismatch(mismatch, run.assessment, rules)]
    return "\n".join(lines)


def explain_mismatch(mismatch: Mismatch, assessment: Assessment, rules: RuleSet) -> list[str]:
    """Why the engine gave the verdict it did, in the words of the rules involved."""
    kind, _, name = mismatch.subject.partition(" ")
    if kind == "rule" or kind == "attribution":
        return explain_result(assessment.result(name.removeprefix("of ")), assessment, rules)
    if kind == "action":
        verdict = next((v for v in assessment.actions if v.action_id == name), None)
        findings = verdict.findings if verdict else ()
        return [line for rid in findings for line in explain_result(assessment.result(rid), assessment, rules)]
    deciding = [r for r in assessment.results if r.outcome in ("fail", "cannot_tell")]
    return [line for r in deciding for line in explain_result(r, assessment, rules)] or ["every rule passes or does not apply"]


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
