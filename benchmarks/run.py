"""Measure gpca's speed, each figure in the same run as its comparison.

    python benchmarks/run.py [--plans 10000] [--starts 15]

1. Cold start of `gpca check` on the example plan, against the import floor
   `python -c "import yaml, jsonschema, durable.lang"` (target: at most 1.5x).
2. Plans evaluated per second over generated plans: gpca, raw durable_rules asserting
   the same facts into the same ruleset, and the reference evaluator (target: gpca at
   least half of raw durable_rules).
3. The cost of attributing findings across all chosen actions, against a single
   evaluation without attribution (target: at most 2x).
"""

from __future__ import annotations

import argparse
import compileall
import itertools
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from durable import engine as durable  # noqa: E402

from benchmarks.generate import random_plans  # noqa: E402
from engine.evaluate import Evaluator  # noqa: E402
from engine.load import builtin_schema, load_rules  # noqa: E402
from engine.reference import reference_outcomes  # noqa: E402

EXAMPLE = REPO / "examples" / "riverside.yaml"


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def cold_start(runs: int) -> dict[str, float]:
    """Median wall time of each command, run alternately so that load hits both alike."""
    gpca = shutil.which("gpca") or str(Path(sys.executable).parent / "gpca")
    commands = {
        "import_floor_s": [sys.executable, "-c", "import yaml, jsonschema, durable.lang"],
        "gpca_check_s": [gpca, "check", str(EXAMPLE)],
    }
    # pip byte-compiles an installed package; an editable install (or
    # PYTHONDONTWRITEBYTECODE) would compile gpca's modules again at every start.
    compileall.compile_dir(str(REPO / "engine"), quiet=1)
    for command in commands.values():
        seconds(command)  # warm the file cache and gpca's rules cache
    timings: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            timings[name].append(seconds(command))
    figures = {name: statistics.median(values) for name, values in timings.items()}
    figures["ratio"] = figures["gpca_check_s"] / figures["import_floor_s"]
    return figures


def raw_durable(evaluator: Evaluator) -> Any:
    """The same compiled ruleset in a bare Host, asserting the same facts: a session each."""
    host = durable.Host()
    fired: list[str] = []
    name = "raw"
    definition = {**evaluator.compiled.definition, "_seen": {"all": [{"m": {"$ex": {"variant": 1}}}]}}
    host.register_rulesets({name: {rule: {**body, "run": _recorder(fired, rule)}
                                   for rule, body in definition.items()}})

    sessions = itertools.count(1)

    def work(facts: list[list[dict[str, Any]]]) -> None:
        for plan_facts in facts:
            sid = str(next(sessions))  # a reused session id makes durable_rules fail (error 307)
            host.assert_facts(name, [{**fact, "sid": sid} for fact in plan_facts])
            host.delete_state(name, sid)

    return work


def _recorder(fired: list[str], rule: str) -> Any:
    # durable_rules treats a two-argument action as asynchronous: keep it to one.
    def record(c: Any) -> None:
        fired.append(rule)

    return record


def throughput(count: int, rounds: int = 10) -> dict[str, float]:
    """Plans per second for each contender, interleaved in rounds so load hits all alike."""
    rules = load_rules(None)
    evaluator = Evaluator(rules)
    plans = random_plans(count, rules, builtin_schema("plan.schema.json"))
    facts = [evaluator.facts_for(plan) for plan in plans]
    raw = raw_durable(evaluator)
    contenders = {
        "gpca_plans_per_s": lambda chunk, _facts: [evaluator.assess(p) for p in chunk],
        "single_evaluation_plans_per_s": lambda chunk, _facts: [
            evaluator.assess(p, attribute=False) for p in chunk],
        "raw_durable_plans_per_s": lambda _chunk, chunk_facts: raw(chunk_facts),
        "reference_plans_per_s": lambda chunk, _facts: [reference_outcomes(rules, p) for p in chunk],
    }
    seconds = dict.fromkeys(contenders, 0.0)
    size = -(-count // rounds)
    for start in range(0, count, size):
        chunk, chunk_facts = plans[start:start + size], facts[start:start + size]
        for name, work in contenders.items():
            started = time.perf_counter()
            work(chunk, chunk_facts)
            seconds[name] += time.perf_counter() - started
    figures = {name: count / spent for name, spent in seconds.items()}
    figures["plans"] = count
    figures["mean_actions_per_plan"] = statistics.mean(len(p.actions) for p in plans)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--starts", type=int, default=15)
    arguments = parser.parse_args()
    figures = {"cold_start": cold_start(arguments.starts), "throughput": throughput(arguments.plans)}
    speed = figures["throughput"]
    figures["targets"] = {
        "cold_start_ratio_at_most_1.5": figures["cold_start"]["ratio"] <= 1.5,
        "throughput_at_least_half_raw": speed["gpca_plans_per_s"] >= 0.5 * speed["raw_durable_plans_per_s"],
        "attribution_at_most_2x_single": (
            speed["single_evaluation_plans_per_s"] / speed["gpca_plans_per_s"] <= 2.0),
    }
    figures["attribution_cost_ratio"] = speed["single_evaluation_plans_per_s"] / speed["gpca_plans_per_s"]
    figures["gpca_vs_raw_ratio"] = speed["gpca_plans_per_s"] / speed["raw_durable_plans_per_s"]
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
