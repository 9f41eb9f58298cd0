"""A release is one number in three places: the package's version (written only in
engine/__init__.py), the installed metadata that `gpca --version` reports, and the newest
released section of CHANGELOG.md (docs/releasing.md)."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest
import yaml

import engine

ROOT = Path(__file__).resolve().parent.parent
HEADING = re.compile(r"^## (.*)$", re.MULTILINE)
RELEASED = re.compile(r"(\d+)\.(\d+)\.(\d+) \((\d{4}-\d{2}-\d{2})\)")


class Section:
    def __init__(self, title: str, body: str) -> None:
        self.title, self.body = title, body

    @property
    def version(self) -> tuple[int, int, int]:
        major, minor, patch, _ = _released(self.title).groups()
        return int(major), int(minor), int(patch)

    @property
    def day(self) -> date:
        return date.fromisoformat(_released(self.title).group(4))


def _released(title: str) -> re.Match[str]:
    found = RELEASED.fullmatch(title)
    assert found, f"CHANGELOG heading '## {title}' is neither 'Unreleased' nor 'X.Y.Z (YYYY-MM-DD)'"
    return found


def sections(text: str) -> list[Section]:
    """The CHANGELOG's `## ` sections, in order, each with the text under it."""
    found = list(HEADING.finditer(text))
    ends = [match.start() for match in found[1:]] + [len(text)]
    return [Section(match.group(1), text[match.end():end]) for match, end in zip(found, ends)]


def check_changelog(text: str, version: str) -> None:
    """Unreleased first, then released versions newest first, each dated; the package's
    version is the newest released one."""
    found = sections(text)
    assert [s.title for s in found[:1]] == ["Unreleased"], "CHANGELOG.md must start with '## Unreleased'"
    released = found[1:]
    assert released, "CHANGELOG.md has no released section ('## X.Y.Z (YYYY-MM-DD)')"
    versions = [s.version for s in released]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions), \
        f"released sections are not newest first: {versions}"
    days = [s.day for s in released]
    assert days == sorted(days, reverse=True), f"release dates are not newest first: {days}"
    newest = ".".join(map(str, versions[0]))
    assert version == newest, f"the package is {version} but the newest released section is {newest}"


def test_the_changelog_is_well_formed_and_ends_at_the_package_version() -> None:
    check_changelog((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), engine.__version__)


def test_the_installed_metadata_and_gpca_version_give_the_package_version() -> None:
    installed = importlib.metadata.version("gpca")
    assert installed == engine.__version__, "reinstall: .venv/bin/pip install -q '.[test]'"
    done = subprocess.run([sys.executable, "-m", "engine", "--version"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0
    assert done.stdout == f"gpca {engine.__version__}\n"


def test_the_installed_gpca_script_reports_the_same_version() -> None:
    script = Path(sys.executable).parent / "gpca"
    if not script.exists():
        pytest.skip("no gpca script beside this Python (not run from an installed venv)")
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout == f"gpca {importlib.metadata.version('gpca')}\n"


def test_pyproject_reads_the_version_from_engine() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"] == {"path": "engine/__init__.py"}
    assert re.findall(r'^__version__ = "(.*)"$', (ROOT / "engine/__init__.py").read_text(encoding="utf-8"),
                      re.MULTILINE) == [engine.__version__]  # fmt: skip


RELEASED_NOW = "## Unreleased\n\n- Engine: a change\n\n## 0.1.0 (2026-11-24)\n\n- First.\n"
AFTER_BUMP = "## Unreleased\n\n## 0.2.0 (2026-11-30)\n\n- Engine: a change\n\n## 0.1.0 (2026-11-24)\n\n- First.\n"


@pytest.mark.parametrize(("text", "version"), [(RELEASED_NOW, "0.1.0"), (AFTER_BUMP, "0.2.0")])
def test_the_release_procedure_keeps_the_changelog_valid(text: str, version: str) -> None:
    check_changelog(text, version)


@pytest.mark.parametrize(
    ("text", "version", "message"),
    [
        ("## 0.1.0 (2026-11-24)\n", "0.1.0", "CHANGELOG.md must start with '## Unreleased'"),
        ("## Unreleased\n", "0.1.0", "CHANGELOG.md has no released section ('## X.Y.Z (YYYY-MM-DD)')"),
        ("## Unreleased\n## 0.2.0\n", "0.2.0",
         "CHANGELOG heading '## 0.2.0' is neither 'Unreleased' nor 'X.Y.Z (YYYY-MM-DD)'"),
        ("## Unreleased\n## 0.1.0 (2026-11-24)\n## 0.2.0 (2026-11-30)\n", "0.2.0",
         "released sections are not newest first: [(0, 1, 0), (0, 2, 0)]"),
        ("## Unreleased\n## 0.2.0 (2026-11-20)\n## 0.1.0 (2026-11-24)\n", "0.2.0",
         "release dates are not newest first: [datetime.date(2026, 11, 20), datetime.date(2026, 11, 24)]"),
        (AFTER_BUMP, "0.1.0", "the package is 0.1.0 but the newest released section is 0.2.0"),
        (RELEASED_NOW, "0.2.0", "the package is 0.2.0 but the newest released section is 0.1.0"),
    ],
)
def test_a_malformed_changelog_is_refused(text: str, version: str, message: str) -> None:
    with pytest.raises(AssertionError) as refused:
        check_changelog(text, version)
    assert str(refused.value).splitlines()[0] == message


def test_the_pre_commit_hooks_check_the_repositorys_own_rules_and_their_example_pins_a_tag() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hooks = {hook["id"]: hook for hook in yaml.safe_load(text)}
    # no --rules: the rules of the repository the hook runs in (engine/inputs/project.py)
    assert {name: (hook["entry"], hook.get("args")) for name, hook in hooks.items()} == {
        "gpca-lint": ("gpca lint", None), "gpca-test": ("gpca test --coverage", None)}  # fmt: skip
    pinned = re.findall(r"^#\s+rev: (\S+)$", text, re.MULTILINE)
    assert len(pinned) == 1 and re.fullmatch(r"v\d+\.\d+\.\d+", pinned[0])
    authors = (ROOT / "docs" / "rule-authors.md").read_text(encoding="utf-8")
    assert re.findall(r"^    rev: (\S+)$", authors, re.MULTILINE) == pinned
