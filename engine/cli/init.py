"""`gpca init [PATH]`: a commented plan to start from, the plan template with a few answers.

On a terminal it asks the questions below (Enter leaves one unanswered); otherwise it asks
nothing. It never overwrites a file: exit 2, and nothing is written.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from engine.cli.options import EXIT_INTERRUPTED, debug_option, guarded
from engine.core import escape

ASKED = ("practice.name", "practice.ods_code", "practice.registered_patients", "assessed_on")


@click.command("init")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default=Path("plan.yaml"))
@debug_option
@guarded
def init_command(path: Path) -> None:
    """Write a commented plan to PATH (default plan.yaml) to start from; never overwrites."""
    from engine.inputs.read import builtin_plan_template
    from engine.inputs.template import with_answers

    _refuse_unwritable(path)
    template = builtin_plan_template()
    try:
        answers = _ask() if _interactive() else {"assessed_on": _today()}
    except click.Abort:  # ^C or end of input at a question: exit 1 would read as "risk found"
        click.echo("\nInterrupted; nothing was written.", err=True)
        click.get_current_context().exit(EXIT_INTERRUPTED)
    _write_new(path, with_answers(template.read_text("utf-8"), answers))
    click.echo(f"Wrote {escape.plain(path)} from the plan template ({escape.plain(template)}).\n"
               "Answer what you know; leave the rest commented out, and gpca lists the questions "
               f"that matter.\nThen run:  gpca check {escape.plain(path)}")  # fmt: skip


def _interactive() -> bool:
    return sys.stdin.isatty()


def _today() -> date:
    return date.today()


def _ask() -> dict[str, Any]:
    """Each question of ``ASKED``, worded as in the plan schema and checked against it."""
    from engine.inputs.read import builtin_schema

    schema = builtin_schema("plan.schema.json")
    answers: dict[str, Any] = {}
    for dotted in ASKED:
        part = schema
        for key in dotted.split("."):
            part = part["properties"][key]
        answer = _prompt(dotted, part)
        if answer is not None:
            answers[dotted] = answer
    return answers


def _prompt(dotted: str, schema: dict[str, Any]) -> Any:
    import jsonschema
    import yaml

    from engine.core.errors import describe_schema_error

    default = _today().isoformat() if dotted == "assessed_on" else ""
    while True:
        text = click.prompt(schema["description"], default=default, show_default=bool(default))
        if not text.strip():
            return None
        value = text.strip() if schema.get("type") == "string" else _read_answer(yaml, text)
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        error = jsonschema.exceptions.best_match(validator.iter_errors(value))
        if error is None:
            return date.fromisoformat(value) if dotted == "assessed_on" else value
        message, hint = describe_schema_error(error, dotted)
        click.echo(f"  {message}" + (f"; {hint}" if hint else ""), err=True)


def _read_answer(yaml: Any, text: str) -> Any:
    """A number's answer as YAML would read it in the plan (dates as text, as the loader does)."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value.isoformat() if isinstance(value, date) else value


def _refuse_unwritable(path: Path) -> None:
    if os.path.lexists(path):
        _problem(path, "it already exists; gpca init never overwrites a file",
                 "name another PATH, or move the file away first")  # fmt: skip
    if not path.parent.is_dir():
        _problem(path, f"there is no folder '{escape.plain(path.parent)}'", "create the folder first")


def _write_new(path: Path, text: str) -> None:
    try:
        with open(path, "x", encoding="utf-8") as file:  # "x": a file made meanwhile is kept
            file.write(text)
    except FileExistsError:
        _problem(path, "it already exists; gpca init never overwrites a file",
                 "name another PATH, or move the file away first")  # fmt: skip
    except OSError as error:
        _problem(path, f"cannot write it: {error.strerror or error}", "name another PATH")


def _problem(path: Path, why: str, hint: str) -> None:
    from engine.core.errors import InputError
    from engine.core.model import Problem

    raise InputError([Problem("unwritable-output", f"'{escape.plain(path)}': {why}", hint=hint)])
