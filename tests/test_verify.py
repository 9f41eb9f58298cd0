"""Fixture files: one case or a list of cases, and the errors a fixture can make."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from test_cli import run_cli

from engine.authoring.verify import load_cases
from engine.core.errors import InputError
from engine.inputs.load import load_rules
from engine.inputs.read import builtin_schema, read_yaml

RULES = load_rules(None)
ROOT = Path(__file__).resolve().parent.parent
PLAN = """
    plan:
      practice: {name: Example Surgery, registered_patients: 9027}
      assessed_on: 2024-11-05
      actions: []
      setup: {nhs111: {direct_booking_slots_per_day: 2}}
"""


def fixture(tmp_path: Path, body: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_a_file_may_hold_a_list_of_cases(tmp_path: Path) -> None:
    body = "cases:\n  - note: two slots\n" + PLAN + "    expect: {rules: {nhs111-minimum-slots: fail}}\n"
    cases = load_cases(fixture(tmp_path, body + body[7:]), RULES)
    assert [case.name for case in cases] == [f"{tmp_path}/case.yaml[0]", f"{tmp_path}/case.yaml[1]"]


def test_a_schema_error_in_a_listed_case_names_that_case_line(tmp_path: Path) -> None:
    good = "  - note: two slots\n" + PLAN + "    expect: {rules: {nhs111-minimum-slots: fail}}\n"
    bad = good.replace("expect: {rules:", "expect: {overal: risk, rules:")
    with pytest.raises(InputError) as error:
        load_cases(fixture(tmp_path, "cases:\n" + good + bad), RULES)
    [problem] = error.value.problems
    assert (problem.code, problem.pointer, problem.location.line) == ("fixture-schema", "/cases/1/expect", 17)
    assert problem.message == "Additional properties are not allowed ('overal' was unexpected)"


def test_every_landed_fixture_file_is_valid_against_the_published_schema() -> None:
    validator = Draft202012Validator(builtin_schema("fixture.schema.json"))
    files = sorted(ROOT.glob("fixtures/**/*.yaml")) + sorted(ROOT.glob("packs/*/fixtures/**/*.yaml"))
    invalid = [str(path) for path in files if not validator.is_valid(read_yaml(path).data)]
    assert (len(files) > 200, invalid) == (True, [])


def test_a_case_with_no_expectation_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        load_cases(fixture(tmp_path, "note: two slots\n" + PLAN.replace("    ", "", 1).replace("\n    ", "\n")), RULES)
    assert [p.code for p in error.value.problems] == ["no-expectation"]


def test_a_fixture_naming_an_unknown_rule_or_action_is_an_error(tmp_path: Path) -> None:
    body = "note: two slots\n" + PLAN.replace("\n    ", "\n")
    body += "expect:\n  rules: {nhs111-minimum-slot: fail}\n  actions: {no-such-action: safe}\n"
    with pytest.raises(InputError) as error:
        load_cases(fixture(tmp_path, body), RULES)
    codes = [(p.code, p.location.line if p.location else 0) for p in error.value.problems]
    assert codes == [("unknown-rule", 9), ("unknown-action", 10)]
    assert error.value.problems[0].hint == "did you mean 'nhs111-minimum-slots'?"


def test_gpca_test_exits_1_with_expected_got_and_why(tmp_path: Path) -> None:
    body = "note: two slots\n" + PLAN.replace("\n    ", "\n") + "expect: {rules: {nhs111-minimum-slots: pass}}\n"
    code, out, _ = run_cli(["test", str(fixture(tmp_path, body))])
    assert code == 1
    lines = out.splitlines()
    assert lines[1] == f"  {tmp_path}/case.yaml:8:18: rule nhs111-minimum-slots: expected pass, got fail"
    assert lines[2].startswith("      nhs111-minimum-slots is fail (breach), caused by practice: The practice offers 2")
    assert lines[-1] == "0 passed, 1 failed, 0 errors"


def test_gpca_test_exits_2_on_an_unusable_fixture(tmp_path: Path) -> None:
    code, out, _ = run_cli(["test", str(fixture(tmp_path, "note: no plan\nexpect: {overall: risk}\n"))])
    assert code == 2
    assert out.splitlines()[-1] == "0 passed, 0 failed, 1 errors"


def test_gpca_test_passes_on_the_landed_fixtures_with_full_coverage() -> None:
    code, out, err = run_cli(["test", "--coverage", "--min", "100"])
    assert code == 0, out + err
    total = len(load_rules().constraints)
    assert f"{total} of {total} constraints have a passing and a failing fixture (100.0%)" in err
