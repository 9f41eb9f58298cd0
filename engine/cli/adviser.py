"""The adviser's commands: explain, timeline, suggest and compare; parsing only, no logic.

They live apart from engine/cli.py so that module stays small; its `LazyGroup` imports
this module only when one of them runs or is listed. Exit codes are those of
`gpca check` (docs/architecture.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from engine.cli.options import (
    EXIT_BY_OVERALL,
    known_rule_id,
    parse_as_of,
    debug_option,
    echo_output,
    guarded,
    rules_option,
    within_known_dates,
)

PLAN = click.Path(exists=True, dir_okay=False, path_type=Path)
RULES_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


def _assess(plan_path: Path, rule_dirs: tuple[Path, ...], as_of: str | None,
            last: str | None = None, option: str = "--as-of") -> tuple[Any, Any]:  # fmt: skip
    from engine.core.evaluate import Evaluator
    from engine.inputs.load import load_rules
    from engine.inputs.waive import load_plan_with_waivers, review_waivers

    rules = load_rules(list(rule_dirs) or None)
    evaluator = Evaluator(rules)
    plan = load_plan_with_waivers(plan_path, rules, as_of)
    within_known_dates(rules, plan, as_of, last, option)
    return evaluator, review_waivers(evaluator.assess(plan, as_of=as_of))


def _finish(text: str, code: int) -> None:
    from engine.advice.words import fit  # to the terminal's width, as every text report

    echo_output(fit(text))
    click.get_current_context().exit(code)


def _as_of_option(command: Any) -> Any:
    return click.option("--as-of", callback=parse_as_of, metavar="YYYY-MM-DD",
                        help="Assess on this date instead of the plan's assessed_on.")(command)  # fmt: skip


@click.command()
@click.argument("plan", type=PLAN)
@click.argument("target", required=False, metavar="[RULE-ID|ACTION-ID]")
@_as_of_option
@rules_option
@debug_option
@guarded
def explain(plan: Path, target: str | None, as_of: str | None, rule_dirs: tuple[Path, ...]) -> None:
    """Show why PLAN is judged as it is: each finding's reasoning, or one rule's or action's."""
    from engine.advice.explain import explain as explain_text

    evaluator, assessment = _assess(plan, rule_dirs, as_of)
    if target is not None:
        target = known_rule_id(evaluator.rules, target)
    _finish(explain_text(assessment, evaluator.rules, target), EXIT_BY_OVERALL[assessment.overall])


@click.command()
@click.argument("plan", type=PLAN)
@click.option("--from", "start", callback=parse_as_of, metavar="YYYY-MM-DD",
              help="The first date (default: the plan's assessed_on).")  # fmt: skip
@click.option("--to", "end", callback=parse_as_of, metavar="YYYY-MM-DD",
              help="The last date (default: the last date on which a rule changes).")  # fmt: skip
@rules_option
@debug_option
@guarded
def timeline(plan: Path, start: str | None, end: str | None, rule_dirs: tuple[Path, ...]) -> None:
    """Show how PLAN's verdicts change as rules come into and go out of effect."""
    from engine.advice.timeline import render_timeline
    from engine.advice.timeline import timeline as build

    if start and end and end < start:
        raise click.BadParameter(f"--to {end} is before --from {start}.", param_hint="--to")
    evaluator, assessment = _assess(plan, rule_dirs, start, end, "--from")
    line = build(evaluator, assessment.plan, start, end)
    overalls = [line.start.overall, *(c.after.overall for c in line.changes)]
    _finish(render_timeline(line, evaluator.rules), max(EXIT_BY_OVERALL[o] for o in overalls))


@click.command()
@click.argument("plan", type=PLAN)
@_as_of_option
@rules_option
@debug_option
@guarded
def suggest(plan: Path, as_of: str | None, rule_dirs: tuple[Path, ...]) -> None:
    """Suggest changes to PLAN that clear its findings, each re-checked by the engine."""
    from engine.advice.advise import advise, render_advice

    evaluator, assessment = _assess(plan, rule_dirs, as_of)
    _finish(render_advice(advise(evaluator, assessment)), EXIT_BY_OVERALL[assessment.overall])


@click.command()
@click.argument("first", type=PLAN, metavar="PLAN")
@click.argument("second", type=PLAN, required=False, metavar="[OTHER-PLAN]")
@click.option("--rules-new", "new_dirs", multiple=True, metavar="DIR", type=RULES_DIR,
              help="Compare PLAN under --rules (or the built-in rules) with these rules.")  # fmt: skip
@_as_of_option
@rules_option
@debug_option
@guarded
def compare(first: Path, second: Path | None, new_dirs: tuple[Path, ...], as_of: str | None,
            rule_dirs: tuple[Path, ...]) -> None:  # fmt: skip
    """Compare two plans, or one plan under two rule sets, and say why verdicts differ."""
    from engine.advice.compare import compare as differences
    from engine.advice.compare import render_comparison

    if (second is None) == (not new_dirs):
        raise click.UsageError("give either a second plan or --rules-new DIR, not both or neither.")
    left_eval, left = _assess(first, rule_dirs, as_of)
    right_eval, right = _assess(second or first, new_dirs or rule_dirs, as_of)
    names = (str(first), str(second)) if second else ("the first rules", "--rules-new")
    text = render_comparison(differences(left, right, left_eval.rules, right_eval.rules), *names)
    _finish(text, max(EXIT_BY_OVERALL[left.overall], EXIT_BY_OVERALL[right.overall]))
