"""The command line, one module per audience, over the shared options and exit codes.

- ``options``: exit codes, the options every command takes, failures mapped to exit
  codes in one place, and printing; every other module here imports it.
- ``outputs``: ``--output FORMAT=PATH``, extra reports written to files.
- ``practice`` and ``init``: the practice's commands (check, actions, rules, serve, init).
- ``adviser``: explain, timeline, suggest and compare.
- ``authoring``: the rule authors' test, lint, impact and docs.
- ``main``: the ``gpca`` group, which imports each command only when it is run or listed.

May import every other package of ``engine``; none imports it.
"""

from engine.cli.main import gpca, main

__all__ = ["gpca", "main"]
