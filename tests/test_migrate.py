"""engine/inputs/migrate.py: deprecated plan fields carried into the fields that replace them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.core.model import SourceLocation
from engine.inputs.migrate import migrate_setup, migrate_shapes

PLACE = SourceLocation("plan.yaml", 5, 7)
LOCATIONS = {"/setup/access": PLACE}


def test_routes_open_throughout_core_hours_become_no_closures() -> None:
    setup = {"access": {"premises_open_throughout_core_hours": True,
                        "telephone_available_throughout_core_hours": True}}  # fmt: skip
    migrated, warnings = migrate_setup(setup, LOCATIONS)
    assert migrated == {"access": {"closures": []}}
    assert [(w.code, w.pointer, w.location) for w in warnings] == [
        ("deprecated-field", "/setup/access/premises_open_throughout_core_hours", PLACE),
        ("deprecated-field", "/setup/access/telephone_available_throughout_core_hours", PLACE),
    ]
    assert warnings[0].message == ("'premises_open_throughout_core_hours' is deprecated and will be removed "
                                   "in the next release; its answer was carried over to "
                                   "setup.access.closures")  # fmt: skip


def test_a_route_not_open_throughout_becomes_a_closure_within_core_hours() -> None:
    setup = {"access": {"premises_open_throughout_core_hours": False,
                        "telephone_available_throughout_core_hours": True}}  # fmt: skip
    migrated, warnings = migrate_setup(setup, LOCATIONS)
    assert migrated == {"access": {"closures": [{
        "route": "premises", "day": "weekdays", "from": "08:00", "until": "18:30",
        "reason": "not open throughout core hours (an older plan's answer; the times were not given)"}]}}
    assert warnings[0].message.endswith(
        "carried over to setup.access.closures as a closure within core hours, its times not known")


def test_one_route_alone_is_not_carried_over() -> None:
    migrated, warnings = migrate_setup({"access": {"premises_open_throughout_core_hours": True}}, LOCATIONS)
    assert migrated == {"access": {}}
    assert warnings[0].message.endswith("it was not used, because it answers for one route only")


def test_closures_given_win_over_the_deprecated_answers() -> None:
    closures = [{"route": "telephone", "day": "monday", "from": "08:00", "until": "08:30"}]
    setup = {"access": {"closures": closures, "premises_open_throughout_core_hours": True,
                        "telephone_available_throughout_core_hours": True}}  # fmt: skip
    migrated, warnings = migrate_setup(setup, LOCATIONS)
    assert migrated == {"access": {"closures": closures}}
    assert warnings[0].message.endswith("setup.access.closures answers it, so it was not used")


def test_subcontracted_cover_becomes_who_covers() -> None:
    assert migrate_setup({"access": {"subcontracted_cover": True}}, {})[0] == {
        "access": {"cover_during_closures": "practice_subcontract"}}
    assert migrate_setup({"access": {"subcontracted_cover": False}}, {})[0] == {
        "access": {"cover_during_closures": "none"}}
    kept, _ = migrate_setup({"access": {"subcontracted_cover": True, "cover_during_closures": "icb_arranged"}}, {})
    assert kept == {"access": {"cover_during_closures": "icb_arranged"}}


def test_a_plan_with_no_deprecated_field_is_left_alone() -> None:
    setup = {"access": {"closures": [], "cover_during_closures": "none"}, "nhs111": {}}
    assert migrate_setup(setup, {}) == (setup, ())


@given(st.booleans(), st.booleans(), st.booleans())
def test_migrating_twice_changes_nothing_more_and_never_touches_the_input(premises: bool, phone: bool,
                                                                          cover: bool) -> None:  # fmt: skip
    setup = {"access": {"premises_open_throughout_core_hours": premises,
                        "telephone_available_throughout_core_hours": phone, "subcontracted_cover": cover}}  # fmt: skip
    before = repr(setup)
    once, warnings = migrate_setup(setup, {})
    assert repr(setup) == before
    assert len(warnings) == 3
    assert migrate_setup(once, {}) == (once, ())
    assert [c["route"] for c in once["access"]["closures"]] == [
        r for r, is_open in (("premises", premises), ("telephone", phone)) if not is_open]


def test_a_single_overflow_destination_becomes_a_list_of_one() -> None:
    data = {"setup": {"capacity": {"urgent_overflow": "nhs111", "non_urgent_overflow": ["waiting_list"]}},
            "actions": [{"id": "limit-daily-contacts", "non_urgent_overflow": "ask_to_call_back"}]}
    before = repr(data)
    migrated, warnings = migrate_shapes(data, {"/setup/capacity": PLACE})
    assert repr(data) == before
    assert migrated == {"setup": {"capacity": {"urgent_overflow": ["nhs111"], "non_urgent_overflow": ["waiting_list"]}},
                        "actions": [{"id": "limit-daily-contacts", "non_urgent_overflow": ["ask_to_call_back"]}]}
    assert [(w.code, w.pointer, w.location) for w in warnings] == [
        ("deprecated-field", "/setup/capacity/urgent_overflow", PLACE),
        ("deprecated-field", "/actions/0/non_urgent_overflow", None),
    ]
    assert warnings[0].message == ("'urgent_overflow' as a single value is deprecated and will be refused "
                                   "in the next release; one destination is read as a list of one")
    assert warnings[0].hint == ("write setup.capacity.urgent_overflow as a list, for example [nhs111], "
                                "naming every destination")


@given(st.one_of(st.none(), st.integers(), st.text(max_size=3), st.lists(st.text(max_size=3), max_size=2)))
def test_reshaping_leaves_anything_but_a_single_destination_alone(value) -> None:
    data = {"setup": {"capacity": {"urgent_overflow": value}}, "actions": [None, {"id": "x"}]}
    migrated, warnings = migrate_shapes(data, {})
    assert len(warnings) == isinstance(value, str)
    expected = [value] if isinstance(value, str) else value
    assert migrated == {"setup": {"capacity": {"urgent_overflow": expected}}, "actions": [None, {"id": "x"}]}
    assert migrate_shapes(migrated, {}) == (migrated, ())
    for actions in (5, "text", {"id": "x"}, None):  # the schema says what is wrong with these
        assert migrate_shapes({"actions": actions}, {}) == ({"actions": actions}, ())


def test_the_hint_quotes_an_odd_answer_safely() -> None:
    [warning] = migrate_shapes({"setup": {"capacity": {"urgent_overflow": "a\nb"}}}, {})[1]
    assert warning.hint == "write setup.capacity.urgent_overflow as a list, for example [a\\nb], naming every destination"
