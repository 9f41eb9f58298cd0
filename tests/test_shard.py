from __future__ import annotations

import pytest

from engine.core.compile import compile_rules
from engine.core.errors import InputError
from engine.core.evaluate import Evaluator
from engine.core.reference import reference_outcomes
from engine.core.shard import ALTERNATIVES_PER_RULESET, alternatives, fact_keys, item_keys, split
from tests.builders import constraint, plan, ruleset

A, B = {"$lt": {"a": 1}}, {"$gt": {"b": 2}}


@pytest.mark.parametrize(("expression", "count"), [
    (A, 1),
    ({"$or": [A, B]}, 2),
    ({"$and": [{"$or": [A, B]}, {"$or": [A, B, A]}]}, 6),
    ({"$or": [{"k": "x"}, {"k": "y"}, {"k": "z"}]}, 1),  # 'in': a field holds one value
    ({"$iany": {"items": {"$or": [A, B]}}}, 1),
])  # fmt: skip
def test_alternatives_count_the_branches_of_the_or_of_ands(expression: dict, count: int) -> None:
    assert alternatives(expression) == count


def test_fact_keys_are_the_top_level_keys_read_including_references_but_not_item_keys() -> None:
    expression = {"$and": [{"$ex": {"a": 1}}, {"$lt": {"a": {"$m": "_t0"}}},
                           {"$iany": {"items": {"$i.kind": "x"}}}, {"c": True}]}  # fmt: skip
    assert fact_keys(expression) == {"a", "_t0", "items", "c"}


def test_item_keys_are_the_keys_of_list_items_each_list_is_read_for() -> None:
    expression = {"$and": [{"$iany": {"items": {"$and": [{"$i.kind": "x"}, {"$lt": {"$i.n": {"$m": "$i.m"}}}]}}},
                           {"$or": [{"$iall": {"others": {"$i._f3": True}}}, {"a": 1}]}]}  # fmt: skip
    assert item_keys(expression) == {"items": {"kind", "n", "m"}, "others": {"_f3"}}


def _many_on_one_field(count: int) -> list:
    return [constraint(f"at-least-{k}", {"path": "setup.slots", "lt": k}) for k in range(count)]


def test_each_ruleset_stays_within_the_alternatives_durable_rules_takes() -> None:
    compiled = compile_rules(ruleset(*_many_on_one_field(100)))
    loads = [sum(alternatives(compiled.definition[r]["all"][0]["m"]) for r in shard.rules)
             for shard in compiled.shards]  # fmt: skip
    assert (len(compiled.shards), max(loads)) == (9, 24)
    assert sorted(r for shard in compiled.shards for r in shard.rules) == sorted(compiled.definition)


def test_a_constraint_too_complex_for_any_ruleset_is_refused_by_name() -> None:
    wide = {"any": [{"path": f"setup.f{k}", "lt": k} for k in range(ALTERNATIVES_PER_RULESET + 1)]}
    with pytest.raises(InputError) as raised:
        compile_rules(ruleset(constraint("wide", wide)))
    assert raised.value.problems[0].message == (
        "constraint 'wide' is too complex for the engine: its conditions come to 26 alternatives, "
        "and a constraint may have at most 24")


def test_split_names_each_ruleset_after_the_compiled_rules() -> None:
    shards = split("gpca", {"r:fail": {"all": [{"m": A}]}, "r:pass": {"all": [{"m": B}]}},
                   {"r:fail": "r", "r:pass": "r"})  # fmt: skip
    assert [(s.name, s.rules, sorted(s.keys)) for s in shards] == [("gpca-0", ("r:fail", "r:pass"), ["a", "b"])]


def test_four_hundred_constraints_on_one_field_give_the_reference_verdicts() -> None:
    rules = ruleset(*_many_on_one_field(400))  # one ruleset of these spun for ever
    chosen = plan({"slots": 200})
    outcomes = {r.rule_id: r.outcome for r in Evaluator(rules).assess(chosen).results}
    assert outcomes == reference_outcomes(rules, chosen)
    assert sum(outcome == "fail" for outcome in outcomes.values()) == 199


def test_two_thousand_constraints_over_lists_give_each_copy_its_originals_verdict() -> None:
    """Each constraint over a list adds a flag to every item: 2,000 of them once came to more
    keys in one item than the engine takes. A ruleset's items now carry only what it reads."""
    over_items = {"any_item": "setup.items", "where": {"any": [{"path": "kind", "eq": "x"},
                                                                {"path": "n", "lt": 5}]}}  # fmt: skip
    rules = ruleset(*[constraint(f"copy-{k}", over_items) for k in range(2000)])
    chosen = plan({"items": [{"kind": "x", "n": k} for k in range(10)]})
    outcomes = {r.rule_id: r.outcome for r in Evaluator(rules).assess(chosen).results}
    assert outcomes == reference_outcomes(rules, chosen)
    assert set(outcomes.values()) == {"fail"}
