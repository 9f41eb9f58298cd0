from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import event, given, settings
from hypothesis import strategies as st

from engine.authoring.lint import lint
from engine.inputs.rule_safety import division_findings, let_findings, param_findings
from tests.hostile.engine_support import ROOT, gpca

SLOTS_RULE = ROOT / "rules" / "constraints" / "nhs111-minimum-slots.yaml"
SLOTS = "setup.nhs111.direct_booking_slots_per_day"


def test_a_let_used_but_never_defined_is_named_with_did_you_mean() -> None:
    data = {"let": {"min_slots": 3}, "fails_when": {"path": SLOTS, "lt": {"let": "min_slotz"}}}
    assert let_findings(data) == [
        ("undefined-let", "/fails_when/lt/let", "the let 'min_slotz' is used but never defined",
         "did you mean 'min_slots'?")]  # fmt: skip


def test_a_division_by_a_term_that_is_always_zero_is_named() -> None:
    data = {"let": {"none": {"sub": [3, 3]}, "some": {"path": SLOTS}},
            "fails_when": {"all": [{"path": SLOTS, "lt": {"div": [0, 0]}},
                                   {"path": SLOTS, "lt": {"div": [9, {"let": "none"}]}},
                                   {"path": SLOTS, "lt": {"div": [9, {"let": "some"}]}}]}}  # fmt: skip
    found = ("division-by-zero", "this divides by a term that is always 0", "divide by a number other than 0")
    assert division_findings(data) == [
        (found[0], "/fails_when/all/0/lt/div/1", *found[1:]), (found[0], "/fails_when/all/1/lt/div/1", *found[1:])]


def test_a_division_by_an_answer_of_zero_is_exit_2_naming_the_rule(tmp_path: Path) -> None:
    rule = yaml.safe_load(SLOTS_RULE.read_text())
    rule["fails_when"] = {"path": SLOTS, "lt": {"div": [10, {"sub": [{"path": SLOTS}, 3]}]}}
    (tmp_path / "constraints").mkdir()
    (tmp_path / "constraints" / SLOTS_RULE.name).write_text(yaml.safe_dump(rule), encoding="utf-8")
    plan = yaml.safe_load((ROOT / "examples" / "riverside.yaml").read_text()) | {"actions": []}  # 3 slots
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    run = gpca("check", "--rules", tmp_path, tmp_path / "plan.yaml")
    assert (run.code, run.clean) == (2, True)
    assert f"{tmp_path}/constraints/{SLOTS_RULE.name}:1:1: error[rule-not-computable]: the rule " in run.err


def test_a_let_defined_through_itself_or_a_cycle_is_named_once() -> None:
    lets = {"a": {"add": [{"let": "b"}, 1]}, "b": {"let": "a"}, "me": {"floor": {"let": "me"}}, "ok": 1}
    hint = "define each let from plan paths, numbers and lets defined before it"
    assert let_findings({"let": lets}) == [
        ("let-cycle", "/let/a", "the lets 'a' -> 'b' -> 'a' are defined through each other, so none has a value", hint),
        ("let-cycle", "/let/me", "the let 'me' is defined through itself", hint),
    ]  # fmt: skip


def test_references_patterns_and_odd_formats_are_refused_in_parameters() -> None:
    params = {"cap": {"type": "integer", "$ref": "http://example.org/s.json"},
              "name": {"type": "string", "pattern": "^(a+)+$"},
              "list": {"type": "array", "items": {"$ref": "file:///etc/passwd"}},
              "day": {"type": "string", "format": "regex"}, "fine": {"type": "integer", "maximum": 9}}  # fmt: skip
    assert [(code, pointer) for code, pointer, _message, _hint in param_findings(params)] == [
        ("forbidden-keyword", "/params/cap/$ref"), ("unbounded-param", "/params/cap"),
        ("forbidden-keyword", "/params/name/pattern"),
        ("forbidden-keyword", "/params/list/items/$ref"), ("forbidden-keyword", "/params/day/format")]  # fmt: skip
    assert param_findings({"name": {"pattern": "x"}})[0][3] == (
        "a regular expression can take exponential time; use 'enum' or 'maxLength' instead")


def test_a_number_parameter_with_no_maximum_is_named() -> None:
    params = {"cap": {"type": "integer", "minimum": 1}, "rate": {"type": "number", "maximum": 1},
              "kind": {"enum": ["a", "b"]}}  # fmt: skip
    assert param_findings(params) == [
        ("unbounded-param", "/params/cap", "parameter 'cap' is a number with no 'maximum'",
         "give the largest realistic value, so that a larger answer is refused at its field")]  # fmt: skip


def test_an_action_parameter_past_its_maximum_is_refused_at_its_field(tmp_path: Path) -> None:
    plan = (ROOT / "examples" / "riverside.yaml").read_text(encoding="utf-8")
    path = tmp_path / "plan.yaml"
    path.write_text(plan.replace("max_contacts_per_clinician: 25", "max_contacts_per_clinician: 1.0e+16"))
    run = gpca("check", str(path))
    assert run.code == 2
    assert f"{path}:26:" in run.err and "actions[0].max_contacts_per_clinician" in run.err


NAMES = ("a", "b", "c")
LEAVES = st.one_of(st.integers(-3, 10**6), st.sampled_from([{"path": SLOTS}, {"path": "practice.registered_patients"}]),
                   st.sampled_from(NAMES + ("zz",)).map(lambda name: {"let": name}))  # fmt: skip
TERMS = st.recursive(LEAVES, lambda inner: st.one_of(
    st.tuples(st.sampled_from(["add", "sub", "mul", "div", "max", "min"]), inner, inner).map(lambda t: {t[0]: [t[1], t[2]]}),
    inner.map(lambda term: {"floor": term})), max_leaves=5)  # fmt: skip


@st.composite
def _rule_files(draw: st.DrawFn) -> dict[str, Any]:
    rule = yaml.safe_load(SLOTS_RULE.read_text())
    rule["let"] = draw(st.dictionaries(st.sampled_from(NAMES), TERMS, max_size=3))
    rule["fails_when"] = {"path": SLOTS, draw(st.sampled_from(["lt", "ge", "eq"])): draw(TERMS)}
    rule["message"] = "The practice offers too few NHS 111 slots."
    rule["remedy"] = "Offer more NHS 111 direct-booking slots each day."
    return rule


@settings(max_examples=int(os.environ.get("GPCA_CHILD_EXAMPLES", "16")))  # each runs gpca in a child
@given(_rule_files())
def test_every_rule_file_lint_passes_checks_without_an_internal_error(
    tmp_path_factory: pytest.TempPathFactory, rule: dict[str, Any]
) -> None:
    rules = Path(tmp_path_factory.mktemp("rules"))
    (rules / "constraints").mkdir()
    (rules / "constraints" / SLOTS_RULE.name).write_text(yaml.safe_dump(rule), encoding="utf-8")
    problems, _loaded = lint([rules])
    event("refused by lint" if problems else "passed lint, checked")
    if problems:
        return
    plan = yaml.safe_load((ROOT / "examples" / "riverside.yaml").read_text()) | {"actions": []}
    (rules / "plan.yaml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    run = gpca("check", "--rules", rules, rules / "plan.yaml")
    # A calculation with no value on these answers (a division by an answer of 0) is the
    # rule's problem for this plan, said as such; never an internal error.
    refused = run.code == 2 and "error[rule-not-computable]" in run.err
    assert run.clean and (run.code in (0, 1) or refused), run.err[-2000:]
