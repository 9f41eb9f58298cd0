"""The planner's server: its endpoints, limits and refusals, without a browser."""

from __future__ import annotations

import http.client
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine.cli import gpca
from engine.core.evaluate import Evaluator
from engine.inputs.load import load_plan, load_rules
from engine.inputs.read import read_yaml
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
    for asset in ("/static/style.css", "/static/js/app.js", "/static/js/fields.js",
                  "/static/nhsuk/nhsuk-frontend.min.css", "/static/nhsuk/nhsuk-frontend.min.js"):
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


def test_timeline_gives_the_dates_ahead_when_a_verdict_changes(planner: PlannerServer) -> None:
    status, reply = post_json(planner, "/api/timeline", riverside())
    ahead = reply["timelines"]["switch-off-gp-connect-update-record"]
    assert (status, reply["as_of"]) == (200, "2024-11-05")
    assert [(c["date"], c["status"]) for c in ahead if c["status"] == "risk"] == [("2025-10-01", "risk")]


def test_cannot_tell_names_the_action_parameter_that_settles_it(planner: PlannerServer) -> None:
    plan = riverside()
    del plan["actions"][0]["urgent_overflow"]
    _, reply = post_json(planner, "/api/assess", plan)
    verdict = reply["assessment"]["actions"][0]
    assert verdict["status"] == "cannot_tell"
    assert verdict["findings"][0]["missing"] == [{
        "path": "actions[0].urgent_overflow", "pointer": "/actions/0/urgent_overflow",
        "question": "Where do clinically urgent requests go once the daily limit is reached? List every destination.",
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


def _verdicts(reply: dict[str, Any]) -> dict[str, str]:
    return {a["id"]: a["status"] for a in reply["assessment"]["actions"]}


def test_a_bad_optional_answer_is_left_out_and_holds_back_no_other_verdict(planner: PlannerServer) -> None:
    plan = riverside()
    plan["practice"]["ods_code"] = "y1"
    plan["setup"]["nhs111"]["direct_booking_slots_per_day"] = "lots"
    status, reply = post_json(planner, "/api/assess", plan)
    fields = [(p["code"], p["field"]) for p in reply["problems"]]
    assert (status, reply["left_out"]) == (200, True)
    assert fields == [("plan-schema", "/practice/ods_code"), ("plan-schema", "/setup/nhs111/direct_booking_slots_per_day")]
    without = riverside()
    del without["practice"]["ods_code"], without["setup"]["nhs111"]["direct_booking_slots_per_day"]
    assert reply["assessment"] == post_json(planner, "/api/assess", without)[1]["assessment"]
    slots = next(r for r in reply["assessment"]["practice"] if r["rule_id"] == "nhs111-minimum-slots")
    assert slots["outcome"] == "cannot_tell"


def test_a_plan_not_yet_named_is_assessed_without_an_error(planner: PlannerServer) -> None:
    plan = riverside()
    del plan["practice"]["name"]
    status, reply = post_json(planner, "/api/assess", plan)
    assert (status, reply["problems"], reply["left_out"]) == (200, [], False)
    assert _verdicts(reply) == _verdicts(post_json(planner, "/api/assess", riverside())[1])


def test_a_bad_action_answer_holds_back_the_verdicts(planner: PlannerServer) -> None:
    plan = riverside()
    plan["practice"]["ods_code"] = "y1"
    plan["actions"][0]["max_contacts_per_clinician"] = 0  # left out, the default would be assessed
    status, reply = post_json(planner, "/api/assess", plan)
    assert (status, "assessment" in reply) == (422, False)
    assert [p["field"] for p in reply["problems"]] == ["/actions/0/max_contacts_per_clinician", "/practice/ods_code"]


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
    assert "<script" not in html and "<link" not in html and "src=" not in html
    assert "gpca check riverside-surgery-plan.yaml --as-of 2024-11-05" in html  # the replay stamp


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


def test_a_busy_port_is_exit_2_naming_it() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(gpca, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error[cannot-listen]: cannot listen on 127.0.0.1:{port}: Address already in use\n"
        "  hint: choose another --port, or 0 for any free one\n"
    )


def test_a_reachable_host_needs_allow_remote() -> None:
    result = CliRunner().invoke(gpca, ["serve", "--host", "0.0.0.0", "--port", "9999"])
    assert result.exit_code == 2
    assert "'0.0.0.0' can be reached from other machines" in result.output
    assert "--allow-remote" in result.output


def test_a_reachable_host_with_allow_remote_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.web.server as server_module

    class Idle:
        url = "http://0.0.0.0:9999/"

        def serve_forever(self) -> None:
            pass

        def server_close(self) -> None:
            pass

    monkeypatch.setattr(server_module, "make_server", lambda *args: Idle())
    result = CliRunner().invoke(gpca, ["serve", "--host", "0.0.0.0", "--port", "9999", "--allow-remote"])
    assert result.exit_code == 0
    assert result.output == (
        "The gpca planner is at http://0.0.0.0:9999/  (press Ctrl+C to stop)\n"
        "Warning: listening on 0.0.0.0: anyone who can reach this machine can use the planner.\n"
    )


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("localhost", True), ("127.0.0.1", True), ("::1", True), ("127.0.0.2", True),
        ("evil.example", False), ("localhost.evil.example", False), ("", False),
        ("10.1.2.3", False),
    ],
)  # fmt: skip
def test_host_names_allowed_on_a_loopback_address(planner: PlannerServer, host: str, allowed: bool) -> None:
    assert planner.allowed_host(host) is allowed


def test_host_checks_stay_on_when_listening_on_every_address() -> None:
    """Bound to 0.0.0.0, an address literal may reach it, a DNS name (rebinding) may not."""
    from engine.web.server import PlannerServer as Server

    class NoWorker:
        def close(self) -> None:
            pass

    server = Server(("0.0.0.0", 0), NoWorker())  # type: ignore[arg-type]
    try:
        assert [server.allowed_host(h) for h in ("10.1.2.3", "localhost", "evil.example")] == [True, True, False]
    finally:
        server.server_close()


# A stand-in for the worker that speaks its protocol and answers at once: the tests of
# how the server contains a worker's death then depend on nothing else.
FAKE_WORKER = """
import os, msgspec
from engine.web.reply import json_reply
from engine.web.worker import serve_calls
replies = os.dup(1)
os.write(replies, (5).to_bytes(4, "big") + b"ready")
answer = lambda endpoint, body: msgspec.msgpack.encode(json_reply(200, {"pid": os.getpid()}))
serve_calls(answer, 0, replies)
"""


@pytest.fixture
def fake_planner() -> Any:
    from engine.web import make_server
    from engine.web.server import serve_in_thread
    from engine.web.worker import Worker

    server = make_server("127.0.0.1", 0, worker=Worker(command=[sys.executable, "-c", FAKE_WORKER]))
    serve_in_thread(server)
    yield server
    server.shutdown()
    server.server_close()


def test_a_crash_of_the_engine_is_a_500_page_and_the_server_goes_on(fake_planner: PlannerServer) -> None:
    """The worker is stopped, a request is sent, the worker is killed under it: that request
    gets the 500 page, the next one is answered by a new worker."""
    import signal
    import threading
    import time

    worker_pid = fake_planner.worker.pid
    assert worker_pid is not None
    os.kill(worker_pid, signal.SIGSTOP)
    replies: list[tuple[int, dict[str, Any]]] = []
    sender = threading.Thread(target=lambda: replies.append(post_json(fake_planner, "/api/assess", {})))
    sender.start()
    time.sleep(0.5)  # the request is now waiting on the stopped worker
    os.kill(worker_pid, signal.SIGKILL)
    sender.join(30)
    [(status, reply)] = replies
    assert status == 500
    assert reply["problems"][0]["code"] == "engine-stopped"
    status, reply = post_json(fake_planner, "/api/assess", {})
    assert status == 200
    assert reply["pid"] == fake_planner.worker.pid not in (None, worker_pid)


def wait_until_ended(pid: int) -> None:
    import time

    for _ in range(200):  # a dead child not yet reaped is a zombie, state Z
        if Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z"):
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} did not end")


def test_a_worker_that_died_between_requests_is_replaced_quietly(fake_planner: PlannerServer) -> None:
    import signal

    worker_pid = fake_planner.worker.pid
    assert worker_pid is not None
    os.kill(worker_pid, signal.SIGSEGV)
    wait_until_ended(worker_pid)
    status, reply = post_json(fake_planner, "/api/assess", {})
    assert (status, fake_planner.worker.restarts) == (200, 1)
    assert reply["pid"] != worker_pid


def test_the_real_worker_answers_after_a_restart(planner: PlannerServer) -> None:
    planner.worker.close()  # ended as a crash would end it; the next call starts another
    status, reply = post_json(planner, "/api/assess", riverside())
    assert status == 200
    assert reply["assessment"]["overall"] == "risk"


def test_a_hung_engine_is_ended_after_the_call_timeout() -> None:
    from engine.web.worker import Worker, WorkerFailed

    hang = "import sys, time; sys.stdout.buffer.write(b'\\0\\0\\0\\5ready'); sys.stdout.flush(); time.sleep(60)"
    worker = Worker(command=[sys.executable, "-c", hang], call_timeout=0.5)
    worker.start()
    pid = worker.pid
    with pytest.raises(WorkerFailed, match="no answer in time"):
        worker.call("assess", b"{}")
    assert worker.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # type: ignore[arg-type]
    worker.close()


def test_two_hundred_parallel_requests_get_an_answer_each(planner: PlannerServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def one(_: int) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", planner.server_address[1], timeout=120)
        try:
            connection.request("POST", "/api/assess", body=b"{}", headers={"Content-Type": "application/json"})
            return connection.getresponse().status
        finally:
            connection.close()

    with ThreadPoolExecutor(200) as pool:
        statuses = list(pool.map(one, range(200)))
    assert statuses == [422] * 200


def test_an_oversized_body_is_refused_before_it_is_read(planner: PlannerServer) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", planner.server_address[1]), timeout=10) as client:
        client.sendall(b"POST /api/assess HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999\r\n\r\n")
        head = client.recv(4096)  # no body sent: the answer comes anyway
    assert head.startswith(b"HTTP/1.0 413 ")
    assert b"Content-Security-Policy" in head


def test_a_client_that_hangs_up_leaves_no_traceback(planner: PlannerServer, capfd: pytest.CaptureFixture[str]) -> None:
    import socket

    for _ in range(20):
        with socket.create_connection(("127.0.0.1", planner.server_address[1]), timeout=10) as client:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")  # reset on close
            client.sendall(b"GET /api/catalogue HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert request(planner, "GET", "/")[0] == 200
    assert "Traceback" not in capfd.readouterr().err


def test_ctrl_c_stops_the_server_and_its_worker() -> None:
    import signal
    import subprocess

    # As started from a terminal, whatever this run inherited: a run started in the
    # background by a script ignores Ctrl+C, and so would the server.
    server = subprocess.Popen([sys.executable, "-m", "engine", "serve", "--port", "0"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip
    assert server.stdout is not None
    assert server.stdout.readline().startswith("The gpca planner is at http://localhost:")
    workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    server.send_signal(signal.SIGINT)
    _, err = server.communicate(timeout=60)
    assert (server.returncode, err) == (130, "Interrupted.\n")
    assert len(workers) == 1
    wait_until_gone(int(workers[0]))


def wait_until_gone(pid: int) -> None:
    import time

    for _ in range(200):
        stat = Path(f"/proc/{pid}/stat")
        if not stat.exists() or stat.read_text().split(") ")[1].startswith("Z"):
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} is still running")


def test_a_connection_that_trickles_its_request_is_closed(planner: PlannerServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket
    import time

    from engine.web.server import Handler

    monkeypatch.setattr(Handler, "timeout", 0.5)
    with socket.create_connection(("127.0.0.1", planner.server_address[1]), timeout=10) as client:
        client.sendall(b"GET / HTTP/1.1\r\n")  # and never the rest
        start = time.monotonic()
        assert client.recv(4096) == b""
    assert time.monotonic() - start < 5
    assert request(planner, "GET", "/")[0] == 200


def test_assess_refuses_a_value_the_engine_cannot_take_at_its_field_and_stays_up(planner: PlannerServer) -> None:
    plan = riverside()
    plan["actions"][0]["max_contacts_per_clinician"] = 1e22  # what the page sends for 22 digits
    status, reply = post_json(planner, "/api/assess", plan)
    assert (status, [p["code"] for p in reply["problems"]]) == (422, ["action-params"])
    assert post_json(planner, "/api/assess", riverside())[0] == 200


def test_assess_refuses_a_date_before_any_rule(planner: PlannerServer) -> None:
    status, reply = post_json(planner, "/api/assess", riverside() | {"assessed_on": "1950-01-01"})
    assert (status, [p["code"] for p in reply["problems"]]) == (422, ["date-out-of-range"])


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


def test_an_actions_remedy_is_said_once_after_its_findings(planner: PlannerServer) -> None:
    rules = load_rules()
    instead = rules.action("withdraw-secondary-use-data-sharing").instead
    _, reply = post_json(planner, "/api/assess", riverside())
    action = next(a for a in reply["assessment"]["actions"] if a["id"] == "withdraw-secondary-use-data-sharing")
    assert (action["instead"], [f["remedy"] for f in action["findings"]]) == (instead, [""] * len(action["findings"]))


def test_a_ctrl_c_just_after_the_address_is_shown_still_ends_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.web import server as web

    made: list[PlannerServer] = []
    real = web.make_server
    monkeypatch.setattr(web, "make_server", lambda *args, **kwargs: made.append(real(*args, **kwargs)) or made[-1])

    def interrupted(_text: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        web.serve("127.0.0.1", 0, None, announce=interrupted)
    worker = made[0].worker
    assert (len(made), worker.pid) == (1, None)
