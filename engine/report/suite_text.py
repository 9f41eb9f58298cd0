"""`gpca test` as text: each failed case with expected vs got, and why gpca said what it did."""

from __future__ import annotations

from engine.advice.explain import deciding
from engine.advice.why import explain_result
from engine.authoring.suite import CaseRun, SuiteResult
from engine.authoring.verify import Mismatch
from engine.core.errors import render_problem
from engine.core.model import Assessment, RuleSet


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
