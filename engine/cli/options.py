"""What every command shares: exit codes, the common options, failures mapped to
exit codes in one place, and printing.

Engine modules are imported inside functions so that `gpca --help` and
`gpca --version` start fast, and so that a bug on import becomes exit 3, not a traceback.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:  # the model is imported when a command runs, not at start-up
    from engine.core.model import Problem
    from engine.inputs.project import Project

EXIT_NO_RISK = 0
EXIT_RISK = 1  # a risk of breach, or one that cannot be ruled out
EXIT_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
SUPPORTED_PYTHON = (3, 11)  # as pyproject.toml's requires-python
EXIT_BY_OVERALL = {"no_risk": EXIT_NO_RISK, "risk": EXIT_RISK, "cannot_tell": EXIT_RISK}
FORMATS = ("text", "json", "jsonl", "markdown", "html", "sarif", "github", "junit")
PLAN_SUFFIXES = (".yaml", ".yml")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

F = TypeVar("F", bound=Callable[..., Any])


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta["gpca.debug"] = True


def debug_option(command: F) -> F:
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        callback=_set_debug,
        help="Show the full traceback if gpca hits an internal error.",
    )(command)


class RulesSource(click.ParamType):
    """A rules directory, or ``py:PACKAGE``: an installed Python package holding a pack."""

    name = "rules"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        if isinstance(value, Path):
            return value
        text = str(value)
        if text.startswith("py:"):
            return self._package(text[3:], param, ctx)
        path = Path(text)
        if not path.is_dir():
            self.fail(f"'{text}' is not a directory of rules (or py:PACKAGE for an installed pack)", param, ctx)
        return path

    def _package(self, name: str, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        import importlib.util

        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        locations = list(spec.submodule_search_locations or []) if spec else []
        if not locations:
            self.fail(f"no installed Python package is named '{name}'; pip install it first", param, ctx)
        return Path(locations[0])


def rules_option(command: F) -> F:
    return click.option(
        "--rules",
        "rule_dirs",
        multiple=True,
        metavar="DIR",
        type=RulesSource(),
        callback=_project_rules,
        help="Read rules from DIR, or from an installed pack given as py:PACKAGE (repeatable; "
        "default: the project's rules, named in pyproject.toml [tool.gpca] or gpca.toml).",
    )(command)


def _project_rules(ctx: click.Context, _param: click.Parameter, value: tuple[Path, ...]) -> tuple[Path, ...]:
    """Without --rules, the rules of the project gpca runs in (engine/inputs/project.py), if any.
    A pack given alone inside a project layers over the project's rules: they are the
    national base being edited, not the copy installed with gpca."""
    project = current_project(ctx)
    if not value:
        return project.rules if project else ()
    if project is None or not _needs_a_national_base(ctx, value):
        return value
    given = {directory.resolve() for directory in value}
    return (*(d for d in project.rules if d.resolve() not in given), *value)


def _needs_a_national_base(ctx: click.Context, directories: tuple[Path, ...]) -> bool:
    from engine.core.errors import InputError
    from engine.inputs.read import builtin_rules_dir
    from engine.inputs.packs import is_national, manifest

    builtin = builtin_rules_dir()
    try:
        wants = any(manifest(folder).get("layers_over") == "national" for folder in directories)
    except InputError as error:  # an unreadable pack.yaml: exit 2 here, as the load would
        echo_problems(error)
        ctx.exit(EXIT_INPUT)
    return wants and not any(is_national(directory, builtin) for directory in directories)


def current_project(ctx: click.Context) -> Project | None:
    """The project around the current directory, read once per command; exit 2 if malformed."""
    from engine.core.errors import InputError
    from engine.inputs.project import as_seen_from, find_project

    if "gpca.project" not in ctx.meta:
        try:
            ctx.meta["gpca.project"] = as_seen_from(find_project(Path.cwd()), Path.cwd())
        except InputError as error:
            echo_problems(error)
            ctx.exit(EXIT_INPUT)
    project: Project | None = ctx.meta["gpca.project"]
    return project


def guarded(command: F) -> F:
    """Map failures to exit codes in one place: 2 for bad input, 3 for a bug, 130 for ^C."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        try:
            return command(*args, **kwargs)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as error:  # noqa: BLE001 - the one place every failure is mapped
            ctx.exit(_report_failure(error, bool(ctx.meta.get("gpca.debug"))))

    return wrapper  # type: ignore[return-value]


def _report_failure(error: Exception, debug: bool) -> int:
    from engine.core.errors import InputError

    if isinstance(error, InputError):
        echo_problems(error)
        return EXIT_INPUT
    if _engine_missing(error):
        click.echo(_engine_missing_message(error), err=True)
        return EXIT_INPUT
    if debug:
        import traceback

        traceback.print_exc(file=sys.stderr)
    detail = str(error).rstrip(".")
    # With --debug the traceback is already above; asking for it again would send the
    # user round in a circle.
    ask = "with the traceback above" if debug else "run with --debug for the traceback"
    click.echo(f"gpca hit an internal error (a bug): {type(error).__name__}: {detail}. Please report it; {ask}.",
               err=True)  # fmt: skip
    return EXIT_INTERNAL


def _engine_missing(error: Exception) -> bool:
    """Whether the durable_rules C extension, gpca's rule engine, failed to load."""
    return isinstance(error, ImportError) and (error.name or "").startswith("durable")


def _engine_missing_message(error: Exception) -> str:
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    problem = f"its rule engine, the durable_rules C extension, does not load ({error})"
    if sys.version_info[:2] == SUPPORTED_PYTHON:
        return (f"gpca cannot run: {problem}.\n  hint: reinstall it with a C compiler (gcc) "
                "present: pip install --force-reinstall durable-rules==2.0.28")
    return (f"gpca cannot run on Python {running}: {problem}.\n  hint: gpca supports Python "
            "3.11 only; make its virtual environment with python3.11 -m venv .venv")


def echo_warnings(warnings: tuple[Problem, ...]) -> None:
    """Deprecated fields: the plan still loads, and the user is told what to write instead."""
    from engine.core.errors import render_problem

    for warning in warnings:
        click.echo(render_problem(warning).replace("error[", "warning[", 1), err=True)


def echo_problems(error: Exception) -> None:
    from engine.core.errors import render_problem
    from engine.core.escape import terminal_safe

    for problem in getattr(error, "problems", ()):
        click.echo(terminal_safe(render_problem(problem)), err=True)


def echo_output(text: str, fmt: str = "text") -> None:
    """Print a report, with no control character that could drive the terminal.

    A reader that stops early (``gpca check | head``) ends the output quietly; a full disk
    is the user's to fix (exit 2), not a bug.
    """
    from engine.core.errors import InputError
    from engine.core.escape import for_output
    from engine.core.model import Problem

    try:
        click.echo(for_output(text, fmt), nl=False)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except OSError as error:
        _silence_stdout()
        message = f"cannot write the report to standard output: {error.strerror or error}"
        raise InputError([Problem("unwritable-output", message, hint="check where the output goes")]) from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush cannot fail again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def within_known_dates(rules: Any, plan: Any, as_of: str | None, last: str | None = None,
                       option: str = "--as-of", fmt: str | None = None) -> None:  # fmt: skip
    """Refuse a date before any rule is in effect; warn of one after the rules' sources
    were last checked (``last``: the latest date a command looks at, if later), unless
    the report printed in ``fmt`` says so itself."""
    from engine.core.horizon import check_day, said_on_stderr, staleness

    day = as_of or plan.assessed_on
    check_day(rules, day, option if as_of else f"{plan.path}: assessed_on")
    warning = staleness(rules, max(day, last or day))
    if warning and said_on_stderr(fmt):
        click.echo(warning, err=True)


def parse_as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"'{value}' is not a date; write it as YYYY-MM-DD, for example 2025-10-01."
        ) from None
    return value


def plan_files(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        # Every entry named like a plan is read, so one that cannot be (a dangling link, a
        # FIFO, a folder named x.yaml) is an error that names it, never skipped in silence.
        found = sorted(p for p in path.iterdir() if p.suffix in PLAN_SUFFIXES)
        if not found:
            raise click.BadParameter(
                f"the directory '{path}' has no plan files (*.yaml or *.yml).",
                param_hint="PLAN",
            )
        files.extend(found)
    return files


def known_rule_id(ruleset: Any, rule_id: str) -> str:
    import difflib

    from engine.core.errors import InputError
    from engine.core.model import Problem

    known = [c.id for c in ruleset.constraints] + [a.id for a in ruleset.actions]
    if rule_id in known:
        return rule_id
    close = difflib.get_close_matches(rule_id, known, n=1)
    hint = "run 'gpca rules' to list every rule"
    if close:
        hint = f"did you mean '{close[0]}'? Or {hint}."
    raise InputError(
        [
            Problem(
                code="unknown-constraint",
                message=f"no rule is named '{rule_id}'",
                hint=hint,
            )
        ]
    )
