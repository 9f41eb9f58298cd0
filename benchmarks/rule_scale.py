"""Measure gpca as the rule set grows: 40, 400 and 2,000 constraints.

    python benchmarks/rule_scale.py [--plans 300] [--sizes 40,400,2000]

Each size is measured in a process of its own, so that its peak memory is its own. A
rule set of N constraints is the built-in rules cut to their first N constraints, or
grown by copies of them under new ids (a local pack over the national rules grows the
same way). For each size the script reports wall and CPU time, peak RSS, plans per
second for gpca and for raw durable_rules asserting the same facts into the same
rulesets, the time per plan per constraint (flat if time grows at most linearly), and
how many evaluations ended in anything but a verdict (an abort ends the process, so
the child's exit status is reported as well).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.generate import random_plans  # noqa: E402
from benchmarks.run import raw_durable  # noqa: E402
from engine.core.evaluate import Evaluator  # noqa: E402
from engine.inputs.load import load_rules
from engine.inputs.read import builtin_schema

RULES = REPO / "rules"
_ID = re.compile(r"^id: (\S+)", re.MULTILINE)


def scaled_rules(size: int, into: Path) -> Path:
    """The built-in rules with exactly ``size`` constraints, written under ``into``."""
    shutil.copytree(RULES, into)
    folder = into / "constraints"
    originals = sorted(folder.glob("*.yaml"))
    for extra in originals[size:]:
        extra.unlink()
    if size < len(originals):
        _forget_removed(into, {path.stem for path in originals[:size]})
    copy = 0
    while len(list(folder.glob("*.yaml"))) < size:
        original = originals[copy % len(originals)]
        suffix = f"copy{copy // len(originals) + 1}"
        text = _ID.sub(lambda m: f"id: {m.group(1)}-{suffix}", original.read_text("utf-8"), count=1)
        (folder / f"{original.stem}-{suffix}.yaml").write_text(text, "utf-8")
        copy += 1
    return into


def _forget_removed(into: Path, kept: set[str]) -> None:
    """Actions name the constraints they bear on: drop the names of those cut away."""
    for path in (into / "actions").glob("*.yaml"):
        action = yaml.safe_load(path.read_text("utf-8"))
        action["bears_on"] = [rule for rule in action.get("bears_on", []) if rule in kept]
        path.write_text(yaml.safe_dump(action, sort_keys=False), "utf-8")


def measure(size: int, count: int) -> dict[str, Any]:
    """One size, in this process."""
    with tempfile.TemporaryDirectory() as folder:
        rules = load_rules([scaled_rules(size, Path(folder) / "rules")])
    evaluator = Evaluator(rules)
    plans = random_plans(count, rules, builtin_schema("plan.schema.json"))
    facts = [evaluator.batches_for(plan) for plan in plans]
    wall, cpu = time.perf_counter(), time.process_time()
    failures = 0
    for plan in plans:
        try:
            evaluator.assess(plan)
        except Exception:  # noqa: BLE001 - counted: the figure is how many ended without a verdict
            failures += 1
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    raw = raw_durable(evaluator)
    started = time.perf_counter()
    raw(facts)
    raw_wall = time.perf_counter() - started
    return {
        "constraints": len(rules.constraints), "rulesets": len(evaluator.compiled.shards), "plans": count,
        "wall_s": wall, "cpu_s": cpu, "gpca_plans_per_s": count / wall, "raw_durable_plans_per_s": count / raw_wall,
        "gpca_vs_raw_ratio": raw_wall / wall, "ms_per_plan": 1000 * wall / count,
        "us_per_plan_per_constraint": 1e6 * wall / count / len(rules.constraints),
        "evaluations_without_a_verdict": failures,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=300)
    parser.add_argument("--sizes", default="40,400,2000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child's own size
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(measure(arguments.one, arguments.plans)))
        return
    results = []
    for size in (int(s) for s in arguments.sizes.split(",")):
        child = subprocess.run([sys.executable, __file__, "--one", str(size), "--plans", str(arguments.plans)],
                               capture_output=True, text=True, check=False)  # fmt: skip
        figures = json.loads(child.stdout) if child.returncode == 0 else {
            "constraints": size, "error": child.stderr.strip().splitlines()[-3:]}
        results.append({**figures, "exit_status": child.returncode})
    per_constraint = [r["us_per_plan_per_constraint"] for r in results if "us_per_plan_per_constraint" in r]
    summary = {
        "sizes": results,
        "aborts": sum(r["exit_status"] != 0 for r in results),
        "at_most_linear": bool(per_constraint) and max(per_constraint) <= 1.25 * per_constraint[0],
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
