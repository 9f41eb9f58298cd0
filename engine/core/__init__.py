"""The core: the model, the condition language, and the engine that gives verdicts.

The records every stage passes on (``model``), failures (``errors``), safe text
(``escape``), dates, the condition language in Python (``conditions``), compiling
rules for durable_rules (``compile``, ``shard``, ``bounds``), evaluating a plan
(``evaluate``, ``apply``, ``attribute``, ``binding``, ``readings``, ``horizon``,
``closure_days``), filling a rule's message (``messages``), and the checks on the
engine: the trace of a verdict (``trace``) and the reference evaluator (``reference``).

Imports nothing from the other packages of ``engine``: every stage builds on it.
Only ``evaluate`` imports durable_rules.
"""
