"""The planner's server: its endpoints, limits and refusals, without a browser."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine.cli import gpca
from engine.evaluate import Evaluator
from engine.load import load_plan, load_rules, read_yaml
from engine.web.catalogue import needed_questions
from engine.web.server import MAX_BODY, PlannerServer

ROOT = Path(__file__).resolve().parent.parent
RIVERSIDE = ROOT / "examples" / "riverside.yaml"


def request(planner: PlannerServer, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
    connection = http.client.HTTPConnection("127.0.0.1", planner.server_address[1], timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def post_json(planner: PlannerServer, path: str, data: Any) -> tuple[int, dict[str, Any]]:
    status, _, body = request(planner, "POST", path, json.dumps(data).encode(),
                              {"Content-Type": "application/json"})  # fmt: skip
    return status, json.loads(body)


def riverside() -> dict[str, Any]:
    return read_yaml(RIVERSIDE).data


def test_page_and_assets_are_served_locally(planner: PlannerServer) -> None:
    status, headers, body = request(planner, "GET", "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert b"http://" not in body and b"https://" not in body
    for asset in ("/static/style.css", "/static/js/app.js", "/static/js/fields.js"):
        assert request(planner, "GET", asset)[0] == 200


def test_files_outside_the_static_folder_are_not_served(planner: PlannerServer) -> None:
    for path in ("/static/../server.py", "/static/%2e%2e/server.py", "/etc/passwd"):
        assert request(planner, "GET", path)[0] == 404


def test_catalogue_lists_every_action_and_the_plan_schema(planner: PlannerServer) -> None:
    status, _, body = request(planner, "GET", "/api/catalogue")
    catalogue = json.loads(body)
    assert status == 200
    assert {a["id"] for a in catalogue["actions"]} == {a.id for a in load_rules().actions}
    assert catalogue["schema"]["properties"]["setup"]["type"] == "object"


def test_assess_matches_the_evaluator(planner: PlannerServer) -> None:
    rules = load_rules()
    expected = Evaluator(rules).assess(load_plan(RIVERSIDE, rules))
    status, reply = post_json(planner, "/api/assess", riverside())
    assert status == 200
    assert reply["problems"] == []
    shown = {a["id"]: a["status"] for a in reply["assessment"]["actions"]}
    assert shown == {v.action_id: v.status for v in expected.actions}
    assert reply["assessment"]["overall"] == expected.overall


def test_assess_gives_the_dates_ahead_when_a_verdict_changes(planner: PlannerServer) -> None:
    _, reply = post_json(planner, "/api/assess", riverside())
    actions = {a["id"]: a for a in reply["assessment"]["actions"]}
    ahead = actions["switch-off-gp-connect-update-record"]["timeline"]
    assert [(c["date"], c["status"]) for c in ahead if c["status"] == "risk"] == [("2025-10-01", "risk")]


def test_cannot_tell_names_the_action_parameter_that_settles_it(planner: PlannerServer) -> None:
    plan = riverside()
    del plan["actions"][0]["urgent_overflow"]
    _, reply = post_json(planner, "/api/assess", plan)
    verdict = reply["assessment"]["actions"][0]
    assert verdict["status"] == "cannot_tell"
    assert verdict["findings"][0]["missing"] == [{
        "path": "actions[0].urgent_overflow", "pointer": "/actions/0/urgent_overflow",
        "question": "Where clinically urgent requests go once the daily limit is reached.",
    }]  # fmt: skip


def test_validation_errors_point_at_the_field_they_concern(planner: PlannerServer) -> None:
    plan = {"practice": {"ods_code": "nope"}, "assessed_on": "5/11/2024",
            "actions": [{"id": "limit-daily-contact"}], "setup": {}}  # fmt: skip
    status, reply = post_json(planner, "/api/assess", plan)
    assert status == 422
    fields = {(p["code"], p["field"]) for p in reply["problems"]}
    assert fields == {
        ("plan-schema", "/practice/name"),
        ("plan-schema", "/practice/ods_code"),
        ("plan-schema", "/assessed_on"),
        ("unknown-action", "/actions/0/id"),
    }
    assert "assessment" not in reply


def test_malformed_json_is_an_error_not_a_trace(planner: PlannerServer) -> None:
    status, headers, body = request(planner, "POST", "/api/assess", b'{"practice": ',
                                    {"Content-Type": "application/json"})  # fmt: skip
    assert status == 400
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["problems"][0]["message"] == "the page sent something that is not JSON"
    assert b"Traceback" not in body


def test_a_plan_that_is_not_a_mapping_is_refused(planner: PlannerServer) -> None:
    status, reply = post_json(planner, "/api/assess", ["not", "a", "plan"])
    assert status == 422
    assert reply["problems"][0]["code"] == "not-a-mapping"


def test_request_size_limit_is_enforced(planner: PlannerServer) -> None:
    body = b" " * (MAX_BODY + 1)
    status, _, reply = request(planner, "POST", "/api/assess", body, {"Content-Type": "application/json"})
    assert status == 413
    assert json.loads(reply)["problems"][0]["code"] == "too-large"


def test_a_request_without_a_length_is_refused(planner: PlannerServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", planner.server_address[1], timeout=10)
    connection.putrequest("POST", "/api/assess")
    connection.endheaders()
    assert connection.getresponse().status == 411
    connection.close()


def test_other_hosts_and_origins_are_refused(planner: PlannerServer) -> None:
    """A page on another site (DNS rebinding, or a cross-site post) gets nothing."""
    assert request(planner, "GET", "/api/catalogue", headers={"Host": "evil.example"})[0] == 403
    body = json.dumps(riverside()).encode()
    origin = {"Origin": "https://evil.example", "Content-Type": "application/json"}
    assert request(planner, "POST", "/api/assess", body, origin)[0] == 403


def test_unknown_endpoints_are_404(planner: PlannerServer) -> None:
    assert post_json(planner, "/api/nothing", {})[0] == 404


def test_upload_returns_the_plan_and_its_problems_with_lines(planner: PlannerServer) -> None:
    text = RIVERSIDE.read_text().replace("ods_code: Y01234", "ods_code: y1")
    status, _, body = request(planner, "POST", "/api/upload", text.encode(), {"Content-Type": "application/yaml"})
    reply = json.loads(body)
    assert status == 200
    assert reply["plan"]["practice"]["name"] == "Riverside Surgery"
    [problem] = reply["problems"]
    assert (problem["field"], problem["line"], problem["column"]) == ("/practice/ods_code", 14, 3)


def test_upload_of_broken_yaml_is_an_error_in_the_page(planner: PlannerServer) -> None:
    status, _, body = request(planner, "POST", "/api/upload", b"practice: [unclosed\n",
                              {"Content-Type": "application/yaml"})  # fmt: skip
    reply = json.loads(body)
    assert status == 400
    assert reply["problems"][0]["code"] == "yaml-syntax"


def test_downloaded_yaml_is_accepted_by_gpca_check(planner: PlannerServer, tmp_path: Path) -> None:
    status, headers, body = request(planner, "POST", "/api/yaml", json.dumps(riverside()).encode(),
                                    {"Content-Type": "application/json"})  # fmt: skip
    assert status == 200
    assert headers["Content-Disposition"] == 'attachment; filename="riverside-surgery-plan.yaml"'
    saved = tmp_path / "plan.yaml"
    saved.write_bytes(body)
    result = CliRunner().invoke(gpca, ["check", str(saved), "--format", "json"])
    expected = CliRunner().invoke(gpca, ["check", str(RIVERSIDE), "--format", "json"])
    assert result.exit_code == expected.exit_code == 1
    statuses = [[a["status"] for a in json.loads(r.output)["plans"][0]["actions"]] for r in (result, expected)]
    assert statuses[0] == statuses[1] == ["safe", "safe", "risk"]


def test_an_invalid_plan_is_not_offered_as_a_file(planner: PlannerServer) -> None:
    status, reply = post_json(planner, "/api/yaml", {"practice": {}, "assessed_on": "2024-11-05",
                                                    "actions": [], "setup": {}})  # fmt: skip
    assert status == 422
    assert reply["problems"][0]["field"] == "/practice/name"


def test_report_is_self_contained_html_for_a4(planner: PlannerServer) -> None:
    status, headers, body = request(planner, "POST", "/api/report", json.dumps(riverside()).encode(),
                                    {"Content-Type": "application/json"})  # fmt: skip
    html = body.decode()
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "@page { size: A4;" in html and "@media print" in html
    assert "<script" not in html and "<link" not in html and "src=" not in html
    assert "Withdraw" in html and "Risks breach" in html


def test_needed_questions_follow_the_chosen_actions() -> None:
    rules = load_rules()
    compiled = Evaluator(rules).compiled
    plan = {"assessed_on": "2026-07-01", "actions": [{"id": "switch-off-gp-connect-update-record"}]}
    assert needed_questions(plan, rules, compiled) == ["/setup/gp_connect/update_record_enabled"]
    assert needed_questions({"assessed_on": "2026-07-01", "actions": []}, rules, compiled) == []


def test_serve_command_prints_its_address(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_serve(host: str, port: int, rule_dirs: Any, announce: Any) -> None:
        seen.update(host=host, port=port)
        announce(f"The gpca planner is at http://localhost:{port}/")

    monkeypatch.setattr("engine.web.serve", fake_serve)
    result = CliRunner().invoke(gpca, ["serve", "--port", "9999"])
    assert result.exit_code == 0
    assert seen == {"host": "127.0.0.1", "port": 9999}
    assert result.output == "The gpca planner is at http://localhost:9999/\n"


def test_assess_says_when_the_date_is_after_the_sources_were_checked(planner: PlannerServer) -> None:
    plan = riverside()
    plan["assessed_on"] = "2026-11-30"
    _, reply = post_json(planner, "/api/assess", plan)
    assert reply["assessment"]["unchecked_note"] == (
        "The rules' sources were last checked to 29 November 2026; this check is as of 30 November "
        "2026, after that date, so the contract or the BMA menu may have changed since. Check with your LMC.")
    plan["assessed_on"] = "2026-11-29"
    _, reply = post_json(planner, "/api/assess", plan)
    assert reply["assessment"]["unchecked_note"] == ""
