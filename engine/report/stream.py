"""Reports written plan by plan, so that memory does not grow with the number of plans.

A plan's part of the report (a `Part`) is made where the plan is checked, in a worker
process if there are several; a `Writer` in the main process joins the parts, in plan
order, into exactly the text the whole-set reporter (`engine.report.render`) gives. Every
format streams. What a report says of all its plans (a count, a total) comes from a small
running tally, never from the plans kept; a section that must follow all the plans' parts
but is itself made plan by plan (SARIF's action statuses), or the parts of a report whose
opening holds totals (JUnit's), waits in an anonymous temporary file until the end.
"""

from __future__ import annotations

import functools
import importlib
import io
import json
import tempfile
from collections.abc import Callable
from typing import IO, Any, NamedTuple

from msgspec import Struct

from engine.core.model import Assessment, RuleSet

OVERALLS = ("no_risk", "risk", "cannot_tell")
COPY_CHUNK = 1 << 16  # characters copied at a time from the temporary file


class Part(Struct, frozen=True):
    text: str  # the plan's part of the report
    tally: Any = None  # what the run's opening or ending needs of the plan
    aside: str = ""  # the plan's part of a later section, held on disk until every plan is in


class Layout(NamedTuple):
    """How a format's report is put together from its plans' parts."""

    part: Callable[[Assessment, RuleSet], Part]  # made where the plan is checked
    opening: Callable[[RuleSet], str]  # the text before the first part
    between: str  # the text between two parts that are not empty
    closing: Callable[[Any, int, RuleSet], tuple[str, str]]  # (tally, count, rules) -> the text
    # before and after what was held on disk
    finish: Callable[[str, int], str] | None = None  # (text, index) -> the part, once its place is known
    held: bool = False  # the parts wait on disk: the opening needs every plan's tally
    aside_between: str = ""  # the text between two asides that are not empty


# format -> "module:LAYOUT"; a format's module is imported only when it is used.
LAYOUTS: dict[str, str] = {
    "text": "engine.report.stream:TEXT",
    "json": "engine.report.stream:JSON",
    "jsonl": "engine.report.stream:JSONL",
    "markdown": "engine.report.markdown:LAYOUT",
    "html": "engine.report.html:LAYOUT",
    "sarif": "engine.report.sarif:LAYOUT",
    "github": "engine.report.github:LAYOUT",
    "junit": "engine.report.junit:LAYOUT",
}
STREAMED = tuple(LAYOUTS)


@functools.cache
def layout_of(fmt: str) -> Layout:
    module, _, name = LAYOUTS[fmt].partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def plan_part(fmt: str, assessment: Assessment, rules: RuleSet) -> Part:
    return layout_of(fmt).part(assessment, rules)


def joined(fmt: str, assessments: list[Assessment], rules: RuleSet) -> str:
    """The whole-set report, as the parts joined: the streamed report cannot differ from it."""
    pieces: list[str] = []
    with Writer(fmt, rules, pieces.append, hold=io.StringIO) as writer:
        for assessment in assessments:
            writer.add(plan_part(fmt, assessment, rules))
        writer.close()
    return "".join(pieces)


def _on_disk() -> IO[str]:
    """An anonymous file in TMPDIR: it has no name to leave behind, whatever ends the run."""
    return tempfile.TemporaryFile("w+", encoding="utf-8")


class Writer:
    """Joins the parts of a report in format ``fmt`` and hands each piece to ``write``.

    Nothing is written for a run with no plan to report on, as the whole-set reporters
    are not called for one. Used as a context manager, the temporary file is deleted
    however the run ends.
    """

    def __init__(self, fmt: str, rules: RuleSet, write: Callable[[str], None],
                 hold: Callable[[], IO[str]] = _on_disk) -> None:  # fmt: skip
        self._layout, self._rules, self._write, self._hold = layout_of(fmt), rules, write, hold
        self._count, self._tally = 0, None  # one running sum: nothing kept per plan
        self._wrote = self._wrote_aside = False  # whether a part, or an aside, was not empty
        self._held: IO[str] | None = None

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._release()

    def add(self, part: Part) -> None:
        shape = self._layout
        text = shape.finish(part.text, self._count) if shape.finish else part.text
        joint = shape.between if self._wrote and text else ""
        opening = "" if self._count or shape.held else shape.opening(self._rules)
        (self._keep if shape.held else self._put)(opening + joint + text)
        if part.aside:
            self._keep((shape.aside_between if self._wrote_aside else "") + part.aside)
        self._wrote, self._wrote_aside = self._wrote or bool(text), self._wrote_aside or bool(part.aside)
        self._tally = part.tally if self._count == 0 else _added(self._tally, part.tally)
        self._count += 1

    def close(self) -> None:
        """Writes the report's ending, and what was held on disk in its place."""
        if self._count:
            before, after = self._layout.closing(self._tally, self._count, self._rules)
            self._put(before)
            self._copy_held()
            self._put(after)
        self._release()

    def _put(self, text: str) -> None:
        if text:
            self._write(text)

    def _keep(self, text: str) -> None:
        if self._held is None:
            self._held = self._hold()
        self._held.write(text)

    def _copy_held(self) -> None:
        if self._held is None:
            return
        self._held.seek(0)
        while chunk := self._held.read(COPY_CHUNK):
            self._write(chunk)

    def _release(self) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None


def nothing(_rules: RuleSet) -> str:
    return ""


def no_closing(_tally: Any, _count: int, _rules: RuleSet) -> tuple[str, str]:
    return "", ""


def _text_part(assessment: Assessment, rules: RuleSet) -> Part:
    from engine.report.text import render_plan_text

    return Part(render_plan_text(assessment, rules), dict.fromkeys(OVERALLS, 0) | {assessment.overall: 1})


def _json_part(assessment: Assessment, rules: RuleSet) -> Part:
    from engine.report.json import plan_object, summary_object

    plan = plan_object(assessment, rules)
    return Part(indented(plan, "    ", plan["practice"]), summary_object([assessment]))


def _jsonl_part(assessment: Assessment, rules: RuleSet) -> Part:
    from engine.report.jsonl import plan_line

    return Part(plan_line(assessment, rules))


class _Overall(NamedTuple):
    overall: str


def _text_closing(overalls: dict[str, int], count: int, _rules: RuleSet) -> tuple[str, str]:
    from engine.advice.words import run_summary
    from engine.report.text import DISCLAIMER

    if count == 1:
        return "", f"\n\n{DISCLAIMER}\n"
    # run_summary reads only each plan's overall, so stand-ins are built from the counts.
    stand_ins = [_Overall(overall) for overall, n in overalls.items() for _ in range(n)]
    return "", f"\n\n{run_summary(stand_ins)}\n\n{DISCLAIMER}\n"  # type: ignore[arg-type]


def _json_opening(rules: RuleSet) -> str:
    """The JSON report up to the "[" that opens its list of plans, and the line's end."""
    from engine.report.json import document_head

    head = json.dumps({**document_head(rules), "plans": []}, indent=2, ensure_ascii=False)
    return head.removesuffix("]\n}") + "\n"


def _json_closing(summary: dict[str, Any], _count: int, _rules: RuleSet) -> tuple[str, str]:
    return "", '\n  ],\n  "summary": ' + indented(summary, "  ")[2:] + "\n}\n"


def indented(value: Any, margin: str, answers: Any = None) -> str:
    """``value`` as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it, ``margin``
    deeper (strings hold no newline); ``answers`` as for `engine.report.json.indented_json`."""
    from engine.report.json import indented_json

    return margin + indented_json(value, answers).replace("\n", "\n" + margin)


def _added(total: Any, more: Any) -> Any:
    """Two tallies added: counts add, sets join, keys keep their order."""
    if isinstance(total, dict):
        return {key: _added(value, more[key]) for key, value in total.items()}
    if isinstance(total, frozenset):
        return total | more
    return None if total is None else total + more


TEXT = Layout(_text_part, nothing, "\n\n", _text_closing)
JSON = Layout(_json_part, _json_opening, ",\n", _json_closing)
JSONL = Layout(_jsonl_part, nothing, "", no_closing)
