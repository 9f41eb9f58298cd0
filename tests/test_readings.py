"""engine/core/readings.py: which rules are contested, and which verdicts risk a notice."""

from __future__ import annotations

import json

from engine.core.model import ActionVerdict, Reading, RuleResult, Source, replace
from engine.core.readings import is_contested, mark_contested, overall_key, verdict_key
from engine.report.json import render_json
from engine.report.markdown import render_markdown
from engine.report.text import render_text
from tests.adviser_support import assess, rules

SOURCE = Source("A source", "https://example.org/a", "A sentence that says so.", "high", "It says so.")
COMMISSIONER = Reading("commissioner", "NHS England", "breach", "It is a breach of the contract.", (SOURCE,))
PROFESSION = Reading("profession", "BMA", "not_a_breach", "It is not a breach of the contract.", (SOURCE,))
RULE_ID = "no-nhs111-overflow-in-core-hours"


def test_a_rule_is_contested_only_when_the_commissioner_says_breach_and_the_profession_does_not() -> None:
    rule = rules().constraint(RULE_ID)
    assert is_contested(replace(rule, readings=(COMMISSIONER, PROFESSION))) is True
    assert is_contested(replace(rule, readings=(COMMISSIONER,))) is False
    agreed = replace(PROFESSION, position="breach")
    assert is_contested(replace(rule, readings=(COMMISSIONER, agreed))) is False
    silent = replace(PROFESSION, position="no_position")
    assert is_contested(replace(rule, readings=(COMMISSIONER, silent))) is False
    quiet = replace(COMMISSIONER, position="no_position")
    assert is_contested(replace(rule, readings=(quiet, PROFESSION))) is False
    assert is_contested(replace(rule, readings=(replace(quiet, notices_issued=True), PROFESSION))) is True


def test_a_risk_only_on_contested_points_is_marked_contested() -> None:
    verdict = ActionVerdict("limit-daily-contacts", "risk", (RULE_ID,))
    results = (RuleResult(RULE_ID, "fail", "breach", ("limit-daily-contacts",)),)
    (marked,) = mark_contested((verdict,), results, rules())
    assert (marked.contested, verdict_key(marked)) == (True, "contested")


def test_a_risk_with_one_uncontested_breach_is_not_marked() -> None:
    verdict = ActionVerdict("limit-daily-contacts", "risk", (RULE_ID, "urgent-same-day-response"))
    results = (RuleResult(RULE_ID, "fail", "breach", ("limit-daily-contacts",)),
               RuleResult("urgent-same-day-response", "fail", "breach", ("limit-daily-contacts",)))
    (marked,) = mark_contested((verdict,), results, rules())
    assert (marked.contested, verdict_key(marked)) == (False, "risk")


def test_a_safe_or_cannot_tell_verdict_is_never_marked() -> None:
    for status in ("safe", "cannot_tell"):
        verdict = ActionVerdict("limit-daily-contacts", status, ())
        assert mark_contested((verdict,), (), rules()) == (verdict,)


def test_an_overall_risk_only_on_contested_points_is_a_contested_risk_of_a_notice() -> None:
    contested = assess("fixtures/core/lunchtime-closure-2024.yaml")
    plain = assess("fixtures/data/secondary-use-withdraws-statutory-dpn.yaml")
    assert (contested.overall, overall_key(contested, rules())) == ("risk", "contested")
    assert (plain.overall, overall_key(plain, rules())) == ("risk", "risk")


def test_every_format_says_when_the_overall_risk_is_contested() -> None:
    contested = assess("fixtures/core/lunchtime-closure-2024.yaml")
    assert "Overall: RISK OF A NOTICE (CONTESTED)\n" in render_text([contested], rules())
    assert "Overall: RISK OF A NOTICE (CONTESTED)\n" in render_markdown([contested], rules())
    plan = json.loads(render_json([contested], rules()))["plans"][0]
    assert (plan["overall"], plan["overall_contested"]) == ("risk", True)
