"""The text report: plain English for practice managers, grouped by action."""

from __future__ import annotations

from engine import __version__
from engine.escape import file_name, plain
from engine.model import (
    BREACH_SEVERITIES,
    PRACTICE,
    Action,
    ActionVerdict,
    Constraint,
    Assessment,
    RuleResult,
    RuleSet,
)
from engine.report.common import (
    ACTION_STATUS_COUNTED,
    ACTION_STATUS_LABELS,
    OVERALL_WORDS,
    SEVERITY_WORDS,
    count_phrase,
    earliest_note,
    counts,
    long_date,
    periods_words,
    phase_note,
    plural,
    question_for,
    reading_heading,
    run_summary,
    status_counts,
    unchecked_note,
    wrap,
)
from engine.readings import LMC_ADVICE, overall_key, readings_in_order, result_contested, verdict_key
from engine.waive import applied_waiver, unwaived_overall, waived_findings, waiver_lines, waiver_words

DISCLAIMER = "gpca is decision support, not legal advice. Check with your LMC before acting."
OVERALL_LABELS = {
    "no_risk": "NO RISK FOUND",
    "risk": "RISK OF BREACH",
    "contested": "RISK OF A NOTICE (CONTESTED)",
    "cannot_tell": "CANNOT TELL (some answers are missing)",
}


def render_text(assessments: list[Assessment], rules: RuleSet) -> str:
    blocks = [_plan_report(assessment, rules) for assessment in assessments]
    if len(assessments) > 1:
        blocks.append(run_summary(assessments))
    blocks.append(DISCLAIMER)
    return "\n\n".join(blocks) + "\n"


def _plan_report(assessment: Assessment, rules: RuleSet) -> str:
    sections = [
        _header(assessment, rules),
        _actions_section(assessment, rules),
        _practice_section(assessment, rules),
    ]
    not_applicable = _not_applicable(assessment, rules)
    if not_applicable:
        sections.append(not_applicable)
    if assessment.waivers:
        sections.append(_waivers_section(assessment))
    sections.append(_summary(assessment))
    return "\n\n".join(sections)


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


def _actions_section(assessment: Assessment, rules: RuleSet) -> str:
    if not assessment.actions:
        return "Your chosen actions\n  The plan chooses no actions."
    blocks = [_action_block(verdict, assessment, rules) for verdict in assessment.actions]
    return "Your chosen actions\n" + "\n\n".join(blocks)


def _action_block(verdict: ActionVerdict, assessment: Assessment, rules: RuleSet) -> str:
    action = rules.action(verdict.action_id)
    lines = wrap(f"{ACTION_STATUS_LABELS[verdict_key(verdict)]}: {action.title} ({action.id})", "    ", "  ")
    if not verdict.in_phase:
        lines += wrap(phase_note(action, assessment.as_of, "Note: this action"), "    ")
    finding_ids = list(dict.fromkeys(verdict.findings + verdict.cautions))
    if not finding_ids:
        lines.append("    Nothing this action changes goes against a rule in effect on this date.")
    for rule_id in finding_ids:
        lines += _finding(assessment.result(rule_id), assessment, rules, action)
    if action.instead and any(assessment.result(r).outcome == "fail" for r in finding_ids):
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
    if result.outcome == "cannot_tell":
        lines.append(f"{body}We cannot tell until the plan answers:")
        for path in result.missing:
            lines += wrap(f"* {question_for(path, assessment.plan, rules)} ({path})", deeper + "  ", deeper)
    elif result.message:
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
    title = "Already the case, whatever you choose"
    findings = [
        r
        for r in assessment.results
        if PRACTICE in r.attributed_to and r.outcome in ("fail", "cannot_tell")
    ]
    if not findings:
        return f"{title}\n  Nothing: the practice as it is meets every rule checked."
    lines = [title]
    for result in findings:
        lines += _finding(result, assessment, rules, None, "  ")
    return "\n".join(lines)


def _not_applicable(assessment: Assessment, rules: RuleSet) -> str:
    lines = []
    for result in assessment.results:
        if result.outcome != "not_applicable":
            continue
        effective = periods_words(rules.constraint(result.rule_id).effective)
        why = result.reason or f"in effect {effective}"
        lines += wrap(f"- {result.rule_id}: {why}", "    ", "  ")
    return "\n".join(["Not applicable on this date:", *lines]) if lines else ""


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
