"""A rules repository pins a gpca release: its pre-commit hooks and the CI example's
commands check ITS rules, pass when they are good and fail, naming the rule, when one breaks.

Each test builds a scratch rules repository (git, a `rules/` of one national constraint,
a few fixtures, a `.pre-commit-config.yaml`) and points it at a snapshot of this
repository: every file git tracks or would add, as it is on disk, committed in a git
repository of its own, so uncommitted edits are what is tested. The real `pre-commit` runs
the hooks, through `git commit` as a developer meets them; it builds its own environment
of gpca from that snapshot, once for the module (about 20 s here with pip's cache warm;
it needs PyPI for gpca's dependencies, as pre-commit always does). The CI example's `run`
steps are read from docs/ci-example.yml and run in order with bash, as GitHub runs them,
its install step with `GPCA_SOURCE` pointed at the snapshot.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
RULE = Path("rules") / "constraints" / "nhs111-minimum-slots.yaml"
FIXTURES = ("slots-2750-none.yaml", "slots-5999-one.yaml", "slots-6000-one.yaml", "list-size-missing.yaml")
GIT = ("git", "-c", "user.name=gpca test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false",
       "-c", "init.defaultBranch=main")  # fmt: skip
BREAKS = {  # how a rule breaks, and the line of output that must name it
    "schema": ("severity: breach", "severity: nonsense",
               f"{RULE}:6:1: error[rule-schema]: 'severity' must be one of: breach, local_breach, "
               "guidance_risk, advisory, but got 'nonsense'"),
    "logic": ("3000]", "2500]", "fixtures/nhs111/slots-5999-one.yaml:107:5: rule nhs111-minimum-slots: "
              "expected pass, got fail"),
}  # fmt: skip
SLOW = 600  # seconds: building an environment of gpca compiles durable_rules when pip has no wheel

pytestmark = pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs this repository's git checkout")


def git(*args: str, cwd: Path) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def gpca_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository holding this one as it is on disk, and the revision to pin."""
    snapshot = tmp_path_factory.mktemp("gpca-source")
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, snapshot / name)
    git("init", "-q", cwd=snapshot)
    git("add", "-A", cwd=snapshot)
    git("commit", "-q", "-m", "snapshot", cwd=snapshot)
    return snapshot, git("rev-parse", "HEAD", cwd=snapshot).strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def make_rules_repository(top: Path, source: Path, rev: str) -> Path:
    """A rules repository by convention (a rules/ folder, no configuration), committed on main,
    with origin/main where a pull request's base would be."""
    (top / RULE.parent).mkdir(parents=True)
    shutil.copy2(ROOT / "rules" / "ruleset.yaml", top / "rules" / "ruleset.yaml")
    shutil.copy2(ROOT / RULE, top / RULE)
    (top / "fixtures" / "nhs111").mkdir(parents=True)
    for name in FIXTURES:
        shutil.copy2(ROOT / "fixtures" / "nhs111" / name, top / "fixtures" / "nhs111" / name)
    config = {"repos": [{"repo": str(source), "rev": rev, "hooks": [{"id": "gpca-lint"}, {"id": "gpca-test"}]}]}
    (top / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    git("init", "-q", cwd=top)
    git("add", "-A", cwd=top)
    git("commit", "-q", "-m", "rules", cwd=top)
    git("update-ref", "refs/remotes/origin/main", "HEAD", cwd=top)
    return top


def edit(repository: Path, old: str, new: str) -> None:
    rule = repository / RULE
    text = rule.read_text("utf-8")
    assert text.count(old) >= 1, f"{RULE} no longer holds {old!r}; choose another edit"
    rule.write_text(text.replace(old, new, 1), "utf-8")


def retitle(repository: Path) -> None:
    edit(repository, "title: Offer at least", "title: Edited, offer at least")


# --- pre-commit ----------------------------------------------------------------------------


def commit_with_hooks(repository: Path, home: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repository, env=environment,
                   check=True, capture_output=True)  # fmt: skip
    # git gives a hook's output to standard error
    return subprocess.run([*GIT, "commit", "-am", "edit a rule"], cwd=repository, env=environment,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=SLOW)  # fmt: skip


def stripped_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines()]


def hook_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("gpca ")]


def test_pre_commit_hooks_pass_on_good_rules(tmp_path: Path, gpca_source: tuple[Path, str], pre_commit_home: Path) -> None:
    repository = make_rules_repository(tmp_path, *gpca_source)
    retitle(repository)
    done = commit_with_hooks(repository, pre_commit_home)
    assert done.returncode == 0, done.stdout
    assert [line.rsplit(".", 1)[-1] for line in hook_lines(done.stdout)] == ["Passed", "Passed"]


@pytest.mark.parametrize("kind", sorted(BREAKS))
def test_pre_commit_refuses_a_commit_that_breaks_a_rule(
    tmp_path: Path, gpca_source: tuple[Path, str], pre_commit_home: Path, kind: str
) -> None:
    old, new, named = BREAKS[kind]
    repository = make_rules_repository(tmp_path, *gpca_source)
    edit(repository, old, new)
    done = commit_with_hooks(repository, pre_commit_home)
    assert done.returncode == 1, done.stdout
    verdicts = [line.rsplit(".", 1)[-1] for line in hook_lines(done.stdout)]
    assert verdicts == (["Failed", "Failed"] if kind == "schema" else ["Passed", "Failed"])
    assert named in stripped_lines(done.stdout)
    assert git("log", "--format=%s", cwd=repository) == "rules\n"  # the commit was refused


# --- the CI example --------------------------------------------------------------------------


def ci_steps() -> tuple[dict[str, str], list[dict[str, str]]]:
    """The workflow's env and its `run` steps, as docs/ci-example.yml writes them."""
    workflow = yaml.safe_load((ROOT / "docs" / "ci-example.yml").read_text("utf-8"))
    steps = [step for step in workflow["jobs"]["rules"]["steps"] if "run" in step]
    return workflow["env"], steps


def run_step(step: dict[str, str], cwd: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = step["run"].replace("${{ github.base_ref }}", environment["GITHUB_BASE_REF"])
    # GitHub's default shell on Linux runners
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
                          env=environment, capture_output=True, text=True, timeout=SLOW)  # fmt: skip


@pytest.fixture(scope="module")
def ci_environment(tmp_path_factory: pytest.TempPathFactory, gpca_source: tuple[Path, str]) -> Iterator[dict[str, str]]:
    """A fresh Python 3.11 environment where the example's install step has run, with
    GPCA_SOURCE naming the snapshot at its revision."""
    env, steps = ci_steps()
    source, rev = gpca_source
    venv = tmp_path_factory.mktemp("ci-python") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    environment = {**os.environ, **env, "GPCA_SOURCE": f"git+file://{source}@{rev}", "GITHUB_BASE_REF": "main",
                   "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}  # fmt: skip
    environment.pop("PYTHONPATH", None)
    install = [step for step in steps if "GPCA_SOURCE" in step["run"]]
    assert [step["name"] for step in install] == ["Install gpca"]
    done = run_step(install[0], tmp_path_factory.mktemp("ci-install"), environment)
    assert done.returncode == 0, done.stderr
    yield environment


def run_ci(repository: Path, environment: dict[str, str]) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every step after the install, by name, with the job summary in the repository's parent."""
    summary = repository.parent / "summary.md"
    _, steps = ci_steps()
    later = [step for step in steps if "GPCA_SOURCE" not in step["run"]]
    return {step["name"]: run_step(step, repository, {**environment, "GITHUB_STEP_SUMMARY": str(summary)})
            for step in later}  # fmt: skip


def test_the_ci_example_installs_from_a_tag_and_names_no_package_index() -> None:
    env, steps = ci_steps()
    assert env["GPCA_SOURCE"].startswith("git+https://") and env["GPCA_SOURCE"].endswith("/gpca@v0.2.0")
    assert [step["name"] for step in steps] == ["Install gpca", "Lint the rules", "Test the fixtures",
                                                "Impact of this change on verdicts"]  # fmt: skip
    assert steps[0]["run"] == 'python -m pip install "$GPCA_SOURCE"'


def test_the_ci_example_passes_on_good_rules(tmp_path: Path, gpca_source: tuple[Path, str],
                                             ci_environment: dict[str, str]) -> None:  # fmt: skip
    repository = make_rules_repository(tmp_path / "rules-repository", *gpca_source)
    retitle(repository)
    git("commit", "-qam", "retitle", cwd=repository)
    results = run_ci(repository, ci_environment)
    assert {name: done.returncode for name, done in results.items()} == {
        "Lint the rules": 0, "Test the fixtures": 0, "Impact of this change on verdicts": 0}  # fmt: skip
    assert results["Lint the rules"].stdout == "0 problems\n"
    assert results["Test the fixtures"].stderr.splitlines()[-1] == (
        "coverage: 1 of 1 constraints have a passing and a failing fixture (100.0%); "
        "1 of 1 condition branches exercised")
    assert (tmp_path / "summary.md").read_text("utf-8") == (
        "### gpca impact: 0 verdict changes in 0 of 4 plans\n\nNo verdict changes.\n")


@pytest.mark.parametrize("kind", sorted(BREAKS))
def test_the_ci_example_fails_when_a_rule_breaks(tmp_path: Path, gpca_source: tuple[Path, str],
                                                 ci_environment: dict[str, str], kind: str) -> None:  # fmt: skip
    old, new, named = BREAKS[kind]
    repository = make_rules_repository(tmp_path / "rules-repository", *gpca_source)
    edit(repository, old, new)
    git("commit", "-qam", "break a rule", cwd=repository)
    results = run_ci(repository, ci_environment)
    codes = {name: done.returncode for name, done in results.items()}
    assert codes["Lint the rules"] == (1 if kind == "schema" else 0)
    assert codes["Test the fixtures"] == (2 if kind == "schema" else 1)
    failing = results["Lint the rules"] if kind == "schema" else results["Test the fixtures"]
    if kind == "schema":
        assert named in stripped_lines(failing.stdout)
        return
    # a GitHub annotation, on the fixture's line in the pull request
    annotation = f"::error file=fixtures/nhs111/slots-5999-one.yaml,line=107,col=5,title=gpca test::{named}%0A"
    assert [line.startswith(annotation) for line in failing.stdout.splitlines()] == [False, True, False]
    summary = (tmp_path / "summary.md").read_text("utf-8").splitlines()
    assert summary[0] == "### gpca impact: 2 verdict changes in 1 of 4 plans"
    assert summary[5].startswith("| fixtures/nhs111/slots-5999-one.yaml | rule nhs111-minimum-slots | pass | fail |")
