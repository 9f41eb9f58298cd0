"""The project gpca is run in: ``[tool.gpca]`` in ``pyproject.toml``, a ``gpca.toml``, or
by convention a ``rules/`` folder.

As conftest finds its policy, gpca walks up from the current directory to the first
folder holding either file, or a ``rules/`` folder of gpca rules (a ``ruleset.yaml``, a
``pack.yaml``, ``constraints/`` or ``actions/`` in it), which is then the project's rules,
with ``fixtures/`` beside it if there is one: a rules repository with no configuration,
and the pre-commit hooks run in it, check its own rules rather than the built-in ones. A
configuration file wins over the convention in the same folder. A ``pyproject.toml``
without ``[tool.gpca]`` ends the walk (after its folder's ``rules/``) but makes no
project, so a Python project that does not use gpca is never mistaken for one above it.
``rules`` and ``fixtures`` are lists of directories relative to that file.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from msgspec import Struct

from engine.core.errors import InputError
from engine.core.model import Problem, SourceLocation

CONFIG_FILES = ("gpca.toml", "pyproject.toml")
KEYS = ("rules", "fixtures")
CONVENTIONAL_RULES = "rules"
CONVENTIONAL_FIXTURES = "fixtures"
RULES_MARKERS = ("ruleset.yaml", "pack.yaml", "constraints", "actions")


class Project(Struct, frozen=True):
    root: Path  # the folder holding the configuration file, or the rules/ found by convention
    config: Path | None  # None for a project found by its rules/ folder alone
    rules: tuple[Path, ...] = ()
    fixtures: tuple[Path, ...] = ()


def find_project(start: Path) -> Project | None:
    """The project whose configuration is nearest above ``start``, if there is one."""
    for folder in [start.resolve(), *start.resolve().parents]:
        found = [folder / name for name in CONFIG_FILES if (folder / name).is_file()]
        configured = read_project(found[0]) if found else None
        if configured is not None:
            return configured
        conventional = conventional_project(folder)
        if conventional is not None or found:
            return conventional
    return None


def conventional_project(folder: Path) -> Project | None:
    """The project of a folder with no configuration but a ``rules/`` folder of gpca rules."""
    rules = folder / CONVENTIONAL_RULES
    if not (rules.is_dir() and any((rules / marker).exists() for marker in RULES_MARKERS)):
        return None
    fixtures = folder / CONVENTIONAL_FIXTURES
    return Project(folder, None, (rules,), (fixtures,) if fixtures.is_dir() else ())


def as_seen_from(project: Project | None, here: Path) -> Project | None:
    """``project`` with its rule and fixture folders relative to ``here``, so that messages,
    GitHub annotations and impact tables name files as the repository does."""
    if project is None:
        return None
    rules, fixtures = _relative(project.rules, here), _relative(project.fixtures, here)
    return Project(project.root, project.config, rules, fixtures)


def _relative(folders: tuple[Path, ...], here: Path) -> tuple[Path, ...]:
    return tuple(Path(os.path.relpath(folder, here)) for folder in folders)


def find_project_quietly(start: Path) -> Project | None:
    """As find_project, but None for a malformed configuration: for labels only, where
    the command itself has already refused it or never needed it."""
    try:
        return find_project(start)
    except InputError:
        return None


def read_project(config: Path) -> Project | None:
    """The project ``config`` describes; None for a pyproject.toml without ``[tool.gpca]``."""
    document = _parse(config)
    table = document if config.name == "gpca.toml" else document.get("tool", {}).get("gpca")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise _config_error(config, "[tool.gpca] must be a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise _config_error(config, f"unknown key '{unknown[0]}'", f"the keys are: {', '.join(KEYS)}")
    root = config.parent
    return Project(root, config, _folders(table, "rules", config), _folders(table, "fixtures", config))


def shown_path(directory: Path, project: Project | None) -> str:
    """``directory`` relative to the project when it is inside it, with a trailing slash."""
    resolved = directory.resolve()
    if project is not None and resolved.is_relative_to(project.root.resolve()):
        return resolved.relative_to(project.root.resolve()).as_posix() + "/"
    return str(directory).rstrip("/") + "/"


def _parse(config: Path) -> dict[str, Any]:
    try:
        text = config.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _config_error(config, f"cannot read it: {error}", "check the file") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error).split(" (at ", 1)[0]
        raise _config_error(config, message, "fix the TOML syntax", _error_location(config, text, error)) from None


def _error_location(config: Path, text: str, error: tomllib.TOMLDecodeError) -> SourceLocation:
    # 3.11's tomllib keeps the place only in its message: "(at line L, column C)", or
    # "(at end of document)"
    shown = str(error)
    if "(at line " in shown:
        line, column = shown.rsplit("(at line ", 1)[1].rstrip(")").split(", column ")
        return SourceLocation(str(config), int(line), int(column))
    last_line = text.rsplit("\n", 1)[-1]
    return SourceLocation(str(config), text.count("\n") + 1, len(last_line) + 1)


def _folders(table: dict[str, Any], key: str, config: Path) -> tuple[Path, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _config_error(config, f"'{key}' must be a list of directory names", f'write {key} = ["{key}"]')
    folders = tuple(config.parent / item for item in value)
    missing = [folder for folder in folders if not folder.is_dir()]
    if missing:
        raise _config_error(config, f"'{key}' names '{missing[0]}', which is not a directory", "check the path")
    return folders


def _config_error(config: Path, message: str, hint: str = "", where: SourceLocation | None = None) -> InputError:
    location = where or SourceLocation(str(config), 1, 1)
    return InputError([Problem("project-config", message, location, hint=hint or None)])
