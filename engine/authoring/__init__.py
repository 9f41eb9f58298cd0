"""For rule authors: fixtures run as tests, coverage, lint, impact and the catalogue.

Fixture cases and their expectations (``verify``), running them (``suite``), what they
leave untested (``coverage``), what a rule author should fix (``lint``, ``lint_packs``,
``lint_sources``), which verdicts a rule change flips (``impact``) and the generated rule
catalogue (``catalogue_doc``).

May import ``engine.core``, ``engine.inputs`` and ``engine.advice``.
"""
