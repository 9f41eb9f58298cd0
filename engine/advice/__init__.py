"""Advice for the practice and its adviser, on top of an assessment.

Plain-English words shared with the reporters (``words``), why a verdict is what it is
(``explain``), the questions still to answer (``checklist``), how verdicts change over
time (``timeline``), what to change (``suggest``, ``advise``) and what differs between
two assessments (``compare``).

May import ``engine.core`` and ``engine.inputs``.
"""
