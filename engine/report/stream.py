"""Reports written plan by plan, so that memory does not grow with the number of plans.

A plan's part of the report (a `Part`) is made where the plan is checked, in a worker
process if there are several; a `Writer` in the main process joins the parts, in plan
order, into exactly the text the whole-set reporter (`engine.report.render`) gives.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from msgspec import Struct

from engine.core.model import Assessment, RuleSet

STREAMED = ("text", "json", "jsonl")  # the other formats need the whole set of plans
OVERALLS = ("no_risk", "risk", "cannot_tell")


class Part(Struct, frozen=True):
    text: str  # the plan's part of the report
    tally: Any = None  # what the run's summary needs of the plan


def plan_part(fmt: str, assessment: Assessment, rules: RuleSet) -> Part:
    if fmt == "text":
        from engine.report.text import render_plan_text

        overalls = dict.fromkeys(OVERALLS, 0) | {assessment.overall: 1}
        return Part(render_plan_text(assessment, rules), overalls)
    if fmt == "json":
        from engine.report.json import plan_object, summary_object

        plan = plan_object(assessment, rules)
        return Part(_indented(plan, "    ", plan["practice"]), summary_object([assessment]))
    from engine.report.jsonl import plan_line

    return Part(plan_line(assessment, rules))


class Writer:
    """Joins the parts of a report in format ``fmt`` and hands each piece to ``write``.

    Nothing is written for a run with no plan to report on, as the whole-set reporters
    are not called for one.
    """

    def __init__(self, fmt: str, rules: RuleSet, write: Callable[[str], None]) -> None:
        self._fmt, self._rules, self._write = fmt, rules, write
        self._count, self._tally = 0, None  # one running sum: nothing kept per plan

    def add(self, part: Part) -> None:
        self._write(self._joint() + part.text)
        self._tally = part.tally if self._count == 0 else _added(self._tally, part.tally)
        self._count += 1

    def close(self) -> None:
        if self._fmt == "text" and self._count:
            self._write(_text_ending(self._tally, self._count))
        elif self._fmt == "json" and self._count:
            self._write('\n  ],\n  "summary": ' + _indented(self._tally, "  ")[2:] + "\n}\n")

    def _joint(self) -> str:
        if self._fmt == "text":
            return "\n\n" if self._count else ""
        if self._fmt == "json":
            return ",\n" if self._count else _json_opening(self._rules) + "\n"
        return ""


class _Overall(NamedTuple):
    overall: str


def _text_ending(overalls: dict[str, int], count: int) -> str:
    from engine.advice.words import run_summary
    from engine.report.text import DISCLAIMER

    if count == 1:
        return f"\n\n{DISCLAIMER}\n"
    # run_summary reads only each plan's overall, so stand-ins are built from the counts.
    stand_ins = [_Overall(overall) for overall, n in overalls.items() for _ in range(n)]
    return f"\n\n{run_summary(stand_ins)}\n\n{DISCLAIMER}\n"  # type: ignore[arg-type]


def _json_opening(rules: RuleSet) -> str:
    """The JSON report up to the "[" that opens its list of plans."""
    from engine.report.json import document_head

    head = json.dumps({**document_head(rules), "plans": []}, indent=2, ensure_ascii=False)
    return head.removesuffix("]\n}")


def _indented(value: Any, margin: str, answers: Any = None) -> str:
    """``value`` as the JSON report writes it, ``margin`` deeper (strings hold no newline)."""
    from engine.report.json import indented_json

    return margin + indented_json(value, answers).replace("\n", "\n" + margin)


def _added(total: Any, more: Any) -> Any:
    """Two tallies added: counts add, keys keep their order."""
    if isinstance(total, dict):
        return {key: _added(value, more[key]) for key, value in total.items()}
    return None if total is None else total + more
