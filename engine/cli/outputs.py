"""`--output FORMAT=PATH`: extra reports written to files, for `gpca check` and
`gpca test`; a path that cannot be written is refused before any work."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import IO

import click

from engine.cli.options import FORMATS
from engine.core import escape


def parse_outputs(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[tuple[str, Path]]:
    pairs = []
    for value in values:
        fmt, sep, path = value.partition("=")
        if not sep or not fmt or not path:
            raise click.BadParameter(f"'{value}' is not FORMAT=PATH, for example junit=report.xml.")
        pairs.append((fmt, Path(path)))
    return pairs


def output_option(formats: tuple[str, ...]):  # type: ignore[no-untyped-def]
    help_text = f"Also write the report in FORMAT to PATH (repeatable); FORMAT is one of {', '.join(formats)}."
    return click.option("--output", "outputs", multiple=True, metavar="FORMAT=PATH",
                        callback=parse_outputs, help=help_text)  # fmt: skip


def check_outputs(outputs: list[tuple[str, Path]], formats: tuple[str, ...], inputs: tuple[Path, ...] = ()) -> None:
    """Refuse an unknown format or a path that cannot take a report (exit 2, one line)."""
    for fmt, path in outputs:
        if fmt not in formats:
            raise click.BadParameter(f"unknown format '{fmt}'; use one of {', '.join(formats)}.", param_hint="--output")
        check_output_path(path, inputs)


def write_outputs(outputs: list[tuple[str, Path]], formats: tuple[str, ...], render,  # type: ignore[no-untyped-def]
                  inputs: tuple[Path, ...] = ()) -> None:  # fmt: skip
    """Each report written to its file, once every path has been checked as writable."""
    check_outputs(outputs, formats, inputs)
    for fmt, path in outputs:
        with OutputFile(path, fmt) as file:
            file.write(render(fmt))


class OutputFile:
    """A report's file, written as the run goes under a name of its own beside it, and put
    in its place only when the run ends well: a run that stops part-way leaves the file
    that was there as it was, and a run with nothing to report leaves none. A path that
    is not a plain file of its own (a device such as /dev/null, a pipe, a link, a file
    with other names) is written to directly: moving a file over it would replace it.
    What is written is made safe for the report's format (``fmt``; None: as it is)."""

    def __init__(self, path: Path, fmt: str | None, option: str = "--output", newline: str | None = None) -> None:
        self._path, self._fmt, self._option, self._newline = path, fmt, option, newline
        beside = path.with_name(f".{path.name}.{os.getpid()}.partial")
        self._partial = beside if _replaceable(path) else path
        self._file: IO[str] | None = None

    def __enter__(self) -> OutputFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_exc: object) -> None:
        if self._file is None:
            return
        self._file.close()
        if self._partial == self._path:
            return
        if kind is None:
            self._guarded(self._put_in_place)
        else:
            self._discard()

    def _put_in_place(self) -> None:
        if self._path.exists():
            shutil.copymode(self._path, self._partial)  # a report someone made private stays so
        os.replace(self._partial, self._path)

    def write(self, text: str) -> None:
        if self._file is None:
            self._file = self._guarded(lambda: open(self._partial, "w", encoding="utf-8", newline=self._newline))
        safe = text if self._fmt is None else escape.for_output(text, self._fmt)
        self._guarded(lambda: self._file.write(safe))  # type: ignore[union-attr]

    def _guarded(self, step):  # type: ignore[no-untyped-def]
        try:
            return step()
        except OSError as error:
            self._discard()
            _output_problem(self._path, f"cannot write it: {error.strerror or error}", option=self._option)

    def _discard(self) -> None:
        """Close the file, and remove what was written beside the path."""
        if self._file is not None:
            self._file.close()
        if self._partial != self._path:
            self._partial.unlink(missing_ok=True)


def _replaceable(path: Path) -> bool:
    """Whether ``path`` is a plain file with no other name, or nothing yet."""
    try:
        status = path.lstat()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return stat.S_ISREG(status.st_mode) and status.st_nlink == 1


def check_output_path(path: Path, inputs: tuple[Path, ...], option: str = "--output") -> None:
    """Refuse a path that cannot take a report, or that would overwrite what gpca reads."""
    if not path.parent.is_dir():
        _output_problem(path, f"there is no folder '{escape.plain(path.parent)}'", "create the folder first", option)
    if path.is_dir():
        _output_problem(path, "it is a folder; name a file in it", option=option)
    _refuse_an_input(path, inputs, option)


def _refuse_an_input(path: Path, inputs: tuple[Path, ...], option: str = "--output") -> None:
    """Refuse to write over a file gpca is reading: nothing the user gave is overwritten."""
    if path.exists() and any(_same_file(path, given) for given in inputs):
        _output_problem(path, "it is one of the files gpca is reading; it will not overwrite it", option=option)


def _same_file(path: Path, other: Path) -> bool:
    try:
        return path.samefile(other)
    except OSError:
        return False


def _output_problem(path: Path, why: str, hint: str = "choose another PATH", option: str = "--output") -> None:
    from engine.core.errors import InputError
    from engine.core.model import Problem

    message = f"{option} '{escape.plain(path)}': {why}"
    raise InputError([Problem("unwritable-output", message, hint=hint)])


def checked_outputs(values: tuple[str, ...], inputs: tuple[Path, ...] = ()) -> list[tuple[str, Path]]:
    """`gpca check --output FORMAT=PATH`: the extra reports, each path refused before any
    work if it cannot take its report."""
    pairs = parse_outputs(click.get_current_context(), None, values)
    check_outputs(pairs, FORMATS, inputs)  # type: ignore[arg-type]
    return pairs
