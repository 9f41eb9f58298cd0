"""Run fixture files against the rules: the engine of `gpca test`.

A file that cannot be used (bad YAML, a case with no expectation, a rule or action
that does not exist) is a tool error, kept apart from expectations that fail.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from msgspec import Struct

from engine.authoring.verify import Case, Mismatch, check_case, load_cases
from engine.core.errors import InputError
from engine.core.evaluate import Evaluator
from engine.core.model import Assessment, Problem, RuleSet

FIXTURE_SUFFIXES = (".yaml", ".yml")


class CaseRun(Struct, frozen=True):
    case: Case
    assessment: Assessment
    mismatches: tuple[Mismatch, ...]
    seconds: float


class FileError(Struct, frozen=True):
    path: str
    problems: tuple[Problem, ...]


class SuiteResult(Struct, frozen=True):
    runs: tuple[CaseRun, ...]
    errors: tuple[FileError, ...]

    @property
    def failed(self) -> tuple[CaseRun, ...]:
        return tuple(run for run in self.runs if run.mismatches)

    @property
    def summary(self) -> str:
        passed = len(self.runs) - len(self.failed)
        return f"{passed} passed, {len(self.failed)} failed, {len(self.errors)} errors"


def fixture_files(paths: Iterable[Path]) -> list[Path]:
    """Each path, or every fixture file below it when it is a directory."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in FIXTURE_SUFFIXES)
        else:
            files.append(path)
    return files


def default_fixture_paths(rule_dirs: Sequence[Path], here: Path) -> list[Path]:
    """``fixtures/`` beside the rules of each pack, and in the current directory."""
    candidates = [Path(d) / "fixtures" for d in rule_dirs] + [here / "fixtures"]
    found: list[Path] = []
    for candidate in candidates:
        if candidate.is_dir() and candidate.resolve() not in [f.resolve() for f in found]:
            found.append(candidate)
    return found


def run_suite(files: Iterable[Path], rules: RuleSet, evaluator: Evaluator | None = None) -> SuiteResult:
    evaluator = evaluator or Evaluator(rules)
    runs: list[CaseRun] = []
    errors: list[FileError] = []
    for path in files:
        try:
            cases = load_cases(path, rules)
        except InputError as error:
            errors.append(FileError(str(path), tuple(error.problems)))
            continue
        runs += [run_case(case, evaluator) for case in cases]
    return SuiteResult(tuple(runs), tuple(errors))


def run_case(case: Case, evaluator: Evaluator) -> CaseRun:
    started = time.perf_counter()
    assessment = evaluator.assess(case.plan)
    mismatches = tuple(check_case(case, assessment))
    return CaseRun(case, assessment, mismatches, time.perf_counter() - started)
