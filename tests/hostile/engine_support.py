"""Run gpca in a child process, bounded in time and memory, so that a crash of the C
engine is a test failure rather than the end of the test run."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from msgspec import Struct

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 60
MEMORY = 1 << 30  # address space; gpca checks a large plan in about 150 MiB


class Run(Struct, frozen=True):
    code: int  # negative: killed by that signal
    out: str
    err: str

    @property
    def clean(self) -> bool:
        """Ended by itself, with no traceback and no "internal error"."""
        return self.code >= 0 and "Traceback" not in self.err and "internal error" not in self.err


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def gpca(*args: str | Path, cwd: Path = ROOT, timeout: float = SECONDS, env: dict[str, str] | None = None) -> Run:
    """``gpca ARGS`` in a child process; ``env`` replaces the default of no rules cache."""
    env = {**os.environ, "GPCA_NO_CACHE": "1", "PYTHONPATH": str(ROOT), **(env or {})}
    if env["GPCA_NO_CACHE"] == "":
        del env["GPCA_NO_CACHE"]
    done = subprocess.run([sys.executable, "-m", "engine", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=_limit,
                          errors="replace")  # fmt: skip
    return Run(done.returncode, done.stdout, done.stderr)
