"""Plain-English words and look-ups shared by the reporters.

Nothing here decides an outcome: it only names, counts and fills in what the
evaluator has already decided.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import textwrap
from collections import Counter
from collections.abc import Iterable
from typing import Any, NamedTuple

from engine.advice.checklist import OpenQuestion, QuestionGroup
from engine.core.dates import long_date, span_words
from engine.core.model import PRACTICE, Action, ActionVerdict, Assessment, Period, Reading, RuleSet
# The question wording lives below the reporters, for the checklist; named here as before.
from engine.advice.questions import ACTION_PARAMETER_PATH, plan_schema, question_for, schema_node  # noqa: F401
from engine.core.readings import verdict_key

WIDTH = 100  # of the text reports when standard output is no terminal, in characters
MIN_WIDTH = 40  # a terminal narrower than this is wrapped as if it were this wide
SEVERITY_WORDS = {
    "breach": "breach of the core contract",
    "local_breach": "breach of a local contract",
    "guidance_risk": "goes against NHS England/ICB guidance",
    "advisory": "advice only",
}


class StatusWords(NamedTuple):
    """How one action status is said in every format; the planner's page reads it too."""

    words: str  # in a sentence
    label: str  # a heading or badge
    title: str  # sentence case, for the planner
    counted: str  # in a tally ("2 safe with cautions"), where a comma would mislead
    light: str  # the traffic light's colour
    mark: str  # the Markdown report's light


# One line a status, in the order reports count them. Another status is one more line.
ACTION_STATUSES: dict[str, StatusWords] = {
    "safe": StatusWords("safe", "SAFE", "Safe", "safe", "green", "🟢"),
    "safe_with_cautions": StatusWords("safe, with cautions", "SAFE, WITH CAUTIONS", "Safe, with cautions",
                                      "safe with cautions", "yellow", "🟡"),
    "risk": StatusWords("risks breach", "RISKS BREACH", "Risks breach", "risks breach", "red", "🔴"),
    # "contested" is no status of its own: it is a risk on contested points (engine/core/readings.py).
    "contested": StatusWords("risks a notice (contested)", "RISKS A NOTICE (CONTESTED)",
                             "Risks a notice (contested)", "risks a notice (contested)", "red", "🔴"),
    "cannot_tell": StatusWords("cannot tell", "CANNOT TELL", "Cannot tell", "cannot tell", "amber", "🟠"),
}
ACTION_STATUS_WORDS = {status: said.words for status, said in ACTION_STATUSES.items()}
ACTION_STATUS_COUNTED = {status: said.counted for status, said in ACTION_STATUSES.items()}
ACTION_STATUS_LABELS = {status: said.label for status, said in ACTION_STATUSES.items()}
ACTION_STATUS_KEYS = tuple(ACTION_STATUSES)  # the keys of verdict_key, "contested" among them
STATUS_VALUES = tuple(key for key in ACTION_STATUSES if key != "contested")  # ActionVerdict.status
READER_WORDS = {"commissioner": "the commissioner", "profession": "the profession"}
POSITION_WORDS = {"breach": "a breach", "not_a_breach": "not a breach", "no_position": "no stated position"}
OUTCOME_WORDS = {
    "pass": "pass",
    "fail": "fail",
    "cannot_tell": "cannot tell",
    "not_applicable": "not applicable",
}
PHASE_STATUS_WORDS = {
    "recommended": "recommended by the BMA",
    "dropped": "dropped from the menu",
    "superseded": "superseded by the contract",
    "superseded_by_menu": "replaced by the BMA's menu of August 2024",
    "withdrawn": "withdrawn",
}
# Statuses whose name does not read as English in a sentence; the others are shown as named.
_UNREADABLE_STATUSES = {"superseded_by_menu": PHASE_STATUS_WORDS["superseded_by_menu"]}
OVERALL_WORDS = {"no_risk": "no risk", "risk": "risk", "cannot_tell": "cannot tell",
                 "contested": "risk of a notice (contested)"}
# The overall verdict as `gpca check` says it, heading every report.
OVERALL_LABELS = {
    "no_risk": "NO RISK FOUND",
    "risk": "RISK OF BREACH",
    "contested": "RISK OF A NOTICE (CONTESTED)",
    "cannot_tell": "CANNOT TELL (some answers are missing)",
}
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)\}")


def text_width() -> int:
    """The width every text output is wrapped to: the terminal's, when standard output is
    one; else WIDTH, so that what is piped, saved or tested does not depend on a window."""
    stream = sys.stdout
    try:
        if stream.isatty():
            return max(MIN_WIDTH, os.get_terminal_size(stream.fileno()).columns)
    except (AttributeError, OSError, ValueError):  # no real stream, or one with no size
        pass
    return WIDTH


def wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
    """``text`` with its whitespace collapsed, wrapped to the width; ``first`` indents line one."""
    return list(wrapped(" ".join(text.split()), text_width(), indent if first is None else first, indent))


@functools.lru_cache(maxsize=4096)  # a report says the same few sentences again and again
def wrapped(text: str, width: int, first: str, indent: str) -> tuple[str, ...]:
    """Collapsed ``text`` as ``textwrap.wrap`` lays it out, never breaking a word."""
    if text and len(first) + len(text) <= width:
        return (first + text,)  # what textwrap makes of a line that fits, without its work
    return tuple(textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=indent,
                               break_long_words=False, break_on_hyphens=False))  # fmt: skip


_MARKER = re.compile(r"^( *)((?:[-*]|\d+\.|\[[a-z]+\]) )?")


def fit(text: str, width: int | None = None) -> str:
    """``text`` with each line longer than the width wrapped: the continuation lines go
    under the line's words, past a leading ``- ``, ``* ``, ``1. `` or ``[yes] `` marker, or
    two spaces in. A word longer than the width (a URL, a path) is never broken, nor moved
    off its line: wrapping could not make it fit, and "Plan: PATH" stays one line to grep."""
    limit = width or text_width()
    return "\n".join(part for line in text.split("\n") for part in _fitted(line, limit))


def _fitted(line: str, width: int) -> list[str]:
    if len(line) <= width:
        return [line]
    match = _MARKER.match(line)
    indent = match.group(1)
    hanging = " " * (len(match.group(0)) if match.group(2) else len(indent) + 2)
    parts = textwrap.wrap(line[len(indent):], width=width, initial_indent=indent, subsequent_indent=hanging,
                          break_long_words=False, break_on_hyphens=False) or [line]  # fmt: skip
    joined = parts[:1]
    for part in parts[1:]:
        if len(part) > width and len(part.split()) == 1:
            joined[-1] += " " + part.strip()
        else:
            joined.append(part)
    return joined


def period_words(period: Period) -> str:
    return span_words(period.start, period.end)


def recommender(action: Action) -> str:
    """Who recommends the action: for a local pack's own action, the publisher its pack.yaml
    names, or else the pack; the BMA for the national catalogue."""
    return action.publisher or "the BMA"


def phase_status_words(action: Action, status: str) -> str:
    """A phase's status in words, naming who recommends the action."""
    if status == "recommended":
        return f"recommended by {recommender(action)}"
    return PHASE_STATUS_WORDS[status]


def menu_words(action: Action) -> str:
    return f"the menu of {action.publisher}" if action.publisher else "the BMA menu"


def phase_note(action: Action, day: str, lead: str, in_words: bool = False) -> str:
    """That the action (``lead``, e.g. "This action") is off its menu on ``day``, and what
    the phase covering the day calls it: in words (``in_words``), or as the rules do."""
    note = f"{lead} is not on {menu_words(action)} on {long_date(day)}"
    for phase in action.phases:
        if phase.contains(day):
            status = (phase_status_words(action, phase.status) if in_words
                      else _UNREADABLE_STATUSES.get(phase.status, phase.status))  # fmt: skip
            span = period_words(Period(phase.start, phase.end))
            return f"{note}; {span} it is {status} ({phase.name})."
    return note + "."


def periods_words(periods: Iterable[Period]) -> str:
    return "; ".join(period_words(p) for p in periods) or "never"


def counts(values: Iterable[str], keys: Iterable[str]) -> dict[str, int]:
    """How many of each key, zero included, in the order of ``keys``."""
    tally = Counter(values)
    return {key: tally[key] for key in keys}


def count_phrase(tally: dict[str, int], words: dict[str, str]) -> str:
    return ", ".join(f"{n} {words[key]}" for key, n in tally.items())


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def run_summary(assessments: list[Assessment]) -> str:
    """'2 plans: 1 risk, 1 cannot tell, 0 no risk'."""
    tally = counts((a.overall for a in assessments), ("risk", "cannot_tell", "no_risk"))
    return f"{plural(len(assessments), 'plan')}: {count_phrase(tally, OVERALL_WORDS)}"


def earliest_note(rule: Any, practice: dict[str, Any], day: str) -> str:
    """That the rule's national start is only the earliest date it binds the practice, or ""."""
    from engine.core.binding import national_only

    start = national_only(rule, practice, day)
    if start is None:
        return ""
    return (f"This duty starts nationally on {long_date(start)}: that is the earliest date it can bind "
            "the practice, which is bound once its contract variation notice has run (at least 14 "
            "days). Give practice.contract_variation_notice_on to check the practice's own date.")  # fmt: skip


def unchecked_note(as_of: str, rules: Any) -> str:
    """That the check is as of a date after the rules' sources were last checked, or ""."""
    if not rules.checked_before(as_of):
        return ""
    return (f"The rules' sources were last checked to {long_date(rules.sources_checked_to)}; this check "
            f"is as of {long_date(as_of)}, after that date, so the contract or the BMA menu may have "
            "changed since. Check with your LMC.")  # fmt: skip


def status_counts(verdicts: Iterable[ActionVerdict]) -> dict[str, int]:
    """How many verdicts of each kind; "contested" only when there is one."""
    tally = counts((verdict_key(v) for v in verdicts), ACTION_STATUS_KEYS)
    return {key: n for key, n in tally.items() if key != "contested" or n}


def reading_heading(reading: Reading) -> str:
    """'NHS England (London), for the commissioner: a breach; notices have been issued'."""
    heading = f"{reading.by}, for {READER_WORDS[reading.reader]}: {POSITION_WORDS[reading.position]}"
    return heading + ("; notices have been issued" if reading.notices_issued else "")


def unblocks_words(question: OpenQuestion, assessment: Assessment, rules: RuleSet) -> str:
    """What answering a checklist question unblocks: the chosen actions by title, and how
    many rules about the practice as a whole."""
    titles = [rules.action(action_id).title for action_id in question.actions]
    practice = [r for r in question.rules if PRACTICE in assessment.result(r).attributed_to]
    if practice or not titles:
        titles.append(f"{plural(len(practice) or len(question.rules), 'rule')} about the practice as a whole")
    return "; ".join(titles)


def questions_count(checklist: tuple[QuestionGroup, ...]) -> int:
    return sum(len(group.questions) for group in checklist)
