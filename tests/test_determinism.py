"""The same plan and rules give byte-identical output run after run, with hundreds of
list items, across check, timeline, suggest and impact: in one process (one
durable_rules Host reused, as by the planner) and across processes (another hash seed).

CI runs each command a few times (GPCA_DETERMINISM_REPETITIONS, 3 by default); the large
profile, before a release or after a change to the engine, runs each 1,000 times and
prints what it saw (see CONTRIBUTING.md):

    GPCA_DETERMINISM_REPETITIONS=1000 .venv/bin/python -m pytest -s -q tests/test_determinism.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from engine.cli import gpca
from tests.hostile.engine.make_large_plan import agreement, service

ROOT = Path(__file__).resolve().parents[1]
REPETITIONS = int(os.environ.get("GPCA_DETERMINISM_REPETITIONS", "3"))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("determinism")
    plan = yaml.safe_load((ROOT / "examples" / "riverside.yaml").read_text())
    plan["setup"]["data_sharing"] = [agreement(n) for n in range(100)]
    plan["setup"]["services"] = [service(n) for n in range(100)]
    plan["actions"].append({"id": "serve-notice-voluntary-services"})
    (folder / "plan.yaml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    tighter = folder / "rules"
    (tighter / "constraints").mkdir(parents=True)
    slots = (ROOT / "rules" / "constraints" / "nhs111-minimum-slots.yaml").read_text()
    (tighter / "constraints" / "nhs111-minimum-slots.yaml").write_text(slots.replace("3000]}", "2000]}"))
    (tighter / "pack.yaml").write_text("name: tighter\nlayers_over: national\n")
    return {"plan": folder / "plan.yaml", "rules": tighter}


def _commands(files: dict[str, Path]) -> dict[str, list[str]]:
    plan = str(files["plan"])
    return {
        "check": ["check", "--format", "json", plan],
        "timeline": ["timeline", plan],
        "suggest": ["suggest", plan],
        "impact": ["impact", "--old", str(ROOT / "rules"), "--new", str(files["rules"]), plan],
    }


@pytest.mark.parametrize("command", ["check", "timeline", "suggest", "impact"])
def test_repeated_runs_give_identical_bytes(files: dict[str, Path], command: str) -> None:
    args = _commands(files)[command]
    outputs: set[tuple[int, str, str]] = set()
    codes: Counter[int] = Counter()
    for done in range(1, REPETITIONS + 1):
        run = CliRunner().invoke(gpca, args)
        outputs.add((run.exit_code, run.stdout, run.stderr))
        codes[run.exit_code] += 1
        if done % 100 == 0 or done == REPETITIONS:  # the large profile's progress, with -s
            print(f"\n{command}: {done} runs, {len(outputs)} distinct outputs, exit codes {dict(codes)}", flush=True)
    assert len(outputs) == 1, [o[2][-300:] for o in outputs]
    code, out, _err = outputs.pop()
    assert (code, len(out) > 200) == ({"impact": 0}.get(command, 1), True)


@pytest.mark.parametrize("seed", ["1", "2"])
@pytest.mark.parametrize("command", ["check", "timeline", "suggest"])
def test_another_process_and_hash_seed_gives_the_same_bytes(files: dict[str, Path], command: str,
                                                              seed: str) -> None:  # fmt: skip
    args = _commands(files)[command]
    here = CliRunner().invoke(gpca, args)
    env = {**os.environ, "PYTHONHASHSEED": seed, "GPCA_NO_CACHE": "1"}
    there = subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=120)  # fmt: skip
    assert (there.returncode, there.stdout) == (here.exit_code, here.stdout)
