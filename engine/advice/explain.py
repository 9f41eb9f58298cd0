"""Explain a verdict in plain words, and name what is missing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.core.escape import plain
from engine.core.messages import answer_words
from engine.core.model import PRACTICE, Assessment, Constraint, Plan, RuleSet
from engine.core.readings import LMC_ADVICE, is_contested, readings_in_order

if TYPE_CHECKING:  # the trace is imported when an explanation is asked for, not at start-up
    from engine.core.trace import RuleTrace, Step

OP_WORDS = {"eq": "equal to", "ne": "anything but", "lt": "less than", "le": "at most",
            "gt": "more than", "ge": "at least", "in": "one of", "not_in": "none of",
            "any_in": "a list holding any of", "none_in": "a list holding none of"}  # fmt: skip
TRUTH = {True: "yes", False: "no", None: "unknown"}
HEADINGS = {"all": "all of these hold:", "any": "at least one of these holds:",
            "not": "this does not hold:"}  # fmt: skip
OUTCOME_LABELS = {"pass": "PASS", "fail": "FAIL", "cannot_tell": "CANNOT TELL",
                  "not_applicable": "NOT APPLICABLE"}  # fmt: skip


def value_words(value: Any) -> str:
    if isinstance(value, list):
        return " or ".join(answer_words(v) for v in value) or "(nothing)"
    return answer_words(value)


def step_lines(step: Step, indent: str = "") -> list[str]:
    """A traced condition as indented lines: each part's answer and what it saw."""
    mark = f"{indent}[{TRUTH[step.value]}] "
    if step.kind == "compare":
        return [f"{mark}{_question(step.path)} ({step.path})",
                f"{indent}      looks for {OP_WORDS[step.op]} {value_words(step.expected)}; "
                f"the plan has {answer_words(step.actual)}"]  # fmt: skip
    if step.kind == "item":
        head = [f"{mark}{plain(step.label)} ({step.path}):"]
    elif step.kind in QUANTIFIER_HEADINGS:
        head = [f"{mark}{QUANTIFIER_HEADINGS[step.kind]} {step.path} ({_question(step.path)}):"]
        if not step.children:
            head.append(f"{indent}      (the list is empty)")
    else:
        head = [mark + HEADINGS[step.kind]]
    return head + [line for child in step.children for line in step_lines(child, indent + "    ")]


QUANTIFIER_HEADINGS = {"any_item": "some entry matches, of", "all_items": "every entry matches, of"}


def deciding(step: Step, empty_lists: bool = False) -> list[Step]:
    """The comparisons that settled this step's answer (what kept a rule quiet, or set it off),
    and with ``empty_lists`` the empty lists that settled a quantifier by themselves."""
    if step.kind == "compare" or (empty_lists and step.kind in QUANTIFIER_HEADINGS and not step.children):
        return [step]
    wanted = (None if step.value is None else not step.value) if step.kind == "not" else step.value
    return [leaf for child in step.children if child.value == wanted for leaf in deciding(child, empty_lists)]


def _question(path: str, plan: Plan | None = None, rules: RuleSet | None = None) -> str:
    from engine.advice.words import question_for  # the report package imports this module

    return question_for(path, plan, rules)


def trace_lines(trace: RuleTrace, day: str) -> list[str]:
    """Why a rule has its outcome: the traced tree, or what kept it quiet."""
    rule = trace.rule
    if not trace.in_effect and rule.in_effect(day):
        return [f"Not binding on this practice on {day}: {trace.result.reason}."]
    if not trace.in_effect:
        return [f"Not in effect on {day}: in effect {_periods(rule)}."]
    lines = []
    if trace.applies is not None:
        lines += ["It applies only when:", *step_lines(trace.applies, "  ")]
        if trace.applies.value is False:
            return lines + ["So it does not apply; kept quiet by:", *_leaves(trace.applies)]
    if trace.fails is not None:
        lines += ["It fails when:", *step_lines(trace.fails, "  ")]
        if trace.fails.value is False:
            lines += ["So it passes; kept quiet by:", *_leaves(trace.fails)]
        elif trace.fails.value is True:
            lines += ["So it fails; set off by:", *_leaves(trace.fails)]
    return lines


def _leaves(step: Step) -> list[str]:
    return [f"  - {_question(s.path)} ({s.path}): {settled_words(s)}" for s in deciding(step, empty_lists=True)]


def settled_words(step: Step) -> str:
    """The plan's answer at a step that settled a rule, in words."""
    return answer_words(step.actual) if step.kind == "compare" else "an empty list"


def _periods(rule: Constraint) -> str:
    from engine.advice.words import periods_words

    return periods_words(rule.effective)


def rule_explanation(trace: RuleTrace, assessment: Assessment, rules: RuleSet) -> list[str]:
    """One constraint in full: outcome, attribution, reasoning, sources and period."""
    rule, result = trace.rule, trace.result
    contested = " - RISKS A NOTICE (CONTESTED)" if result.outcome == "fail" and is_contested(rule) else ""
    lines = [f"{rule.id}: {rule.title} ({rule.ref})",
             f"  Outcome: {OUTCOME_LABELS[result.outcome]} (severity: {rule.severity}){contested}"]  # fmt: skip
    if result.attributed_to:
        lines.append(f"  Attributed to: {_attribution(result.attributed_to, rules)}")
    if rule.id in assessment.waived and result.outcome in ("fail", "cannot_tell"):
        lines.append("  Waived by a local agreement recorded in the plan (see waivers)")
    lines.append(f"  In effect: {_periods(rule)}; assessed as of {assessment.as_of}")
    earliest = _earliest(rule, assessment)
    if earliest:
        lines.append(f"  Binding date: {earliest}")
    lines += ["  Why:", *("    " + line for line in trace_lines(trace, assessment.as_of))]
    if result.outcome == "cannot_tell":
        lines += ["  We cannot tell until the plan answers:",
                  *(f"    - {_question(p, assessment.plan, rules)} ({p})" for p in result.missing)]  # fmt: skip
    if result.message:
        lines.append(f"  What it says: {result.message}")
    if result.message and result.remedy.strip():  # no label with nothing after it
        lines.append(f"  What to do instead: {result.remedy}")
    lines += ["  Sources:", *_source_lines(rule)]
    return lines + _reading_lines(rule, bool(contested))


def _reading_lines(rule: Constraint, contested: bool) -> list[str]:
    """The readings of the rule, each in its reader's words with its sources."""
    if not rule.readings:
        return []
    lines = ["  Readings (contested):" if is_contested(rule) else "  Readings:"]
    for reading in readings_in_order(rule):
        notices = "; notices have been issued" if reading.notices_issued else ""
        lines += [f"    - {reading.by}, for the {reading.reader}: {reading.position.replace('_', ' ')}{notices}",
                  f'      "{" ".join(reading.words.split())}"']  # fmt: skip
        lines += [f"      {source.title} ({source.confidence} confidence) {source.url}" for source in reading.sources]
    return lines + ([f"  {LMC_ADVICE}"] if contested else [])


def _earliest(rule: Constraint, assessment: Assessment) -> str:
    from engine.advice.words import earliest_note  # the report package imports this module

    return earliest_note(rule, assessment.plan.practice, assessment.as_of)


def _attribution(causes: tuple[str, ...], rules: RuleSet) -> str:
    names = {a.id: a.title for a in rules.actions}
    return "; ".join("the practice as it already is (whatever it chooses)" if c == PRACTICE
                     else f"{c} ({names.get(c, c)})" for c in causes)  # fmt: skip


def _source_lines(rule: Constraint) -> list[str]:
    lines = []
    for source in rule.sources:
        lines += [f"    - {source.title} ({source.confidence} confidence)", f"      {source.place}",
                  f'      "{" ".join(source.quote.split())}"']  # fmt: skip
    return lines


def explain(assessment: Assessment, rules: RuleSet, target: str | None = None) -> str:
    """`gpca explain`: every finding in full, or one rule, or one action's rules."""
    from engine.core.trace import trace_assessment

    traces = {t.rule.id: t for t in trace_assessment(assessment, rules)}
    header = [f"{assessment.plan.path}: assessed as of {assessment.as_of}; "
              f"overall {assessment.overall.replace('_', ' ')}"]  # fmt: skip
    header += [f"{v.action_id}: RISKS A NOTICE (CONTESTED); take it to your LMC"
               for v in assessment.actions if v.contested and target in (None, v.action_id)]  # fmt: skip
    blocks = [rule_explanation(traces[i], assessment, rules) for i in _selected(assessment, rules, target)]
    if not blocks:
        blocks = [["No findings: every constraint in effect passes or does not apply."]]
    from engine.advice.words import fit

    return fit("\n\n".join("\n".join(b) for b in [header, *blocks])) + "\n"


def _selected(assessment: Assessment, rules: RuleSet, target: str | None) -> list[str]:
    findings = [r.rule_id for r in assessment.results if r.outcome in ("fail", "cannot_tell")]
    if target is None:
        chosen = [a for choice in assessment.plan.actions for a in rules.action(choice.id).bears_on]
        return list(dict.fromkeys(findings + chosen))
    if target in {c.id for c in rules.constraints}:
        return [target]
    action = rules.action(target)
    mine = [r.rule_id for r in assessment.results if target in r.attributed_to]
    return list(dict.fromkeys(mine + list(action.bears_on)))
