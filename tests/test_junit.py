"""`gpca test --format junit` validates against the public junit-10.xsd in tests/schemas."""

from __future__ import annotations

from pathlib import Path

import xmlschema
from test_verify import PLAN, fixture

from engine.authoring.suite import run_suite
from engine.inputs.load import load_rules
from engine.report.junit import render_junit

SCHEMA = xmlschema.XMLSchema(str(Path(__file__).parent / "schemas" / "junit-10.xsd"))
ROOT = Path(__file__).resolve().parent.parent


def test_junit_of_passes_failures_and_errors_is_valid(tmp_path: Path) -> None:
    rules = load_rules(None)
    failing = fixture(tmp_path, "note: two slots\n" + PLAN.replace("\n    ", "\n")
                      + "expect: {rules: {nhs111-minimum-slots: pass}}\n", "failing.yaml")
    broken = fixture(tmp_path, "note: no plan\nexpect: {overall: risk}\n", "broken.yaml")
    files = [*sorted((ROOT / "fixtures" / "nhs111").glob("*.yaml"))[:3], failing, broken]
    xml = render_junit(run_suite(files, rules), rules)
    SCHEMA.validate(xml)
    assert '<testsuites name="gpca test" tests="5" failures="1" errors="1"' in xml
    assert 'message="rule nhs111-minimum-slots: expected pass, got fail" type="expectation"' in xml
    assert f'<testsuite name="{failing}" file="{failing}" tests="1" failures="1"' in xml
    assert '<testcase name="two slots (line 1)"' in xml
