"""`gpca impact`: which verdicts a rule change flips, as a Markdown table for a pull request.

Every fixture case and example plan is evaluated under the old and the new rules; each
overall verdict, rule outcome and action status that differs is a row, with why.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from collections.abc import Iterable
from pathlib import Path

from msgspec import Struct

from engine.advice.why import explain_result
from engine.authoring.suite import fixture_files
from engine.authoring.verify import load_cases
from engine.core.errors import InputError
from engine.core.evaluate import Evaluator
from engine.core.model import Assessment, Plan, Problem, RuleSet, replace
from engine.core.readings import verdict_key
from engine.inputs.load import load_plan
from engine.inputs.read import read_yaml

NO_SUCH_RULE = "no such rule"  # the outcome a rule has in a rule set that lacks it


class Change(Struct, frozen=True):
    plan: str
    subject: str  # "overall", "rule <id>" or "action <id>"
    before: str
    after: str
    why: str


def old_rules_from_git(rule_dirs: Iterable[Path], rev: str, into: Path) -> list[Path]:
    """Each rules directory as it was at ``rev``, extracted below ``into``."""
    olds = []
    for index, directory in enumerate(rule_dirs):
        top = _git(["rev-parse", "--show-toplevel"], directory).decode().strip()
        relative = Path(directory).resolve().relative_to(Path(top).resolve()).as_posix()
        archive = _git(["archive", "--format=tar", rev, "--", relative], Path(top))
        target = into / str(index)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
        olds.append(target / relative)
    return olds


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or str(error).encode()
        message = f"git {args[0]} failed: {detail.decode(errors='replace').strip()}"
        raise InputError([Problem("git", message, hint="check the revision and that the rules are in a git repository")]) from None
    return done.stdout


def plans_to_compare(paths: Iterable[Path], rules: RuleSet) -> list[tuple[str, Plan]]:
    """Every fixture case and example plan under ``paths`` that loads under ``rules``."""
    plans = []
    for path in fixture_files(paths):
        try:
            plans += _named_plans(path, rules)
        except InputError:
            continue  # a plan the rules cannot read is compared by the loading side only
    return plans


def _named_plans(path: Path, rules: RuleSet) -> list[tuple[str, Plan]]:
    """A fixture file's cases, or the plan an example file holds."""
    data = read_yaml(path).data
    if "expect" in data or "cases" in data:
        return [(case.name, case.plan) for case in load_cases(path, rules)]
    return [(str(path), load_plan(path, rules))]


def compare(old: RuleSet, new: RuleSet, paths: Iterable[Path]) -> list[Change]:
    paths = list(paths)
    old_plans, new_plans = dict(plans_to_compare(paths, old)), dict(plans_to_compare(paths, new))
    old_engine, new_engine = Evaluator(old), Evaluator(new)
    changed = _changed_rules(old, new)
    changes = []
    for name in sorted(set(old_plans) | set(new_plans)):
        before = old_engine.assess(old_plans[name]) if name in old_plans else None
        after = new_engine.assess(new_plans[name]) if name in new_plans else None
        changes += _differences(name, before, after, new, changed)
    return changes


def _changed_rules(old: RuleSet, new: RuleSet) -> dict[str, str]:
    def bare(rules: RuleSet) -> dict[str, object]:
        return {r.id: replace(r, file="", pack="") for r in (*rules.constraints, *rules.actions)}

    was, now = bare(old), bare(new)
    words = {i: "added" for i in now.keys() - was.keys()}
    words.update({i: "removed" for i in was.keys() - now.keys()})
    words.update({i: "changed" for i in now.keys() & was.keys() if now[i] != was[i]})
    return words


def _differences(name: str, before: Assessment | None, after: Assessment | None,
                 new: RuleSet, changed: dict[str, str]) -> list[Change]:  # fmt: skip
    if before is None or after is None:
        state = "not loadable"
        return [Change(name, "plan", "loads" if before else state, "loads" if after else state,
                       "an action or field it uses was added or removed")]  # fmt: skip
    changes = []
    if before.overall != after.overall:
        changes.append(Change(name, "overall", before.overall, after.overall, _why_overall(before, after, changed)))
    old_results = {r.rule_id: r for r in before.results}
    for result in after.results:
        old = old_results.get(result.rule_id)
        was = old.outcome if old else NO_SUCH_RULE
        if was != result.outcome:
            why = _rule_word(result.rule_id, changed) + "; now " + " ".join(explain_result(result, after, new))
            changes.append(Change(name, f"rule {result.rule_id}", was, result.outcome, why))
    old_actions = {v.action_id: verdict_key(v) for v in before.actions}
    for verdict in after.actions:
        if old_actions.get(verdict.action_id) != verdict_key(verdict):
            why = "its findings are now: " + (", ".join(verdict.findings) or "none")
            changes.append(Change(name, f"action {verdict.action_id}", old_actions.get(verdict.action_id, "-"), verdict_key(verdict), why))
    return changes


def _why_overall(before: Assessment, after: Assessment, changed: dict[str, str]) -> str:
    flipped = [r.rule_id for r in after.results if r.outcome != before.outcome_of(r.rule_id, NO_SUCH_RULE)]
    return "rules whose outcome changed: " + (", ".join(flipped) or "none") + _changed_words(flipped, changed)


def _changed_words(rule_ids: list[str], changed: dict[str, str]) -> str:
    named = [f"{rid} {changed[rid]}" for rid in rule_ids if rid in changed]
    return f" ({'; '.join(named)})" if named else ""


def _rule_word(rule_id: str, changed: dict[str, str]) -> str:
    return f"rule {changed[rule_id]}" if rule_id in changed else "rule unchanged; an action or input changed"


def render_markdown(changes: list[Change], plans: int) -> str:
    heading = f"### gpca impact: {len(changes)} verdict changes in {len({c.plan for c in changes})} of {plans} plans"
    if not changes:
        return heading + "\n\nNo verdict changes.\n"
    rows = [f"| {_cell(c.plan)} | {_cell(c.subject)} | {c.before} | {c.after} | {_cell(c.why)} |" for c in changes]
    return "\n".join([heading, "", "| plan | verdict | before | after | why |", "|---|---|---|---|---|", *rows]) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
