"""gpca: checks a GP practice's collective-action plan against its contract, as of a date."""

# The one place the version is written: pyproject.toml reads it from here (hatchling's
# [tool.hatch.version]), and it keys the rules cache. docs/releasing.md says when to bump it.
__version__ = "0.2.0"
