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

from engine.core.model import Assessment, Problem, RuleSet
from engine.report.stream import Part

PLANS_PER_WORKER = 64  # starting a worker (0.3-0.4 s) costs about as much as checking this many plans
CHUNKS_AHEAD = 4  # chunks in flight per worker: enough to keep it busy, few enough to bound memory
MOST_PER_CHUNK = 16
# Far beyond any plan's check (about 0.1 s at 2,000 constraints), even on a loaded machine.
CHUNK_TIMEOUT_S = 300
STARTED, DONE = 1, 2


class Settings(Struct, frozen=True):
    """What every plan of one `gpca check` is checked with."""

    rule_dirs: tuple[str, ...]
    as_of: str | None
    fmt: str
    reports: tuple[str, ...]  # the formats of the reports written, each plan by plan
    summary_rows: bool


class Checked(Struct, frozen=True):
    path: str
    messages: str = ""  # what checking it said on standard error, in order
    code: int = 0
    parts: tuple[Part, ...] = ()  # the plan's part of each report, in the order of Settings.reports
    rows: list[list[str]] = field(default_factory=list)
    fatal: list[Problem] = field(default_factory=list)  # an input error that ends the run, as today


class WorkerStopped(RuntimeError):
    """A worker process died (a crash or abort in durable_rules, or a kill)."""


def checked_plans(files: list[Path], settings: Settings, rules: RuleSet, jobs: int) -> Iterator[Checked]:
    """Each plan of ``files`` checked, in order; in this process when one worker is enough."""
    workers = min(jobs, -(-len(files) // PLANS_PER_WORKER))
    if workers <= 1:
        from engine.core.evaluate import Evaluator

        evaluator = Evaluator(rules)
        return (check_plan(path, settings, rules, evaluator) for path in files)
    return _pooled(files, settings, workers)


def check_plan(path: Path, settings: Settings, rules: RuleSet, evaluator: Any) -> Checked:
    from engine.core.errors import InputError

    said = io.StringIO()
    try:
        with contextlib.redirect_stderr(said):
            return _checked(path, settings, rules, evaluator, said)
    except InputError as error:  # from the evaluator: the run stops here, as in one process
        return Checked(str(path), said.getvalue(), fatal=error.problems)


def _checked(path: Path, settings: Settings, rules: RuleSet, evaluator: Any, said: io.StringIO) -> Checked:
    # The command line's own helpers, so that a plan says the same whichever way it is checked.
    from engine.cli.options import EXIT_BY_OVERALL, EXIT_INPUT, echo_problems, echo_warnings, within_known_dates
    from engine.core.errors import InputError
    from engine.inputs.waive import load_plan_with_waivers, review_waivers

    try:
        plan = load_plan_with_waivers(path, rules, settings.as_of)
        within_known_dates(rules, plan, settings.as_of, fmt=settings.fmt)
    except InputError as error:
        echo_problems(error)
        return Checked(str(path), said.getvalue(), EXIT_INPUT)
    echo_warnings(plan.warnings)
    assessment = review_waivers(evaluator.assess(plan, as_of=settings.as_of))
    return _outcome(str(path), said.getvalue(), EXIT_BY_OVERALL[assessment.overall], assessment, settings, rules)


def _outcome(path: str, said: str, code: int, assessment: Assessment, settings: Settings, rules: RuleSet) -> Checked:
    from engine.report.stream import plan_part
    from engine.report.summary_csv import summary_rows

    return Checked(
        path, said, code,
        parts=tuple(plan_part(fmt, assessment, rules) for fmt in settings.reports),
        rows=summary_rows(assessment) if settings.summary_rows else [],
    )  # fmt: skip


def _pooled(files: list[Path], settings: Settings, workers: int, work: Any = None) -> Iterator[Checked]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    # A byte per plan, shared with the workers: 1 once a worker starts on it, 2 once done,
    # so that when a worker dies the plan it died on can be named.
    states = context.Array("b", len(files), lock=False)
    size = max(1, min(MOST_PER_CHUNK, len(files) // (workers * CHUNKS_AHEAD)))
    numbered = enumerate(files)
    chunks = iter(lambda: list(itertools.islice(numbered, size)), [])  # each plan numbered once
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                               initargs=(settings, states))  # fmt: skip
    try:
        yield from _in_order(pool, chunks, work or _check_chunk, workers * CHUNKS_AHEAD, files, states)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _in_order(pool: Any, chunks: Iterator[list[tuple[int, Path]]], work: Any, ahead: int,
              files: list[Path], states: Any) -> Iterator[Checked]:  # fmt: skip
    """The chunks' results in order, with at most ``ahead`` chunks submitted and not yet read."""
    from concurrent.futures import TimeoutError as Late
    from concurrent.futures.process import BrokenProcessPool

    pending = deque((chunk, pool.submit(work, chunk)) for chunk in itertools.islice(chunks, ahead))
    lost = None  # a chunk the pool would not take: a worker had died since the last result
    while pending:
        chunk, future = pending.popleft()
        try:
            results = future.result(timeout=CHUNK_TIMEOUT_S)
        except BrokenProcessPool:
            raise WorkerStopped(_stopped_message(files, states, chunk[0][1])) from None
        except Late:
            _end_workers()
            raise WorkerStopped(_stopped_message(files, states, chunk[0][1], hung=True)) from None
        more = None if lost else next(chunks, None)
        if more is not None:
            try:
                pending.append((more, pool.submit(work, more)))
            except BrokenProcessPool:  # the chunks already checked are still reported, in order
                lost = more
        yield from results
    if lost is not None:
        raise WorkerStopped(_stopped_message(files, states, lost[0][1]))


def _end_workers() -> None:
    import multiprocessing

    for process in multiprocessing.active_children():
        process.kill()


def _stopped_message(files: list[Path], states: Any, waited_for: Path, hung: bool = False) -> str:
    """Names the plans being checked when the pool broke: the one its worker died on, and
    any the other workers, ended with the pool, were on; else the plan waited for (a worker
    that died on starting)."""
    started = " or ".join(str(path) for path, state in zip(files, states) if state == STARTED)
    what = f"hung for over {CHUNK_TIMEOUT_S} s" if hung else "stopped abruptly"
    return f"a worker process {what} while checking {started or waited_for}; nothing is reported for it or later plans"


_worker: tuple[Settings, RuleSet, Any, Any] | None = None  # in a worker: settings, rules, evaluator, states


def _start_worker(settings: Settings, states: Any) -> None:
    from engine.inputs.cache import load_rules_cached
    from engine.core.evaluate import Evaluator

    global _worker
    rules = load_rules_cached([Path(d) for d in settings.rule_dirs] or None)
    _worker = (settings, rules, Evaluator(rules), states)


def _check_chunk(chunk: list[tuple[int, Path]], check: Any = None) -> list[Checked]:
    """Each plan of ``chunk`` checked (by ``check``, which a test replaces with one that dies)."""
    assert _worker is not None, "the pool's initializer builds the worker's evaluator"
    settings, rules, evaluator, states = _worker
    results = []
    for index, path in chunk:
        states[index] = STARTED
        results.append((check or check_plan)(path, settings, rules, evaluator))
        states[index] = DONE
    return results


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
