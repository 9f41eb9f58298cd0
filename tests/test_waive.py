"""engine/inputs/waive.py: waivers are matched, counted apart and never silently dropped."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml
from adviser_support import ROOT, evaluator, fixture_plan, rules
from jsonschema import Draft4Validator
from test_explain import run
from test_junit import SCHEMA as JUNIT_SCHEMA
from test_report import REPORT_SCHEMA
from test_sarif import SCHEMA as SARIF_SCHEMA

from engine.advice.explain import explain
from engine.core.errors import InputError
from engine.core.model import Waiver, WaiverStatus, replace
from engine.inputs.waive import load_plan_with_waivers, review_waivers, unwaived_overall, waiver_lines
from engine.report import render

OC_OFF = "fixtures/online/off-at-capacity-practice-2025.yaml"
RULE = "online-consultation-open-core-hours"
AGREED = Waiver(RULE, "ICB agreed exceptional switch-off", "ICB letter 2025-09-12", "ICB primary care lead", "2025-12-31")
LAPSED = replace(AGREED, expires="2025-09-30")
STRAY = replace(AGREED, rule="nhs111-minimum-slots")


def reviewed(*waivers: Waiver):  # type: ignore[no-untyped-def]
    plan = replace(fixture_plan(OC_OFF), waivers=waivers)
    return review_waivers(evaluator().assess(plan))


def test_a_waiver_is_applied_expired_or_unmatched() -> None:
    assessment = reviewed(AGREED, LAPSED, STRAY)
    assert assessment.waivers == (WaiverStatus(AGREED, "applied"), WaiverStatus(LAPSED, "expired"),
                                  WaiverStatus(STRAY, "unmatched"))  # fmt: skip
    assert assessment.waived == frozenset({RULE})


def test_a_waived_finding_is_still_reported_and_counted_apart() -> None:
    assessment = reviewed(AGREED)
    assert (assessment.result(RULE).outcome, assessment.overall, unwaived_overall(assessment)) == ("fail", "risk", "risk")
    both = reviewed(AGREED, replace(AGREED, rule="access-routes-throughout-core-hours"))
    assert (both.overall, unwaived_overall(both)) == ("risk", "no_risk")
    assert "  Waived by a local agreement recorded in the plan (see waivers)" in explain(assessment, rules(), RULE).splitlines()


def test_an_expired_waiver_waives_nothing() -> None:
    assessment = reviewed(LAPSED)
    assert (assessment.waived, unwaived_overall(assessment)) == (frozenset(), "risk")
    assert waiver_lines(assessment) == [
        f"{RULE}: EXPIRED: it no longer covers anything; reason: ICB agreed exceptional switch-off; "
        "reference: ICB letter 2025-09-12; approved by ICB primary care lead; expires 2025-09-30"
    ]


def _plan_file(tmp_path: Path, waivers: list[dict[str, str]]) -> Path:
    data = yaml.safe_load((ROOT / OC_OFF).read_text(encoding="utf-8"))["plan"]
    data["waivers"] = waivers
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_waivers_are_read_from_the_plan_file(tmp_path: Path) -> None:
    entry = {"rule": RULE, "reason": AGREED.reason, "reference": AGREED.reference,
             "approver": AGREED.approver, "expires": AGREED.expires}  # fmt: skip
    plan = load_plan_with_waivers(_plan_file(tmp_path, [entry]), rules())
    assert [replace(w, location=None) for w in plan.waivers] == [AGREED]
    assert (plan.waivers[0].location.line, plan.waivers[0].location.column) == (103, 3)  # the overflow lists take a line each


def test_a_waiver_without_an_approver_is_invalid_input(tmp_path: Path) -> None:
    entry = {"rule": RULE, "reason": "r", "reference": "x", "expires": "2025-12-31"}
    with pytest.raises(InputError) as caught:
        load_plan_with_waivers(_plan_file(tmp_path, [entry]), rules())
    assert [p.code for p in caught.value.problems] == ["plan-schema"]
    assert caught.value.problems[0].message == "'waivers[0]' is missing required key 'approver'"


def test_gpca_check_markdown_lists_the_waiver(tmp_path: Path) -> None:
    entry = {"rule": "nhs111-minimum-slots", "reason": "r", "reference": "x", "approver": "a", "expires": "2030-01-01"}
    code, out, err = run("check", str(_plan_file(tmp_path, [entry])), "--format", "markdown")
    assert (code, err) == (1, "")
    assert "0 applied, 0 expired, 1 matching no finding." in out.splitlines()
    assert "- nhs111-minimum-slots: UNMATCHED: no finding of this rule on the date; reason: r; reference: x; approved by a; expires 2030-01-01" in out.splitlines()


def _entry(**changes: str) -> dict[str, str]:
    return {"rule": RULE, "reason": "r", "reference": "x", "approver": "a", "expires": "2025-12-31", **changes}


def _problems(tmp_path: Path, entry: dict[str, str]) -> list[tuple[str, str, str | None]]:
    with pytest.raises(InputError) as caught:
        load_plan_with_waivers(_plan_file(tmp_path, [entry]), rules())
    return [(p.code, p.message, p.hint) for p in caught.value.problems]


def test_a_waiver_naming_an_unknown_rule_is_input_with_did_you_mean(tmp_path: Path) -> None:
    assert _problems(tmp_path, _entry(rule="online-consultation-open-core-hour")) == [(
        "unknown-rule", "the waiver names no rule gpca knows: 'online-consultation-open-core-hour'",
        "did you mean 'online-consultation-open-core-hours'? run 'gpca rules' to list the rules")]


def test_a_waiver_naming_an_action_is_input(tmp_path: Path) -> None:
    assert _problems(tmp_path, _entry(rule="limit-daily-contacts")) == [(
        "unknown-rule", "'limit-daily-contacts' is an action, not a rule: a waiver names the constraint "
        "whose finding the agreement accepts",
        "run 'gpca check' on the plan and name a rule it reports; 'gpca rules' lists them")]


@pytest.mark.parametrize("field", ["approver", "reason", "reference"])
def test_a_waiver_field_of_only_spaces_is_input(tmp_path: Path, field: str) -> None:
    assert _problems(tmp_path, _entry(**{field: "   "})) == [(
        "plan-schema", f"'waivers[0].{field}' must be text that is not only spaces, but got '   '", None)]


def test_gpca_check_exits_2_for_a_waiver_of_an_unknown_rule(tmp_path: Path) -> None:
    code, out, err = run("check", str(_plan_file(tmp_path, [_entry(rule="no-such-rule")])))
    assert (code, out) == (2, "")
    assert "error[unknown-rule]: the waiver names no rule gpca knows: 'no-such-rule'" in err


# Every format marks the waived finding and counts it apart; none changes a verdict.
AGREED_WORDS = ("Waived by a local agreement: ICB agreed exceptional switch-off; reference: ICB letter "
                "2025-09-12; approved by ICB primary care lead; expires 2025-12-31")  # fmt: skip
OTHER_RULE = "access-routes-throughout-core-hours"


def test_the_text_report_marks_the_waived_finding_and_counts_it_in_the_summary() -> None:
    lines = render("text", [reviewed(AGREED, LAPSED, STRAY)], rules()).splitlines()
    title = lines.index("    (online-consultation-open-core-hours)")
    assert lines[title + 1:title + 3] == [
        "    Waived by a local agreement: ICB agreed exceptional switch-off; reference: ICB letter",
        "    2025-09-12; approved by ICB primary care lead; expires 2025-12-31",
    ]
    assert sum(line.strip().startswith("Waived by") for line in lines) == 1  # the other finding is not waived
    assert lines[lines.index("Waivers (local agreements; they change no verdict):") + 1:][:2] == [
        "  - online-consultation-open-core-hours: applied to the finding; reason: ICB agreed exceptional",
        "    switch-off; reference: ICB letter 2025-09-12; approved by ICB primary care lead; expires",
    ]
    assert "    exceptional switch-off; reference: ICB letter 2025-09-12; approved by ICB primary care lead;" in lines
    assert lines[-5:-2] == [
        "0 actions: 0 safe, 0 safe with cautions, 0 risks breach, 0 cannot tell; 50 constraints checked: 26",
        "pass, 2 fail, 0 caution, 0 cannot tell, 22 not applicable; 1 finding waived (leaving out waived",
        "findings: risk)",
    ]
    assert lines[4] == "Overall: RISK OF BREACH"


def test_the_text_report_says_nothing_of_waivers_when_the_plan_has_none() -> None:
    text = render("text", [reviewed()], rules())
    assert ("Waive" in text, "waived" in text) == (False, False)


def test_the_json_report_gives_each_waiver_and_counts_waived_findings_apart() -> None:
    document = json.loads(render("json", [reviewed(AGREED, LAPSED, STRAY)], rules()))
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)
    plan = document["plans"][0]
    waivers = {r["rule_id"]: r["waiver"] for r in plan["results"] if r["waiver"] is not None}
    assert waivers == {RULE: {"rule": RULE, "reason": "ICB agreed exceptional switch-off",
                              "reference": "ICB letter 2025-09-12", "approver": "ICB primary care lead",
                              "expires": "2025-12-31"}}  # fmt: skip
    assert [(w["rule"], w["expires"], w["state"]) for w in plan["waivers"]] == [
        (RULE, "2025-12-31", "applied"), (RULE, "2025-09-30", "expired"), ("nhs111-minimum-slots", "2025-12-31", "unmatched")]
    assert (plan["overall"], plan["overall_unwaived"], document["summary"]["waived_findings"]) == ("risk", "risk", 1)
    assert document["summary"]["outcomes"]["fail"] == 2  # the waived finding is still counted as it is


def test_the_json_report_gives_the_verdict_leaving_out_waived_findings() -> None:
    both = reviewed(AGREED, replace(AGREED, rule=OTHER_RULE))
    plan = json.loads(render("json", [both], rules()))["plans"][0]
    assert (plan["overall"], plan["overall_unwaived"]) == ("risk", "no_risk")


def test_a_json_report_without_the_waiver_fields_fails_the_schema() -> None:
    document = json.loads(render("json", [reviewed(AGREED)], rules()))
    del document["plans"][0]["results"][0]["waiver"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)


def test_sarif_suppresses_the_waived_result_externally_with_its_justification() -> None:
    document = json.loads(render("sarif", [reviewed(AGREED, LAPSED, STRAY)], rules()))
    assert list(Draft4Validator(SARIF_SCHEMA).iter_errors(document)) == []
    run_ = document["runs"][0]
    suppressions = {r["ruleId"]: r.get("suppressions") for r in run_["results"]}
    assert suppressions == {OTHER_RULE: None, RULE: [{
        "kind": "external", "status": "accepted", "justification": AGREED_WORDS,
        "properties": {"reason": "ICB agreed exceptional switch-off", "reference": "ICB letter 2025-09-12",
                       "approver": "ICB primary care lead", "expires": "2025-12-31"}}]}  # fmt: skip
    assert run_["properties"]["waivedFindings"] == 1


def test_github_gives_a_waived_finding_as_a_notice_and_counts_it() -> None:
    lines = render("github", [reviewed(AGREED, LAPSED, STRAY)], rules()).splitlines()
    commands = [(line.split(" ", 1)[0], line.split("title=", 1)[1].split("::", 1)[0]) for line in lines]
    assert commands == [("::error", f"gpca {OTHER_RULE}"), ("::notice", f"gpca {RULE} (waived)"),
                        ("::notice", "gpca waivers")]  # fmt: skip
    assert lines[1].endswith("%0A" + AGREED_WORDS)
    assert lines[2].endswith("::1 finding waived by a local agreement; leaving out waived findings: risk. "
                             "A waiver changes no verdict.")  # fmt: skip


def test_a_waiver_leaves_the_exit_code_as_the_verdict_says(tmp_path: Path) -> None:
    """docs/adviser.md: a waiver never changes the exit code, even when it covers every risk."""
    entries = [_entry(expires="2025-12-31"), _entry(rule=OTHER_RULE, expires="2025-12-31")]
    code, out, err = run("check", str(_plan_file(tmp_path, entries)), "--format", "json")
    plan = json.loads(out)["plans"][0]
    assert (code, err, plan["overall"], plan["overall_unwaived"]) == (1, "", "risk", "no_risk")
    assert json.loads(out)["summary"]["waived_findings"] == 2


def test_junit_skips_the_waived_finding_with_its_reason_and_fails_the_other() -> None:
    xml = render("junit", [reviewed(AGREED, LAPSED, STRAY)], rules())
    JUNIT_SCHEMA.validate(xml)
    suite = ET.fromstring(xml.encode("utf-8")).find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("28", "1", "1")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    skipped, failure = cases[RULE].find("skipped"), cases[OTHER_RULE].find("failure")
    assert (skipped.get("type"), skipped.get("message"), cases[RULE].find("failure")) == ("waived", AGREED_WORDS, None)
    assert (failure.get("type"), failure.get("message")) == ("fail", "fail: breach of the core contract")
    assert [name for name, case in cases.items() if len(case)] == [OTHER_RULE, RULE]  # the passes pass


def test_gpca_check_writes_junit_and_exits_by_the_verdict(tmp_path: Path) -> None:
    code, out, err = run("check", str(_plan_file(tmp_path, [_entry()])), "--format", "junit")
    JUNIT_SCHEMA.validate(out)
    assert (code, err) == (1, "")
    assert '<skipped message="Waived by a local agreement: r; reference: x; approved by a; expires 2025-12-31" type="waived" />' in out


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_the_shared_report_gives_the_waiver_beside_its_finding_on_page_one(fmt: str) -> None:
    report = render(fmt, [reviewed(AGREED, LAPSED, STRAY)], rules())
    page_one = report.split("Appendix")[0]
    assert page_one.count(f"({AGREED_WORDS})") == 1  # the other finding is not waived
    assert "Leaving out waived findings: risk of breach." in page_one
