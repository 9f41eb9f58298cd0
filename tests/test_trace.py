"""engine/core/trace.py: traces read the asserted facts and always agree with the verdict."""

from __future__ import annotations

import pytest
from adviser_support import FIXTURES, assess, fixture_plan, rules

from engine.core.compile import flat_key
from engine.core.errors import InternalError
from engine.core.evaluate import flatten
from engine.core.model import replace
from engine.core.trace import Step, trace_assessment, trace_rule, unflatten

BELOW = "fixtures/nhs111/already-below-minimum.yaml"
SLOTS = "setup.nhs111.direct_booking_slots_per_day"


@pytest.mark.parametrize("path", FIXTURES)
def test_every_fixture_traces_to_the_engines_outcomes(path: str) -> None:
    assessment = assess(path)
    traces = trace_assessment(assessment, rules())
    assert [t.rule.id for t in traces] == [r.rule_id for r in assessment.results]
    assert [t.outcome for t in traces] == [r.outcome for r in assessment.results]


def test_a_comparison_records_what_it_looked_for_and_what_it_saw() -> None:
    trace = trace_rule(assess(BELOW), rules(), "nhs111-minimum-slots")
    assert trace.fails == Step("compare", True, SLOTS, "lt", 3, 2)
    assert trace.applies is None and trace.in_effect


def test_a_rule_out_of_effect_has_no_tree() -> None:
    trace = trace_rule(assess(BELOW), rules(), "gp-connect-update-record-enabled")
    assert (trace.in_effect, trace.applies, trace.fails, trace.outcome) == (False, None, None, "not_applicable")


def test_a_trace_that_disagrees_with_the_verdict_is_an_internal_error() -> None:
    assessment = assess(BELOW)
    wrong = tuple(replace(r, outcome="pass") if r.rule_id == "nhs111-minimum-slots" else r
                  for r in assessment.results)  # fmt: skip
    with pytest.raises(InternalError) as caught:
        trace_rule(replace(assessment, results=wrong), rules(), "nhs111-minimum-slots")
    assert str(caught.value) == "the trace of nhs111-minimum-slots says fail but the engine said pass"


def test_a_derived_value_the_trace_would_not_compute_is_an_internal_error() -> None:
    assessment = assess(BELOW)
    tampered = {k: (7 if k.startswith("_t") else v) for k, v in assessment.facts.items()}
    with pytest.raises(InternalError) as caught:
        trace_rule(replace(assessment, facts=tampered), rules(), "nhs111-minimum-slots")
    assert str(caught.value).startswith("nhs111-minimum-slots: the engine asserted 7 for {'let': 'min_slots'}")


def test_the_trace_reads_the_fact_the_session_asserted() -> None:
    assessment = assess(BELOW)
    assert assessment.facts["variant"] == "planned"
    assert assessment.facts[flat_key(SLOTS)] == 2


def test_an_assessment_without_facts_cannot_be_traced() -> None:
    with pytest.raises(InternalError) as caught:
        trace_rule(replace(assess(BELOW), facts={}), rules(), "nhs111-minimum-slots")
    assert str(caught.value) == "the assessment kept no facts to trace"


def test_unflatten_undoes_flatten() -> None:
    plan = fixture_plan("fixtures/services/les-too-little-notice.yaml")
    view = {"practice": plan.practice, "setup": plan.setup}
    assert unflatten(flatten(view)) == view
