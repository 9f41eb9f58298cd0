"""The engine half of the hostile corpus: values, rule sets, dates, waivers and caches
that once crashed, hung or misled gpca. Each case runs the CLI in a child process with a
timeout and an address-space limit (engine_support.py) and asserts exit 2 naming the
problem, or, for valid input, a verdict; never a signal, a traceback or exit 3."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml

from tests.hostile.engine_support import ROOT, Run, gpca

HERE = Path(__file__).parent / "engine"
CASES = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
RIVERSIDE = ROOT / "examples" / "riverside.yaml"
PLAN_SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text())


def _plan() -> dict[str, Any]:
    return yaml.safe_load(RIVERSIDE.read_text())


def _set(data: Any, path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for step in parents:
        data = data[int(step)] if isinstance(data, list) else data[step]
    if isinstance(data, list):
        data[int(leaf)] = value
    else:
        data[leaf] = value


def _write_with(tmp_path: Path, path: str, yaml_text: str) -> Path:
    """The Riverside plan with the value at ``path`` written as the YAML text given."""
    plan = _plan()
    _set(plan, path, "@@VALUE@@")
    file = tmp_path / "plan.yaml"
    file.write_text(yaml.safe_dump(plan, sort_keys=False).replace("'@@VALUE@@'", yaml_text), encoding="utf-8")
    return file


def _write(tmp_path: Path, plan: dict[str, Any]) -> Path:
    file = tmp_path / "plan.yaml"
    file.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    return file


def _refused(run: Run, *codes: str) -> None:
    assert run.clean, run.err[-1500:]
    assert (run.code, run.out) == (2, ""), run.err[-1500:]
    if codes:
        assert any(f"error[{code}]" in run.err for code in codes), run.err[-1500:]
    assert all(len(line) < 400 for line in run.err.splitlines()), "an echoed value was not cut"


def _answered(run: Run) -> None:
    assert run.clean, run.err[-1500:]
    assert run.code in (0, 1), run.err[-1500:]


def _schema_at(path: str) -> dict[str, Any]:
    node: Any = PLAN_SCHEMA
    for step in path.split("."):
        node = node["items"] if step.isdigit() else node["properties"][step]
    return next((b for b in node.get("oneOf", [node]) if b.get("type") == "integer"), node)


NUMBERS = CASES["numbers"]
PARAMETER = CASES["action_parameter"]


@pytest.mark.parametrize("path", NUMBERS["paths"])
@pytest.mark.parametrize("value", NUMBERS["invalid"])
def test_an_out_of_range_number_is_refused_at_the_field(tmp_path: Path, path: str, value: str) -> None:
    _refused(gpca("check", _write_with(tmp_path, path, value)), "plan-schema")


@pytest.mark.parametrize("path", NUMBERS["paths"])
def test_every_number_at_its_maximum_gets_a_verdict(tmp_path: Path, path: str) -> None:
    _answered(gpca("check", "--format", "json", _write_with(tmp_path, path, str(_schema_at(path)["maximum"]))))


@pytest.mark.parametrize("value", PARAMETER["invalid"])
def test_an_out_of_range_action_parameter_is_refused(tmp_path: Path, value: str) -> None:
    _refused(gpca("check", _write_with(tmp_path, PARAMETER["path"], value)), "action-params", "engine-bounds")


@pytest.mark.parametrize("value", PARAMETER["valid"])
def test_a_realistic_action_parameter_gets_a_verdict(tmp_path: Path, value: str) -> None:
    _answered(gpca("check", _write_with(tmp_path, PARAMETER["path"], value)))


@pytest.mark.parametrize(("path", "longest"), CASES["texts"]["paths"].items())
@pytest.mark.parametrize("extra", [0, 1])
def test_a_text_one_past_its_longest_is_refused(tmp_path: Path, path: str, longest: int, extra: int) -> None:
    plan = _plan()
    _set(plan, path, "é" * (longest + extra))
    run = gpca("check", _write(tmp_path, plan))
    _refused(run, "plan-schema") if extra else _answered(run)


@pytest.mark.parametrize("path", CASES["dates"]["paths"])
@pytest.mark.parametrize("value", CASES["dates"]["invalid"])
def test_a_date_outside_1900_to_2199_is_refused(tmp_path: Path, path: str, value: str) -> None:
    _refused(gpca("timeline", _write_with(tmp_path, path, value)), "plan-schema")


@pytest.mark.parametrize("command", ["check", "explain", "suggest", "timeline"])
@pytest.mark.parametrize("day", CASES["as_of"]["refused"])
def test_a_date_before_any_rule_is_refused_not_no_risk(command: str, day: str) -> None:
    option = "--from" if command == "timeline" else "--as-of"
    _refused(gpca(command, RIVERSIDE, option, day), "date-out-of-range")


@pytest.mark.parametrize(("command", "option", "fmt"),
                         [("check", "--as-of", "text"), ("check", "--as-of", "json"), ("timeline", "--to", None)])
@pytest.mark.parametrize("day", CASES["as_of"]["warned"])
def test_a_date_after_the_rules_were_checked_is_answered_with_a_warning(command: str, option: str, fmt: str | None,
                                                                       day: str) -> None:  # fmt: skip
    """Said once to a person: in the text report's own note, else on standard error."""
    run = gpca(command, RIVERSIDE, option, day, *(("--format", fmt) if fmt else ()))
    _answered(run)
    if fmt == "text":
        assert ("sources were last checked to 29 November 2026" in run.out, run.err) == (True, ""), run.err[-500:]
    else:
        assert run.err.startswith(f"warning: {day} is after 2026-11-29"), run.err[-500:]


@pytest.mark.parametrize(("path", "most"), CASES["lists"].items())
def test_a_list_one_past_its_longest_is_refused(tmp_path: Path, path: str, most: int) -> None:
    plan = _plan()
    items = plan if path == "actions" else plan["setup"]
    key = path.rpartition(".")[2]
    items[key] = [items[key][0]] * (most + 1)
    _refused(gpca("check", _write(tmp_path, plan)), "plan-schema")


@pytest.mark.parametrize("waiver", CASES["waivers"], ids=[w["case"] for w in CASES["waivers"]])
def test_a_waiver_that_names_no_rule_or_no_one_is_refused(tmp_path: Path, waiver: dict[str, str]) -> None:
    fields = {"rule": "nhs111-minimum-slots", "reason": "r", "reference": "x", "approver": "a", "expires": "2030-01-01"}
    entry = fields | {k: v for k, v in waiver.items() if k in fields}
    _refused(gpca("check", _write(tmp_path, _plan() | {"waivers": [entry]})), waiver["code"])


def _rules_copy(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    return rules


@pytest.mark.parametrize("case", CASES["rule_files"], ids=[c["case"] for c in CASES["rule_files"]])
@pytest.mark.parametrize("command", ["check", "lint"])
def test_a_rule_that_broke_check_is_refused_by_check_and_reported_by_lint(
    tmp_path: Path, case: dict[str, Any], command: str
) -> None:
    rules = _rules_copy(tmp_path)
    file = rules / case["file"]
    data = yaml.safe_load(file.read_text())
    for key, value in case["set"].items():
        data[key] = {**data[key], **value} if isinstance(data.get(key), dict) else value
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    run = gpca(command, "--rules", rules, *([RIVERSIDE] if command == "check" else []))
    text = run.out + run.err
    assert run.clean and run.code in (1, 2) and f"error[{case['code']}]" in text, text[-1500:]
    if command == "check":
        _refused(run, case["code"])


def _many_rules(tmp_path: Path, count: int) -> Path:
    rules = _rules_copy(tmp_path)
    base = yaml.safe_load((rules / "constraints" / "nhs111-minimum-slots.yaml").read_text())
    for k in range(count):
        plan = {"assessed_on": "2024-11-05", "practice": {"name": "P"}}
        extra = base | {"id": f"extra-slots-{k}", "fails_when": {"path": "setup.nhs111.direct_booking_slots_per_day", "lt": k + 1},
                        "message": f"Fewer than {k + 1} slots a day.", "remedy": "Offer more slots each day.",
                        "examples": {"pass": [{"note": "enough", "plan": plan | {"setup": {"nhs111": {"direct_booking_slots_per_day": k + 1}}}}],
                                     "fail": [{"note": "too few", "plan": plan | {"setup": {"nhs111": {"direct_booking_slots_per_day": k}}}}]}}  # fmt: skip
        del extra["let"]
        (rules / "constraints" / f"extra-slots-{k}.yaml").write_text(yaml.safe_dump(extra), encoding="utf-8")
    return rules


@pytest.mark.parametrize("count", CASES["many_rules"]["counts"])
def test_hundreds_of_constraints_on_one_field_get_their_verdicts(tmp_path: Path, count: int) -> None:
    run = gpca("check", "--format", "json", "--rules", _many_rules(tmp_path, count), RIVERSIDE, timeout=120)
    _answered(run)
    outcomes = {r["rule_id"]: r["outcome"] for r in _rule_results(run.out)}
    assert sum(rule.startswith("extra-slots-") and outcome == "fail" for rule, outcome in outcomes.items()) == count - 3


def _rule_results(out: str) -> Iterator[dict[str, Any]]:
    for plan in json.loads(out)["plans"]:
        yield from plan["results"]


def _tamper(entry: Path, mac: bytes | None) -> None:
    from engine.inputs.cache import _mac

    stored = msgspec.msgpack.decode(entry.read_bytes())
    rules = msgspec.msgpack.decode(stored["rules"])
    rules["constraints"] = []  # the right rule-file bytes, no constraints
    stored["rules"] = msgspec.msgpack.encode(rules)
    if mac is not None:  # forged under a key the attacker chose
        stored["mac"] = _mac(mac, stored["version"], [tuple(s) for s in stored["sources"]], stored["rules"])
    entry.write_bytes(msgspec.msgpack.encode(stored))


@pytest.mark.parametrize("forged_key", [None, b"k" * 32], ids=["same-mac", "mac-under-another-key"])
def test_a_tampered_cache_entry_never_gives_no_risk(tmp_path: Path, forged_key: bytes | None) -> None:
    env = {"GPCA_NO_CACHE": "", "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_STATE_HOME": str(tmp_path / "state")}
    first = gpca("check", RIVERSIDE, env=env)
    [entry] = (tmp_path / "cache" / "gpca").glob("rules-*.msgpack")
    _tamper(entry, forged_key)
    again = gpca("check", RIVERSIDE, env=env)
    assert (first.code, again.code, again.out) == (1, 1, first.out)
