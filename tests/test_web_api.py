"""The planner's endpoints in-process: what each answer costs, the one report, plain words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine.advice.checklist import questions_checklist
from engine.cli import gpca
from engine.core.evaluate import Evaluator
from engine.core.model import Problem, SourceLocation
from engine.inputs.load import load_rules
from engine.inputs.read import read_yaml
from engine.web import plans
from engine.web.api import Api
from engine.web.wording import field_words, node_at, page_problem, yaml_words

ROOT = Path(__file__).resolve().parent.parent
RIVERSIDE = ROOT / "examples" / "riverside.yaml"
RULES = load_rules()
API = Api(Evaluator(RULES))  # one durable_rules host for the module


def riverside() -> dict[str, Any]:
    return read_yaml(RIVERSIDE).data


def body(data: Any) -> bytes:
    return json.dumps(data).encode()


@pytest.fixture
def assessments(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The dates the evaluator is asked to assess, call by call."""
    asked: list[str] = []
    assess = API.evaluator.assess

    def counted(plan: Any, as_of: str | None = None) -> Any:
        asked.append(as_of or plan.assessed_on)
        return assess(plan, as_of)

    monkeypatch.setattr(API.evaluator, "assess", counted)
    API._timelines.clear()
    return asked


def test_an_answer_costs_one_assessment(assessments: list[str]) -> None:
    reply = API.assess(body(riverside()))
    assert (reply.status, assessments) == (200, ["2024-11-05"])
    assert "timeline" not in json.loads(reply.body)["assessment"]["actions"][0]


def test_the_dates_ahead_are_computed_once_per_plan_and_date(assessments: list[str]) -> None:
    first = API.timeline(body(riverside()))
    cost = len(assessments)
    again = API.timeline(body(riverside()))
    assert (first.status, again.body, len(assessments)) == (200, first.body, cost)
    assert cost > 2  # the plan's date and each boundary date after it
    ahead = json.loads(first.body)["timelines"]["switch-off-gp-connect-update-record"]
    assert [(c["date"], c["status"]) for c in ahead if c["status"] == "risk"] == [("2025-10-01", "risk")]
    API.timeline(body(riverside() | {"assessed_on": "2025-01-02"}))
    assert len(assessments) > cost  # another date is another timeline


def test_the_report_is_the_bytes_gpca_check_writes_as_html(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    plan = riverside()
    plan["assessed_on"] = "2025-10-01"
    report = API.report(body(plan))
    downloaded = API.yaml(body(plan))
    assert (report.status, downloaded.status) == (200, 200)
    name = downloaded.headers["Content-Disposition"].split('"')[1]
    assert (name, report.headers["Content-Disposition"]) == (
        "riverside-surgery-plan.yaml", 'attachment; filename="riverside-surgery-report.html"')
    (tmp_path / name).write_bytes(downloaded.body)
    monkeypatch.chdir(tmp_path)  # so the replay stamp names the file as the page downloads it
    monkeypatch.setenv("GPCA_NO_CACHE", "1")
    result = CliRunner().invoke(gpca, ["check", name, "--format", "html"])
    assert result.exit_code == 1, result.output
    assert report.body == result.output.encode("utf-8")
    assert f"gpca check {name} --as-of 2025-10-01" in report.body.decode()


def test_problems_are_said_in_plain_english_at_their_question() -> None:
    plan = riverside()
    plan["practice"]["ods_code"] = "y1"
    plan["practice"]["registered_patients"] = "lots"
    problems = json.loads(API.assess(body(plan)).body)["problems"]
    assert [(p["field"], p["message"], p["hint"]) for p in problems] == [
        ("/practice/ods_code", "Enter it in the form of the example, like Y01234", ""),
        ("/practice/registered_patients", "Enter a whole number between 0 and 1,000,000", ""),
    ]


def test_an_action_parameter_is_worded_from_its_own_schema() -> None:
    plan = riverside()
    plan["practice"]["ods_code"] = "y1"
    plan["actions"][0]["max_contacts_per_clinician"] = 0
    problems = json.loads(API.assess(body(plan)).body)["problems"]
    low = RULES.action("limit-daily-contacts").params["max_contacts_per_clinician"]["minimum"]
    assert problems[0]["message"].startswith(f"Enter a whole number between {low}")


def test_a_date_before_any_rule_says_the_first_date_to_choose() -> None:
    problems = json.loads(API.assess(body(riverside() | {"assessed_on": "1950-01-01"})).body)["problems"]
    [said] = [p["message"] for p in problems]
    assert said.startswith("Enter a date on or after ") and said.endswith(": gpca knows no rule before then")


def test_a_broken_upload_names_the_line_in_words() -> None:
    reply = API.upload(b"practice: {name: Riverside\nassessed_on: 2025-01-01\n")
    [problem] = json.loads(reply.body)["problems"]
    assert (reply.status, problem["message"]) == (400, "Line 2: a mapping in curly brackets was not closed")
    reply = API.upload(b"practice:\n  name: [Riverside\nassessed_on: 2025-01-01\n")
    assert json.loads(reply.body)["problems"][0]["message"] == "Line 3: a list in square brackets was not closed"


def test_no_page_message_carries_a_pattern_a_path_or_a_command() -> None:
    schema = API.schema
    said = [field_words(node) for node in _leaves(schema)]
    marks = ("^", "$", "setup.", "practice.", "gpca ", "must be")
    assert said and not [s for s in said if any(mark in s for mark in marks)]


def _leaves(node: dict[str, Any]) -> list[dict[str, Any]]:
    children = list(node.get("properties", {}).values())
    items = node.get("items")
    if isinstance(items, dict):
        children.append(items)
    if not children:
        return [node]
    return [leaf for child in children if isinstance(child, dict) for leaf in _leaves(child)]


def test_wording_helpers_read_the_schema_and_the_location() -> None:
    assert node_at(API.schema, "/setup/data_sharing/0/name") == API.schema["properties"]["setup"][
        "properties"]["data_sharing"]["items"]["properties"]["name"]
    assert node_at(API.schema, "/nowhere/at/all") is None
    located = Problem("yaml-syntax", "this is not valid YAML: found character '\\t' that cannot start any token",
                      location=SourceLocation("plan.yaml", 7, 1))
    assert yaml_words(located) == "Line 7: a tab is used to indent: indent with spaces"
    unknown = Problem("unknown-key", "unknown key 'foo'")
    assert page_problem(unknown, None, RULES) == "The file has an answer the planner does not ask for. Remove it from the plan"


def test_the_checklist_is_the_reports_grouped_questions_with_links() -> None:
    plan = riverside()
    del plan["actions"][0]["urgent_overflow"]
    del plan["setup"]["gp_connect"]
    reply = json.loads(API.assess(body(plan)).body)
    keys = [(g["key"], [(q["path"], q["pointer"]) for q in g["questions"]]) for g in reply["checklist"]]
    assert keys[0] == ("actions", [("actions[0].urgent_overflow", "/actions/0/urgent_overflow")])
    assert dict(keys)["gp_connect"][0][1] == "/setup/gp_connect/appointment_management_enabled"
    assessed = API.evaluator.assess(plans.checked_plan(plans.document(plan), RULES))
    expected = questions_checklist(assessed, RULES)
    assert [(g["key"], [q["path"] for q in g["questions"]]) for g in reply["checklist"]] == [
        (g.key, [q.path for q in g.questions]) for g in expected]
    first = reply["checklist"][0]["questions"][0]
    assert first["actions"] == ["Limit daily patient contacts per clinician"]


def test_a_problem_in_an_entry_whose_id_is_not_text_is_still_worded() -> None:
    plan = riverside()
    plan["actions"][0]["id"] = ["limit-daily-contacts"]
    plan["actions"][0]["max_contacts_per_clinician"] = 0
    reply = API.assess(body(plan))
    assert reply.status == 422
    assert all(p["message"] and "must be" not in p["message"] for p in json.loads(reply.body)["problems"])
