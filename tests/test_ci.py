"""CI runs the test command of README.md's Quickstart, so that command works on a fresh clone;
and the Quickstart names the Pythons that pyproject.toml admits."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -q '.[test]' && .venv/bin/python -m pytest"


def ci_command(readme: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`.ci/run --print-command` run on a copy of the repository with this README."""
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "run").write_bytes((ROOT / ".ci" / "run").read_bytes())
    (tmp_path / "README.md").write_text(readme, encoding="utf-8")
    return subprocess.run(["bash", str(tmp_path / ".ci" / "run"), "--print-command"],
                          capture_output=True, text=True, timeout=30)  # fmt: skip


def test_ci_runs_the_readme_test_command() -> None:
    done = subprocess.run(["bash", str(ROOT / ".ci" / "run"), "--print-command"],
                          capture_output=True, text=True, timeout=30)  # fmt: skip
    assert done.returncode == 0
    assert done.stdout == TEST_COMMAND + "\n"


def test_contributing_gives_the_same_command() -> None:
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert re.findall(r"```sh\n(.*)\n```", contributing)[0] == TEST_COMMAND


def test_ci_has_no_test_command_of_its_own() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pytest" not in script.replace("--print-command", "")
    assert "pip install" not in script


def test_ci_follows_a_changed_readme(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8").replace(TEST_COMMAND, "echo changed")
    done = ci_command(readme, tmp_path)
    assert (done.returncode, done.stdout) == (0, "echo changed\n")


def test_ci_fails_when_the_readme_has_no_test_command(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8").replace("To run the tests:", "Tests:")
    done = ci_command(readme, tmp_path)
    assert done.returncode == 2
    assert done.stderr == (".ci/run: cannot find the one-line test command under 'To run the tests' "
                           "in README.md's Quickstart\n")  # fmt: skip


def test_the_readme_names_the_pythons_pyproject_admits() -> None:
    """Quickstart's "You need Python ..." and the pip refusal it quotes follow
    requires-python, so that changing one without the other fails here."""
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    lowest, below = re.fullmatch(r">=3\.(\d+),<3\.(\d+)", spec).groups()  # type: ignore[union-attr]
    pythons = " or ".join(f"3.{minor}" for minor in range(int(lowest), int(below)))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme[readme.index("## Quickstart"):readme.index("## Commands")]
    pip_says = ",".join(sorted(spec.split(",")))  # pip prints the specifiers sorted
    assert re.findall(r"You need Python ([\d.]+(?: or [\d.]+)*) and", quickstart) == [pythons]
    assert re.findall(r"installs on ([\d.]+(?: or [\d.]+)*) only", quickstart) == [pythons]
    assert re.findall(r"not in '([^']*)'", quickstart) == [pip_says]
    assert re.findall(r"gpca needs Python ([\d.]+(?: or [\d.]+)*)", readme) == [pythons]
