from __future__ import annotations

import calendar
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.core.conditions import Scope, add_months, holds, rule_outcome, term_value, unknowns

VIEW = {
    "setup": {
        "slots": 2,
        "enabled": False,
        "channel": "gp_connect",
        "agreements": [
            {"basis": "statutory_dpn", "status": "continue"},
            {"basis": "voluntary", "status": "withdrawn"},
        ],
        "empty": [],
        "overflow": ["duty_clinician_same_day", "nhs111"],
    },
    "practice": {"patients": 9027},
}


def scope(**lets: object) -> Scope:
    return Scope(VIEW, "2025-10-01", lets)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"path": "setup.slots", "lt": 3}, True),
        ({"path": "setup.slots", "ge": 3}, False),
        ({"path": "setup.missing", "lt": 3}, None),
        ({"path": "setup.enabled", "eq": False}, True),
        ({"path": "setup.channel", "in": ["gp_connect", "other"]}, True),
        ({"path": "setup.channel", "not_in": ["gp_connect"]}, False),
        ({"all": [{"path": "setup.slots", "gt": 5}, {"path": "setup.missing", "eq": 1}]}, False),
        ({"all": [{"path": "setup.slots", "lt": 5}, {"path": "setup.missing", "eq": 1}]}, None),
        ({"any": [{"path": "setup.slots", "lt": 5}, {"path": "setup.missing", "eq": 1}]}, True),
        ({"any": [{"path": "setup.slots", "gt": 5}, {"path": "setup.missing", "eq": 1}]}, None),
        ({"not": {"path": "setup.slots", "gt": 5}}, True),
        ({"not": {"path": "setup.missing", "gt": 5}}, None),
        ({"any_item": "setup.agreements", "where": {"path": "status", "eq": "withdrawn"}}, True),
        ({"all_items": "setup.agreements", "where": {"path": "status", "eq": "withdrawn"}}, False),
        ({"any_item": "setup.empty", "where": {"path": "status", "eq": "withdrawn"}}, False),
        ({"all_items": "setup.empty", "where": {"path": "status", "eq": "withdrawn"}}, True),
        ({"any_item": "setup.nothing", "where": {"path": "status", "eq": "withdrawn"}}, None),
        ({"path": "setup.slots", "lt": {"path": "practice.patients"}}, True),
        # a list of answers: one destination in the literals is enough for any_in
        ({"path": "setup.overflow", "any_in": ["nhs111", "local_urgent_care"]}, True),
        ({"path": "setup.overflow", "any_in": ["local_urgent_care"]}, False),
        ({"path": "setup.overflow", "none_in": ["nhs111"]}, False),
        ({"path": "setup.overflow", "none_in": ["ask_to_call_back"]}, True),
        ({"path": "setup.empty", "any_in": ["nhs111"]}, False),
        ({"path": "setup.empty", "none_in": ["nhs111"]}, True),
        ({"path": "setup.missing", "any_in": ["nhs111"]}, None),
        ({"path": "setup.missing", "none_in": ["nhs111"]}, None),
        # a list compared as one value, or one value as a list, is not known either way
        ({"path": "setup.overflow", "eq": "nhs111"}, None),
        ({"path": "setup.overflow", "ne": "nhs111"}, None),
        ({"path": "setup.channel", "any_in": ["gp_connect"]}, None),
    ],
)
def test_holds_answers_three_valued(condition: dict, expected: bool | None) -> None:
    assert holds(condition, scope()) is expected


def test_let_computes_the_nhs111_minimum_from_the_list_size() -> None:
    minimum = {"max": [1, {"floor": {"div": [{"path": "practice.patients"}, 3000]}}]}
    assert term_value({"let": "min_slots"}, scope(min_slots=minimum)) == 3


def test_count_is_unknown_when_an_item_is_unknown() -> None:
    term = {"count": "setup.agreements", "where": {"path": "purpose", "eq": "secondary"}}
    assert term_value(term, scope()) is None


def test_count_counts_items_that_hold() -> None:
    term = {"count": "setup.agreements", "where": {"path": "status", "eq": "continue"}}
    assert term_value(term, scope()) == 1


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [("2024-01-31", 1, "2024-02-29"), ("2024-11-30", 3, "2025-02-28"), ("2025-03-15", -1, "2025-02-15")],
)
def test_add_months_clamps_to_the_month_end(day: str, months: int, expected: str) -> None:
    assert add_months(day, months) == expected


@given(st.dates(datetime.date(1900, 1, 1), datetime.date(2200, 12, 31)), st.integers(-1200, 1200))
def test_add_months_lands_on_the_same_day_or_the_month_end(day: datetime.date, months: int) -> None:
    moved = datetime.date.fromisoformat(add_months(day.isoformat(), months))
    last_day = calendar.monthrange(moved.year, moved.month)[1]
    assert (moved.year * 12 + moved.month - (day.year * 12 + day.month), moved.day) == (
        months, min(day.day, last_day))


def test_add_days_and_as_of() -> None:
    assert term_value({"add_days": [{"var": "as_of"}, 30]}, scope()) == "2025-10-31"


def test_unknowns_name_only_the_items_and_fields_that_leave_it_open() -> None:
    view = {"setup": {"agreements": [
        {"basis": "contractual"},
        {"basis": "voluntary"},
    ]}, "practice": {}}
    condition = {"any_item": "setup.agreements", "where": {"all": [
        {"path": "basis", "eq": "voluntary"}, {"path": "ends_on", "lt": {"var": "as_of"}}]}}
    assert unknowns(condition, Scope(view, "2025-10-01")) == {"setup.agreements[1].ends_on"}


def test_a_list_compared_as_one_value_asks_for_that_field() -> None:
    # a rule written for one answer (a local pack from before overflow became a list) asks
    # about the field, rather than finding nothing to ask and nothing to decide
    assert unknowns({"path": "setup.overflow", "eq": "nhs111"}, scope()) == {"setup.overflow"}
    assert unknowns({"path": "setup.channel", "none_in": ["nhs111"]}, scope()) == {"setup.channel"}


def test_unknowns_follow_lets_to_the_plan_fields_they_use() -> None:
    lets = {"minimum": {"max": [1, {"floor": {"div": [{"path": "practice.patients"}, 3000]}}]}}
    condition = {"path": "setup.slots", "lt": {"let": "minimum"}}
    unsized = {"setup": {"slots": 2}, "practice": {}}
    assert unknowns(condition, Scope(unsized, "2025-10-01", lets)) == {"practice.patients"}
    assert unknowns({"path": "setup.slots", "lt": 3}, scope()) == set()


@pytest.mark.parametrize(("applies", "fails", "outcome"), [
    (False, None, "not_applicable"), (False, True, "not_applicable"), (None, False, "pass"),
    (True, False, "pass"), (None, True, "cannot_tell"), (True, None, "cannot_tell"),
    (None, None, "cannot_tell"), (True, True, "fail"),
])  # fmt: skip
def test_one_known_false_condition_settles_a_rule(applies, fails, outcome) -> None:
    assert rule_outcome(applies, fails) == outcome


def _rule_conditions() -> list[tuple[str, object, dict]]:
    """Every condition and let of the built-in rules, with the lets in scope for it."""
    from engine.inputs.load import load_rules

    found: list[tuple[str, object, dict]] = []
    for rule in load_rules().constraints:
        found += [("condition", c, rule.lets) for c in (rule.applies_when, rule.fails_when) if c is not None]
        found += [("term", term, rule.lets) for term in rule.lets.values()]
    return found


RULE_CONDITIONS = _rule_conditions()


@given(st.data())
def test_a_compiled_condition_answers_as_holds_and_weigh_do_on_any_plan(data: st.DataObject) -> None:
    from engine.core.apply import apply_effects, practice_view
    from engine.core.conditions import compile_condition, compile_term, compile_weigh, weigh
    from engine.inputs.load import load_rules
    from engine.inputs.read import builtin_schema
    from tests.strategies import plans

    rules = load_rules()
    plan = data.draw(plans(rules, builtin_schema("plan.schema.json")))
    view = apply_effects(practice_view(plan, rules, plan.assessed_on), plan.actions, rules, plan.assessed_on)
    for kind, expression, lets in RULE_CONDITIONS:
        interpreted, compiled = Scope(view, plan.assessed_on, lets), Scope(view, plan.assessed_on, lets)
        if kind == "condition":
            assert compile_condition(expression)(compiled) is holds(expression, interpreted), expression
            assert compile_weigh(expression)(compiled, "") == weigh(expression, interpreted), expression
        else:
            assert compile_term(expression)(compiled) == term_value(expression, interpreted), expression


@pytest.mark.parametrize("condition", [
    {"all": []}, {"any": []}, {"not": {"path": "setup.slots", "lt": 3}},
    {"path": "setup.overflow", "any_in": ["nhs111"]}, {"path": "setup.overflow", "eq": "nhs111"},
    {"path": "setup.slots", "lt": {"div": [{"path": "practice.patients"}, 0]}},
    {"path": "setup.slots", "gt": {"floor": {"div": [{"path": "practice.patients"}, 3000]}}},
    {"path": "setup.slots", "eq": {"count": "setup.agreements", "where": {"path": "status", "eq": "continue"}}},
    {"all_items": "setup.agreements", "where": {"path": "status", "in": ["continue", "withdrawn"]}},
    {"any_item": "setup.missing", "where": {"path": "status", "eq": "continue"}},
    {"path": "setup.channel", "lt": 3},
])
def test_a_compiled_condition_answers_as_holds_and_weigh_do_at_each_edge(condition: dict) -> None:
    from engine.core.conditions import compile_condition, compile_weigh, weigh

    assert compile_condition(condition)(scope()) is holds(condition, scope())
    assert compile_weigh(condition)(scope(), "") == weigh(condition, scope())
