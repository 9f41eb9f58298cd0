"""The `gpca` command group: each audience's commands, imported when run or listed."""

from __future__ import annotations

import gc
import sys
from typing import Any

import click

from engine import __version__
from engine.cli.options import debug_option


class LazyGroup(click.Group):
    """A group whose less used commands are imported only when run or listed, which keeps
    `gpca check`'s start-up within its budget."""

    LAZY = {
        "check": "engine.cli.practice:check",
        "actions": "engine.cli.practice:actions",
        "rules": "engine.cli.practice:rules",
        "serve": "engine.cli.practice:serve",
        "explain": "engine.cli.adviser:explain",
        "timeline": "engine.cli.adviser:timeline",
        "suggest": "engine.cli.adviser:suggest",
        "compare": "engine.cli.adviser:compare",
        "test": "engine.cli.authoring:test_command",
        "lint": "engine.cli.authoring:lint_command",
        "impact": "engine.cli.authoring:impact_command",
        "docs": "engine.cli.authoring:docs_command",
        "init": "engine.cli.init:init_command",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY and name not in self.commands:
            import importlib

            module, _, attribute = self.LAZY[name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="gpca", message="%(prog)s %(version)s")
@debug_option
def gpca() -> None:
    """Check a GP practice's collective-action plan against its contract, as of a date.

    Exit codes: 0 no risk found; 1 a risk of breach, or one that cannot be ruled out;
    2 invalid input; 3 a bug in gpca.
    """


class _SafeMessages:
    """Standard error with every control character but newline and tab escaped, so that
    nothing gpca echoes back (a value, a file name, an argument in click's own messages)
    can drive the terminal."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from engine.core.escape import terminal_safe

        self._stream.write(terminal_safe(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main() -> None:
    sys.stderr = _SafeMessages(sys.stderr)  # type: ignore[assignment]
    try:
        gpca(prog_name="gpca")
    finally:
        # At exit the interpreter walks every object gpca made, looking for cycles to
        # free in a process that is ending anyway; frozen, they are skipped. That walk
        # took about 20 ms of a 165 ms `gpca check`. Output is still flushed as usual.
        gc.freeze()
