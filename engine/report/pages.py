"""The shareable report as a neutral document, rendered by markdown.py and html.py.

Page one is for the practice: a traffic light per action in plain words, what to do
instead, whom to ask and the records to keep. The appendix is for the adviser: traces,
sources, confidence, assumptions, waivers and the replay stamp. Nothing here decides:
outcomes come from the assessment, and traces are checked against it (engine/trace.py).
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from engine import __version__
from engine.explain import rule_explanation
from engine.model import PRACTICE, SAFE_STATUSES, ActionVerdict, Assessment, Constraint, RuleSet
from engine.readings import LMC_ADVICE, overall_key, readings_in_order, result_contested, verdict_key
from engine.report.common import (
    ACTION_STATUSES,
    SEVERITY_WORDS,
    earliest_note,
    long_date,
    question_for,
    reading_heading,
    unchecked_note,
)
from engine.trace import trace_rule
from engine.waive import applied_waiver, unwaived_overall, waiver_lines, waiver_words

LIGHTS = {status: said.light for status, said in ACTION_STATUSES.items()}
OVERALL = {"no_risk": "no risk found", "risk": "risk of breach",
           "contested": "risk of a notice (contested)",
           "cannot_tell": "cannot tell (some answers are missing)"}  # fmt: skip
ASK = ("Before acting, talk to your LMC (Local Medical Committee): they advise practices on "
       "collective action and can check this plan with you.")  # fmt: skip
DISCLAIMER = "gpca is decision support, not legal advice. Check with your LMC before acting."


class Light(Struct, frozen=True):
    status: str  # safe | risk | contested | cannot_tell


Cell = str | Light
Block = tuple[str, Any]  # (h1|h2|h3|p|ul|table|pre|page-break, payload)


def document(assessments: list[Assessment], rules: RuleSet) -> list[Block]:
    blocks: list[Block] = []
    for index, assessment in enumerate(assessments):
        if index:
            blocks.append(("page-break", None))
        blocks += practice_page(assessment, rules)
        blocks += [("page-break", None), *adviser_appendix(assessment, rules)]
    return blocks + [("p", DISCLAIMER)]


def practice_page(assessment: Assessment, rules: RuleSet) -> list[Block]:
    practice = assessment.plan.practice
    name = practice.get("name") or "Unnamed practice"
    blocks: list[Block] = [
        ("h1", f"{name}: collective-action plan check"),
        ("p", f"Assessed as of {long_date(assessment.as_of)}. Overall: {OVERALL[overall_key(assessment, rules)]}."),
    ]
    if unchecked_note(assessment.as_of, rules):
        blocks.append(("p", unchecked_note(assessment.as_of, rules)))
    if assessment.waived:
        blocks.append(("p", f"Leaving out waived findings: {OVERALL[unwaived_overall(assessment)]}."))
    blocks.append(("h2", "Your chosen actions"))
    if assessment.actions:
        rows = [_action_row(v, assessment, rules) for v in assessment.actions]
        blocks.append(("table", (["", "Action", "In plain words", "What to do instead"], rows)))
    else:
        blocks.append(("p", "The plan chooses no actions."))
    blocks += _practice_findings(assessment, rules)
    blocks += [("h2", "Whom to ask"), ("p", ASK)]
    blocks += _records(assessment, rules)
    return blocks


def _action_row(verdict: ActionVerdict, assessment: Assessment, rules: RuleSet) -> list[Cell]:
    action = rules.action(verdict.action_id)
    words = [_finding_words(assessment, rule_id, rules) for rule_id in verdict.findings + verdict.cautions]
    plain = " ".join(words) or "Nothing this action changes goes against a rule in effect on this date."
    if not verdict.in_phase:
        plain += f" It is not on the BMA menu on {long_date(assessment.as_of)}."
    instead = ""
    if verdict.status not in SAFE_STATUSES:
        remedies = [assessment.result(r).remedy for r in verdict.findings if assessment.result(r).remedy]
        instead = action.instead or " ".join(dict.fromkeys(remedies))  # said once: see _finding in text.py
    return [Light(verdict_key(verdict)), f"{action.title} ({action.id})", plain, instead]


def _finding_words(assessment: Assessment, rule_id: str, rules: RuleSet) -> str:
    result = assessment.result(rule_id)
    waiver = applied_waiver(assessment, rule_id)
    waived = f" ({waiver_words(waiver)})" if waiver is not None else ""
    earliest = earliest_note(rules.constraint(rule_id), assessment.plan.practice, assessment.as_of)
    waived += f" {earliest}" if earliest else ""
    if result.outcome == "cannot_tell":
        questions = "; ".join(question_for(p, assessment.plan, rules) for p in result.missing)
        return f"We cannot tell until the plan answers: {questions}{waived}"
    if result_contested(result, rules):
        return f"{result.message}{waived} {_readings_words(rules.constraint(rule_id))}"
    return result.message + waived


def _readings_words(rule: Constraint) -> str:
    """Both readings of a contested rule, in the readers' own words, and whom to ask."""
    said = " ".join(f'{reading_heading(r)}: "{r.words}"' for r in readings_in_order(rule))
    return f"Contested. {said} {LMC_ADVICE}"


def _practice_findings(assessment: Assessment, rules: RuleSet) -> list[Block]:
    found = [r for r in assessment.results if PRACTICE in r.attributed_to]
    if not found:
        return []
    items = [f"{_label(r.outcome)} {rules.constraint(r.rule_id).title}: "
             f"{_finding_words(assessment, r.rule_id, rules)}{_what_to_do(r.remedy)}" for r in found]  # fmt: skip
    return [("h2", "Already the case, whatever you choose"), ("ul", items)]


def _what_to_do(remedy: str) -> str:
    """" What to do: ..." when there is something to do; never the label alone."""
    return f" What to do: {remedy}" if remedy.strip() else ""


def _label(outcome: str) -> str:
    return "FAILS:" if outcome == "fail" else "CANNOT TELL:"


def _records(assessment: Assessment, rules: RuleSet) -> list[Block]:
    blocks: list[Block] = [("h2", "Records to keep")]
    for choice in assessment.plan.actions:
        action = rules.action(choice.id)
        blocks += [("h3", action.title), ("ul", list(action.records) or ["No particular records."])]
    if not assessment.plan.actions:
        blocks.append(("p", "No actions chosen, so no records to keep."))
    return blocks


def adviser_appendix(assessment: Assessment, rules: RuleSet) -> list[Block]:
    blocks: list[Block] = [("h1", "Appendix for the adviser"), ("h2", "Reasoning (traces)")]
    for rule_id in _traced(assessment, rules):
        trace = trace_rule(assessment, rules, rule_id)
        blocks.append(("pre", "\n".join(rule_explanation(trace, assessment, rules))))
    blocks += [("h2", "Sources and confidence"), ("table", _sources(assessment, rules))]
    blocks += _contested_points(assessment, rules)
    blocks += [("h2", "Assumptions"), ("ul", _assumptions(assessment, rules))]
    blocks += [("h2", "Waivers"), ("p", _waiver_count(assessment)), ("ul", waiver_lines(assessment))]
    return blocks + [("h2", "Replay stamp"), ("table", replay_stamp(assessment, rules))]


def _traced(assessment: Assessment, rules: RuleSet) -> list[str]:
    findings = [r.rule_id for r in assessment.results if r.outcome in ("fail", "cannot_tell")]
    bears = [b for c in assessment.plan.actions for b in rules.action(c.id).bears_on]
    return list(dict.fromkeys(findings + bears)) if assessment.facts else []


def _sources(assessment: Assessment, rules: RuleSet) -> tuple[list[str], list[list[Cell]]]:
    rows: list[list[Cell]] = []
    for rule_id in _traced(assessment, rules) or [r.rule_id for r in assessment.results]:
        rule = rules.constraint(rule_id)
        for source in rule.sources:
            rows.append([rule.id, SEVERITY_WORDS[rule.severity], f"{source.title} <{source.place}>",
                         source.confidence, " ".join(source.quote.split())])  # fmt: skip
    return ["Rule", "Severity", "Source", "Confidence", "Quote"], rows


def _contested_points(assessment: Assessment, rules: RuleSet) -> list[Block]:
    contested = [rules.constraint(r.rule_id) for r in assessment.results if result_contested(r, rules)]
    rows: list[list[Cell]] = [
        [rule.id, reading_heading(reading), " ".join(reading.words.split()),
         "; ".join(f"{s.title} <{s.url}> ({s.confidence})" for s in reading.sources)]
        for rule in contested for reading in readings_in_order(rule)
    ]  # fmt: skip
    if not rows:
        return []
    return [("h2", "Contested points"), ("p", LMC_ADVICE), ("table", (["Rule", "Reading", "In their words", "Sources"], rows))]


def _assumptions(assessment: Assessment, rules: RuleSet) -> list[str]:
    notes = ["Missing information never counts as compliant: a rule that depends on an "
             "unanswered question is reported as cannot tell."]  # fmt: skip
    for choice in assessment.plan.actions:
        for name, schema in rules.action(choice.id).params.items():
            if name not in choice.params and "default" in schema:
                notes.append(f"{choice.id}: {name} not given; the default {schema['default']} is assumed.")
    missing = sorted({p for r in assessment.results for p in r.missing})
    notes += [f"Not answered: {question_for(p, assessment.plan, rules)} ({p})" for p in missing]
    return notes


def _waiver_count(assessment: Assessment) -> str:
    states = [s.state for s in assessment.waivers]
    return (f"{states.count('applied')} applied, {states.count('expired')} expired, "
            f"{states.count('unmatched')} matching no finding.")  # fmt: skip


def replay_stamp(assessment: Assessment, rules: RuleSet) -> tuple[list[str], list[list[Cell]]]:
    plan = assessment.plan
    rows: list[list[Cell]] = [
        ["gpca version", __version__],
        ["rules", f"{', '.join(rules.directories) or 'built-in'} (gpca {__version__} rules)"],
        ["rules digest (sha256)", rules.digest or "unknown"],
        ["plan", plan.path],
        ["plan digest (sha256)", plan.digest or "unknown"],
        ["assessed as of", assessment.as_of],
        ["to replay", f"gpca check {plan.path} --as-of {assessment.as_of}"],
    ]
    return ["", ""], rows
