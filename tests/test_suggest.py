"""engine/advice/suggest.py and engine/advice/advise.py: fixes re-checked by the engine (`gpca suggest`)."""

from __future__ import annotations

import pytest
from adviser_support import FIXTURES, ROOT, assess, check_golden, evaluator, fixture_plan, rules
from hypothesis import event, given, settings
from hypothesis import strategies as st
from strategies import plans
from test_explain import run

from engine.advice.advise import advise, largest_safe_subset, render_advice
from engine.advice.suggest import (MAX_CANDIDATES, Change, Fix, apply_change, candidate_changes, findings, fixes,
                            fixes_for, still_found)  # fmt: skip
from engine.core.model import SAFE_STATUSES, ChosenAction, Plan, replace
from engine.core.reference import reference_outcomes
from engine.inputs.load import load_plan
from engine.inputs.read import builtin_schema
from engine.inputs.waive import load_plan_with_waivers
from tests.hostile.engine.make_large_plan import agreement, service

FINDINGS = ("fail", "cannot_tell")
BELOW = "fixtures/nhs111/already-below-minimum.yaml"
LES = "fixtures/services/les-too-little-notice.yaml"


def reference_findings(plan: Plan, day: str) -> set[tuple[str, str]]:
    return {(r, o) for r, o in reference_outcomes(rules(), plan, day).items() if o in FINDINGS}


def assert_clears_only_its_target(plan: Plan, day: str, fix: Fix) -> None:
    """Checked by the reference evaluator, not by the engine that chose the fix."""
    changed = plan
    for change in fix.changes:
        changed = apply_change(changed, change)
    before, after = reference_findings(plan, day), reference_findings(changed, day)
    assert reference_outcomes(rules(), changed, day)[fix.rule_id] not in FINDINGS
    assert after <= {f for f in before if f[0] != fix.rule_id}


def test_below_the_nhs111_minimum_the_fix_is_three_slots() -> None:
    found = advise(evaluator(), assess(BELOW)).fixes
    assert found == {"nhs111-minimum-slots": [Fix("nhs111-minimum-slots", (Change(
        "set", "setup.nhs111.direct_booking_slots_per_day", 3,
        "change setup.nhs111.direct_booking_slots_per_day from 2 to 3 (the rule is met with at least 3)"),))]}


def test_too_little_notice_gives_the_earliest_safe_stop_date() -> None:
    advice = advise(evaluator(), assess(LES))
    assert advice.earliest == (("serve-notice-voluntary-services", "setup.services[0].stops_on", "2024-11-01"),)
    assert [f.changes[0].kind for f in advice.fixes["les-termination-notice"]] == ["set", "drop"]
    assert advice.safe_subset == ()


def test_the_largest_safe_subset_leaves_out_only_the_risky_action() -> None:
    plan = load_plan_with_waivers(ROOT / "examples" / "riverside.yaml", rules())
    assert largest_safe_subset(evaluator(), evaluator().assess(plan)) == (
        "limit-daily-contacts", "switch-off-gp-connect-update-record")


def test_applying_a_change_leaves_the_original_plan_alone() -> None:
    plan = fixture_plan(BELOW)
    changed = apply_change(plan, Change("set", "setup.nhs111.direct_booking_slots_per_day", 3))
    assert (plan.setup["nhs111"]["direct_booking_slots_per_day"], changed.setup["nhs111"]["direct_booking_slots_per_day"]) == (2, 3)


def test_a_change_to_one_list_item_copies_only_the_path_to_it() -> None:
    plan = fixture_plan(LES)
    changed = apply_change(plan, Change("set", "setup.services[0].stops_on", "2024-11-01"))
    before, after = plan.setup["services"][0], changed.setup["services"][0]
    assert (before["stops_on"], after["stops_on"], {**after, "stops_on": before["stops_on"]} == before) == (
        "2024-09-01", "2024-11-01", True)
    assert [changed.setup[key] is plan.setup[key] for key in plan.setup] == [key != "services" for key in plan.setup]


def test_a_change_makes_the_mappings_missing_on_its_path() -> None:
    plan = replace(fixture_plan(BELOW), setup={})
    changed = apply_change(plan, Change("set", "setup.nhs111.direct_booking_slots_per_day", 3))
    assert (plan.setup, changed.setup) == ({}, {"nhs111": {"direct_booking_slots_per_day": 3}})


@settings(max_examples=30)
@given(plan=plans(rules(), builtin_schema("plan.schema.json")), pick=st.integers(0, 1000))
def test_the_python_walk_that_spares_the_engine_agrees_with_it_on_every_candidate(plan: Plan, pick: int) -> None:
    """A candidate rejected before the engine re-checks it is one the engine would reject
    too, so the pre-check changes no suggestion."""
    assessment = evaluator().assess(plan)
    found = sorted(r.rule_id for r in assessment.results if r.outcome in FINDINGS)
    if not found:
        return
    rule_id = found[pick % len(found)]
    for change in candidate_changes(evaluator(), assessment, rule_id)[:MAX_CANDIDATES]:
        changed = apply_change(plan, change)
        engine_finds = evaluator().assess(changed, as_of=assessment.as_of).result(rule_id).outcome in FINDINGS
        event(f"the candidate clears its finding: {not engine_finds}")
        assert still_found(evaluator(), changed, assessment.as_of, rule_id) == engine_finds


def test_on_a_plan_of_200_items_no_candidate_that_leaves_its_finding_reaches_the_engine(
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """One item's change leaves the other items' findings standing, so none of the fix
    search's candidates clears its own finding, and none costs an engine session."""
    assessment = evaluator().assess(large_plan())
    engine_checks = []
    monkeypatch.setattr(evaluator(), "assess", lambda *args, **kwargs: engine_checks.append(args))
    found = fixes(evaluator(), assessment)
    assert (found, len(engine_checks)) == (dict.fromkeys(sorted({r for r, _ in findings(assessment)}), []), 0)


def large_plan() -> Plan:
    plan = load_plan_with_waivers(ROOT / "examples" / "riverside.yaml", rules())
    setup = {**plan.setup, "data_sharing": [agreement(n) for n in range(100)],
             "services": [service(n) for n in range(100)]}
    return replace(plan, setup=setup, actions=(*plan.actions, ChosenAction("serve-notice-voluntary-services", {})))


def test_suggestions_match_the_golden(update_golden: bool) -> None:
    check_golden("suggest-les-notice.txt", render_advice(advise(evaluator(), assess(LES))), update_golden)


@pytest.mark.parametrize("path", FIXTURES)
def test_every_fixtures_suggestions_clear_their_finding_and_add_none(path: str) -> None:
    assessment = assess(path)
    advice = advise(evaluator(), assessment)
    for found in advice.fixes.values():
        for fix in found:
            assert_clears_only_its_target(assessment.plan, assessment.as_of, fix)
    if advice.safe_subset is not None:
        kept = tuple(c for c in assessment.plan.actions if c.id in advice.safe_subset)
        subset_plan = Plan(path, assessment.plan.practice, assessment.as_of, kept, assessment.plan.setup)
        assert all(v.status in SAFE_STATUSES for v in evaluator().assess(subset_plan).actions)


@settings(max_examples=30)
@given(plan=plans(rules(), builtin_schema("plan.schema.json")), pick=st.integers(0, 1000))
def test_a_suggested_change_clears_its_finding_and_adds_no_other(plan: Plan, pick: int) -> None:
    assessment = evaluator().assess(plan)
    found = sorted(r.rule_id for r in assessment.results if r.outcome in FINDINGS)
    if not found:
        return
    suggested = fixes_for(evaluator(), assessment, found[pick % len(found)])
    event(f"fixes found: {bool(suggested)}")
    for fix in suggested:
        assert_clears_only_its_target(plan, assessment.as_of, fix)


def test_gpca_suggest_prints_the_three_slot_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("suggest", BELOW)
    assert (code, err) == (1, "")
    lines = out.splitlines()  # after the heading, which wraps at 100 columns
    start = lines.index("  nhs111-minimum-slots:")
    assert lines[start:start + 2] == ["  nhs111-minimum-slots:",
        "    - change setup.nhs111.direct_booking_slots_per_day from 2 to 3 (the rule is met with at least 3)"]


def test_a_closure_is_moved_out_of_core_hours_by_its_times() -> None:
    from engine.advice.suggest import _shift

    assert [_shift("18:30", 0), _shift("08:00", 1), _shift("08:00", -1), _shift("23:59", 1)] == [
        "18:30", "08:01", "07:59", "00:00"]
    assert _shift("2025-10-01", -1) == "2025-09-30"


def test_a_withdrawal_that_reaches_a_statutory_collection_is_offered_a_narrower_scope() -> None:
    plan = load_plan(ROOT / "examples" / "riverside.yaml", rules())  # scope: every_secondary_use
    assessment = evaluator().assess(plan)
    found = fixes_for(evaluator(), assessment, "statutory-collections-continue")
    assert [[c.words for c in fix.changes] for fix in found] == [
        ["keep the action but set its parameter withdraw-secondary-use-data-sharing.scope to voluntary_only"],
        ["leave out the action withdraw-secondary-use-data-sharing"],
    ]
    for fix in found:
        assert_clears_only_its_target(plan, assessment.as_of, fix)
