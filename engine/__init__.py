"""gpca: checks a GP practice's collective-action plan against its contract, as of a date."""

__version__ = "0.1.0"
