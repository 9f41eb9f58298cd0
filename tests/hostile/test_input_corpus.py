"""The hostile input corpus: files, sizes, encodings, command-line arguments and forged output.

Every invalid input is exit 2 with the file or option named, no traceback, within the time
and memory limits of ``input_support``; a valid plan in another layout gets the same
verdicts as the example it was made from. The checked-in cases are the files under
``input/plans`` (each must be refused) and ``input/layouts`` (each must be judged as
``examples/riverside.yaml``); the rest are made here, because they are special files,
large, or depend on the machine.
"""

from __future__ import annotations

import json
import os
import socket
from typing import Any
from pathlib import Path

import pytest
from input_support import (
    CORPUS,
    RIVERSIDE,
    ROOT,
    Run,
    assert_judged,
    assert_refused,
    gpca,
    riverside_text,
    riverside_with,
)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rules-cache")


def check(*args: str | Path, cache: Path, env: dict[str, str] | None = None) -> Run:
    return gpca("check", *args, cache=cache, env=env)


def written(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


# --- checked-in plans: every one is refused --------------------------------------------

PLANS = sorted((CORPUS / "plans").iterdir())


@pytest.mark.parametrize("plan", PLANS, ids=[p.name for p in PLANS])
def test_a_checked_in_hostile_plan_is_refused(plan: Path, cache: Path) -> None:
    run = check(plan, cache=cache)
    assert_refused(run, str(plan.relative_to(ROOT)) if not plan.is_absolute() else str(plan))
    assert run.out == ""


def test_no_python_tag_ran(cache: Path) -> None:
    check(CORPUS / "plans" / "python-object-apply.yaml", cache=cache)
    assert not Path("/tmp/gpca-pwned").exists()


# --- checked-in layouts: the same verdicts as the example --------------------------------

LAYOUTS = sorted((CORPUS / "layouts").iterdir())


def verdicts(run: Run) -> list[tuple[str, str]]:
    [plan] = json.loads(run.out)["plans"]
    return [(a["id"], a["status"]) for a in plan["actions"]] + [("overall", plan["overall"])]


@pytest.fixture(scope="module")
def expected_verdicts(cache: Path) -> list[tuple[str, str]]:
    return verdicts(check(RIVERSIDE, "--format", "json", cache=cache))


@pytest.mark.parametrize("plan", LAYOUTS, ids=[p.name for p in LAYOUTS])
def test_a_valid_plan_in_another_layout_gets_the_same_verdicts(
    plan: Path, cache: Path, expected_verdicts: list[tuple[str, str]]
) -> None:
    run = check(plan, "--format", "json", cache=cache)
    assert_judged(run)
    assert verdicts(run) == expected_verdicts


# --- files that are not regular files ---------------------------------------------------


SPECIAL = ("dangling-symlink", "symlink-loop", "fifo", "directory", "socket")


def special_file(folder: Path, case: str, name: str | None = None) -> tuple[Path, str]:
    """A file of kind ``case`` that gpca must not read, and what the message says of it."""
    path = folder / (name or f"{case}.yaml")
    if case == "dangling-symlink":
        path.symlink_to(folder / "nowhere.yaml")
        return path, "is a symbolic link to nothing"
    if case == "symlink-loop":
        path.symlink_to(path)
        return path, "is a symbolic link that loops back on itself"
    if case == "fifo":
        os.mkfifo(path)
        return path, "is a FIFO (named pipe), not a regular file"
    if case == "directory":
        path.mkdir()
        return path, "is a directory, not a file"
    here = Path.cwd()
    os.chdir(folder)  # a socket's path is limited to about 100 bytes; a relative one is short
    try:
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(path.name)  # the socket file stays after the socket closes
    finally:
        os.chdir(here)
    return path, "is a device or a socket, not a regular file"


@pytest.mark.parametrize("case", SPECIAL)
def test_a_plan_that_is_not_a_regular_file_is_refused(case: str, tmp_path: Path, cache: Path) -> None:
    path, says = special_file(tmp_path, case)
    # A folder given as PLAN is a folder of plans, and click refuses a missing PLAN itself:
    # those two are reached through the folder that holds them.
    given = tmp_path if case in ("dangling-symlink", "symlink-loop", "directory") else path
    assert_refused(check(given, cache=cache), f"'{path}' {says}")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/full", "/dev/tty", "/dev/random"])
def test_a_device_is_refused_before_a_byte_is_read(device: str, cache: Path) -> None:
    run = check(device, cache=cache)
    assert_refused(run, f"'{device}' is a device or a socket, not a regular file")
    assert run.seconds < 30


def test_a_plan_folder_names_every_entry_it_cannot_read(tmp_path: Path, cache: Path) -> None:
    written(tmp_path, "good.yaml", riverside_text())
    odd = [special_file(tmp_path, case) for case in SPECIAL]
    run = check(tmp_path, cache=cache)
    assert_refused(run, *[f"'{path}' {says}" for path, says in odd])
    assert "Overall: RISK OF BREACH" in run.out  # the readable plan is still checked


@pytest.mark.parametrize("name", ["new\nline.yaml", "esc\x1b[2Jape.yaml", "bell\x07.yaml", "cr\r.yaml"])
def test_a_file_name_with_control_characters_is_shown_escaped(name: str, tmp_path: Path, cache: Path) -> None:
    path = written(tmp_path, name, riverside_text())
    run = check(path, cache=cache)
    assert_judged(run)
    escaped = str(path).replace("\n", "\\n").replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace("\r", "\\r")
    assert f'Plan: "{escaped}"' in run.out
    assert not any(ch in run.out for ch in "\x1b\x07\r")


@pytest.mark.parametrize("case", SPECIAL)
def test_a_fixture_that_is_not_a_regular_file_is_an_unusable_fixture(case: str, tmp_path: Path, cache: Path) -> None:
    import shutil

    fixtures = Path(shutil.copytree(ROOT / "fixtures" / "nhs111", tmp_path / "fixtures"))
    path, says = special_file(fixtures, case)
    run = gpca("test", fixtures, cache=cache)
    assert run.code == 2, run.out[-2000:]
    assert f"error[unreadable-file]: '{path}' {says}" in run.out
    assert "Traceback" not in run.out + run.err


# --- sizes ----------------------------------------------------------------------------


def test_a_200_mb_one_line_value_is_refused_by_size_before_it_is_read(tmp_path: Path, cache: Path) -> None:
    plan = tmp_path / "huge.yaml"
    with plan.open("wb") as file:  # sparse: the size is real, the disk is not used
        file.write(b"practice: {name: '")
        file.truncate(200 * 1024 * 1024)
    run = check(plan, cache=cache)
    assert_refused(run, f"'{plan}' is too large to read (200 MiB; the limit is 1 MiB)", "GPCA_MAX_FILE_SIZE")
    assert run.seconds < 30


def test_a_value_just_over_the_limit_is_refused(tmp_path: Path, cache: Path) -> None:
    plan = written(tmp_path, "big.yaml", riverside_with("icb: Example ICB", "icb: " + "x" * (1024 * 1024)))
    assert_refused(check(plan, cache=cache), "is too large to read")


def test_the_limit_can_be_raised(tmp_path: Path, cache: Path) -> None:
    plan = written(tmp_path, "big.yaml", riverside_with("# Riverside", "#" + " " * (1024 * 1024) + "\n# Riverside"))
    assert_refused(check(plan, cache=cache), "is too large to read")
    assert_judged(check(plan, cache=cache, env={"GPCA_MAX_FILE_SIZE": "2M"}))


@pytest.mark.parametrize("setting", ["0", "-1", "lots", "1.5M", "99999999999999"])
def test_a_bad_size_setting_is_refused(setting: str, cache: Path) -> None:
    run = check(RIVERSIDE, cache=cache, env={"GPCA_MAX_FILE_SIZE": setting})
    assert_refused(run, "GPCA_MAX_FILE_SIZE must be a size such as 1048576, 512K or 4M")


def test_300000_list_items_are_refused_naming_the_real_limit(tmp_path: Path, cache: Path) -> None:
    plan = written(tmp_path, "list.yaml", riverside_text() + "extra: [" + "1," * 300_000 + "1]\n")
    run = check(plan, cache=cache)
    assert_refused(run, "the file holds more than 100,000 values")
    assert run.seconds < 30


def test_a_long_key_is_echoed_cut_to_80_characters(tmp_path: Path, cache: Path) -> None:
    key = "k" * 500_000
    plan = written(tmp_path, "key.yaml", riverside_with("  icb: Example ICB", f"  ? {key}\n  : 1\n  ? {key}\n  : 2"))
    run = check(plan, cache=cache)
    assert_refused(run, "error[duplicate-key]: the key '" + "k" * 77 + "...' appears twice")
    assert max(len(line) for line in run.err.splitlines()) < 400


def test_a_long_unknown_value_is_echoed_cut(tmp_path: Path, cache: Path) -> None:
    plan = written(tmp_path, "enum.yaml", riverside_with("booking_channel: gp_connect", "booking_channel: " + "z" * 500_000))
    run = check(plan, cache=cache)
    assert_refused(run, "booking_channel")
    assert max(len(line) for line in run.err.splitlines()) < 400


# --- rules directories ------------------------------------------------------------------


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(ROOT / "packs" / "example-lmc", tmp_path / "pack"))


@pytest.mark.parametrize("case", SPECIAL)
def test_an_odd_entry_among_rule_files_is_refused(case: str, pack: Path, cache: Path) -> None:
    path, says = special_file(pack / "constraints", case)
    run = check(RIVERSIDE, "--rules", pack, cache=cache)
    assert_refused(run, f"'{path}' {says}")
    assert run.seconds < 30


@pytest.mark.parametrize("case", SPECIAL)
def test_a_pack_manifest_that_cannot_be_read_is_refused(case: str, pack: Path, cache: Path) -> None:
    (pack / "pack.yaml").unlink()
    manifest, says = special_file(pack, case, "pack.yaml")
    run = check(RIVERSIDE, "--rules", pack, cache=cache)
    assert_refused(run, f"'{manifest}' {says}")


def rule_file(pack: Path) -> Path:
    return pack / "constraints" / "les-termination-notice.yaml"


@pytest.mark.parametrize(
    ("case", "old", "new", "says"),
    [
        ("not-utf8", "title: End", "title: \xff\xfeEnd", "the file is not UTF-8 text"),
        ("severity-list", "severity: local_breach", "severity: [1, 2]", "'severity' must be one of"),
        ("severity-lower", "severity: local_breach", "severity: advisory", "error[pack-weakens]"),
        ("kind-mapping", "kind: constraint", "kind: {a: 1}", "'kind' must be one of"),
        ("kind-other", "kind: constraint", "kind: action", "this action replaces a national constraint"),
        ("effective-number", "effective:\n  - from: 2024-04-01\n    until: null", "effective: 5", "'effective' must be a list"),
        ("effective-from-number", "  - from: 2024-04-01", "  - from: 20240401", "effective[0].from"),
        ("effective-until-list", "    until: null", "    until: [x]", "effective[0].until"),
        ("effective-bad-date", "  - from: 2024-04-01", "  - from: 2024-13-01", "must be a real date"),
        ("id-list", "id: les-termination-notice", "id: [les-termination-notice]", "'id' must be text"),
        ("surrogate", "ref: C-SVC-02", 'ref: "C-SVC-02 \\ud83d"', "half a character"),
    ],
)  # fmt: skip
def test_a_malformed_pack_override_is_refused(
    case: str, old: str, new: str, says: str, pack: Path, cache: Path
) -> None:
    path = rule_file(pack)
    text = path.read_bytes().decode("utf-8")
    assert old in text
    path.write_bytes(text.replace(old, new, 1).encode("utf-8", "surrogateescape") if case != "not-utf8"
                     else text.replace(old, "title: End", 1).encode().replace(b"title: End", b"title: \xff\xfeEnd", 1))  # fmt: skip
    run = check(RIVERSIDE, "--rules", pack, cache=cache)
    assert_refused(run, str(path), says) if case != "severity-list" else assert_refused(run, says)


def test_a_pack_override_to_the_end_of_time_is_judged(pack: Path, cache: Path) -> None:
    path = rule_file(pack)
    path.write_text(path.read_text().replace("    until: null", "    until: 9999-12-31", 1))
    assert_judged(check(RIVERSIDE, "--rules", pack, cache=cache))


def test_a_rule_file_over_the_size_limit_is_refused(pack: Path, cache: Path) -> None:
    path = rule_file(pack)
    path.write_text(path.read_text() + "#" * (1024 * 1024) + "\n")
    assert_refused(check(RIVERSIDE, "--rules", pack, cache=cache), str(path), "is too large to read")


@pytest.mark.parametrize("case", ["empty-folder", "a-file", "missing", "fifo", "py-missing"])
def test_an_unusable_rules_argument_is_refused(case: str, tmp_path: Path, cache: Path) -> None:
    target = {"empty-folder": tmp_path, "a-file": RIVERSIDE, "missing": tmp_path / "none",
              "fifo": tmp_path / "fifo", "py-missing": "py:no_such_gpca_pack"}[case]  # fmt: skip
    if case == "fifo":
        os.mkfifo(target)  # type: ignore[arg-type]
    run = check(RIVERSIDE, "--rules", target, cache=cache)
    assert_refused(run, str(target) if case != "py-missing" else "no_such_gpca_pack")


# --- command-line arguments --------------------------------------------------------------


@pytest.mark.parametrize(
    "as_of", ["2025-13-01", "2025-02-29", "20251001", "", "today", "99999-01-01", "2025-1-1", "1e10", "2025-10-01\n"]
)
def test_a_bad_as_of_is_refused(as_of: str, cache: Path) -> None:
    assert_refused(check(RIVERSIDE, "--as-of", as_of, cache=cache), "--as-of", "is not a date")


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("command", ["check", "timeline", "explain", "suggest"])
def test_an_as_of_at_the_ends_of_the_calendar_is_no_crash(command: str, as_of: str, cache: Path) -> None:
    run = gpca(command, RIVERSIDE, "--as-of", as_of, cache=cache) if command != "timeline" else gpca(
        command, RIVERSIDE, cache=cache)
    assert run.code in (0, 1, 2)
    assert "Traceback" not in run.err and "internal error" not in run.err


@pytest.mark.parametrize("command", ["check", "timeline", "explain", "suggest"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "9999-12-01"])
def test_a_plan_date_at_the_ends_of_the_calendar_is_refused_at_the_field(
    command: str, day: str, tmp_path: Path, cache: Path
) -> None:
    text = riverside_with("      kind: les\n", f"      kind: les\n      stops_on: {day}\n")
    text = text.replace("      notice_planned: false\n      termination_notice_months: 3",
                        f"      notice_planned: true\n      notice_served_on: {day}\n      termination_notice_months: 3", 1)  # fmt: skip
    run = gpca(command, written(tmp_path, "p.yaml", text), cache=cache)
    assert_refused(run, "p.yaml:", "must be a date from 1900 to 2199", f"but got '{day}'")


def output_targets(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """case -> (the --output value, what the message says)."""
    (tmp_path / "folder").mkdir()
    return {
        "missing-folder": (f"json={tmp_path}/none/r.json", f"there is no folder '{tmp_path}/none'"),
        "a-folder": (f"json={tmp_path}/folder", "it is a folder; name a file in it"),
        "dev-full": ("json=/dev/full", "cannot write it: No space left on device"),
        "the-plan": (f"json={tmp_path}/plan.yaml", "it is one of the files gpca is reading"),
        "no-equals": ("json", "is not FORMAT=PATH"),
        "unknown-format": (f"pdf={tmp_path}/r.pdf", "unknown format 'pdf'"),
        "empty-path": ("json=", "is not FORMAT=PATH"),
    }


@pytest.mark.parametrize("case", ["missing-folder", "a-folder", "dev-full", "the-plan", "no-equals",
                                  "unknown-format", "empty-path"])  # fmt: skip
def test_a_bad_output_is_refused_and_nothing_given_is_overwritten(case: str, tmp_path: Path, cache: Path) -> None:
    plan = written(tmp_path, "plan.yaml", riverside_text())
    value, says = output_targets(tmp_path)[case]
    run = check(plan, "--output", value, cache=cache)
    assert_refused(run, says)
    assert plan.read_text() == riverside_text()


def test_a_full_standard_output_is_refused_not_a_bug(cache: Path) -> None:
    import subprocess
    import sys

    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "engine", "check", str(RIVERSIDE)], cwd=ROOT, stdout=full,
                              stderr=subprocess.PIPE, timeout=60, env={**os.environ, "XDG_CACHE_HOME": str(cache)})  # fmt: skip
    assert done.returncode == 2
    assert b"cannot write the report to standard output: No space left on device" in done.stderr


@pytest.mark.parametrize(
    "args",
    [["check"], ["check", "/no/such/plan.yaml"], ["check", str(RIVERSIDE), "--format", "pdf"],
     ["check", str(RIVERSIDE), "--bogus"], ["rules", "no-such-rule"], ["serve", "--port", "70000"],
     ["serve", "--host", "0.0.0.0"], ["serve", "--host", "10.0.0.1"], ["nonsense"],
     ["timeline", "/no/such/plan.yaml"], ["explain", str(RIVERSIDE), "no-such-rule"]],
    ids=lambda args: "-".join(a.replace("/", "").replace(".", "") for a in args)[:40],
)  # fmt: skip
def test_a_bad_command_line_is_refused(args: list[str], cache: Path) -> None:
    run = gpca(*args, cache=cache)
    assert run.code == 2, run.err
    assert "Traceback" not in run.err


# --- output a plan cannot forge ----------------------------------------------------------

FORGERIES = {
    "overall-line": "X\nOverall: NO RISK FOUND",
    "markdown-heading": "X\n# All clear",
    "carriage-return": "X\rOverall: NO RISK FOUND",
    "line-separator": "X\u2028Overall: NO RISK FOUND",
    "terminal-clear": "X\x1b[2J\x1b[HOverall: NO RISK FOUND",
    "terminal-title": "X\x1b]0;owned\x07",
    "c1-csi": "X\x9b31m red",
    "bidi-override": "X\u202eDNUOF KSIR ON",
    "github-command": "X\n::error file=a::forged",
    "html-tag": "X</h1><script>alert(1)</script>",
}


def forged_plan(tmp_path: Path, value: str) -> Path:
    quoted = json.dumps(value)
    text = riverside_with("name: Riverside Surgery", f"name: {quoted}")
    text = text.replace("    - name: Summary Care Record", f"    - name: {quoted}", 1)
    return written(tmp_path, "forged.yaml", text)


STRUCTURE = {
    "text": ("Overall: ", "Plan: ", "Your chosen actions"),
    "markdown": ("#", "- ", "| "),
    "github": ("::",),
    "html": ("<script",),
}


@pytest.mark.parametrize("fmt", ["text", "markdown", "github", "html"])
@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_a_plan_value_cannot_add_a_line_of_the_reports_structure(
    forgery: str, fmt: str, tmp_path: Path, cache: Path
) -> None:
    honest = check(forged_plan(tmp_path, "X"), "--format", fmt, cache=cache)
    forged = check(forged_plan(tmp_path, FORGERIES[forgery]), "--format", fmt, cache=cache)
    assert (honest.code, forged.code) == (1, 1)

    def structural(run: Run) -> list[str]:
        return [line for line in run.out.splitlines()
                if line.startswith(STRUCTURE[fmt]) or (fmt == "html" and "<script" in line)]  # fmt: skip

    assert len(structural(forged)) == len(structural(honest)), [
        line for line in structural(forged) if line not in structural(honest)]
    assert not any(ch in forged.out for ch in "\x1b\x07\r\x9b\u2028\u202e")


# --- requests to the planner's server ----------------------------------------------------


def raw_request(port: int, data: bytes) -> bytes:
    """Send ``data`` as it is and read the whole answer (the server closes after one)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
        client.sendall(data)
        client.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := client.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status_and_headers(answer: bytes) -> tuple[int, str]:
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    return int(head.split(" ", 2)[1]), head


GOOD_HEAD = b"Host: localhost\r\nContent-Type: application/json\r\n"
MALFORMED_REQUESTS = {
    "garbage-line": (b"\x00\x01\x02 garbage\r\n\r\n", 400),
    "http-2-line": (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
    "http-0.9": (b"GET /\r\n\r\n", 403),
    "version-9": (b"GET / HTTP/9.9\r\nHost: localhost\r\n\r\n", 400),
    "bad-version": (b"GET / FTP/1.0\r\nHost: localhost\r\n\r\n", 400),
    "long-line": (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414),
    "too-many-headers": (b"GET / HTTP/1.1\r\n" + b"X-A: 1\r\n" * 200 + b"\r\n", 431),
    "header-too-long": (b"GET / HTTP/1.1\r\nHost: localhost\r\nX-A: " + b"a" * 70000 + b"\r\n\r\n", 431),
    "put": (b"PUT /api/assess HTTP/1.1\r\n" + GOOD_HEAD + b"Content-Length: 2\r\n\r\n{}", 405),
    "delete": (b"DELETE / HTTP/1.1\r\nHost: localhost\r\n\r\n", 405),
    "options": (b"OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n", 405),
    "patch": (b"PATCH /api/assess HTTP/1.1\r\nHost: localhost\r\n\r\n", 405),
    "no-host": (b"GET / HTTP/1.1\r\n\r\n", 403),
    "host-evil": (b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n", 403),
    "host-rebinding-name": (b"GET / HTTP/1.1\r\nHost: localhost.evil.example:8765\r\n\r\n", 403),
    "host-userinfo": (b"GET / HTTP/1.1\r\nHost: evil@localhost\r\n\r\n", 403),
    "host-bad-port": (b"GET / HTTP/1.1\r\nHost: localhost:abc\r\n\r\n", 403),
    "host-other-address": (b"GET / HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n", 403),
    "origin-evil": (b"POST /api/assess HTTP/1.1\r\n" + GOOD_HEAD + b"Origin: https://evil.example\r\nContent-Length: 2\r\n\r\n{}", 403),
    "origin-null": (b"POST /api/assess HTTP/1.1\r\n" + GOOD_HEAD + b"Origin: null\r\nContent-Length: 2\r\n\r\n{}", 403),
    "origin-bad-port": (b"POST /api/assess HTTP/1.1\r\n" + GOOD_HEAD + b"Origin: http://localhost:x\r\nContent-Length: 2\r\n\r\n{}", 403),
    "origin-file": (b"POST /api/assess HTTP/1.1\r\n" + GOOD_HEAD + b"Origin: file://\r\nContent-Length: 2\r\n\r\n{}", 403),
    "length-missing": (b"POST /api/assess HTTP/1.1\r\n" + GOOD_HEAD + b"\r\n{}", 411),
    "length-negative": (b"POST /api/assess HTTP/1.1\r\n" + GOOD_HEAD + b"Content-Length: -1\r\n\r\n{}", 411),
    "length-exponent": (b"POST /api/assess HTTP/1.1\r\n" + GOOD_HEAD + b"Content-Length: 1e3\r\n\r\n{}", 411),
    "length-superscript": (b"POST /api/assess HTTP/1.1\r\n" + GOOD_HEAD + "Content-Length: \u00b2\r\n\r\n{}".encode("utf-8"), 411),
    "length-huge": (b"POST /api/assess HTTP/1.1\r\n" + GOOD_HEAD + b"Content-Length: 99999999999999999999\r\n\r\n{}", 411),
    "length-too-large": (b"POST /api/assess HTTP/1.1\r\n" + GOOD_HEAD + b"Content-Length: 600000\r\n\r\n{}", 413),
    "length-longer-than-body": (b"POST /api/assess HTTP/1.1\r\n" + GOOD_HEAD + b"Content-Length: 50\r\n\r\n{}", 400),
    "chunked": (b"POST /api/assess HTTP/1.1\r\n" + GOOD_HEAD + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 411),
    "unknown-get": (b"GET /api/nothing HTTP/1.1\r\nHost: localhost\r\n\r\n", 404),
    "traversal": (b"GET /static/../../server.py HTTP/1.1\r\nHost: localhost\r\n\r\n", 404),
    "encoded-traversal": (b"GET /static/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n", 404),
    "unknown-post": (b"POST /api/nothing HTTP/1.1\r\n" + GOOD_HEAD + b"Content-Length: 2\r\n\r\n{}", 404),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_REQUESTS))
def test_a_malformed_request_gets_a_4xx_with_the_security_headers(case: str, planner: Any) -> None:
    data, expected = MALFORMED_REQUESTS[case]
    status, head = status_and_headers(raw_request(planner.server_address[1], data))
    assert status == expected
    assert "Content-Security-Policy: default-src 'self'" in head
    assert "X-Content-Type-Options: nosniff" in head


JSON_BODIES = {
    "not-json": (b"{", 400),
    "invalid-utf8": (b'{"practice": "\xff"}', 400),
    "lone-surrogate": (b'{"practice": {"name": "\\ud83d"}, "assessed_on": "2025-10-01", "actions": []}', 422),
    "deep-nesting": (b"[" * 100_000 + b"]" * 100_000, 400),
    "a-list": (b"[1, 2]", 422),
    "a-number": (b"1e999999", 422),
    "huge-integer": (b'{"practice": {"registered_patients": ' + b"9" * 4000 + b'}}', 422),
    "nan": (b'{"practice": {"registered_patients": NaN}, "assessed_on": "2025-10-01", "actions": []}', 422),
    "date-far-future": (b'{"assessed_on": "99999-01-01", "actions": []}', 422),
    "null": (b"null", 422),
    "empty": (b"", 400),
    "wrong-types": (b'{"practice": 5, "assessed_on": 5, "actions": 5, "setup": 5}', 422),
}


@pytest.mark.parametrize("endpoint", ["/api/assess", "/api/yaml", "/api/report"])
@pytest.mark.parametrize("case", sorted(JSON_BODIES))
def test_a_malformed_plan_is_a_4xx_not_a_crash(case: str, endpoint: str, planner: Any) -> None:
    body, expected = JSON_BODIES[case]
    data = b"POST " + endpoint.encode() + b" HTTP/1.1\r\n" + GOOD_HEAD + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
    status, head = status_and_headers(raw_request(planner.server_address[1], data))
    assert status == expected
    assert "Content-Security-Policy" in head


@pytest.mark.parametrize("plan", PLANS, ids=[p.name for p in PLANS])
def test_an_uploaded_hostile_plan_is_answered_with_its_problems(plan: Path, planner: Any) -> None:
    body = plan.read_bytes()
    data = b"POST /api/upload HTTP/1.1\r\nHost: localhost\r\n" + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
    answer = raw_request(planner.server_address[1], data)
    status, _ = status_and_headers(answer)
    assert status in (200, 400), status
    reply = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert reply["problems"], "an invalid plan must come back with its problems"
    assert all(p["code"] != "internal-error" for p in reply["problems"])


@pytest.mark.parametrize(
    ("case", "old", "new", "field"),
    [
        ("unknown-key", "  icb: Example ICB", "  ? {value}\n  : 1", "unknown key"),
        ("unknown-action", "  - id: limit-daily-contacts", "  - id: {value}", "no action is named"),
        ("unknown-parameter", "    max_contacts_per_clinician: 25", "    ? {value}\n    : 25", "has no parameter"),
        ("enum-value", "booking_channel: gp_connect", "booking_channel: {value}", "booking_channel"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("value", ["long", "newline", "escape"])
def test_a_value_echoed_in_a_message_is_one_short_line(
    case: str, old: str, new: str, field: str, value: str, tmp_path: Path, cache: Path
) -> None:
    text = {"long": "z" * 300_000, "newline": '"x\\nerror[forged]: all is well"',
            "escape": '"x\\e[2J\\e]0;owned\\a"'}[value]  # fmt: skip
    run = check(written(tmp_path, "p.yaml", riverside_with(old, new.format(value=text))), cache=cache)
    assert_refused(run, field)
    assert max(len(line) for line in run.err.splitlines()) < 400
    assert not any(line.startswith("error[forged]") for line in run.err.splitlines())


# --- what reaches a terminal --------------------------------------------------------------

ESCAPES = {"clear": "\x1b[2J", "title": "\x1b]0;owned\x07", "c1-csi": "\x9b31m", "bell": "\x07"}


@pytest.mark.parametrize("where", ["as-of", "plan-path", "rule-id", "plan-value", "plan-folder"])
@pytest.mark.parametrize("escape", sorted(ESCAPES))
def test_no_escape_sequence_reaches_the_terminal(where: str, escape: str, tmp_path: Path, cache: Path) -> None:
    from input_support import gpca_on_terminal

    sequence = ESCAPES[escape]
    folder = tmp_path / f"plans{sequence}"
    folder.mkdir()
    plan = written(folder, "plan.yaml", riverside_with("name: Riverside Surgery", f"name: {json.dumps('R' + sequence)}"))
    args = {
        "as-of": ["check", RIVERSIDE, "--as-of", f"2025{sequence}"],
        "plan-path": ["check", tmp_path / f"none{sequence}.yaml"],
        "rule-id": ["rules", f"no{sequence}rule"],
        "plan-value": ["check", plan],
        "plan-folder": ["check", folder],
    }[where]
    code, seen = gpca_on_terminal(*args, cache=cache)
    assert code in (1, 2)
    assert b"Traceback" not in seen
    assert not any(byte in seen for byte in (b"\x1b", b"\x07", "\x9b".encode()))
