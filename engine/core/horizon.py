"""The dates the rules know about: none before the earliest date any constraint covers,
and nothing for certain after the date their sources were last checked.

Before the first date, no rule is in effect, so every plan would be "no risk" for want
of a rule: that is refused (exit 2). After ``sources_checked_to`` (rules/ruleset.yaml)
the rules may be out of date: gpca still answers, with a warning, said once: in the
report's own note where the report printed says it to a person, else on standard error.
"""

from __future__ import annotations

from engine.core.errors import InputError
from engine.core.model import Problem, RuleSet


def earliest_covered(rules: RuleSet) -> str | None:
    """The first date on which any constraint is in effect; None if one has no start."""
    starts = [period.start for rule in rules.constraints for period in rule.effective]
    if not starts or None in starts:
        return None
    return min(start for start in starts if start is not None)


def check_day(rules: RuleSet, day: str, source: str) -> None:
    """Refuse a date before any rule is in effect; ``source`` names where it came from."""
    first = earliest_covered(rules)
    if first is not None and day < first:
        raise InputError([Problem(
            "date-out-of-range",
            f"{source} {day} is before {first}, the earliest date any rule covers: "
            "gpca knows no rule in effect then, so it cannot say there is no risk",
            hint=f"assess on {first} or later",
        )])  # fmt: skip


# The `gpca check` formats whose report, as printed, tells a person that the rules may be
# out of date (its unchecked note, in prose or a GitHub annotation). A JSON, SARIF or
# HTML report carries the note too, but as data or markup, so its reader is told on
# standard error as well.
NOTED_IN = frozenset({"text", "markdown", "github"})


def staleness(rules: RuleSet, day: str) -> str | None:
    """A warning for a date after the rules' sources were last checked, else None."""
    checked = rules.sources_checked_to
    if checked is None or day <= checked:
        return None
    return (f"warning: {day} is after {checked}, the date the rules' sources were last checked; "
            "the contract or guidance may have changed since, and gpca would not know")  # fmt: skip


def said_on_stderr(fmt: str | None) -> bool:
    """Whether the staleness warning goes to standard error: not when the report printed
    in format ``fmt`` (None: a command whose report has no such note) already says it."""
    return fmt not in NOTED_IN
