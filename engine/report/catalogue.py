"""The rule catalogue as text: `gpca actions`, `gpca rules` and `gpca rules ID`."""

from __future__ import annotations

import textwrap
from typing import Any

from engine.advice import words as common
from engine.advice.words import (
    SEVERITY_WORDS,
    fit,
    period_words,
    periods_words,
    phase_status_words,
    wrap,
)
from engine.core.model import Action, Constraint, Period, RuleSet, Source

TABLE_HEADINGS = ("ID", "SEVERITY", "FORCE", "EFFECTIVE", "TITLE")
MIN_TITLE = 30  # the title column's least width beside the others; else titles go under


def render_actions(rules: RuleSet) -> str:
    blocks = [_action_entry(action) for action in sorted(rules.actions, key=lambda a: a.id)]
    count = len(rules.actions)
    blocks.append(
        f"{count} action{'' if count == 1 else 's'}. "
        "Put an action's id in the actions list of your plan to check it."
    )
    return "\n\n".join(blocks) + "\n"


def _action_entry(action: Action) -> str:
    lines = [action.id, *wrap(action.title, "  ")]
    for phase in action.phases:
        when = period_words(Period(phase.start, phase.end))
        status = phase_status_words(action, phase.status)
        lines += wrap(f"{when}: {status} ({phase.name})", "    ")
    return "\n".join(lines)


def render_rules_table(rules: RuleSet) -> str:
    rows = [
        (c.id, c.severity, c.force, _iso_periods(c.effective), c.title)
        for c in sorted(rules.constraints, key=lambda c: c.id)
    ]
    widths = [max(len(row[i]) for row in [TABLE_HEADINGS, *rows]) for i in range(4)]
    side_by_side = sum(widths) + 2 * 4 + MIN_TITLE <= common.text_width()
    layout = _table_row if side_by_side else _stacked_row
    lines = [line for row in [TABLE_HEADINGS, *rows] for line in layout(row, widths)]
    noun = "constraint" if len(rows) == 1 else "constraints"
    lines.append(f"{len(rows)} {noun}. Run 'gpca rules ID' to see one in full.")
    return "\n".join(lines) + "\n"


def _table_row(row: tuple[str, ...], widths: list[int]) -> list[str]:
    """A row with its title wrapped in the title column; the id stays on the row's first
    line, so that grepping for it still finds the row."""
    lead = "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  "
    parts = textwrap.wrap(row[4], width=common.text_width() - len(lead), break_long_words=False,
                          break_on_hyphens=False) or [""]  # fmt: skip
    return [lead + parts[0], *(" " * len(lead) + part for part in parts[1:])]


def _stacked_row(row: tuple[str, ...], widths: list[int]) -> list[str]:
    """A row too wide for the terminal: id, severity and force on one line, then the dates
    and the title under them."""
    lead = "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)).rstrip()
    return [lead, *wrap(f"{row[3]}: {row[4]}", "    ")]


def _iso_periods(periods: tuple[Period, ...]) -> str:
    parts = []
    for period in periods:
        start, end = period.start or "", period.end or ""
        parts.append(f"{start} to {end}" if end else f"{start} onwards" if start else "always")
    return ", ".join(parts) or "never"


def render_rule(rules: RuleSet, rule_id: str) -> str:
    for constraint in rules.constraints:
        if constraint.id == rule_id:
            return fit("\n".join(_constraint_full(constraint))) + "\n"
    return fit("\n".join(_action_full(rules.action(rule_id)))) + "\n"


def _constraint_full(rule: Constraint) -> list[str]:
    lines = [f"{rule.id}: {rule.title}"]
    lines.append(f"Catalogue ref: {rule.ref}")
    lines.append(f"Force: {rule.force}")
    lines.append(f"Severity: {rule.severity} ({SEVERITY_WORDS[rule.severity]})")
    lines.append(f"In effect: {periods_words(rule.effective)}")
    if rule.file:
        lines.append(f"File: {rule.file}")
    if rule.applies_when is not None:
        lines += ["Applies when:", *_yaml(rule.applies_when)]
    lines += ["Fails when:", *_yaml(rule.fails_when)]
    if rule.lets:
        lines += ["Lets:", *_yaml(rule.lets)]
    lines += ["Message:", *wrap(rule.message, "  ")]
    lines += ["Remedy:", *wrap(rule.remedy, "  ")]
    lines += ["Sources:", *_sources(rule.sources)]
    return lines


def _action_full(action: Action) -> list[str]:
    lines = [f"{action.id}: {action.title}", "Phases:"]
    for phase in action.phases:
        when = period_words(Period(phase.start, phase.end))
        lines += wrap(f"{when}: {phase_status_words(action, phase.status)} ({phase.name})", "  ")
    if action.file:
        lines.append(f"File: {action.file}")
    lines += ["Wording:", *wrap(action.wording, "  ")]
    effects = [_effect_words(e) for e in action.effects]
    lines += ["Effects:", *[f"  {effect}" for effect in effects]]
    lines.append(f"Bears on: {', '.join(action.bears_on) or 'nothing'}")
    if action.instead:
        lines += ["What to do instead:", *wrap(action.instead, "  ")]
    lines += ["Sources:", *_sources(action.sources)]
    return lines


def _effect_words(effect: Any) -> str:
    value = f"the '{effect.param}' parameter" if effect.param else repr(effect.value)
    if effect.for_each:
        return f"for each item of {effect.for_each}: set {effect.target} to {value}"
    return f"set {effect.target} to {value}"


def _yaml(node: Any) -> list[str]:
    import yaml

    width = common.text_width() - 2
    text = yaml.safe_dump(node, sort_keys=False, default_flow_style=None, width=width)
    if text.startswith("{"):  # a one-line condition reads better as a block
        text = yaml.safe_dump(node, sort_keys=False, default_flow_style=False, width=width)
    return ["  " + line for line in text.splitlines()]


def _sources(sources: tuple[Source, ...]) -> list[str]:
    lines = []
    for number, source in enumerate(sources, start=1):
        lines += wrap(f"{number}. {source.title}", "  ")
        lines.append(f"     {source.place}")
        lines += wrap(f'Quote: "{source.quote}"', "     ")
        lines += wrap(f"Confidence: {source.confidence}. Why: {source.why}", "     ")
    return lines
