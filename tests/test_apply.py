"""The plan view: the set-up, the national data flows it always holds, and action effects."""

from __future__ import annotations

from engine.apply import plan_view
from engine.model import DataFlow, Period, Source

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
