"""`gpca test --format junit`: JUnit XML for CI, one <testsuite> per fixture file.

A failed expectation is a <failure>; a fixture file gpca cannot use is an <error>.
Validated in the tests against the Jenkins/Surefire junit-10.xsd (tests/schemas), the schema
most JUnit readers accept. It has no `file` or `line` on <testcase>, so the file goes on the
<testsuite> and the case's line into its name.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from engine.errors import render_problem
from engine.model import RuleSet
from engine.report.suite_text import explain_mismatch
from engine.suite import CaseRun, FileError, SuiteResult


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
