"""Checking many plans: worker processes give the very bytes and exit code of one process."""

from __future__ import annotations

import functools
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

import engine.cli.batch
import engine.cli.practice
import engine.inputs.waive
from engine.cli import gpca
from engine.cli.batch import Settings, WorkerStopped, _pooled, progress_bar
from engine.cli.options import FORMATS
from engine.core.escape import for_output
from engine.core.evaluate import Evaluator
from engine.core.model import Assessment
from engine.inputs.cache import load_rules_cached
from engine.inputs.load import load_rules
from engine.inputs.waive import load_plan_with_waivers, review_waivers
from engine.report import render

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
REPORT_SCHEMA = json.loads((REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
PLAN_SCHEMA = {**REPORT_SCHEMA, "$ref": "#/$defs/plan"}
PLAN_SCHEMA.pop("required"), PLAN_SCHEMA.pop("properties"), PLAN_SCHEMA.pop("type")
PLAN_SCHEMA.pop("additionalProperties")
PLANS = 24  # enough for several chunks over two workers once PLANS_PER_WORKER is lowered
BROKEN = "m-broken.yaml"  # sorts among the good plans


def run_cli(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(gpca, args, prog_name="gpca", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plans of the fixture cases, one file each, and one plan that is not valid."""
    folder = tmp_path_factory.mktemp("plans")
    cases = sorted(FIXTURES.rglob("*.yaml"))
    plans = [yaml.load(case.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader).get("plan") for case in cases]
    for index, plan in enumerate([p for p in plans if p][:PLANS]):
        (folder / f"{chr(ord('a') + index % 26)}{index:02d}.yaml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    (folder / BROKEN).write_text("practice: {name: Broken}\nassessed_on: not a date\n", encoding="utf-8")
    return folder


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Lets a short run use workers, and counts the pools started."""
    started: list[int] = []
    real = engine.cli.batch._pooled

    def counting(files: Any, settings: Any, workers: int, *args: Any) -> Any:
        started.append(workers)
        return real(files, settings, workers, *args)

    monkeypatch.setattr(engine.cli.batch, "PLANS_PER_WORKER", 4)
    monkeypatch.setattr(engine.cli.batch, "_pooled", counting)
    return started


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_jobs_print_the_bytes_and_exit_code_of_one(fmt: str, plan_dir: Path, pooled: list[int]) -> None:
    alone = run_cli(["check", str(plan_dir), "--format", fmt, "--jobs", "1"])
    assert pooled == []
    shared = run_cli(["check", str(plan_dir), "--format", fmt, "--jobs", "2"])
    assert pooled == [2]
    assert shared == alone
    assert alone[0] == 2  # the broken plan


def test_a_broken_plan_is_reported_in_its_place_among_good_ones(plan_dir: Path, pooled: list[int]) -> None:
    code, out, err = run_cli(["check", str(plan_dir), "--format", "jsonl", "--jobs", "2"])
    paths = [json.loads(line)["path"] for line in out.splitlines()]
    assert code == 2
    assert len(paths) == PLANS
    assert paths == sorted(paths)
    assert BROKEN not in " ".join(paths)
    said_of = [line.split(":")[0] for line in err.splitlines() if line.startswith(str(plan_dir))]
    assert said_of == sorted(said_of)
    assert f"{plan_dir / BROKEN}:1:1: error[plan-schema]: missing required key 'actions'" in err


def test_every_jsonl_line_is_a_plan_of_the_report_schema(plan_dir: Path) -> None:
    code, out, _ = run_cli(["check", str(plan_dir), "--format", "jsonl", "--jobs", "1"])
    _, whole, _ = run_cli(["check", str(plan_dir), "--format", "json", "--jobs", "1"])
    lines = out.splitlines()
    for line in lines:
        jsonschema.validate(json.loads(line), PLAN_SCHEMA)
    assert [json.loads(line) for line in lines] == json.loads(whole)["plans"]
    assert code == 2


def test_the_plan_schema_refuses_a_report_that_is_not_one_plan(plan_dir: Path) -> None:
    _, whole, _ = run_cli(["check", str(plan_dir), "--format", "json", "--jobs", "1"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(whole), PLAN_SCHEMA)


# junit's totals come before its first plan, and the first plans here have nothing to annotate
@pytest.mark.parametrize("fmt", [fmt for fmt in FORMATS if fmt not in ("junit", "github")])
def test_the_report_is_written_before_the_last_plan_is_read(fmt: str, plan_dir: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    events: list[str] = []
    real_load, real_echo = engine.inputs.waive.load_plan_with_waivers, engine.cli.practice.echo_output
    monkeypatch.setattr(engine.inputs.waive, "load_plan_with_waivers", lambda *a: events.append("read") or real_load(*a))
    monkeypatch.setattr(engine.cli.practice, "echo_output", lambda *a: events.append("write") or real_echo(*a))
    run_cli(["check", str(plan_dir), "--format", fmt, "--jobs", "1"])
    assert events.count("read") == PLANS + 1
    assert events.index("write") == 1  # straight after the first plan is read


def _assessments_alive() -> int:
    gc.collect()
    return sum(type(thing) is Assessment for thing in gc.get_objects())


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_report_keeps_the_plans_assessments(fmt: str, plan_dir: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Neither the report on standard output nor one written by --output holds on to the
    plans checked before: when the last plan is read, none of their assessments is alive."""
    alive: list[int] = []
    real_load = engine.inputs.waive.load_plan_with_waivers

    def load(*args: Any) -> Any:
        reads.append(args[0])
        if len(reads) in (1, PLANS + 1):
            alive.append(_assessments_alive())
        return real_load(*args)

    reads: list[Path] = []
    monkeypatch.setattr(engine.inputs.waive, "load_plan_with_waivers", load)
    other = FORMATS[(FORMATS.index(fmt) + 1) % len(FORMATS)]
    code, _, _ = run_cli(["check", str(plan_dir), "--format", fmt, "--output", f"{other}={tmp_path / 'r'}",
                          "--jobs", "1"])  # fmt: skip
    assert code == 2
    assert len(reads) == PLANS + 1
    assert alive[1] - alive[0] == 0


def _assessed(paths: list[Path]) -> list[Assessment]:
    """The assessments `gpca check` makes of ``paths``, made here without it."""
    rules = load_rules_cached([REPO / "rules"])  # as gpca check --rules loads them
    evaluator = Evaluator(rules)
    return [review_waivers(evaluator.assess(load_plan_with_waivers(path, rules))) for path in paths]


@pytest.fixture(scope="module")
def plan_sets(plan_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[Assessment]]]:
    """Folders of no valid plan, of one, and of several, each with the invalid plan among
    them, and what the whole-set reporter is given for each."""
    files = [path for path in sorted(plan_dir.glob("*.yaml")) if path.name != BROKEN]
    sets = {}
    for name, count in (("none", 0), ("one", 1), ("several", PLANS)):
        folder = tmp_path_factory.mktemp(name)
        for path in [*files[:count], plan_dir / BROKEN]:
            (folder / path.name).write_bytes(path.read_bytes())
        sets[name] = (folder, _assessed([folder / path.name for path in files[:count]]))
    return sets


def test_the_several_plans_have_a_cannot_tell_among_them(plan_sets: dict[str, Any]) -> None:
    overalls = [assessment.overall for assessment in plan_sets["several"][1]]
    assert "cannot_tell" in overalls and "risk" in overalls and len(overalls) == PLANS


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("count", ["none", "one", "several"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_streamed_report_is_the_whole_set_reporters_byte_for_byte(
    fmt: str, count: str, jobs: int, plan_sets: dict[str, Any], pooled: list[int], tmp_path: Path,
) -> None:  # fmt: skip
    folder, assessments = plan_sets[count]
    output = tmp_path / f"report.{fmt}"
    code, out, _ = run_cli(["check", str(folder), "--format", fmt, "--output", f"{fmt}={output}",
                            "--jobs", str(jobs), "--rules", str(REPO / "rules")])  # fmt: skip
    whole = for_output(render(fmt, assessments, load_rules_cached([REPO / "rules"])), fmt) if assessments else ""
    assert out == whole
    assert (output.read_text(encoding="utf-8") if output.exists() else "") == whole
    assert code == 2
    assert pooled == ([2] if jobs == 2 and count == "several" else [])


def _die_at(name: str, path: Path, *checking: Any) -> Any:
    if path.name == name:
        os._exit(134)  # as a durable_rules abort ends a worker
    return engine.cli.batch.check_plan(path, *checking)


def test_a_worker_that_dies_stops_the_run_naming_the_plan(plan_dir: Path) -> None:
    files = sorted(plan_dir.iterdir())
    settings = Settings((), None, "jsonl", ("jsonl",), False)
    dying = functools.partial(engine.cli.batch._check_chunk, check=functools.partial(_die_at, files[9].name))
    seen = []
    with pytest.raises(WorkerStopped) as stopped:
        for checked in _pooled(files, settings, 2, dying):
            seen.append(checked.path)
    named, _, rest = str(stopped.value).removeprefix("a worker process stopped abruptly while checking ").partition(";")
    # The pool ends the other worker too, so the plan it was on is named as well.
    assert str(files[9]) in named.split(" or ")
    assert len(named.split(" or ")) <= 2
    assert rest == " nothing is reported for it or later plans"
    assert seen == [str(path) for path in files[:len(seen)]]
    assert len(seen) <= 9


class _BreakingPool:
    """A pool whose worker dies on the chunk numbered ``dies_on`` (None: while idle), after
    which it takes no more: as when a worker dies between two results."""

    def __init__(self, dies_on: int | None, takes: int) -> None:
        self.dies_on, self.takes, self.given = dies_on, takes, 0

    def submit(self, work: Any, chunk: list[tuple[int, Path]]) -> Any:
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        if self.given == self.takes:
            raise BrokenProcessPool("A child process terminated abruptly")
        future: Future[Any] = Future()
        if self.given == self.dies_on:
            future.set_exception(BrokenProcessPool("A child process terminated abruptly"))
        else:
            future.set_result(work(chunk))
        self.given += 1
        return future


def _stopping_run(pool: _BreakingPool, states: list[int]) -> tuple[list[Path], str]:
    from engine.cli.batch import _in_order

    files = [Path(f"p{index}.yaml") for index in range(6)]
    chunks = iter([files[start:start + 2] for start in range(0, 6, 2)])
    numbered = ([(files.index(path), path) for path in chunk] for chunk in chunks)
    seen: list[Path] = []
    with pytest.raises(WorkerStopped) as stopped:
        seen.extend(_in_order(pool, numbered, lambda chunk: [path for _, path in chunk], 2, files, states))
    return seen, str(stopped.value)


def test_a_worker_that_dies_between_two_results_stops_the_run_at_the_plan_it_died_on() -> None:
    assert _stopping_run(_BreakingPool(dies_on=1, takes=2), [2, 2, 2, 1, 0, 0]) == (
        [Path("p0.yaml"), Path("p1.yaml")],
        "a worker process stopped abruptly while checking p3.yaml; nothing is reported for it or later plans")


def test_a_worker_that_dies_idle_stops_the_run_after_every_plan_already_checked() -> None:
    assert _stopping_run(_BreakingPool(dies_on=None, takes=2), [2, 2, 2, 2, 0, 0]) == (
        [Path(f"p{index}.yaml") for index in range(4)],
        "a worker process stopped abruptly while checking p4.yaml; nothing is reported for it or later plans")


def test_a_summary_csv_has_a_row_per_practice_and_chosen_action(plan_dir: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.csv"
    code, out, _ = run_cli(["check", str(plan_dir), "--format", "jsonl", "--summary", str(summary), "--jobs", "1"])
    rows = summary.read_text(encoding="utf-8").splitlines()
    plans = [json.loads(line) for line in out.splitlines()]
    assert rows[0] == "practice,ods_code,plan,action,status,rules_at_risk,open_questions"
    assert len(rows) == 1 + sum(len(plan["actions"]) for plan in plans)
    assert code == 2


def test_a_summary_that_cannot_be_written_is_exit_2(plan_dir: Path, tmp_path: Path) -> None:
    code, out, err = run_cli(["check", str(plan_dir), "--summary", str(tmp_path / "missing" / "s.csv")])
    assert (code, out) == (2, "")
    assert err.startswith(f"error[unwritable-output]: --summary '{tmp_path / 'missing' / 's.csv'}': "
                          f"there is no folder '{tmp_path / 'missing'}'")


def test_a_summary_never_writes_over_a_plan_being_checked(plan_dir: Path) -> None:
    plan = sorted(plan_dir.glob("*.yaml"))[0]
    before = plan.read_bytes()
    code, out, err = run_cli(["check", str(plan_dir), "--summary", str(plan)])
    assert (code, out, plan.read_bytes()) == (2, "", before)
    assert err == (f"error[unwritable-output]: --summary '{plan}': it is one of the files gpca is reading; "
                   "it will not overwrite it\n  hint: choose another PATH\n")  # fmt: skip


@pytest.mark.parametrize("plans, shown", [(201, True), (200, False)])
def test_a_progress_bar_shows_on_a_terminal_for_a_long_run(plans: int, shown: bool) -> None:
    main, side = os.openpty()
    with open(side, "w", encoding="utf-8") as terminal:
        with progress_bar(plans, terminal) as bar:
            bar.update(plans)
    assert ("Checking plans" in _drawn(main)) is shown


def _drawn(terminal: int) -> str:
    """All written to a pty or pipe, read from ``terminal`` until every writer has closed it."""
    drawn = b""
    try:
        while chunk := os.read(terminal, 65536):
            drawn += chunk
    except OSError:  # a pty's main side reads EIO, not end of file, once the other side closes
        pass
    os.close(terminal)
    return drawn.decode()


def _many_plans(folder: Path, count: int) -> Path:
    example = (REPO / "examples" / "riverside.yaml").read_text(encoding="utf-8")
    for index in range(count):
        (folder / f"plan-{index:04d}.yaml").write_text(example, encoding="utf-8")
    return folder


@pytest.mark.parametrize("terminal", [True, False])
def test_gpca_check_draws_a_bar_only_when_stderr_is_a_terminal(terminal: bool, tmp_path: Path) -> None:
    folder = _many_plans(tmp_path, engine.cli.batch.PROGRESS_FROM + 1)
    main, side = os.openpty() if terminal else os.pipe()
    command = [sys.executable, "-m", "engine", "check", str(folder), "--format", "jsonl", "--jobs", "1"]
    with tempfile.TemporaryFile() as out:
        run = subprocess.Popen(command, stdout=out, stderr=side, cwd=REPO)
        os.close(side)
        drawn = _drawn(main)
        assert run.wait(timeout=120) == 1
        out.seek(0)
        assert len(out.read().splitlines()) == engine.cli.batch.PROGRESS_FROM + 1
    assert ("Checking plans" in drawn) is terminal


def test_no_progress_bar_goes_to_a_pipe(tmp_path: Path) -> None:
    reader, writer = os.pipe()
    with open(writer, "w", encoding="utf-8") as pipe:
        with progress_bar(6300, pipe) as bar:
            bar.update(6300)
    with open(reader, encoding="utf-8") as drawn:
        assert drawn.read() == ""


def _hang_at(name: str, path: Path, *checking: Any) -> Any:
    if path.name == name:
        time.sleep(3600)  # as a deadlock in the engine would
    return engine.cli.batch.check_plan(path, *checking)


def test_a_worker_that_hangs_is_ended_and_named(plan_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine.cli.batch, "CHUNK_TIMEOUT_S", 5)
    files = sorted(plan_dir.iterdir())
    settings = Settings((), None, "jsonl", ("jsonl",), False)
    hanging = functools.partial(engine.cli.batch._check_chunk, check=functools.partial(_hang_at, files[0].name))
    started = time.monotonic()
    with pytest.raises(WorkerStopped) as stopped:
        list(_pooled(files, settings, 2, hanging))
    assert str(stopped.value) == (
        f"a worker process hung for over 5 s while checking {files[0]}; nothing is reported for it or later plans")
    assert time.monotonic() - started < 60


def test_a_run_that_stops_part_way_leaves_each_report_file_as_it_was(plan_dir: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from engine.core.errors import InputError
    from engine.core.model import Problem

    report, summary = tmp_path / "report.html", tmp_path / "summary.csv"
    report.write_text("the last run's report", encoding="utf-8")
    summary.write_text("the last run's summary", encoding="utf-8")
    real, assessed = Evaluator.assess, []

    def stopping(self: Evaluator, plan: Any, *args: Any, **kwargs: Any) -> Assessment:
        assessed.append(plan)
        if len(assessed) == 3:  # as two chosen actions that cannot both be done stop a run
            raise InputError([Problem("conflicting-actions", "the actions 'a' and 'b' both set x")])
        return real(self, plan, *args, **kwargs)

    monkeypatch.setattr(Evaluator, "assess", stopping)
    code, _out, err = run_cli(["check", str(plan_dir), "--output", f"html={report}", "--summary", str(summary),
                               "--jobs", "1"])  # fmt: skip
    assert (code, "error[conflicting-actions]" in err, len(assessed)) == (2, True, 3)
    assert (report.read_text(encoding="utf-8"), summary.read_text(encoding="utf-8")) == (
        "the last run's report", "the last run's summary")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.html", "summary.csv"]


def test_a_run_that_ends_well_puts_each_report_file_in_place_and_leaves_nothing_beside_it(
        plan_dir: Path, tmp_path: Path) -> None:  # fmt: skip
    report, summary = tmp_path / "report.html", tmp_path / "summary.csv"
    report.write_text("the last run's report", encoding="utf-8")
    code, out, _ = run_cli(["check", str(plan_dir), "--output", f"html={report}", "--summary", str(summary),
                            "--jobs", "1", "--format", "jsonl"])  # fmt: skip
    assert code == 2  # the broken plan
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert summary.read_text(encoding="utf-8").splitlines()[0] == ",".join(
        ["practice", "ods_code", "plan", "action", "status", "rules_at_risk", "open_questions"])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.html", "summary.csv"]
    assert len(out.splitlines()) == PLANS


def test_a_report_path_that_is_a_link_stays_a_link_and_its_file_gets_the_report(plan_dir: Path,
                                                                                 tmp_path: Path) -> None:  # fmt: skip
    target, link = tmp_path / "reports" / "latest.html", tmp_path / "report.html"
    target.parent.mkdir()
    target.write_text("the last run's report", encoding="utf-8")
    link.symlink_to(target)
    code, _, _ = run_cli(["check", str(plan_dir), "--output", f"html={link}", "--jobs", "1", "--format", "jsonl"])
    assert (code, link.is_symlink(), target.read_text(encoding="utf-8")[:15]) == (2, True, "<!DOCTYPE html>")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.html", "reports"]


def test_a_report_file_keeps_its_permissions_when_it_is_replaced(plan_dir: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    report.write_text("the last run's report", encoding="utf-8")
    report.chmod(0o600)
    run_cli(["check", str(plan_dir), "--output", f"html={report}", "--jobs", "1", "--format", "jsonl"])
    assert (report.stat().st_mode & 0o777, report.read_text(encoding="utf-8")[:15]) == (0o600, "<!DOCTYPE html>")
