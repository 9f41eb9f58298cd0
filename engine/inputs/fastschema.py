"""A JSON Schema checked by jsonschema-rs, a compiled validator, for the common case: a valid plan.

jsonschema, in pure Python, walks the schema anew for every value it checks: about 40% of
loading a plan. jsonschema-rs answers "is this valid?" some 70 times faster. Only its
"valid" is taken on trust; a plan it doubts, or cannot take (an integer beyond 64 bits, a
NaN), goes to jsonschema, which finds and words each problem as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool | None]  # True: valid for sure; None: ask jsonschema
QUICK_FROM_PLAN = 3  # measured: importing jsonschema-rs costs about what jsonschema takes on 3 plans


def compile_schema(schema: dict[str, Any]) -> Check | None:
    """The quick check of ``schema``, or None if jsonschema-rs cannot build one."""
    import jsonschema_rs  # about 6 ms: paid only once several plans are checked (validate.py)

    try:
        validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    except (ValueError, jsonschema_rs.ValidationError):
        return None

    def check(value: Any) -> bool | None:
        try:
            return True if validator.is_valid(value) else None
        except (ValueError, TypeError, OverflowError):
            return None

    return check


def worth_it(plans_so_far: int) -> bool:
    """Whether the quick check pays for its import by now: not for `gpca check` on one plan,
    whose start-up it would slow by about 5%."""
    return plans_so_far >= QUICK_FROM_PLAN

