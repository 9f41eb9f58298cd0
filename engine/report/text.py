"""The text report: plain English for practice managers, grouped by action."""

from __future__ import annotations

from engine import __version__
from engine.advice.checklist import QuestionGroup, questions_checklist
from engine.advice.words import (
    ACTION_STATUS_COUNTED,
    ACTION_STATUS_LABELS,
    OVERALL_LABELS,
    OVERALL_WORDS,
    SEVERITY_WORDS,
    count_phrase,
    earliest_note,
    counts,
    long_date,
    periods_words,
    phase_note,
    plural,
    questions_count,
    reading_heading,
    run_summary,
    status_counts,
    unblocks_words,
    unchecked_note,
    wrap,
)
from engine.core.escape import file_name, plain
from engine.core.model import (
    BREACH_SEVERITIES,
    PRACTICE,
    Action,
    ActionVerdict,
    Constraint,
    Assessment,
    RuleResult,
    RuleSet,
)
from engine.core.readings import LMC_ADVICE, overall_key, readings_in_order, result_contested, verdict_key
from engine.inputs.waive import applied_waiver, unwaived_overall, waived_findings, waiver_lines, waiver_words

DISCLAIMER = "gpca is decision support, not legal advice. Check with your LMC before acting."


def render_text(assessments: list[Assessment], rules: RuleSet) -> str:
    blocks = [_plan_report(assessment, rules) for assessment in assessments]
    if len(assessments) > 1:
        blocks.append(run_summary(assessments))
    blocks.append(DISCLAIMER)
    return "\n\n".join(blocks) + "\n"


def _plan_report(assessment: Assessment, rules: RuleSet) -> str:
    checklist = questions_checklist(assessment, rules)
    sections = [
        _header(assessment, rules),
        _answer(assessment, rules, checklist),
        _actions_section(assessment, rules, checklist),
        _practice_section(assessment, rules),
        _checklist_section(assessment, rules, checklist),
        _not_applicable(assessment, rules),
    ]
    if assessment.waivers:
        sections.append(_waivers_section(assessment))
    sections.append(_summary(assessment))
    return "\n\n".join(section for section in sections if section)


def _header(assessment: Assessment, rules: RuleSet) -> str:
    practice = assessment.plan.practice
    name = plain(practice.get("name") or "Unnamed practice")
    ods = plain(practice.get("ods_code") or "not given")
    lines = [
        f"{name} (ODS code {ods})",
        f"Plan: {file_name(assessment.plan.path)}",
        f"Assessed as of: {long_date(assessment.as_of)}",
        f"Rules version: gpca {__version__}, rules {rules.digest[:12] or 'unknown'}"
        + (f" from {', '.join(rules.origins)}" if rules.origins else ""),
        f"Overall: {OVERALL_LABELS[overall_key(assessment, rules)]}",
    ]
    lines += wrap(unchecked_note(assessment.as_of, rules), "  ", "Note: ")
    return "\n".join(lines)


def _answer(assessment: Assessment, rules: RuleSet, checklist: tuple[QuestionGroup, ...]) -> str:
    """The answer first: one line a chosen action, and how many questions are left."""
    lines = ["Your chosen actions"]
    for verdict in assessment.actions:
        action = rules.action(verdict.action_id)
        lines += wrap(f"{ACTION_STATUS_LABELS[verdict_key(verdict)]}: {action.title} ({action.id})", "    ", "  ")
    if not assessment.actions:
        lines.append("  The plan chooses no actions.")
    asked = questions_count(checklist)
    lines.append(f"Questions still to answer: {asked}, listed below" if asked else "Questions still to answer: none")
    return "\n".join(lines)


def _actions_section(assessment: Assessment, rules: RuleSet, checklist: tuple[QuestionGroup, ...]) -> str:
    """The chosen actions that have something to say: their findings, the menu they left."""
    blocks = [_action_block(verdict, assessment, rules, checklist) for verdict in assessment.actions
              if verdict.findings or verdict.cautions or not verdict.in_phase]  # fmt: skip
    return "What gpca found for your chosen actions\n" + "\n\n".join(blocks) if blocks else ""


def _action_block(verdict: ActionVerdict, assessment: Assessment, rules: RuleSet,
                  checklist: tuple[QuestionGroup, ...]) -> str:  # fmt: skip
    action = rules.action(verdict.action_id)
    lines = wrap(f"{ACTION_STATUS_LABELS[verdict_key(verdict)]}: {action.title} ({action.id})", "    ", "  ")
    if not verdict.in_phase:
        lines += wrap(phase_note(action, assessment.as_of, "Note: this action"), "    ")
    finding_ids = list(dict.fromkeys(verdict.findings + verdict.cautions))
    told = [rule_id for rule_id in finding_ids if assessment.result(rule_id).outcome != "cannot_tell"]
    if not finding_ids:
        lines.append("    Nothing this action changes goes against a rule in effect on this date.")
    for rule_id in told:
        lines += _finding(assessment.result(rule_id), assessment, rules, action)
    waiting = len(finding_ids) - len(told)
    if waiting:
        asked = sum(action.id in q.actions for group in checklist for q in group.questions)
        lines += wrap(f"We cannot tell whether {plural(waiting, 'rule')} would be broken until the plan "
                      f"answers {plural(asked, 'question')} listed below (gpca explain shows each rule).",
                      "    ")  # fmt: skip
    if action.instead and told and any(assessment.result(r).outcome == "fail" for r in told):
        lines += ["    What to do instead:", *wrap(action.instead, "      ")]
    return "\n".join(lines)


def _finding(
    result: RuleResult,
    assessment: Assessment,
    rules: RuleSet,
    action: Action | None,
    indent: str = "    ",
) -> list[str]:
    constraint = rules.constraint(result.rule_id)
    body, deeper = indent + "  ", indent + "    "
    lines = wrap(f"- {constraint.title} ({constraint.id})", body, indent)
    waiver = applied_waiver(assessment, result.rule_id)
    if waiver is not None:
        lines += wrap(plain(waiver_words(waiver)), body)
    if result.message:
        lines += wrap(result.message, body)
    reading = ", on the commissioner's reading" if result_contested(result, rules) else ""
    lines += wrap(f"Severity: {SEVERITY_WORDS[result.severity]}{reading}", body)
    lines += wrap(earliest_note(constraint, assessment.plan.practice, assessment.as_of), body)
    if constraint.pack != "national":
        lines += wrap(f"From the local rule pack '{constraint.pack}', not the national rules", body)
    if constraint.sources:
        source = constraint.sources[0]
        lines += wrap(f"Source ({source.confidence} confidence): {source.title}", deeper, body)
        lines.append(deeper + source.place)
    if result_contested(result, rules):
        lines += _readings(constraint, body)
    # An action's own `instead` is written for it and said once, after its findings
    # (_action_block); the rule's remedy is for a finding no action of the plan makes.
    if result.outcome == "fail" and result.remedy and not (action is not None and action.instead):
        lines.append(f"{body}What to do instead:")
        lines += wrap(result.remedy, deeper)
    return lines


def _readings(constraint: Constraint, indent: str) -> list[str]:
    deeper = indent + "  "
    lines = wrap("Contested: the readings differ.", indent)
    for reading in readings_in_order(constraint):
        lines += wrap(f"{reading_heading(reading)}. \"{reading.words}\"", deeper + "  ", deeper)
        source = reading.sources[0]
        lines += wrap(f"Source ({source.confidence} confidence): {source.title}", deeper + "  ")
        lines.append(deeper + "  " + source.url)
    return lines + wrap(LMC_ADVICE, indent)


def _practice_section(assessment: Assessment, rules: RuleSet) -> str:
    """Findings whatever the plan chooses: those that fail in full; the doubts, counted,
    since their questions are in the checklist."""
    title = "Already the case, whatever you choose"
    findings = [r for r in assessment.results if PRACTICE in r.attributed_to and r.outcome in ("fail", "cannot_tell")]
    told = [r for r in findings if r.outcome == "fail"]
    if not findings:
        return f"{title}\n  Nothing: the practice as it is meets every rule checked."
    lines = [title]
    for result in told:
        lines += _finding(result, assessment, rules, None, "  ")
    waiting = len(findings) - len(told)
    if waiting:
        lines += wrap(f"We cannot tell whether {plural(waiting, 'more rule')} would be broken until the plan "
                      "answers the questions below.", "    ", "  ")  # fmt: skip
    return "\n".join(lines)


def _checklist_section(assessment: Assessment, rules: RuleSet, checklist: tuple[QuestionGroup, ...]) -> str:
    """Each open question once, under the part of the plan it belongs to, with what it unblocks."""
    if not checklist:
        return ""
    lines = [f"Questions still to answer ({questions_count(checklist)})"]
    for group in checklist:
        lines.append(f"  {group.title}")
        for question in group.questions:
            lines += wrap(f"* {question.question} ({question.path})", "      ", "    ")
            lines += wrap(f"Unblocks: {unblocks_words(question, assessment, rules)}", "      ")
    return "\n".join(lines)


def _not_applicable(assessment: Assessment, rules: RuleSet) -> str:
    """The rules that do not apply: those out of their period counted (`gpca rules` lists
    their dates), the others with their reason, one a line."""
    results = [r for r in assessment.results if r.outcome == "not_applicable"]
    if not results:
        return ""
    out_of_period = [r.rule_id for r in results if not rules.constraint(r.rule_id).in_effect(assessment.as_of)]
    lines = ["Not applicable on this date:"]
    if out_of_period:
        lines += wrap(f"- {plural(len(out_of_period), 'rule')} not in effect on {long_date(assessment.as_of)} "
                      "(gpca rules lists each rule's dates)", "    ", "  ")  # fmt: skip
    for result in results:
        if result.rule_id not in out_of_period:
            effective = periods_words(rules.constraint(result.rule_id).effective)
            lines += wrap(f"- {result.rule_id}: {result.reason or f'in effect {effective}'}", "    ", "  ")
    return "\n".join(lines)


def _summary(assessment: Assessment) -> str:
    actions = status_counts(assessment.actions)
    outcomes = counts((_counted_outcome(r) for r in assessment.results), tuple(RULE_TALLY_WORDS))
    action_part = f"{plural(len(assessment.actions), 'action')}: "
    action_part += count_phrase(actions, ACTION_STATUS_COUNTED)
    rule_part = f"{plural(len(assessment.results), 'constraint')} checked: "
    rule_part += count_phrase(outcomes, RULE_TALLY_WORDS)
    text = f"{action_part}; {rule_part}"
    waived = waived_findings(assessment)
    if waived:
        text += (f"; {plural(waived, 'finding')} waived (leaving out waived findings: "
                 f"{OVERALL_WORDS[unwaived_overall(assessment)]})")  # fmt: skip
    return "\n".join(wrap(text))


def _waivers_section(assessment: Assessment) -> str:
    """Every waiver the plan records, applied, expired or unmatched: none is dropped unseen."""
    lines = ["Waivers (local agreements; they change no verdict):"]
    for line in waiver_lines(assessment):
        lines += wrap(plain(f"- {line}"), "    ", "  ")
    return "\n".join(lines)


# A failing guidance or advisory rule is a caution, never a "fail" beside "no risk found".
RULE_TALLY_WORDS = {"pass": "pass", "fail": "fail", "caution": "caution", "cannot_tell": "cannot tell",
                    "not_applicable": "not applicable"}  # fmt: skip


def _counted_outcome(result: RuleResult) -> str:
    if result.outcome == "fail" and result.severity not in BREACH_SEVERITIES:
        return "caution"
    return result.outcome


def render_plan_text(assessment: Assessment, rules: RuleSet) -> str:
    """One plan's part of the text report, for a report written plan by plan."""
    return _plan_report(assessment, rules)
