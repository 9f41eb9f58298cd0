"""The plan template: one rule comments out what is unanswered, so the untouched template
is a valid plan that gpca cannot judge, and answers are written back where they belong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from engine.core.evaluate import Evaluator
from engine.inputs.load import load_plan, load_rules
from engine.inputs.read import builtin_plan_template, builtin_schema
from engine.inputs.template import comment_out_unanswered, field_of, with_answers

TEMPLATE = builtin_plan_template()
RULE = "run '.venv/bin/python -m engine.inputs.template examples/plan-template.yaml' and review the diff"
SAMPLE = """\
# Check it with: gpca check plan.yaml
practice:
  # What is the practice called?
  name: Riverside
  ods_code:
assessed_on: 2025-10-01
actions: []
setup:
  access:
    # route: one of premises, telephone, online
    closures:
  online:
    oc_tool_offered: true
    video_offered:   # unanswered, with a note
  services:
      # What is the service called?
    - name:
      kind:
"""


def test_unanswered_fields_and_empty_list_headings_are_commented_out() -> None:
    assert comment_out_unanswered(SAMPLE) == """\
# Check it with: gpca check plan.yaml
practice:
  # What is the practice called?
  name: Riverside
  # ods_code:
assessed_on: 2025-10-01
actions: []
setup:
  access:
    # route: one of premises, telephone, online
    # closures:
  online:
    oc_tool_offered: true
    # video_offered:   # unanswered, with a note
  # services:
      # What is the service called?
    # - name:
      # kind:
"""


def test_the_rule_changes_nothing_twice() -> None:
    once = comment_out_unanswered(SAMPLE)
    assert comment_out_unanswered(once) == once


def test_the_shipped_template_follows_the_rule() -> None:
    text = TEMPLATE.read_text("utf-8")
    assert comment_out_unanswered(text) == text, RULE


def test_the_untouched_template_is_a_valid_plan_that_cannot_be_judged() -> None:
    rules = load_rules()
    plan = load_plan(TEMPLATE, rules)
    assessment = Evaluator(rules).assess(plan)
    assert (plan.practice, plan.assessed_on, plan.actions) == ({"name": "My practice"}, "2026-04-01", ())
    assert assessment.overall == "cannot_tell"
    assert all(r.outcome in ("cannot_tell", "not_applicable") for r in assessment.results)


def _schema_fields(schema: dict[str, Any], prefix: str = "") -> set[str]:
    fields = set()
    for key, part in schema.get("properties", {}).items():
        if part.get("deprecated"):
            continue
        path = f"{prefix}{key}"
        fields.add(path)
        inner = part.get("items", part) if part.get("type") == "array" else part
        fields |= _schema_fields(inner, path + ".")
    return fields


def _template_fields(text: str) -> set[str]:
    """Every field the template holds, answered or not, by dotted path (list items by the
    list's name)."""
    fields, headings = set(), []
    for line in text.split("\n"):
        field = field_of(line)
        if field is None:
            continue
        while headings and headings[-1][0] >= field.indent:
            headings.pop()
        fields.add(".".join([*(key for _, key in headings), field.key]))
        if field.unanswered:
            headings.append((field.key_column, field.key))
    return fields


# Asked elsewhere: an action's parameters under `gpca actions`; waivers in docs/adviser.md;
# a closure's keys in the question of `closures`, as one flow mapping a line.
NOT_FIELDS = ("actions.", "waivers", "setup.access.closures.")


def test_the_template_asks_every_question_of_the_plan_schema() -> None:
    asked = _template_fields(TEMPLATE.read_text("utf-8"))
    unasked = _schema_fields(builtin_schema("plan.schema.json")) - asked
    assert sorted(f for f in unasked if not f.startswith(NOT_FIELDS)) == [], (
        "add each new plan field to examples/plan-template.yaml, its question above it, then " + RULE)


def test_answers_are_written_on_their_fields_uncommented() -> None:
    text = with_answers(comment_out_unanswered(SAMPLE),
                        {"practice.ods_code": "Y01234", "setup.online.video_offered": False})  # fmt: skip
    assert "\n  ods_code: Y01234\n" in text
    assert "\n    video_offered: false\n" in text
    assert yaml.safe_load(text)["setup"]["online"] == {"oc_tool_offered": True, "video_offered": False}


def test_an_answer_for_a_field_the_template_lacks_is_a_bug() -> None:
    with pytest.raises(ValueError, match="the template has no field practice.nmae"):
        with_answers(SAMPLE, {"practice.nmae": "x"})


@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60))
def test_any_name_reads_back_as_given(name: str) -> None:
    text = with_answers(TEMPLATE.read_text("utf-8"), {"practice.name": name})
    assert yaml.safe_load(text)["practice"]["name"] == name


def test_the_template_ships_in_the_package_data() -> None:
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text("utf-8")
    assert '"examples" = "engine/_data/examples"' in pyproject
    assert TEMPLATE.name == "plan-template.yaml" and TEMPLATE.parent.name == "examples"
