"""Plain-English words and look-ups shared by the reporters.

Nothing here decides an outcome: it only names, counts and fills in what the
evaluator has already decided.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from engine.model import Assessment, Constraint, Period, RuleResult

SEVERITY_WORDS = {
    "breach": "breach of the core contract",
    "local_breach": "breach of a local contract",
    "guidance_risk": "goes against NHS England/ICB guidance",
    "advisory": "advice only",
}
ACTION_STATUS_WORDS = {"safe": "safe", "risk": "risks breach", "cannot_tell": "cannot tell"}
OUTCOME_WORDS = {
    "pass": "pass",
    "fail": "fail",
    "cannot_tell": "cannot tell",
    "not_applicable": "not applicable",
}
OVERALL_WORDS = {"no_risk": "no risk", "risk": "risk", "cannot_tell": "cannot tell"}
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)\}")


def long_date(day: str | None) -> str:
    """'2025-10-01' -> '1 October 2025'; anything unparseable is shown as given."""
    if not day:
        return ""
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return day
    return f"{parsed.day} {parsed:%B %Y}"


def period_words(period: Period) -> str:
    if period.start and period.end:
        return f"{long_date(period.start)} to {long_date(period.end)}"
    if period.start:
        return f"from {long_date(period.start)}"
    if period.end:
        return f"until {long_date(period.end)}"
    return "always"


def periods_words(periods: Iterable[Period]) -> str:
    return "; ".join(period_words(p) for p in periods) or "never"


def counts(values: Iterable[str], keys: Iterable[str]) -> dict[str, int]:
    """How many of each key, zero included, in the order of ``keys``."""
    tally = Counter(values)
    return {key: tally[key] for key in keys}


def count_phrase(tally: dict[str, int], words: dict[str, str]) -> str:
    return ", ".join(f"{n} {words[key]}" for key, n in tally.items())


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def run_summary(assessments: list[Assessment]) -> str:
    """'2 plans: 1 risk, 1 cannot tell, 0 no risk'."""
    tally = counts((a.overall for a in assessments), ("risk", "cannot_tell", "no_risk"))
    return f"{plural(len(assessments), 'plan')}: {count_phrase(tally, OVERALL_WORDS)}"


def plan_schema() -> dict[str, Any]:
    from engine.load import builtin_schema

    return builtin_schema("plan.schema.json")


def question_for(path: str) -> str:
    """The plan schema's description of a dotted plan path, or the path itself."""
    node: dict[str, Any] = plan_schema()
    for part in re.split(r"[.\[\]]+", path):
        if not part or part.isdigit():
            continue
        if "items" in node and "properties" not in node:
            node = node["items"]
        node = node.get("properties", {}).get(part)
        if node is None:
            return path
    return str(node.get("description", path))


def filled_remedy(constraint: Constraint, result: RuleResult, plan_data: dict[str, Any]) -> str:
    """The constraint's remedy with its placeholders filled in.

    The evaluator fills in the message only, so values are read back out of the filled
    message (lets included), then from the plan; a placeholder found in neither is kept.
    """
    values = _values_from_message(constraint.message, result.message)
    remedy = " ".join(constraint.remedy.split())
    return _PLACEHOLDER.sub(lambda m: _lookup(m.group(1), values, plan_data, m.group(0)), remedy)


def _values_from_message(template: str, filled: str) -> dict[str, str]:
    template, filled = " ".join(template.split()), " ".join(filled.split())
    names: list[str] = []
    pattern = ""
    last = 0
    for match in _PLACEHOLDER.finditer(template):
        pattern += re.escape(template[last : match.start()])
        pattern += "(.+?)" if match.group(1) not in names else "(?:.+?)"
        if match.group(1) not in names:
            names.append(match.group(1))
        last = match.end()
    found = re.fullmatch(pattern + re.escape(template[last:]), filled)
    return dict(zip(names, found.groups())) if found else {}


def _lookup(name: str, values: dict[str, str], plan_data: dict[str, Any], default: str) -> str:
    if name in values:
        return values[name]
    node: Any = plan_data
    for part in name.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return str(node)
