"""GitHub Actions annotations: ``::error file=...,line=...::message``, one line per finding."""

from __future__ import annotations

from engine.advice.words import OVERALL_WORDS, plural, unchecked_note
from engine.authoring.suite import SuiteResult
from engine.core.model import Assessment, RuleSet, SourceLocation
from engine.core.readings import result_contested
from engine.inputs.waive import applied_waiver, unwaived_overall, waived_findings, waiver_words
from engine.report.locate import finding_location
from engine.report.sarif import level, message
from engine.report.stream import Layout, Part, no_closing, nothing
from engine.report.suite_text import explain_mismatch

COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def render_github(assessments: list[Assessment], rules: RuleSet) -> str:
    lines = []
    for assessment in assessments:
        note = unchecked_note(assessment.as_of, rules)
        if note:
            lines.append(annotation("warning", assessment.plan.path, 1, 1, "gpca sources checked", note))
        for result in assessment.results:
            if result.outcome not in ("fail", "cannot_tell"):
                continue
            place = finding_location(result, assessment, rules)
            pack = rules.constraint(result.rule_id).pack
            title = f"gpca {result.rule_id}" + ("" if pack == "national" else f" ({pack} pack)")
            title += " - risks a notice (contested), take it to your LMC" if result_contested(result, rules) else ""
            command = COMMANDS[level(result.severity, result.outcome)]
            text = message(result)
            waiver = applied_waiver(assessment, result.rule_id)
            if waiver is not None:  # accepted by a local agreement: a notice, not a failure to fix
                command, title, text = "notice", f"{title} (waived)", f"{text}\n{waiver_words(waiver)}"
            lines.append(annotation(command, place.path, place.line, place.column, title, text))
        lines += _waived_summary(assessment)
    return "".join(line + "\n" for line in lines)


def plan_part(assessment: Assessment, rules: RuleSet) -> Part:
    return Part(render_github([assessment], rules))


LAYOUT = Layout(plan_part, nothing, "", no_closing)


def _waived_summary(assessment: Assessment) -> list[str]:
    waived = waived_findings(assessment)
    if not waived:
        return []
    text = (f"{plural(waived, 'finding')} waived by a local agreement; leaving out waived findings: "
            f"{OVERALL_WORDS[unwaived_overall(assessment)]}. A waiver changes no verdict.")  # fmt: skip
    return [annotation("notice", assessment.plan.path, 1, 1, "gpca waivers", text)]


def annotation(command: str, file: str, line: int, column: int, title: str, text: str) -> str:
    props = f"file={_prop(file)},line={line},col={column},title={_prop(title)}"
    return f"::{command} {props}::{_data(text)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github_suite(result: SuiteResult, rules: RuleSet) -> str:
    """`gpca test --format github`: an error per failed expectation or unusable fixture."""
    lines = []
    for error in result.errors:
        for problem in error.problems:
            place = problem.location or SourceLocation(error.path, 1, 1)
            lines.append(annotation("error", place.path, place.line, place.column, f"gpca {problem.code}", problem.message))
    for run in result.failed:
        for mismatch in run.mismatches:
            place = mismatch.location or SourceLocation(run.case.path, 1, 1)
            text = "\n".join([str(mismatch), *explain_mismatch(mismatch, run.assessment, rules)])
            lines.append(annotation("error", place.path, place.line, place.column, "gpca test", text))
    return "".join(line + "\n" for line in lines) + result.summary + "\n"
