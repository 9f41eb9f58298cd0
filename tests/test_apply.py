"""The plan view: the set-up, the national data flows it always holds, and action effects."""

from __future__ import annotations

import pytest

from engine.core.apply import conflicting_actions, plan_view
from engine.core.errors import InputError
from engine.core.evaluate import Evaluator
from engine.core.model import ChosenAction, DataFlow, Period, Plan, Source
from engine.inputs.load import load_rules

SOURCE = Source("A source", "https://example.org", "a quote", "high", "because")
GDPPR = DataFlow("gdppr", "GDPPR", "statutory_dpn", "secondary", (Period(None, None),), (SOURCE,))
LATER = DataFlow("update", "Update Record", "contractual", "direct_care", (Period("2025-10-01", None),), (SOURCE,))


def test_a_plan_that_lists_no_data_flows_still_holds_the_national_ones_in_effect() -> None:
    view = plan_view({}, {"data_sharing": []}, (GDPPR, LATER), "2025-10-01")
    assert view["setup"]["data_sharing"] == [
        {"name": "GDPPR", "flow": "gdppr", "legal_basis": "statutory_dpn", "purpose": "secondary",
         "status": "continue", "in_withdrawal": False},
        {"name": "Update Record", "flow": "update", "legal_basis": "contractual", "purpose": "direct_care",
         "status": "continue", "in_withdrawal": False},
    ]  # fmt: skip


def test_a_national_flow_not_yet_in_effect_is_not_added() -> None:
    view = plan_view({}, {"data_sharing": []}, (GDPPR, LATER), "2025-09-30")
    assert [item["flow"] for item in view["setup"]["data_sharing"]] == ["gdppr"]


def test_a_plan_that_leaves_its_data_flows_out_leaves_the_list_unknown() -> None:
    assert plan_view({}, {}, (GDPPR,), "2025-01-01")["setup"] == {}


def test_a_flow_the_plan_lists_by_its_id_is_the_plans_own_item() -> None:
    listed = {"name": "GP data for planning", "flow": "gdppr", "status": "withdrawn"}
    setup = {"data_sharing": [listed]}
    assert plan_view({}, setup, (GDPPR,), "2025-01-01")["setup"]["data_sharing"] == [listed]
    assert setup == {"data_sharing": [listed]}  # the plan itself is never changed


def _two_data_actions(scope: str) -> tuple[ChosenAction, ...]:
    return (ChosenAction("freeze-new-data-sharing", {"scope": scope}),
            ChosenAction("review-data-sharing-agreements-2026", {}))  # fmt: skip


def test_two_actions_that_set_one_answer_differently_conflict() -> None:
    problems = conflicting_actions(_two_data_actions("freeze_all"), load_rules(), "2026-05-01")
    assert [(p.code, p.pointer, p.message) for p in problems] == [(
        "conflicting-actions", "/actions/1",
        "the actions 'freeze-new-data-sharing' and 'review-data-sharing-agreements-2026' both set "
        "setup.new_data_sharing, one to 'freeze_all' and the other to 'freeze_voluntary_secondary': "
        "the practice cannot do both")]


def test_two_actions_that_agree_or_leave_the_answer_open_do_not_conflict() -> None:
    rules = load_rules()
    agreeing = _two_data_actions("freeze_voluntary_secondary")
    open_scope = (ChosenAction("freeze-new-data-sharing", {}), agreeing[1])
    assert (conflicting_actions(agreeing, rules, "2026-05-01"), conflicting_actions(open_scope, rules, "2026-05-01")) == ([], [])


def test_a_plan_whose_actions_conflict_is_refused_not_assessed() -> None:
    """The later action in the catalogue would hide the earlier one's effect: a freeze of
    every new collection looked SAFE beside the 2026 review (found by the attribution property)."""
    rules = load_rules()
    plan = Plan("plan.yaml", {"name": "P"}, "2026-05-01", _two_data_actions("freeze_all"), {})
    with pytest.raises(InputError) as raised:
        Evaluator(rules).assess(plan)
    assert [p.code for p in raised.value.problems] == ["conflicting-actions"]
