"""Checking many plans: each plan checked in turn, or spread over worker processes.

Either way the results come back in plan order, one at a time, each carrying what its
check said on standard error, its part of a streamed report and its exit code, so that
`gpca check --jobs N` prints exactly what `--jobs 1` prints.

durable_rules runs background threads in every Host, and a process forked while they
run can deadlock or crash; so workers are spawned, never forked, and each builds its own
Host once, when it starts.
"""

from __future__ import annotations

import contextlib
import io
import itertools
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from engine.model import Assessment, Problem, RuleSet
from engine.report.stream import Part

PLANS_PER_WORKER = 64  # starting a worker (0.3-0.4 s) costs about as much as checking this many plans
CHUNKS_AHEAD = 4  # chunks in flight per worker: enough to keep it busy, few enough to bound memory
MOST_PER_CHUNK = 16


class Settings(Struct, frozen=True):
    """What every plan of one `gpca check` is checked with."""

    rule_dirs: tuple[str, ...]
    as_of: str | None
    fmt: str
    streamed: bool  # the report is written plan by plan
    keep_assessment: bool  # the whole-set reporters need it
    summary_rows: bool


class Checked(Struct, frozen=True):
    path: str
    messages: str = ""  # what checking it said on standard error, in order
    code: int = 0
    part: Part | None = None
    assessment: Assessment | None = None
    rows: list[list[str]] = field(default_factory=list)
    fatal: list[Problem] = field(default_factory=list)  # an input error that ends the run, as today


class WorkerStopped(RuntimeError):
    """A worker process died (a crash or abort in durable_rules, or a kill)."""


def checked_plans(files: list[Path], settings: Settings, rules: RuleSet, jobs: int) -> Iterator[Checked]:
    """Each plan of ``files`` checked, in order; in this process when one worker is enough."""
    workers = min(jobs, -(-len(files) // PLANS_PER_WORKER))
    if workers <= 1:
        from engine.evaluate import Evaluator

        evaluator = Evaluator(rules)
        return (check_plan(path, settings, rules, evaluator) for path in files)
    return _pooled(files, settings, workers)


def check_plan(path: Path, settings: Settings, rules: RuleSet, evaluator: Any) -> Checked:
    from engine.errors import InputError

    said = io.StringIO()
    try:
        with contextlib.redirect_stderr(said):
            return _checked(path, settings, rules, evaluator, said)
    except InputError as error:  # from the evaluator: the run stops here, as in one process
        return Checked(str(path), said.getvalue(), fatal=error.problems)


def _checked(path: Path, settings: Settings, rules: RuleSet, evaluator: Any, said: io.StringIO) -> Checked:
    # The command line's own helpers, so that a plan says the same whichever way it is checked.
    from engine.cli import EXIT_BY_OVERALL, EXIT_INPUT, _echo_problems, _echo_warnings, within_known_dates
    from engine.errors import InputError
    from engine.waive import load_plan_with_waivers, review_waivers

    try:
        plan = load_plan_with_waivers(path, rules, settings.as_of)
        within_known_dates(rules, plan, settings.as_of, fmt=settings.fmt)
    except InputError as error:
        _echo_problems(error)
        return Checked(str(path), said.getvalue(), EXIT_INPUT)
    _echo_warnings(plan.warnings)
    assessment = review_waivers(evaluator.assess(plan, as_of=settings.as_of))
    return _outcome(str(path), said.getvalue(), EXIT_BY_OVERALL[assessment.overall], assessment, settings, rules)


def _outcome(path: str, said: str, code: int, assessment: Assessment, settings: Settings, rules: RuleSet) -> Checked:
    from engine.report.stream import plan_part
    from engine.report.summary_csv import summary_rows

    return Checked(
        path, said, code,
        part=plan_part(settings.fmt, assessment, rules) if settings.streamed else None,
        assessment=assessment if settings.keep_assessment else None,
        rows=summary_rows(assessment) if settings.summary_rows else [],
    )  # fmt: skip


def _pooled(files: list[Path], settings: Settings, workers: int, work: Any = None) -> Iterator[Checked]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    work = work or _check_chunk  # a test passes a worker that dies
    size = max(1, min(MOST_PER_CHUNK, len(files) // (workers * CHUNKS_AHEAD)))
    chunks = (files[start:start + size] for start in range(0, len(files), size))
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(settings,))  # fmt: skip
    try:
        first = itertools.islice(chunks, workers * CHUNKS_AHEAD)
        pending = deque((chunk, pool.submit(work, chunk)) for chunk in first)
        while pending:
            chunk, future = pending.popleft()
            try:
                results = future.result()
            except BrokenProcessPool:
                raise WorkerStopped(_stopped_message(chunk[0])) from None
            pending.extend((more, pool.submit(work, more)) for more in itertools.islice(chunks, 1))
            yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _stopped_message(first: Path) -> str:
    return (f"a worker process stopped abruptly while checking {first} or a plan checked at the "
            "same time; nothing is reported for it or the plans after it")


_worker: tuple[Settings, RuleSet, Any] | None = None  # in a worker: its settings, rules and evaluator


def _start_worker(settings: Settings) -> None:
    from engine.cache import load_rules_cached
    from engine.evaluate import Evaluator

    global _worker
    rules = load_rules_cached([Path(d) for d in settings.rule_dirs] or None)
    _worker = (settings, rules, Evaluator(rules))


def _check_chunk(paths: list[Path]) -> list[Checked]:
    assert _worker is not None, "the pool's initializer builds the worker's evaluator"
    settings, rules, evaluator = _worker
    return [check_plan(path, settings, rules, evaluator) for path in paths]


PROGRESS_FROM = 200  # plans: fewer are checked before a bar would tell anyone anything


class _NoBar:
    def update(self, _steps: int) -> None:
        """Nothing to show: a pipe, a CI log or a short run."""


def progress_bar(total: int, stream: Any) -> contextlib.AbstractContextManager[Any]:
    """A progress bar on ``stream`` for a long run shown on a terminal, else nothing."""
    import click

    if total > PROGRESS_FROM and stream is not None and stream.isatty():
        return click.progressbar(length=total, file=stream, label="Checking plans")
    return contextlib.nullcontext(_NoBar())
