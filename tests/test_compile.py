from __future__ import annotations

from engine.core.compile import compile_rules, overlaps, paths_read, paths_written
from engine.core.model import Effect, Period
from tests.builders import action, constraint, ruleset

SLOTS = constraint(
    "slots",
    {"path": "setup.nhs111.slots", "lt": {"let": "min_slots"}},
    lets={"min_slots": {"max": [1, {"floor": {"div": [{"path": "practice.patients"}, 3000]}}]}},
    effective=(Period("2019-07-01", None),),
)
WITHDRAWN = constraint(
    "withdrawn",
    {"any_item": "setup.agreements", "where": {"all": [
        {"path": "basis", "eq": "statutory_dpn"}, {"path": "status", "ne": "continue"}]}},
    applies_when={"path": "setup.has_agreements", "eq": True},
    effective=(Period(None, "2025-09-30"),),
)
SWITCH_OFF = action("switch-off", Effect("setup.nhs111.slots", value=0))
WITHDRAW = action("withdraw", Effect("status", value="withdrawn", for_each="setup.agreements",
                                     where={"path": "purpose", "eq": "secondary"}))


def test_compile_emits_fail_pass_and_na_rules_as_plain_dicts() -> None:
    compiled = compile_rules(ruleset(SLOTS, WITHDRAWN, SWITCH_OFF, WITHDRAW))
    assert compiled.definition["slots:fail"] == {"all": [{"m": {"$and": [
        {"$gte": {"_as_of": "2019-07-01"}},
        {"$and": [{"$ex": {"setup__nhs111__slots": 1}}, {"$ex": {"_t0": 1}},
                  {"$lt": {"setup__nhs111__slots": {"$m": "_t0"}}}]},
    ]}}]}
    assert compiled.definition["withdrawn:na"] == {"all": [{"m": {"$and": [
        {"$lte": {"_as_of": "2025-09-30"}},
        {"$and": [{"$ex": {"setup__has_agreements": 1}}, {"$neq": {"setup__has_agreements": True}}]},
    ]}}]}
    # "pass" is not gated on applies_when: a known-false failing condition settles it.
    assert compiled.definition["withdrawn:pass"]["all"][0]["m"]["$and"][1] == {"$or": [
        {"_len__setup__agreements": 0},
        {"$iall": {"setup__agreements": {"$i._f2": False}}},
    ]}
    assert compiled.definition["withdrawn:fail"]["all"][0]["m"]["$and"][2] == {
        "$iany": {"setup__agreements": {"$and": [
            {"$and": [{"$ex": {"$i.basis": 1}}, {"$i.basis": "statutory_dpn"}]},
            {"$and": [{"$ex": {"$i.status": 1}}, {"$neq": {"$i.status": "continue"}}]},
        ]}}}
    assert sorted(compiled.outcomes) == [
        "slots:fail", "slots:pass", "withdrawn:fail", "withdrawn:na", "withdrawn:pass"]


def test_comparison_inside_an_item_against_a_term_becomes_a_precomputed_flag() -> None:
    rule = constraint("late", {"any_item": "setup.services", "where": {
        "path": "stops_on", "lt": {"add_months": [{"path": "notice_served_on"}, 3]}}})
    compiled = compile_rules(ruleset(rule))
    assert compiled.definition["late:fail"]["all"][0]["m"]["$and"][1] == {
        "$iany": {"setup__services": {"$i._f0": True}}}
    assert [(d.key, d.kind, d.within) for d in compiled.derived] == [
        ("_f0", "flag", "setup.services"), ("_len__setup__services", "length", None)]


def test_reads_and_writes_name_list_items_with_brackets() -> None:
    assert paths_read(WITHDRAWN) == {
        "setup.has_agreements", "setup.agreements",
        "setup.agreements[].basis", "setup.agreements[].status"}
    assert paths_read(SLOTS) == {"setup.nhs111.slots", "practice.patients"}
    assert paths_written(WITHDRAW) == {"setup.agreements[].status"}


def test_overlaps_matches_prefixes_on_segment_boundaries() -> None:
    assert overlaps("setup.agreements", "setup.agreements[].status")
    assert overlaps("setup.nhs111.slots", "setup.nhs111")
    assert not overlaps("setup.nhs111.slots", "setup.nhs111.slots_spread")
    assert not overlaps("setup.agreements[].basis", "setup.agreements[].status")
