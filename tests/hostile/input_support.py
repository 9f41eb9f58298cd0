"""Shared by the input corpus: run gpca as a user would, bounded in time and memory.

Each case runs the CLI in a subprocess with a timeout and an address-space limit, so a
hang or a runaway allocation fails the case instead of the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from msgspec import Struct

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "input"
RIVERSIDE = ROOT / "examples" / "riverside.yaml"
TIME_LIMIT = 60.0  # seconds; a case takes well under one
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space: the interpreter, the engine and its threads


class Run(Struct, frozen=True):
    code: int
    out: str
    err: str
    seconds: float


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def gpca(*args: str | Path, env: dict[str, str] | None = None, cache: Path | None = None) -> Run:
    """``gpca ARGS`` from the repository root, with its exit code, output and time taken."""
    environment = {**os.environ, **(env or {})}
    if cache is not None:  # the built-in rules, cached once for the whole corpus
        environment.pop("GPCA_NO_CACHE", None)
        environment["XDG_CACHE_HOME"] = str(cache)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "engine", *map(str, args)], cwd=ROOT, env=environment,
        capture_output=True, timeout=TIME_LIMIT, preexec_fn=_limit_memory, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return Run(done.returncode, done.stdout.decode("utf-8", "replace"),
               done.stderr.decode("utf-8", "replace"), time.monotonic() - start)  # fmt: skip


def assert_refused(run: Run, *named: str) -> None:
    """Exit 2, no traceback, no internal error, and every ``named`` text in the message."""
    assert run.code == 2, (run.code, run.err[-2000:])
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err[-2000:]
    for text in named:
        assert text in run.err, (text, run.err[-2000:])
    assert "\x1b" not in run.err and "\x1b" not in run.out


def assert_judged(run: Run) -> None:
    """A verdict (exit 0 or 1), not a crash, a hang or a refusal."""
    assert run.code in (0, 1), (run.code, run.err[-2000:])
    assert "Traceback" not in run.err


def riverside_text() -> str:
    return RIVERSIDE.read_text(encoding="utf-8")


def riverside_with(old: str, new: str) -> str:
    """The example plan with one piece of text replaced; the piece must be there."""
    text = riverside_text()
    assert old in text, old
    return text.replace(old, new, 1)


def gpca_on_terminal(*args: str | Path, cache: Path | None = None) -> tuple[int, bytes]:
    """``gpca ARGS`` with its output and errors on a pseudo-terminal, as a user sees them."""
    import pty

    environment = {**os.environ}
    if cache is not None:
        environment.pop("GPCA_NO_CACHE", None)
        environment["XDG_CACHE_HOME"] = str(cache)
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "engine", *map(str, args)], cwd=ROOT, env=environment,
        stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal, preexec_fn=_limit_memory,
    )  # fmt: skip
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: gpca has ended
            break
        if not chunk:
            break
        seen += chunk
    os.close(controller)
    return process.wait(timeout=TIME_LIMIT), seen
