"""The practice's commands: check, actions, rules and serve; parsing only, no logic."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from engine.cli.options import (
    EXIT_NO_RISK,
    FORMATS,
    debug_option,
    echo_output,
    guarded,
    known_rule_id,
    parse_as_of,
    plan_files,
    rules_option,
)

if TYPE_CHECKING:  # the model is imported when a command runs, not at start-up
    from engine.core.model import Problem
    from engine.inputs.project import Project


@click.command()
@click.argument(
    "plans",
    nargs=-1,
    required=True,
    metavar="PLAN...",
    type=click.Path(exists=True, path_type=Path),
)
@click.option(
    "--as-of",
    callback=parse_as_of,
    metavar="YYYY-MM-DD",
    help="Assess on this date instead of the plan's assessed_on.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, json or jsonl (a line per plan) for programs, markdown or html to share.",
)
@click.option(
    "--output",
    "outputs",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Also write the report in FORMAT (sarif, github, json, ...) to PATH (repeatable).",
)
@click.option("--summary", "summary", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH.csv",
              help="Also write a CSV row per practice and chosen action to PATH.csv.")  # fmt: skip
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Check plans in N processes (default: one per core; 1: in this process).")  # fmt: skip
@rules_option
@debug_option
@guarded
def check(
    plans: tuple[Path, ...], as_of: str | None, fmt: str, rule_dirs: tuple[Path, ...],
    outputs: tuple[str, ...] = (), summary: Path | None = None, jobs: int | None = None,
) -> None:
    """Check each PLAN (a plan file, or a directory of them) and report by action."""
    from engine.cli.outputs import checked_outputs
    from engine.inputs.cache import load_rules_cached

    files = plan_files(plans)
    rules = load_rules_cached(list(rule_dirs) or None)
    extra = checked_outputs(outputs, tuple(files))
    code = _check_each(files, rules, fmt, as_of, rule_dirs, extra, summary, jobs)
    click.get_current_context().exit(code)


def _check_each(files: list[Path], rules: Any, fmt: str, as_of: str | None, rule_dirs: tuple[Path, ...],
                outputs: list[tuple[str, Path]], summary: Path | None, jobs: int | None) -> int:  # fmt: skip
    """Check the plans in order, writing every report (standard output's and each
    --output's) plan by plan, so that no plan's assessment is kept; the exit code."""
    import contextlib
    import os

    from engine.cli.batch import Settings, checked_plans, progress_bar
    from engine.cli.outputs import OutputFile
    from engine.core.errors import InputError
    from engine.report.stream import Writer
    from engine.report.summary_csv import csv_lines

    reports = (fmt, *(other for other, _ in outputs))
    settings = Settings(tuple(map(str, rule_dirs)), as_of, fmt, reports, summary is not None)
    code = EXIT_NO_RISK
    with contextlib.ExitStack() as stack:
        sinks = [lambda text: echo_output(text, fmt)]
        sinks += [stack.enter_context(OutputFile(path, other)).write for other, path in outputs]
        writers = [stack.enter_context(Writer(report, rules, sink)) for report, sink in zip(reports, sinks)]
        rows = stack.enter_context(_summary_file(summary, tuple(files)))
        bar = stack.enter_context(progress_bar(len(files), sys.__stderr__))
        for checked in checked_plans(files, settings, rules, jobs or os.cpu_count() or 1):
            click.echo(checked.messages, err=True, nl=False)
            if checked.fatal:
                raise InputError(checked.fatal)
            code = max(code, checked.code)
            for writer, part in zip(writers, checked.parts):
                writer.add(part)
            rows.write(csv_lines(checked.rows))
            bar.update(1)
        for writer in writers:
            writer.close()
    return code


def _summary_file(path: Path | None, plans: tuple[Path, ...]) -> Any:
    """The CSV summary's file, its heading row written; a sink when none was asked for.
    A plan being checked is never written over, and a run that stops part-way leaves
    the file that was there as it was."""
    import contextlib
    import io

    from engine.cli.outputs import OutputFile, check_output_path
    from engine.report.summary_csv import COLUMNS, csv_lines

    if path is None:
        return contextlib.nullcontext(io.StringIO())
    check_output_path(path, plans, option="--summary")
    out = OutputFile(path, None, option="--summary", newline="")
    out.write(csv_lines([list(COLUMNS)]))
    return out


@click.command()
@rules_option
@debug_option
@guarded
def actions(rule_dirs: tuple[Path, ...]) -> None:
    """List the collective actions, with their phases, dates and status."""
    from engine.inputs.load import load_rules
    from engine.report.catalogue import render_actions

    echo_output(render_actions(load_rules(list(rule_dirs) or None)))


@click.command()
@click.argument("rule_id", metavar="[ID]", required=False)
@rules_option
@debug_option
@guarded
def rules(rule_id: str | None, rule_dirs: tuple[Path, ...]) -> None:
    """List the constraints, or show the rule ID in full."""
    from engine.inputs.load import load_rules
    from engine.report.catalogue import render_rule, render_rules_table

    ruleset = load_rules(list(rule_dirs) or None)
    if rule_id is None:
        echo_output(render_rules_table(ruleset))
    else:
        echo_output(render_rule(ruleset, known_rule_id(ruleset, rule_id)))


@click.command()
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="The port to listen on (0: any free port).")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; the default keeps the planner to this machine.")  # fmt: skip
@click.option("--allow-remote", is_flag=True,
              help="Allow a --host that other machines can reach (prints a warning).")  # fmt: skip
@rules_option
@debug_option
@guarded
def serve(port: int, host: str, allow_remote: bool, rule_dirs: tuple[Path, ...]) -> None:
    """Start the practice planner, a local web page, and print its address."""
    from engine.web import serve as run
    from engine.web.addresses import is_loopback

    if not is_loopback(host) and not allow_remote:
        raise click.BadParameter(
            f"'{host}' can be reached from other machines, and anyone who reaches the planner "
            "can use it; add --allow-remote if that is what you want.", param_hint="--host")

    try:
        run(host, port, list(rule_dirs) or None, announce=click.echo)
    except OSError as error:
        _cannot_listen(host, port, error)


def _cannot_listen(host: str, port: int, error: OSError) -> None:
    """A busy port is the user's to change (exit 2); exit 1 would read as "risk found"."""
    from engine.core.errors import InputError
    from engine.core.model import Problem

    message = f"cannot listen on {host}:{port}: {error.strerror or error}"
    raise InputError([Problem("cannot-listen", message, hint="choose another --port, or 0 for any free one")])
