"""JUnit XML for CI: `gpca test --format junit`, one <testsuite> per fixture file, and
`gpca check --format junit`, one <testsuite> per plan.

In a test run a failed expectation is a <failure>, and a fixture file gpca cannot use is
an <error>. In a check each applicable rule is a <testcase>: a finding that sets the exit
code (a breach risk, or cannot tell) is a <failure>, and one a plan's waiver covers is
<skipped>, with the waiver's reason; a caution or a pass passes.
Validated in the tests against the Jenkins/Surefire junit-10.xsd (tests/schemas), the schema
most JUnit readers accept. It has no `file` or `line` on <testcase>, so the file goes on the
<testsuite> and the case's line into its name.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from engine.advice.words import OUTCOME_WORDS, SEVERITY_WORDS, unchecked_note
from engine.authoring.suite import CaseRun, FileError, SuiteResult
from engine.core.errors import render_problem
from engine.core.model import BREACH_SEVERITIES, Assessment, RuleResult, RuleSet
from engine.inputs.waive import applied_waiver, waiver_words
from engine.report.sarif import message as finding_message
from engine.report.stream import Layout, Part, joined, nothing
from engine.report.suite_text import explain_mismatch


def render_junit(result: SuiteResult, rules: RuleSet) -> str:
    root = ET.Element("testsuites", name="gpca test", tests=str(len(result.runs) + len(result.errors)),
                      failures=str(len(result.failed)), errors=str(len(result.errors)),
                      time=_seconds(sum(run.seconds for run in result.runs)))  # fmt: skip
    for path, runs in itertools.groupby(result.runs, key=lambda run: run.case.path):
        root.append(_suite(path, list(runs), rules))
    root.extend(_error_suite(error) for error in result.errors)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(path: str, runs: list[CaseRun], rules: RuleSet) -> ET.Element:
    failures = sum(1 for run in runs if run.mismatches)
    suite = ET.Element("testsuite", name=path, file=path, tests=str(len(runs)), failures=str(failures),
                       errors="0", skipped="0", time=_seconds(sum(r.seconds for r in runs)))  # fmt: skip
    suite.extend(_testcase(run, rules) for run in runs)
    return suite


def _testcase(run: CaseRun, rules: RuleSet) -> ET.Element:
    case = run.case
    line = case.document.locations.get(case.base)
    name = f"{case.note} (line {line.line if line else 1})"
    testcase = ET.Element("testcase", name=name, classname=case.name, time=_seconds(run.seconds))
    if run.mismatches:
        lines = []
        for mismatch in run.mismatches:
            lines.append(str(mismatch))
            lines += ["    " + text for text in explain_mismatch(mismatch, run.assessment, rules)]
        message = "; ".join(f"{m.subject}: expected {m.expected}, got {m.got}" for m in run.mismatches)
        failure = ET.SubElement(testcase, "failure", message=message, type="expectation")
        failure.text = "\n".join(lines)
    return testcase


def _error_suite(error: FileError) -> ET.Element:
    suite = ET.Element("testsuite", name=error.path, file=error.path, tests="1", failures="0", errors="1",
                       skipped="0", time="0.000")  # fmt: skip
    testcase = ET.SubElement(suite, "testcase", name="load fixture", classname=error.path, time="0.000")
    first = error.problems[0] if error.problems else None
    element = ET.SubElement(testcase, "error", message=first.message if first else "unusable",
                            type=first.code if first else "fixture")  # fmt: skip
    element.text = "\n".join(render_problem(p) for p in error.problems)
    return suite


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def render_junit_check(assessments: list[Assessment], rules: RuleSet) -> str:
    """`gpca check --format junit`: a <testsuite> per plan, a <testcase> per applicable rule."""
    return joined("junit", assessments, rules)


def plan_part(assessment: Assessment, rules: RuleSet) -> Part:
    """The plan's <testsuite>, indented as inside <testsuites>, and its counts for the totals."""
    suite = _plan_suite(assessment, rules)
    whole = ET.Element(_SUITES)
    whole.append(suite)
    ET.indent(whole)
    text = ET.tostring(whole, encoding="unicode").removeprefix(f"<{_SUITES}>\n  ").removesuffix(f"\n</{_SUITES}>")
    return Part(text, {"tests": int(suite.get("tests", "0")), "failures": int(suite.get("failures", "0"))})


def _closing(totals: dict[str, int], _count: int, _rules: RuleSet) -> tuple[str, str]:
    """<testsuites> with every plan's totals, before the suites held on disk."""
    root = ET.Element(_SUITES, name="gpca check", tests=str(totals["tests"]), failures=str(totals["failures"]),
                      errors="0", time="0.000")  # fmt: skip
    root.text = "\n  "  # as ET.indent leaves it before the first suite
    opening = ET.tostring(root, encoding="unicode", xml_declaration=True).removesuffix(f"</{_SUITES}>")
    return opening, f"\n</{_SUITES}>\n"


_SUITES = "testsuites"


def _plan_suite(assessment: Assessment, rules: RuleSet) -> ET.Element:
    path = assessment.plan.path
    cases = [_rule_case(r, assessment) for r in assessment.results if r.outcome != "not_applicable"]
    failures = sum(1 for case in cases if case.find("failure") is not None)
    skipped = sum(1 for case in cases if case.find("skipped") is not None)
    suite = ET.Element("testsuite", name=f"{path} as of {assessment.as_of}", file=path, tests=str(len(cases)),
                       failures=str(failures), errors="0", skipped=str(skipped), time="0.000")  # fmt: skip
    suite.extend(cases)
    note = unchecked_note(assessment.as_of, rules)
    if note:
        ET.SubElement(suite, "system-out").text = note
    return suite


def _rule_case(result: RuleResult, assessment: Assessment) -> ET.Element:
    case = ET.Element("testcase", name=result.rule_id, classname=assessment.plan.path, time="0.000")
    if not _sets_exit_code(result):
        return case
    waiver = applied_waiver(assessment, result.rule_id)
    if waiver is not None:  # accepted by a local agreement gpca cannot check: shown, not failed
        ET.SubElement(case, "skipped", message=waiver_words(waiver), type="waived")
        return case
    said = f"{OUTCOME_WORDS[result.outcome]}: {SEVERITY_WORDS[result.severity]}"
    failure = ET.SubElement(case, "failure", message=said, type=result.outcome)
    failure.text = finding_message(result)
    return case


def _sets_exit_code(result: RuleResult) -> bool:
    return result.outcome == "cannot_tell" or (result.outcome == "fail" and result.severity in BREACH_SEVERITIES)


LAYOUT = Layout(plan_part, nothing, "\n  ", _closing, held=True)
