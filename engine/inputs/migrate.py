"""Deprecated plan fields, read for one release and rewritten into the fields that replace them.

A plan written for an older gpca still loads: each deprecated answer is carried over into
the new field (only where the plan does not answer the new field itself) and a warning
says what to write instead. The rules read only the new fields.
"""

from __future__ import annotations

from typing import Any

from engine.core.escape import echoed
from engine.core.model import Problem, SourceLocation, nearest_location

ACCESS_ROUTES = {"premises_open_throughout_core_hours": "premises",
                 "telephone_available_throughout_core_hours": "telephone"}  # fmt: skip
COVER = {True: "practice_subcontract", False: "none"}
CORE_HOURS = ("08:00", "18:30")  # Monday to Friday, except bank holidays
UNTIMED_REASON = "not open throughout core hours (an older plan's answer; the times were not given)"
LISTED = ("non_urgent_overflow", "urgent_overflow")  # once one destination, now a list of them


def migrate_shapes(data: Any, locations: dict[str, SourceLocation]) -> tuple[Any, tuple[Problem, ...]]:
    """The plan's data with answers whose shape changed rewritten to the new shape, before the
    schema sees them: a single overflow destination (in setup.capacity, or an action's
    parameter) becomes a list of one, with a warning for each."""
    if not isinstance(data, dict):
        return data, ()
    # Only the mappings rewritten are copied: the rest is shared, never changed.
    warnings = []
    setup = data.get("setup")
    capacity = setup.get("capacity") if isinstance(setup, dict) else None
    if isinstance(capacity, dict) and _single(capacity):
        capacity = dict(capacity)
        data = {**data, "setup": {**setup, "capacity": capacity}}
        warnings += _listed(capacity, "/setup/capacity", "setup.capacity", locations)
    actions = data.get("actions")
    if isinstance(actions, list) and any(isinstance(entry, dict) and _single(entry) for entry in actions):
        actions = [dict(entry) if isinstance(entry, dict) else entry for entry in actions]
        data = {**data, "actions": actions}
        for index, entry in enumerate(actions):
            if isinstance(entry, dict):
                warnings += _listed(entry, f"/actions/{index}", f"actions[{index}]", locations)
    return data, tuple(warnings)


def _single(mapping: dict[str, Any]) -> bool:
    return any(isinstance(mapping.get(field), str) for field in LISTED)


def _listed(mapping: dict[str, Any], pointer: str, path: str, locations: dict[str, SourceLocation]) -> list[Problem]:
    warnings = []
    for field in LISTED:
        if isinstance(mapping.get(field), str):
            mapping[field] = [mapping[field]]
            hint = f"write {path}.{field} as a list, for example [{echoed(mapping[field][0])}], naming every destination"
            how = "one destination is read as a list of one"
            warnings.append(_shape_warning(locations, f"{pointer}/{field}", field, hint, how))
    return warnings


def migrate_setup(setup: dict[str, Any], locations: dict[str, SourceLocation],
                  ) -> tuple[dict[str, Any], tuple[Problem, ...]]:  # fmt: skip
    """The set-up with deprecated answers carried into their new fields, and a warning for each."""
    access = setup.get("access")
    if not isinstance(access, dict):
        return setup, ()
    if not any(field in access for field in (*ACCESS_ROUTES, "subcontracted_cover")):
        return setup, ()
    access = dict(access)  # only its own keys are rewritten
    setup = {**setup, "access": access}
    warnings = [*_migrate_routes(access, locations), *_migrate_cover(access, locations)]
    return setup, tuple(warnings)


def _migrate_routes(access: dict[str, Any], locations: dict[str, SourceLocation]) -> list[Problem]:
    given = {field: access.pop(field) for field in ACCESS_ROUTES if field in access}
    if not given:
        return []
    if "closures" in access:
        how = "setup.access.closures answers it, so it was not used"
    elif len(given) < len(ACCESS_ROUTES):
        how = "it was not used, because it answers for one route only"
    else:
        access["closures"] = [_untimed_closure(ACCESS_ROUTES[field]) for field, is_open in given.items()
                              if is_open is False]  # fmt: skip
        how = "its answer was carried over to setup.access.closures"
        how += " as a closure within core hours, its times not known" if access["closures"] else ""
    hint = ("list each closure under setup.access.closures, with its route, day and times "
            "(for example {route: premises, day: weekdays, from: '12:30', until: '13:30'}), "
            "or closures: [] when every route is open throughout core hours")
    return [_warning(locations, f"/setup/access/{field}", field, hint, how) for field in given]


def _untimed_closure(route: str) -> dict[str, str]:
    """An older plan's "not open throughout core hours" says that the route closes within
    core hours, not when. The closure is given core hours' own bounds, so the rules still
    find it within them, and its reason says that the real times were not given."""
    return {"route": route, "day": "weekdays", "from": CORE_HOURS[0], "until": CORE_HOURS[1],
            "reason": UNTIMED_REASON}  # fmt: skip


def _migrate_cover(access: dict[str, Any], locations: dict[str, SourceLocation]) -> list[Problem]:
    if "subcontracted_cover" not in access:
        return []
    subcontracted = access.pop("subcontracted_cover")
    how = "setup.access.cover_during_closures answers it, so it was not used"
    if "cover_during_closures" not in access:
        access["cover_during_closures"] = COVER[subcontracted]
        how = "its answer was carried over to setup.access.cover_during_closures"
    hint = "answer setup.access.cover_during_closures: practice_subcontract, icb_arranged or none"
    return [_warning(locations, "/setup/access/subcontracted_cover", "subcontracted_cover", hint, how)]


def _warning(locations: dict[str, SourceLocation], pointer: str, field: str, hint: str, how: str) -> Problem:
    message = f"'{field}' is deprecated and will be removed in the next release; {how}"
    return Problem("deprecated-field", message, nearest_location(locations, pointer), pointer, hint)


def _shape_warning(locations: dict[str, SourceLocation], pointer: str, field: str, hint: str,
                   how: str) -> Problem:  # fmt: skip
    message = (f"'{field}' as a single value is deprecated and will be refused in the next "
               f"release; {how}")
    return Problem("deprecated-field", message, nearest_location(locations, pointer), pointer, hint)
