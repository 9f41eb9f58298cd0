"""The shareable report as a neutral document, rendered by markdown.py and html.py.

Page one is for the practice: a traffic light per action in plain words, what to do
instead, whom to ask and the records to keep. The appendix is for the adviser: traces,
sources, confidence, assumptions, waivers and the replay stamp. Nothing here decides:
outcomes come from the assessment, and traces are checked against it (engine/core/trace.py).
"""

from __future__ import annotations

import re
from typing import Any

from msgspec import Struct

from engine import __version__
from engine.advice.checklist import QuestionGroup, questions_checklist
from engine.advice.explain import rule_explanation
from engine.advice.words import (
    ACTION_STATUS_LABELS,
    ACTION_STATUSES,
    OVERALL_LABELS,
    SEVERITY_WORDS,
    earliest_note,
    long_date,
    plural,
    questions_count,
    reading_heading,
    unblocks_words,
    unchecked_note,
)
from engine.core.model import PRACTICE, SAFE_STATUSES, ActionVerdict, Assessment, Constraint, RuleResult, RuleSet
from engine.core.readings import LMC_ADVICE, overall_key, readings_in_order, result_contested, verdict_key
from engine.core.trace import trace_rule
from engine.inputs.waive import applied_waiver, unwaived_overall, waiver_lines, waiver_words

LIGHTS = {status: said.light for status, said in ACTION_STATUSES.items()}
OVERALL = {"no_risk": "no risk found", "risk": "risk of breach",
           "contested": "risk of a notice (contested)",
           "cannot_tell": "cannot tell (some answers are missing)"}  # fmt: skip
ASK = ("Before acting, talk to your LMC (Local Medical Committee): they advise practices on "
       "collective action and can check this plan with you.")  # fmt: skip
DISCLAIMER = "gpca is decision support, not legal advice. Check with your LMC before acting."
QUESTIONS = "questions"  # the anchor of the checklist
NOTHING = "Nothing this action changes goes against a rule in effect on this date."
STATUS_SENTENCES = {  # what an action's status means, beside its light
    "safe_with_cautions": "It goes against guidance or advice, but against no contract or local contract.",
    "risk": "It makes a requirement of the contract or a local contract fail.",
    "contested": "It risks a notice: the commissioner reads what it changes as a breach, and the profession "
                 "disputes that.",
    "cannot_tell": "It bears on requirements gpca cannot judge without more answers.",
}


class Light(Struct, frozen=True):
    status: str  # safe | risk | contested | cannot_tell


class Link(Struct, frozen=True):
    """A line of the answer: its text links to the part of the page it summarises."""

    text: str
    anchor: str
    light: Light | None = None


class Heading(Struct, frozen=True):
    """A heading that links point to."""

    level: int  # 2 or 3
    text: str
    anchor: str


Cell = str | Light
# (h1|h2|h3|p|ul|table|pre|page-break, payload); ("heading", Heading); ("links", list[Link]);
# ("light", (Light, text)): a status and what it means; ("details", (summary, list[Block])):
# detail folded away in HTML, a plain section in Markdown.
Block = tuple[str, Any]


# A part's links' prefix until its place among the plans is known. The renderers make
# every text plain (engine.core.escape) but a trace's, whose plan values already are, so
# no plan can hold this.
ANCHOR_MARK = "\x00anchor\x00"
PAGE_BREAK: Block = ("page-break", None)
ENDING: Block = ("p", DISCLAIMER)


def plan_blocks(assessment: Assessment, rules: RuleSet) -> list[Block]:
    """A plan's page one and its appendix; its links' prefix is ANCHOR_MARK (see `placed`)."""
    return [*practice_page(assessment, rules, ANCHOR_MARK), PAGE_BREAK, *adviser_appendix(assessment, rules)]


def placed(text: str, index: int) -> str:
    """The plan's part, ``index`` among the plans of the report: the first plan's links keep
    their own names, and a later plan's begin "plan-N-", to keep several plans' apart."""
    return text.replace(ANCHOR_MARK, f"plan-{index + 1}-" if index else "")


def practice_page(assessment: Assessment, rules: RuleSet, prefix: str = "") -> list[Block]:
    """The answer first (the overall verdict, a line a chosen action, the questions left),
    then each chosen action, the findings whatever the plan chooses, the checklist, whom to
    ask and the records to keep. ``prefix`` keeps the links of several plans apart."""
    practice = assessment.plan.practice
    name = practice.get("name") or "Unnamed practice"
    checklist = questions_checklist(assessment, rules)
    blocks: list[Block] = [
        ("h1", f"{name}: collective-action plan check"),
        ("p", f"Assessed as of {long_date(assessment.as_of)}."),
        ("p", f"Overall: {OVERALL_LABELS[overall_key(assessment, rules)]}"),
        ("links", _answer(assessment, rules, checklist, prefix)),
    ]
    if unchecked_note(assessment.as_of, rules):
        blocks.append(("p", unchecked_note(assessment.as_of, rules)))
    if assessment.waived:
        blocks.append(("p", f"Leaving out waived findings: {OVERALL[unwaived_overall(assessment)]}."))
    blocks.append(("h2", "Your chosen actions"))
    for verdict in assessment.actions:
        blocks += _action_detail(verdict, assessment, rules, checklist, prefix)
    if not assessment.actions:
        blocks.append(("p", "The plan chooses no actions."))
    blocks += _practice_findings(assessment, rules)
    blocks += _checklist(checklist, assessment, rules, prefix)
    blocks += [("h2", "Whom to ask"), ("p", ASK)]
    blocks += _records(assessment, rules)
    return blocks


def _answer(assessment: Assessment, rules: RuleSet, checklist: tuple[QuestionGroup, ...],
            prefix: str) -> list[Link]:  # fmt: skip
    """A line a chosen action, with its status, and the number of questions left."""
    lines = [Link(f"{ACTION_STATUS_LABELS[verdict_key(v)]}: {rules.action(v.action_id).title}",
                  _action_anchor(prefix, v.action_id), Light(verdict_key(v))) for v in assessment.actions]  # fmt: skip
    asked = questions_count(checklist)
    if asked:
        return lines + [Link(f"{plural(asked, 'question')} still to answer", prefix + QUESTIONS)]
    return lines + [Link("No questions still to answer", "")]


def _action_anchor(prefix: str, action_id: str) -> str:
    return prefix + "action-" + re.sub(r"[^a-z0-9-]+", "-", action_id.lower())


def _action_detail(verdict: ActionVerdict, assessment: Assessment, rules: RuleSet,
                   checklist: tuple[QuestionGroup, ...], prefix: str) -> list[Block]:  # fmt: skip
    """One chosen action: its status in plain words; each finding that fails with its
    source and confidence; how many questions its doubts wait on; what to do instead."""
    action = rules.action(verdict.action_id)
    blocks: list[Block] = [("heading", Heading(3, action.title, _action_anchor(prefix, action.id))),
                           ("light", (Light(verdict_key(verdict)), _action_words(verdict, assessment, rules)))]  # fmt: skip
    told = [assessment.result(r) for r in dict.fromkeys(verdict.findings + verdict.cautions)
            if assessment.result(r).outcome != "cannot_tell"]  # fmt: skip
    if told:
        blocks.append(("ul", [_told(result, assessment, rules) for result in told]))
    waiting = sum(assessment.result(r).outcome == "cannot_tell" for r in verdict.findings)
    if waiting:
        asked = sum(action.id in q.actions for group in checklist for q in group.questions)
        blocks.append(("p", f"We cannot tell whether {plural(waiting, 'rule')} would be broken until the plan "
                            f"answers {plural(asked, 'question')}, listed under \"Questions still to answer\"."))  # fmt: skip
    instead = _instead(verdict, assessment, action.instead)
    if instead:
        blocks.append(("p", f"What to do instead: {instead}"))
    return blocks


def _action_words(verdict: ActionVerdict, assessment: Assessment, rules: RuleSet) -> str:
    """The action's status in a sentence, and that it is off the menu on the date."""
    words = STATUS_SENTENCES.get(verdict_key(verdict), NOTHING) if verdict.findings or verdict.cautions else NOTHING
    if not verdict.in_phase:
        words += f" It is not on {_menu(rules, verdict.action_id)} on {long_date(assessment.as_of)}."
    return words


def _menu(rules: RuleSet, action_id: str) -> str:
    publisher = rules.action(action_id).publisher
    return f"the menu of {publisher}" if publisher else "the BMA menu"


def _instead(verdict: ActionVerdict, assessment: Assessment, action_instead: str) -> str:
    """What to do instead of an action that is not safe: its own advice, else its findings'
    remedies, each once; "" when there is none, so no label stands empty."""
    if verdict.status in SAFE_STATUSES:
        return ""
    remedies = [assessment.result(r).remedy for r in verdict.findings if assessment.result(r).remedy.strip()]
    return action_instead or " ".join(dict.fromkeys(remedies))


def _told(result: RuleResult, assessment: Assessment, rules: RuleSet) -> str:
    """A finding that fails, in full: what, at what stake, from which source, how sure."""
    rule = rules.constraint(result.rule_id)
    reading = ", on the commissioner's reading" if result_contested(result, rules) else ""
    source = rule.sources[0] if rule.sources else None
    cited = f" Source ({source.confidence} confidence): {source.title} <{source.place}>." if source else ""
    return (f"{rule.title}: {_finding_words(assessment, result.rule_id, rules)} "
            f"Severity: {SEVERITY_WORDS[result.severity]}{reading}.{cited}")


def _finding_words(assessment: Assessment, rule_id: str, rules: RuleSet) -> str:
    result = assessment.result(rule_id)
    waiver = applied_waiver(assessment, rule_id)
    waived = f" ({waiver_words(waiver)})" if waiver is not None else ""
    earliest = earliest_note(rules.constraint(rule_id), assessment.plan.practice, assessment.as_of)
    waived += f" {earliest}" if earliest else ""
    if result_contested(result, rules):
        return f"{result.message}{waived} {_readings_words(rules.constraint(rule_id))}"
    return result.message + waived


def _readings_words(rule: Constraint) -> str:
    """Both readings of a contested rule, in the readers' own words, and whom to ask."""
    said = " ".join(f'{reading_heading(r)}: "{r.words}"' for r in readings_in_order(rule))
    return f"Contested. {said} {LMC_ADVICE}"


def _practice_findings(assessment: Assessment, rules: RuleSet) -> list[Block]:
    """Findings whatever the plan chooses: each that fails in full, with what to do; the
    doubts counted, since their questions are in the checklist."""
    found = [r for r in assessment.results if PRACTICE in r.attributed_to]
    if not found:
        return []
    told = [r for r in found if r.outcome == "fail"]
    blocks: list[Block] = [("h2", "Already the case, whatever you choose")]
    if told:
        blocks.append(("ul", [f"{_label(r.outcome)} {_told(r, assessment, rules)}{_what_to_do(r.remedy)}"
                              for r in told]))  # fmt: skip
    waiting = sum(r.outcome == "cannot_tell" for r in found)
    if waiting:
        blocks.append(("p", f"We cannot tell whether {plural(waiting, 'more rule' if told else 'rule')} would be "
                            "broken until the plan answers the questions below."))  # fmt: skip
    return blocks


def _checklist(checklist: tuple[QuestionGroup, ...], assessment: Assessment, rules: RuleSet,
               prefix: str) -> list[Block]:  # fmt: skip
    """Each open question once, under the part of the plan it belongs to, with what it unblocks."""
    if not checklist:
        return []
    blocks: list[Block] = [("heading", Heading(2, "Questions still to answer", prefix + QUESTIONS)),
                           ("p", "Answer these in the plan; each is asked once, with what it unblocks.")]  # fmt: skip
    for group in checklist:
        items = [f"{q.question} ({q.path}). Unblocks: {unblocks_words(q, assessment, rules)}."
                 for q in group.questions]  # fmt: skip
        blocks += [("h3", group.title), ("ul", items)]
    return blocks


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
    traces: list[Block] = [("pre", "\n".join(rule_explanation(trace_rule(assessment, rules, rule_id), assessment, rules)))
                           for rule_id in _traced(assessment, rules)]  # fmt: skip
    blocks: list[Block] = [("h1", "Appendix for the adviser"), ("h2", "Reasoning (traces)"),
                           ("details", (f"Each rule's reasoning ({plural(len(traces), 'rule')})", traces))]  # fmt: skip
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
    if any(r.outcome == "cannot_tell" for r in assessment.results):
        notes.append("The questions still to answer are listed on page one, each once; the reasoning "
                     "above shows which rule waits on which.")  # fmt: skip
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
