"""The rule authors' commands: `gpca test`, `gpca lint`, `gpca impact` and `gpca docs`.

Registered on the `gpca` group by engine/cli.py. Exit codes: 0 all is well; 1 an
expectation failed, coverage is below --min, lint found a problem or impact found a
change with --fail-on-change; 2 a tool error (an unusable fixture or rule file, or the
command line); 3 a bug in gpca.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from engine.cli.options import (
    EXIT_INPUT,
    EXIT_NO_RISK,
    EXIT_RISK,
    current_project,
    debug_option,
    echo_output,
    guarded,
    rules_option,
)
from engine.cli.outputs import check_outputs, output_option, write_outputs
from engine.core import escape

EXIT_FAILED = EXIT_RISK  # expectations failed, or lint findings: the author's to fix
TEST_FORMATS = ("text", "junit", "github")


@click.command("test")
@click.argument("paths", nargs=-1, metavar="[PATH...]", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(TEST_FORMATS), default="text", show_default=True,
              help="text for people, junit for CI test reports, github for annotations.")  # fmt: skip
@output_option(TEST_FORMATS)
@click.option("--coverage", "show_coverage", is_flag=True, help="Report what the fixtures leave untested.")
@click.option("--min", "minimum", type=click.FloatRange(0, 100), metavar="PERCENT",
              help="Fail unless this share of constraints has a passing and a failing fixture.")  # fmt: skip
@rules_option
@debug_option
@guarded
def test_command(paths: tuple[Path, ...], fmt: str, outputs: list[tuple[str, Path]], show_coverage: bool,
                 minimum: float | None, rule_dirs: tuple[Path, ...]) -> None:  # fmt: skip
    """Run the fixture cases in each PATH (default: the fixtures/ beside the rules, and ./fixtures)."""
    from engine.inputs.load import load_rules
    from engine.inputs.read import builtin_rules_dir
    from engine.authoring.suite import default_fixture_paths, fixture_files, run_suite

    rules = load_rules(list(rule_dirs) or None)
    roots = list(rule_dirs) or [builtin_rules_dir().parent]
    files = fixture_files(paths or _project_fixtures(rule_dirs) or default_fixture_paths(roots, Path(".")))
    if not files:
        raise click.UsageError("no fixture files found; name a PATH.")
    check_outputs(outputs, TEST_FORMATS, tuple(files))  # before the run: a bad path costs no wait
    result = run_suite(files, rules)
    write_outputs(outputs, TEST_FORMATS, lambda f: _render_suite(f, result, rules), tuple(files))
    echo_output(_render_suite(fmt, result, rules), fmt)
    code = EXIT_INPUT if result.errors else EXIT_FAILED if result.failed else EXIT_NO_RISK
    if show_coverage or minimum is not None:
        code = max(code, _coverage(result, rules, minimum))
    click.get_current_context().exit(code)


def _project_fixtures(rule_dirs: tuple[Path, ...]) -> list[Path]:
    """The project's fixtures, when the rules are the project's own (no --rules given)."""
    project = current_project(click.get_current_context())
    return list(project.fixtures) if project and rule_dirs == project.rules else []


def _render_suite(fmt: str, result, rules) -> str:  # type: ignore[no-untyped-def]
    from engine.report.github import render_github_suite
    from engine.report.junit import render_junit
    from engine.report.suite_text import render_suite_text

    renderers = {"text": render_suite_text, "junit": render_junit, "github": render_github_suite}
    return renderers[fmt](result, rules)


def _coverage(result, rules, minimum: float | None) -> int:  # type: ignore[no-untyped-def]
    from engine.authoring.coverage import measure, render_coverage

    coverage = measure(result, rules)
    click.echo(render_coverage(coverage), nl=False, err=True)
    if minimum is not None and coverage.percent < minimum:
        click.echo(f"coverage {coverage.percent:.1f}% is below the minimum of {minimum:g}%", err=True)
        return EXIT_FAILED
    return EXIT_NO_RISK


@click.command("lint")
@rules_option
@debug_option
@guarded
def lint_command(rule_dirs: tuple[Path, ...]) -> None:
    """Check the rules for mistakes a schema cannot catch; every finding names file:line."""
    from engine.core.errors import render_problem
    from engine.authoring.lint import lint

    problems, rules = lint(list(rule_dirs) or None)
    for override in rules.overrides if rules else ():
        click.echo(f"{override.file}:1:1: note[pack-override]: pack '{override.pack}' replaces "
                   f"the rule '{override.rule_id}' of {override.replaces}")  # fmt: skip
    for problem in problems:
        click.echo(render_problem(problem))
    click.echo(f"{len(problems)} problem{'' if len(problems) == 1 else 's'}")
    click.get_current_context().exit(EXIT_FAILED if problems else EXIT_NO_RISK)


@click.command("impact")
@click.argument("paths", nargs=-1, metavar="[PATH...]", type=click.Path(exists=True, path_type=Path))
@click.option("--base", metavar="REV", help="Compare with the rules as they were at this git revision.")
@click.option("--old", "old_dirs", multiple=True, metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The old rules directory (repeatable), instead of --base.")  # fmt: skip
@click.option("--new", "new_dirs", multiple=True, metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The new rules directory (repeatable; default: --rules, or the built-in rules).")  # fmt: skip
@click.option("--fail-on-change", is_flag=True, help="Exit 1 when any verdict changes.")
@rules_option
@debug_option
@guarded
def impact_command(paths: tuple[Path, ...], base: str | None, old_dirs: tuple[Path, ...], new_dirs: tuple[Path, ...],
                   fail_on_change: bool, rule_dirs: tuple[Path, ...]) -> None:  # fmt: skip
    """Print a Markdown table of every verdict that changes between the old and new rules."""
    from engine.authoring.impact import compare, old_rules_from_git, plans_to_compare, render_markdown
    from engine.inputs.load import load_rules
    from engine.inputs.read import builtin_rules_dir
    from engine.authoring.suite import default_fixture_paths

    if bool(base) == bool(old_dirs):
        raise click.UsageError("give either --base REV or --old DIR.")
    new_list = list(new_dirs or rule_dirs) or [builtin_rules_dir()]
    new = load_rules(new_list)
    here = Path(".")
    roots = [d for d in new_list if d.resolve() != builtin_rules_dir().resolve()] or [builtin_rules_dir().parent]
    fixtures = _project_fixtures(tuple(new_list)) or default_fixture_paths(roots, here)
    targets = list(paths) or fixtures + ([here / "examples"] if (here / "examples").is_dir() else [])
    with tempfile.TemporaryDirectory(prefix="gpca-impact-") as temp:
        old = load_rules(old_rules_from_git(new_list, base, Path(temp)) if base else list(old_dirs))
        changes = compare(old, new, targets)
    echo_output(render_markdown(changes, len(plans_to_compare(targets, new))), "markdown")
    click.get_current_context().exit(EXIT_FAILED if changes and fail_on_change else EXIT_NO_RISK)


@click.command("docs")
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if PATH is not up to date, instead of writing it.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
@rules_option
@debug_option
@guarded
def docs_command(check_only: bool, path: Path | None, rule_dirs: tuple[Path, ...]) -> None:
    """Write the rule catalogue document (default docs/rules.md, in the project's top
    folder inside a project) from the rule files."""
    from engine.authoring.catalogue_doc import render_catalogue
    from engine.inputs.load import load_rules

    if path is None:
        project = current_project(click.get_current_context())
        # relative, so the messages name the file as the user would type it
        path = Path(os.path.relpath(project.root / "docs" / "rules.md")) if project else Path("docs/rules.md")
    text = render_catalogue(load_rules(list(rule_dirs) or None))
    if not path.parent.is_dir():
        _docs_problem(path, f"there is no folder '{escape.plain(path.parent)}'",
                      "run gpca docs from the project's top folder, or name the file to write")  # fmt: skip
    if check_only:
        stale = not path.is_file() or path.read_text(encoding="utf-8") != text
        if stale:
            click.echo(f"{path} is out of date; run 'gpca docs {path}'", err=True)
        click.get_current_context().exit(EXIT_FAILED if stale else EXIT_NO_RISK)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        _docs_problem(path, f"cannot write it: {error.strerror or error}", "name another file to write")


def _docs_problem(path: Path, why: str, hint: str) -> None:
    from engine.core.errors import InputError
    from engine.core.model import Problem

    raise InputError([Problem("unwritable-output", f"'{escape.plain(path)}': {why}", hint=hint)])


COMMANDS = (test_command, lint_command, impact_command, docs_command)
