"""Measure `gpca check` over every practice in England: 6,300 generated plans.

    python benchmarks/country_scale.py [--plans 6300] [--jobs 2] [--format json]

Use ``--plans 300`` while developing; the full size belongs on a quiet machine. ``--format``
measures another report format (every one is written plan by plan, so peak memory should
not grow with ``--plans``).

The plans (benchmarks/generate.py: list sizes from a skewed spread, 0-6 actions, about
one answer in ten left out) are written to a temporary folder, then

    gpca check FOLDER --jobs 2 --format json > /dev/null

(or the ``--format`` given) is timed: wall time, the CPU time of gpca and its workers, and
the peak resident memory of the whole process tree (sampled from /proc, summed over the processes alive at each
sample; the largest single process's peak is given too). In the same run raw
durable_rules asserts the same facts into the same ruleset, in one process, for the
plans-per-second comparison. Targets: under 10 s wall and under 250 MiB in total.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.generate import country_plans  # noqa: E402
from benchmarks.run import raw_durable  # noqa: E402
from engine.core.evaluate import Evaluator  # noqa: E402
from engine.inputs.load import load_plan, load_rules
from engine.inputs.read import builtin_schema

MIB = 1024 * 1024
TARGET_WALL_S = 10.0
TARGET_RSS_MIB = 250.0
SAMPLE_EVERY_S = 0.05


def write_plans(count: int, folder: Path) -> list[Path]:
    rules = load_rules(None)
    files = []
    for index, document in enumerate(country_plans(count, rules, builtin_schema("plan.schema.json"))):
        path = folder / f"plan-{index:05d}.yaml"
        path.write_text(yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False), encoding="utf-8")
        files.append(path)
    return files


def tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and every process descended from it, now."""
    parents: dict[int, int] = {}
    # Process ids rise until they wrap, so reading only those above the root's keeps each
    # sample cheap; a wrap mid-run can only make the figure lower, never higher.
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and int(entry.name) > root:
            parent = _parent(int(entry.name))
            if parent is not None:
                parents[int(entry.name)] = parent
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree, grew = tree | more, bool(more)
    return sum(_rss(pid) for pid in tree)


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return int(stat.read().rpartition(")")[2].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def timed_check(folder: Path, jobs: int, fmt: str) -> dict[str, Any]:
    """Wall and CPU time and peak memory of one `gpca check` of ``folder``."""
    command = [sys.executable, "-m", "engine", "check", str(folder), "--jobs", str(jobs), "--format", fmt]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE, cwd=REPO)
        peak = [0]
        sampler = threading.Thread(target=_sample, args=(process, peak), daemon=True)
        sampler.start()
        _, stderr = process.communicate()
        wall = time.perf_counter() - started
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "command": " ".join(["gpca", *command[3:]]) + " > /dev/null",
        "exit_code": process.returncode,
        "stderr_lines": len(stderr.splitlines()),
        "wall_s": round(wall, 3),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 3),
        "peak_rss_tree_mib": round(peak[0] / MIB, 1),
        "largest_process_peak_rss_mib": round(after.ru_maxrss / 1024, 1),  # kilobytes on Linux
    }


def _sample(process: subprocess.Popen[bytes], peak: list[int]) -> None:
    while process.poll() is None:
        peak[0] = max(peak[0], tree_rss(process.pid))
        time.sleep(SAMPLE_EVERY_S)


def raw_plans_per_s(files: list[Path]) -> dict[str, float]:
    """Raw durable_rules asserting each plan's facts, in this process, against gpca's own
    evaluation of the same plans in this process."""
    rules = load_rules(None)
    evaluator = Evaluator(rules)
    plans = [load_plan(path, rules) for path in files]
    facts = [evaluator.batches_for(plan) for plan in plans]
    raw = raw_durable(evaluator)
    started = time.perf_counter()
    raw(facts)
    raw_s = time.perf_counter() - started
    started = time.perf_counter()
    for plan in plans:
        evaluator.assess(plan)
    assess_s = time.perf_counter() - started
    return {"raw_durable_plans_per_s": len(plans) / raw_s, "gpca_assess_plans_per_s": len(plans) / assess_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=6300)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--format", dest="fmt", default="json", help="the report format to measure")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gpca-country-") as folder:
        files = write_plans(arguments.plans, Path(folder))
        check = timed_check(Path(folder), arguments.jobs, arguments.fmt)
        speed = raw_plans_per_s(files)
    check["plans_per_s"] = round(arguments.plans / check["wall_s"], 1)
    figures: dict[str, Any] = {"plans": arguments.plans, "jobs": arguments.jobs, "check": check,
                               "in_process": {k: round(v, 1) for k, v in speed.items()}}  # fmt: skip
    figures["ratios"] = {
        "check_vs_raw_durable": round(check["plans_per_s"] / speed["raw_durable_plans_per_s"], 3),
        # raw durable_rules runs in one process; this shares gpca's rate among its jobs
        "check_per_job_vs_raw_durable": round(
            check["plans_per_s"] / arguments.jobs / speed["raw_durable_plans_per_s"], 3),
        "assess_vs_raw_durable": round(speed["gpca_assess_plans_per_s"] / speed["raw_durable_plans_per_s"], 3),
    }
    figures["targets"] = {
        f"wall_under_{TARGET_WALL_S:g}_s": check["wall_s"] < TARGET_WALL_S,
        f"peak_rss_under_{TARGET_RSS_MIB:g}_mib": check["peak_rss_tree_mib"] < TARGET_RSS_MIB,
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
