from __future__ import annotations

import threading
import time

import pytest

from engine.core.errors import InternalError
from engine.core.evaluate import Evaluator, flatten
from engine.core.model import PRACTICE, ChosenAction, Effect, Period, replace
from engine.core.reference import reference_attribution, reference_outcomes
from tests.builders import action, constraint, plan, ruleset

SLOTS = constraint(
    "slots",
    {"path": "setup.nhs111.slots", "lt": {"let": "min_slots"}},
    lets={"min_slots": {"max": [1, {"floor": {"div": [{"path": "practice.patients"}, 3000]}}]}},
    message="{setup.nhs111.slots} slots; the minimum is {min_slots}.",
)
UPDATE_RECORD = constraint(
    "update-record", {"path": "setup.update_record", "eq": False},
    effective=(Period("2025-10-01", None),),
)
STATUTORY = constraint(
    "statutory",
    {"any_item": "setup.agreements", "where": {"all": [
        {"path": "basis", "eq": "statutory_dpn"}, {"path": "status", "ne": "continue"}]}},
)
LES_NOTICE = constraint(
    "les-notice",
    {"any_item": "setup.services", "where": {
        "path": "stops_on", "lt": {"add_months": [{"path": "notice_served_on"}, {"path": "months"}]}}},
    applies_when={"any_item": "setup.services", "where": {"path": "status", "eq": "notice_served"}},
    severity="local_breach",
)
BOTH = constraint(  # breaches only when both switches are off
    "both", {"all": [{"path": "setup.a", "eq": False}, {"path": "setup.b", "eq": False}]})
SWITCH_OFF = action("switch-off", Effect("setup.update_record", value=False))
WITHDRAW = action("withdraw", Effect("status", value="withdrawn", for_each="setup.agreements",
                                     where={"path": "purpose", "eq": "secondary"}))
NOTICE = action("notice", Effect("status", value="notice_served", for_each="setup.services"))
A_OFF = action("a-off", Effect("setup.a", value=False))
B_OFF = action("b-off", Effect("setup.b", value=False))
CAP = action("cap", Effect("setup.nhs111.slots", param="slots"),
             params={"slots": {"type": "integer", "default": 1}})
RULES = ruleset(SLOTS, UPDATE_RECORD, STATUTORY, LES_NOTICE, BOTH,
                SWITCH_OFF, WITHDRAW, NOTICE, A_OFF, B_OFF, CAP)
EVALUATOR = Evaluator(RULES)


def outcomes(assessment) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {r.rule_id: (r.outcome, r.attributed_to) for r in assessment.results}


def test_a_practice_below_its_nhs111_minimum_is_told_so_with_no_action() -> None:
    result = EVALUATOR.assess(plan({"nhs111": {"slots": 2}}, practice={"patients": 9027})).result("slots")
    assert (result.outcome, result.attributed_to) == ("fail", (PRACTICE,))
    assert result.message == "2 slots; the minimum is 3."


def test_missing_list_size_is_cannot_tell_naming_the_field() -> None:
    result = EVALUATOR.assess(plan({"nhs111": {"slots": 2}})).result("slots")
    assert (result.outcome, result.missing) == ("cannot_tell", ("practice.patients",))


def test_update_record_off_is_lawful_in_2024_and_a_breach_from_october_2025() -> None:
    chosen = plan({"update_record": True}, "switch-off", day="2024-11-05")
    before = EVALUATOR.assess(chosen)
    after = EVALUATOR.assess(chosen, as_of="2025-10-01")
    assert before.result("update-record").outcome == "not_applicable"
    assert before.result("update-record").reason == (
        "not in effect on 5 November 2024 (in effect from 1 October 2025)")
    assert [(v.action_id, v.status) for v in before.actions] == [("switch-off", "safe")]
    assert after.result("update-record").attributed_to == ("switch-off",)
    assert [(v.action_id, v.status, v.findings) for v in after.actions] == [
        ("switch-off", "risk", ("update-record",))]
    assert after.as_of == "2025-10-01"


def test_withdrawing_secondary_use_agreements_catches_a_statutory_collection() -> None:
    agreements = [{"basis": "statutory_dpn", "purpose": "secondary", "status": "continue"},
                  {"basis": "voluntary", "purpose": "secondary", "status": "continue"}]
    assessment = EVALUATOR.assess(plan({"agreements": agreements}, "withdraw"))
    assert outcomes(assessment)["statutory"] == ("fail", ("withdraw",))
    assert EVALUATOR.assess(plan({"agreements": agreements})).result("statutory").outcome == "pass"


def test_an_effect_whose_where_is_unknown_makes_the_constraint_cannot_tell() -> None:
    agreements = [{"basis": "statutory_dpn", "status": "continue"}]
    result = EVALUATOR.assess(plan({"agreements": agreements}, "withdraw")).result("statutory")
    assert (result.outcome, result.attributed_to) == ("cannot_tell", ("withdraw",))
    # Not the status the action overwrites: answering that would bring it straight back.
    assert result.missing == ("setup.agreements[0].purpose",)


def test_item_comparison_against_a_date_term_and_applies_when() -> None:
    services = [{"notice_served_on": "2025-01-10", "months": 3, "stops_on": "2025-03-01",
                 "status": "continue"}]
    assert EVALUATOR.assess(plan({"services": services})).result("les-notice").outcome == "not_applicable"
    assert EVALUATOR.assess(plan({"services": services})).result("les-notice").reason == (
        "does not apply to this plan")
    noticed = EVALUATOR.assess(plan({"services": services}, "notice"))
    assert outcomes(noticed)["les-notice"] == ("fail", ("notice",))
    services[0]["stops_on"] = "2025-04-10"
    assert EVALUATOR.assess(plan({"services": services}, "notice")).result("les-notice").outcome == "pass"


def test_two_actions_that_only_breach_together_are_both_named() -> None:
    assessment = EVALUATOR.assess(plan({"a": True, "b": True}, "a-off", "b-off"))
    assert outcomes(assessment)["both"] == ("fail", ("a-off", "b-off"))
    assert outcomes(EVALUATOR.assess(plan({"a": True, "b": False}, "a-off", "b-off")))["both"] == (
        "fail", ("a-off",))


def test_an_action_parameter_sets_the_value_and_falls_back_to_its_default() -> None:
    given = plan({}, ChosenAction("cap", {"slots": 5}), practice={"patients": 9027})
    assert EVALUATOR.assess(given).result("slots").outcome == "pass"
    defaulted = EVALUATOR.assess(plan({}, "cap", practice={"patients": 9027}))
    assert outcomes(defaulted)["slots"] == ("fail", ("cap",))


def test_overall_verdict() -> None:
    assert EVALUATOR.assess(plan({"nhs111": {"slots": 2}}, practice={"patients": 9027})).overall == "risk"
    assert EVALUATOR.assess(plan({})).overall == "cannot_tell"


def test_sessions_are_deleted_so_one_host_outlives_1024_plans() -> None:
    chosen = plan({"nhs111": {"slots": 3}}, practice={"patients": 9027})
    verdicts = {EVALUATOR.assess(chosen).result("slots").outcome for _ in range(1100)}
    assert verdicts == {"pass"}


def test_flatten_joins_nested_keys_and_drops_nulls() -> None:
    assert flatten({"a": {"b": 1, "c": None}, "l": [{"x": {"y": 2}}]}) == {"a__b": 1, "l": [{"x__y": 2}]}


def _dropping(evaluator: Evaluator, host: object) -> object:
    """A Host that loses every firing, as durable_rules now and then does."""
    real = host.run_facts

    def run_facts(name: str, facts: list[dict], fired: list) -> None:
        real(name, facts, fired)
        fired.clear()

    host.run_facts = run_facts
    return host


def test_a_verdict_durable_rules_drops_is_evaluated_again_on_a_fresh_host() -> None:
    evaluator = Evaluator(RULES)
    _dropping(evaluator, evaluator._host)
    result = evaluator.assess(plan({"nhs111": {"slots": 2}}, practice={"patients": 9027})).result("slots")
    assert (result.outcome, result.attributed_to) == ("fail", (PRACTICE,))


def test_a_host_that_keeps_dropping_verdicts_is_an_internal_error(monkeypatch) -> None:
    evaluator = Evaluator(RULES)
    real_new_host = evaluator._new_host
    monkeypatch.setattr(evaluator, "_new_host", lambda: _dropping(evaluator, real_new_host()))
    _dropping(evaluator, evaluator._host)
    with pytest.raises(InternalError) as raised:
        evaluator.assess(plan({"nhs111": {"slots": 2}}, practice={"patients": 9027}))
    assert str(raised.value) == (
        "durable_rules failed 3 times on this plan: durable_rules dropped the verdict of slots")


def test_an_evaluator_starts_no_thread_that_could_call_into_durable_rules() -> None:
    before = threading.active_count()
    evaluator = Evaluator(RULES)
    evaluator.assess(plan({"nhs111": {"slots": 2}}, practice={"patients": 9027}))
    time.sleep(0.3)  # durable_rules' own Host would have started its dispatch timers by now
    assert threading.active_count() == before


def test_a_host_that_failed_is_dropped_without_another_call_into_it() -> None:
    evaluator = Evaluator(RULES)
    failed = _dropping(evaluator, evaluator._host)
    failed.delete_state = lambda *args: pytest.fail("delete_state called on a failed Host")
    result = evaluator.assess(plan({"nhs111": {"slots": 2}}, practice={"patients": 9027})).result("slots")
    assert (result.outcome, evaluator._host is failed) == ("fail", False)


def test_evaluators_of_different_rule_sets_share_one_lock_on_the_c_engine() -> None:
    assert Evaluator(RULES)._lock is Evaluator(ruleset(SLOTS))._lock


def test_a_known_false_failing_condition_settles_a_rule_whose_scope_is_unknown() -> None:
    services = [{"notice_served_on": "2025-01-10", "months": 3, "stops_on": "2025-05-01"}]
    result = EVALUATOR.assess(plan({"services": services})).result("les-notice")
    assert (result.outcome, result.missing) == ("pass", ())
    assert reference_outcomes(RULES, plan({"services": services}))["les-notice"] == "pass"


def test_a_known_false_scope_settles_a_rule_whose_test_is_unknown() -> None:
    services = [{"status": "continue"}]
    result = EVALUATOR.assess(plan({"services": services})).result("les-notice")
    assert (result.outcome, result.missing) == ("not_applicable", ())
    assert reference_outcomes(RULES, plan({"services": services}))["les-notice"] == "not_applicable"


def test_cannot_tell_asks_for_both_the_scope_and_the_test_when_neither_is_known() -> None:
    services = [{"notice_served_on": "2025-01-10", "months": 3, "stops_on": "2025-03-01"}]
    result = EVALUATOR.assess(plan({"services": services})).result("les-notice")
    assert (result.outcome, result.missing) == ("cannot_tell", ("setup.services[0].status",))
    untested = [{"status": "notice_served", "months": 3, "stops_on": "2025-03-01"}]
    result = EVALUATOR.assess(plan({"services": untested})).result("les-notice")
    assert (result.outcome, result.missing) == ("cannot_tell", ("setup.services[0].notice_served_on",))
    neither = [{"months": 3, "stops_on": "2025-03-01"}]
    result = EVALUATOR.assess(plan({"services": neither})).result("les-notice")
    assert (result.outcome, result.missing) == (
        "cannot_tell", ("setup.services[0].status", "setup.services[0].notice_served_on"))


def test_a_doubt_an_action_can_turn_either_way_is_the_actions_not_already_the_case() -> None:
    assessment = EVALUATOR.assess(plan({}, "a-off"))
    assert outcomes(assessment)["both"] == ("cannot_tell", ("a-off",))
    verdict = assessment.actions[0]
    assert (verdict.status, verdict.findings) == ("cannot_tell", ("both",))
    assert reference_attribution(RULES, plan({}, "a-off"))["both"] == ("a-off",)


def test_a_doubt_the_actions_leave_exactly_as_it_was_is_already_the_case() -> None:
    agreements = [{"purpose": "direct_care", "status": "withdrawn"}]
    assessment = EVALUATOR.assess(plan({"agreements": agreements}, "withdraw"))
    assert outcomes(assessment)["statutory"] == ("cannot_tell", (PRACTICE,))
    assert (assessment.actions[0].status, assessment.actions[0].findings) == ("safe", ())
    assert reference_attribution(RULES, plan({"agreements": agreements}, "withdraw"))["statutory"] == (PRACTICE,)


def test_a_missing_action_parameter_is_asked_as_the_actions_own_path() -> None:
    rules = ruleset(SLOTS, action("cap", Effect("setup.nhs111.slots", param="slots"),
                                  params={"slots": {"type": "integer"}}))
    evaluator = Evaluator(rules)
    chosen = plan({"nhs111": {"slots": 5}}, "cap", practice={"patients": 9027})
    result = evaluator.assess(chosen).result("slots")
    assert (result.outcome, result.missing) == ("cannot_tell", ("actions[0].slots",))
    answered = replace(chosen, actions=(ChosenAction("cap", {"slots": 5}),))
    assert evaluator.assess(answered).result("slots").outcome == "pass"


def test_an_answer_an_action_makes_stale_is_asked_of_the_action_until_its_parameters_settle_it() -> None:
    same_day = constraint("same-day", {"path": "setup.urgent_same_day", "eq": False})
    divert = action(
        "divert",
        Effect("setup.urgent_same_day", param="same_day_when_full",
               when={"path": "overflow", "in": ["nhs111"]}),
        params={"overflow": {"enum": ["nhs111", "duty"]}, "same_day_when_full": {"type": "boolean"}},
    )
    evaluator = Evaluator(ruleset(same_day, divert))
    before = {"urgent_same_day": True}
    def asked(params):
        result = evaluator.assess(plan(before, ChosenAction("divert", params))).result("same-day")
        return result.outcome, result.missing
    assert asked({}) == ("cannot_tell", ("actions[0].overflow", "actions[0].same_day_when_full"))
    assert asked({"overflow": "nhs111"}) == ("cannot_tell", ("actions[0].same_day_when_full",))
    assert asked({"overflow": "nhs111", "same_day_when_full": False}) == ("fail", ())
    assert asked({"overflow": "duty"}) == ("pass", ())


def test_a_doubt_two_actions_could_each_tip_is_each_actions() -> None:
    """Leaving either action out changes nothing, since the other writes the same field,
    yet with the missing answer either makes the rule fail: neither may be SAFE."""
    needs = constraint("needs-software", {"all": [{"path": "setup.software", "eq": False},
                                                  {"path": "setup.required", "eq": True}]})  # fmt: skip
    rules = ruleset(needs, action("off-a", Effect("setup.software", value=False)),
                    action("off-b", Effect("setup.software", value=False)))  # fmt: skip
    chosen = plan({"software": True}, "off-a", "off-b")
    assessment = Evaluator(rules).assess(chosen)
    assert outcomes(assessment)["needs-software"] == ("cannot_tell", ("off-a", "off-b"))
    assert [(v.action_id, v.status) for v in assessment.actions] == [("off-a", "cannot_tell"), ("off-b", "cannot_tell")]
    assert reference_attribution(rules, chosen)["needs-software"] == ("off-a", "off-b")


def test_a_firing_gpca_cannot_read_is_an_internal_error_and_the_host_still_evaluates(monkeypatch) -> None:
    import engine.core.evaluate as evaluate

    evaluator = Evaluator(RULES)
    chosen = plan({"nhs111": {"slots": 2}}, practice={"patients": 9027})

    class Broken:
        def decode(self, message: str) -> None:
            raise KeyError(message[:10])

    monkeypatch.setattr(evaluate, "_FIRING", Broken())
    with pytest.raises(InternalError) as raised:
        evaluator.assess(chosen)
    assert str(raised.value).startswith("a durable_rules action failed: KeyError(")
    monkeypatch.undo()
    assert evaluator.assess(chosen).result("slots").outcome == "fail"


def test_each_ruleset_is_crossed_into_once_per_plan_and_no_firing_is_decoded_by_json(monkeypatch) -> None:
    import engine.core.evaluate as evaluate
    from durable import engine as durable

    evaluator = Evaluator(RULES)
    calls: list[str] = []
    monkeypatch.setattr(durable, "json", None)  # durable_rules' own JSON round trip per firing
    real_encode = evaluate._encode
    monkeypatch.setattr(evaluate, "_encode", lambda facts: calls.append("encode") or real_encode(facts))
    outcome = evaluator.assess(plan({"nhs111": {"slots": 2}}, practice={"patients": 9027})).result("slots").outcome
    assert (outcome, len(calls)) == ("fail", len(evaluator.compiled.shards))
