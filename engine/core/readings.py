"""Where the commissioner and the profession read a rule differently: the risk of a notice.

A rule may carry readings: the commissioner's (NHS England, an ICB, DHSC) and the
profession's (the BMA, an LMC). Where the commissioner reads a failure as a breach, or
has issued notices for it, and the profession does not agree, the point is contested:
an action that trips it risks a notice even though the BMA disputes it. This is decided
after attribution, from the rules and the verdicts, and changes no outcome or status.
"""

from __future__ import annotations

from engine.core.model import BREACH_SEVERITIES, ActionVerdict, Assessment, Constraint, Reading, RuleResult, RuleSet, replace

CONTESTED = "contested"
LMC_ADVICE = ("The commissioner and the profession read this point differently, and notices are "
              "a real risk: take it to your LMC before you act.")  # fmt: skip


def commissioner_says_breach(reading: Reading) -> bool:
    return reading.reader == "commissioner" and (reading.position == "breach" or reading.notices_issued)


def is_contested(rule: Constraint) -> bool:
    """Whether the commissioner reads a failure as a breach (or has issued notices for
    it) and the profession reads it as no breach; a profession with no stated position
    does not make a point contested."""
    commissioner = any(commissioner_says_breach(r) for r in rule.readings)
    disputed = any(r.reader == "profession" and r.position == "not_a_breach" for r in rule.readings)
    return commissioner and disputed


def contested_rule_ids(rules: RuleSet) -> frozenset[str]:
    return frozenset(rule.id for rule in rules.constraints if is_contested(rule))


def mark_contested(verdicts: tuple[ActionVerdict, ...], results: tuple[RuleResult, ...], rules: RuleSet,
                   contested: frozenset[str] | None = None) -> tuple[ActionVerdict, ...]:  # fmt: skip
    """The verdicts, those whose every breach is on a contested point marked ``contested``
    (``contested``: the rule set's contested rule ids, if already known)."""
    contested = contested_rule_ids(rules) if contested is None else contested
    if not contested:
        return verdicts
    breaches = {r.rule_id for r in results if r.outcome == "fail" and r.severity in BREACH_SEVERITIES}
    return tuple(_marked(verdict, breaches, contested) for verdict in verdicts)


def _marked(verdict: ActionVerdict, breaches: set[str], contested: frozenset[str]) -> ActionVerdict:
    risks = [rule_id for rule_id in verdict.findings if rule_id in breaches]
    if verdict.status != "risk" or not risks:
        return verdict
    return replace(verdict, contested=all(rule_id in contested for rule_id in risks))


def verdict_key(verdict: ActionVerdict) -> str:
    """The verdict's status, or "contested" for a risk that lies only on contested points:
    the key of the status-word tables and of fixture expectations."""
    return CONTESTED if verdict.contested else verdict.status


def overall_key(assessment: Assessment, rules: RuleSet) -> str:
    """The overall verdict, or "contested" for a risk whose every breach is on a contested
    point: a notice is a real risk there, but the profession reads it as no breach."""
    breaches = [r for r in assessment.results if r.outcome == "fail" and r.severity in BREACH_SEVERITIES]
    if assessment.overall == "risk" and breaches and all(result_contested(r, rules) for r in breaches):
        return CONTESTED
    return assessment.overall


def result_contested(result: RuleResult, rules: RuleSet) -> bool:
    """Whether a finding fails on a contested point."""
    return result.outcome == "fail" and is_contested(rules.constraint(result.rule_id))


def readings_in_order(rule: Constraint) -> list[Reading]:
    """The commissioner's readings first, then the profession's."""
    return sorted(rule.readings, key=lambda r: r.reader != "commissioner")
