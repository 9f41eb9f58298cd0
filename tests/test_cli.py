"""The command line, run in-process: exit codes first, then the exact output."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from test_report import ASSESSMENT, PLAN, RULES, SAFE_ASSESSMENT

import engine.core.evaluate
import engine.inputs.load
import engine.advice.words
from engine.cli import gpca
from engine.core.errors import InputError
from engine.core.model import Assessment, Plan, Problem, RuleResult, RuleSet, replace
from engine.inputs.read import Document

INTERNAL = (
    "gpca hit an internal error (a bug): RuntimeError: the rules exploded. "
    "Please report it; run with --debug for the traceback."
)
DISCLAIMER = "gpca is decision support, not legal advice. Check with your LMC before acting."
CANNOT_TELL = Assessment(
    PLAN,
    "2025-10-01",
    (RuleResult("nhs111-minimum-slots", "cannot_tell", "breach", ("practice",), ("x.y",)),),
    (),
)


def run_cli(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(gpca, args, prog_name="gpca", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


class FakeEngine:
    """Stands in for load and evaluate: plan file name -> the assessment to return."""

    def __init__(self, by_name: dict[str, Assessment]) -> None:
        self.by_name = by_name
        self.loaded: list[str] = []
        self.as_of: list[str | None] = []

    def load_rules(self, directories: list[Path] | None) -> RuleSet:
        return RULES

    def plan_from_document(self, document: Document, rules: RuleSet, as_of: str | None = None) -> Plan:
        name = Path(document.path).name
        self.loaded.append(name)
        if name not in self.by_name:
            raise InputError([Problem("plan-schema", f"{name} is not a plan")])
        return replace(PLAN, path=name)

    def evaluator(self, rules: RuleSet) -> Any:
        engine_ = self

        class Evaluator:
            def assess(self, plan: Plan, as_of: str | None = None) -> Assessment:
                engine_.as_of.append(as_of)
                return replace(engine_.by_name[plan.path], plan=plan)

        return Evaluator()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeEngine:
    engine_ = FakeEngine(
        {"safe.yaml": SAFE_ASSESSMENT, "risk.yaml": ASSESSMENT, "ct.yaml": CANNOT_TELL}
    )
    monkeypatch.setattr(engine.inputs.load, "load_rules", engine_.load_rules)
    monkeypatch.setattr(engine.inputs.load, "plan_from_document", engine_.plan_from_document)
    monkeypatch.setattr(engine.core.evaluate, "Evaluator", engine_.evaluator)
    monkeypatch.chdir(tmp_path)
    for name in ("safe.yaml", "risk.yaml", "ct.yaml", "bad.yaml"):
        Path(name).write_text("{}\n", encoding="utf-8")
    return engine_


def test_version() -> None:
    assert run_cli(["--version"]) == (0, f"gpca {engine.__version__}\n", "")


def test_check_of_a_safe_plan_exits_0(fake: FakeEngine) -> None:
    code, out, err = run_cli(["check", "safe.yaml"])
    assert code == 0, err
    assert out.splitlines()[:2] == ["Riverside Surgery (ODS code Y01234)", "Plan: safe.yaml"]
    assert out.splitlines()[-1] == DISCLAIMER
    assert err == ""


def test_check_exits_1_when_it_cannot_tell(fake: FakeEngine) -> None:
    code, out, err = run_cli(["check", "ct.yaml"])
    assert code == 1, err
    assert out.splitlines()[4] == "Overall: CANNOT TELL (some answers are missing)"


def test_check_of_several_plans_exits_with_the_worst_and_sums_up(fake: FakeEngine) -> None:
    code, out, err = run_cli(["check", "safe.yaml", "risk.yaml"])
    assert code == 1, err
    assert out.splitlines()[-3:] == ["2 plans: 1 risk, 0 cannot tell, 1 no risk", "", DISCLAIMER]


def test_check_reports_the_valid_plans_and_exits_2_for_an_invalid_one(fake: FakeEngine) -> None:
    code, out, err = run_cli(["check", "risk.yaml", "bad.yaml", "--format", "json"])
    assert code == 2
    assert err == "error[plan-schema]: bad.yaml is not a plan\n"
    assert [plan["path"] for plan in json.loads(out)["plans"]] == ["risk.yaml"]


def test_check_reads_a_directory_of_plans_in_sorted_order(fake: FakeEngine) -> None:
    Path("plans").mkdir()
    for name in ("safe.yaml", "risk.yaml", "notes.txt"):
        Path("plans", name).write_text("{}\n", encoding="utf-8")
    code, out, err = run_cli(["check", "plans", "--format", "json"])
    assert code == 1, err
    assert fake.loaded == ["risk.yaml", "safe.yaml"]
    assert json.loads(out)["summary"]["overall"] == {"no_risk": 1, "risk": 1, "cannot_tell": 0}


def test_check_refuses_a_directory_without_plans(fake: FakeEngine) -> None:
    Path("empty").mkdir()
    code, out, err = run_cli(["check", "empty"])
    assert code == 2
    assert (out, err.splitlines()[-1]) == (
        "",
        "Error: Invalid value for PLAN: the directory 'empty' has no plan files (*.yaml or *.yml).",
    )


def test_check_passes_as_of_to_the_evaluator(fake: FakeEngine) -> None:
    code, _, err = run_cli(["check", "safe.yaml", "--as-of", "2024-02-29"])
    assert code == 0, err
    assert fake.as_of == ["2024-02-29"]


@pytest.mark.parametrize("bad", ["2025-02-30", "1/10/2025", "2025-1-01", "today"])
def test_check_refuses_an_invalid_as_of(fake: FakeEngine, bad: str) -> None:
    code, out, err = run_cli(["check", "safe.yaml", "--as-of", bad])
    assert code == 2
    assert (out, err.splitlines()[-1]) == (
        "",
        f"Error: Invalid value for '--as-of': '{bad}' is not a date; write it as YYYY-MM-DD, "
        "for example 2025-10-01.",
    )
    assert fake.loaded == []


def test_check_without_a_plan_is_a_usage_error() -> None:
    code, out, err = run_cli(["check"])
    assert code == 2
    assert (out, err.splitlines()[-1]) == ("", "Error: Missing argument 'PLAN...'.")


def test_check_of_a_missing_file_is_a_usage_error(fake: FakeEngine) -> None:
    code, _, err = run_cli(["check", "nowhere.yaml"])
    assert code == 2
    assert err.splitlines()[-1] == (
        "Error: Invalid value for 'PLAN...': Path 'nowhere.yaml' does not exist."
    )


def test_an_unknown_format_is_a_usage_error(fake: FakeEngine) -> None:
    code, _, err = run_cli(["check", "safe.yaml", "--format", "xml"])
    assert code == 2
    assert err.splitlines()[-1] == (
        "Error: Invalid value for '--format': 'xml' is not one of "
        "'text', 'json', 'jsonl', 'markdown', 'html', 'sarif', 'github', 'junit'."
    )


def test_an_input_error_in_the_rules_exits_2(
    fake: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem = Problem("duplicate-id", "two rules are named 'x'", hint="rename one of them")
    monkeypatch.setattr(engine.inputs.load, "load_rules", _raiser(InputError([problem])))
    code, out, err = run_cli(["check", "safe.yaml"])
    assert code == 2
    assert (out, err) == (
        "",
        "error[duplicate-id]: two rules are named 'x'\n  hint: rename one of them\n",
    )


def test_a_bug_exits_3_with_one_line_and_no_traceback(
    fake: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine.inputs.load, "load_rules", _raiser(RuntimeError("the rules exploded.")))
    assert run_cli(["check", "safe.yaml"]) == (3, "", INTERNAL + "\n")
    assert run_cli(["rules"]) == (3, "", INTERNAL + "\n")


def test_debug_shows_the_traceback_of_a_bug(
    fake: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine.inputs.load, "load_rules", _raiser(RuntimeError("the rules exploded.")))
    for args in (["--debug", "actions"], ["actions", "--debug"]):
        code, out, err = run_cli(args)
        assert code == 3
        lines = err.splitlines()
        assert (lines[0], lines[-2], lines[-1]) == (
            "Traceback (most recent call last):",
            "RuntimeError: the rules exploded.",
            "gpca hit an internal error (a bug): RuntimeError: the rules exploded. "
            "Please report it; with the traceback above.",
        )


def test_an_interrupt_exits_130(fake: FakeEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine.inputs.load, "load_rules", _raiser(KeyboardInterrupt()))
    assert run_cli(["check", "safe.yaml"]) == (130, "", "Interrupted.\n")


def _raiser(error: BaseException) -> Any:
    def raise_it(*_args: object) -> None:
        raise error

    return raise_it


def test_actions_lists_phases_in_plain_english(fake: FakeEngine) -> None:
    code, out, err = run_cli(["actions"])
    assert code == 0, err
    assert out.splitlines() == [
        "limit-daily-contacts",
        "  Limit daily patient contacts per clinician",
        "    from 1 August 2024: recommended by the BMA (2024 collective action)",
        "",
        "switch-off-gp-connect-update-record",
        "  Switch off GP Connect Update Record",
        "    1 August 2024 to 28 February 2025: recommended by the BMA (2024 collective action)",
        "    from 1 October 2025: superseded by the contract (Contractually required to be on)",
        "",
        "2 actions. Put an action's id in the actions list of your plan to check it.",
    ]


def test_rules_lists_the_constraints_as_a_table(fake: FakeEngine) -> None:
    code, out, err = run_cli(["rules"])
    assert code == 0, err
    assert out.splitlines() == [  # too wide for 100 columns beside the title: dates and titles go under
        "ID                                SEVERITY       FORCE",
        "    EFFECTIVE: TITLE",
        "data-sharing-dpn                  local_breach   contract",
        "    2024-08-01 to 2025-02-28: Keep statutory data collections",
        "gp-connect-update-record-enabled  breach         contract",
        "    2025-10-01 onwards: Keep GP Connect Update Record switched on",
        "nhs111-minimum-slots              breach         contract",
        "    2019-07-01 onwards: Offer at least the contractual minimum of NHS 111 direct-booking slots",
        "online-consultation-core-hours    guidance_risk  contract",
        "    2025-10-01 onwards: Keep online consultation open in core hours",
        "4 constraints. Run 'gpca rules ID' to see one in full.",
    ]


def test_on_a_wide_terminal_rules_puts_the_titles_beside_wrapped_to_its_width(
    fake: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine.advice.words, "text_width", lambda: 130)
    code, out, err = run_cli(["rules"])
    assert code == 0, err
    assert out.splitlines()[:5] == [
        "ID                                SEVERITY       FORCE     EFFECTIVE                 TITLE",
        "data-sharing-dpn                  local_breach   contract  2024-08-01 to 2025-02-28  "
        "Keep statutory data collections",
        "gp-connect-update-record-enabled  breach         contract  2025-10-01 onwards        "
        "Keep GP Connect Update Record switched on",
        "nhs111-minimum-slots              breach         contract  2019-07-01 onwards        "
        "Offer at least the contractual minimum of NHS",
        " " * 85 + "111 direct-booking slots",
    ]


def test_rules_id_shows_one_rule_in_full(fake: FakeEngine) -> None:
    code, out, err = run_cli(["rules", "nhs111-minimum-slots"])
    assert code == 0, err
    assert out.splitlines() == [
        "nhs111-minimum-slots: Offer at least the contractual minimum of NHS 111 "
        "direct-booking slots",
        "Catalogue ref: C-X-01",
        "Force: contract",
        "Severity: breach (breach of the core contract)",
        "In effect: from 1 July 2019",
        "Fails when:",
        "  path: setup.nhs111.slots",
        "  lt: {let: min_slots}",
        "Lets:",
        "  min_slots:",
        "    max: [1, 2]",
        "Message:",
        "  The practice offers {setup.nhs111.direct_booking_slots_per_day} slots a day; "
        "the minimum is",
        "  {min_slots}.",
        "Remedy:",
        "  Offer at least {min_slots} slots a day for {practice.name}.",
        "Sources:",
        "  1. Lincolnshire LMC: NHS 111 remote appointment booking",
        "     https://lincslmc.co.uk/nhs-111-remote-appointment-booking",
        '     Quote: "as a minimum ... 1 appointment per 3000 registered patients"',
        "     Confidence: medium. Why: LMC summary of the GMS contract.",
    ]


def test_rules_id_shows_an_action_too(fake: FakeEngine) -> None:
    code, out, err = run_cli(["rules", "limit-daily-contacts"])
    assert code == 0, err
    assert out.splitlines()[:8] == [
        "limit-daily-contacts: Limit daily patient contacts per clinician",
        "Phases:",
        "  from 1 August 2024: recommended by the BMA (2024 collective action)",
        "Wording:",
        "  Limit daily patient consultations per clinician to 25.",
        "Effects:",
        "  set setup.capacity.max to the 'max_contacts' parameter",
        "Bears on: nhs111-minimum-slots",
    ]


def test_rules_with_an_unknown_id_suggests_the_closest(fake: FakeEngine) -> None:
    assert run_cli(["rules", "nhs111-minimum-slot"]) == (
        2,
        "",
        "error[unknown-constraint]: no rule is named 'nhs111-minimum-slot'\n"
        "  hint: did you mean 'nhs111-minimum-slots'? Or run 'gpca rules' to list every rule.\n",
    )
    assert run_cli(["rules", "zzz"]) == (
        2,
        "",
        "error[unknown-constraint]: no rule is named 'zzz'\n"
        "  hint: run 'gpca rules' to list every rule\n",
    )


# --- end to end, with the real loader and evaluator ------------------------------------

REPO = Path(__file__).parent.parent
RULE_FILES = (
    "constraints/gp-connect-update-record-enabled.yaml",
    "constraints/nhs111-minimum-slots.yaml",
    "actions/switch-off-gp-connect-update-record.yaml",
)
RIVERSIDE = """\
practice: {name: Riverside Surgery, ods_code: Y01234, registered_patients: 9027}
assessed_on: 2025-10-01
actions: [{id: switch-off-gp-connect-update-record}]
setup:
  gp_connect: {update_record_enabled: true}
  nhs111: {direct_booking_slots_per_day: 3}
"""


@pytest.fixture
def real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with three of the shipped rules in rules/ and a plan."""
    monkeypatch.chdir(tmp_path)
    for name in RULE_FILES:
        target = tmp_path / "rules" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((REPO / "rules" / name).read_bytes())
    Path("riverside.yaml").write_text(RIVERSIDE, encoding="utf-8")
    return tmp_path


def test_real_check_finds_update_record_switched_off_after_october_2025(real: Path) -> None:
    code, out, err = run_cli(["check", "riverside.yaml", "--rules", "rules"])
    assert code == 1, err
    lines = out.splitlines()
    assert lines[4] == "Overall: RISK OF BREACH"
    assert lines[7:9] == [
        "  RISKS BREACH: Switch off GP Connect Update Record (switch-off-gp-connect-update-record)",
        "Questions still to answer: none",
    ]
    assert lines[10:15] == [
        "What gpca found for your chosen actions",
        "  RISKS BREACH: Switch off GP Connect Update Record (switch-off-gp-connect-update-record)",
        "    Note: this action is not on the BMA menu on 1 October 2025; from 1 October 2025 it is "
        "superseded",
        "    (Contractually required to be on).",
        "    - Keep GP Connect Update Record switched on (gp-connect-update-record-enabled)",
    ]
    assert lines[-4:] == [
        "1 action: 0 safe, 0 safe with cautions, 1 risks breach, 0 cannot tell; 2 constraints checked: 1",
        "pass, 1 fail, 0 caution, 0 cannot tell, 0 not applicable",
        "",
        DISCLAIMER,
    ]


def test_real_check_as_of_2024_is_safe_and_exits_0(real: Path) -> None:
    args = ["check", "riverside.yaml", "--rules", "rules", "--as-of", "2024-11-05"]
    code, out, err = run_cli(args)
    assert code == 0, err
    lines = out.splitlines()
    assert (lines[2], lines[4]) == ("Assessed as of: 5 November 2024", "Overall: NO RISK FOUND")
    assert lines[7] == (
        "  SAFE: Switch off GP Connect Update Record (switch-off-gp-connect-update-record)"
    )


def test_real_check_cannot_tell_without_the_list_size(real: Path) -> None:
    Path("riverside.yaml").write_text(
        RIVERSIDE.replace(", registered_patients: 9027", ""), encoding="utf-8"
    )
    code, out, err = run_cli(["check", "riverside.yaml", "--rules", "rules", "--format", "json"])
    assert code == 1, err
    plan = json.loads(out)["plans"][0]
    nhs111 = [r for r in plan["results"] if r["rule_id"] == "nhs111-minimum-slots"]
    assert (plan["overall"], nhs111[0]["outcome"], nhs111[0]["missing"]) == (
        "risk",
        "cannot_tell",
        ["practice.registered_patients"],
    )


def test_real_json_report_validates_against_its_schema(real: Path) -> None:
    import jsonschema

    code, out, err = run_cli(["check", "riverside.yaml", "--rules", "rules", "--format", "json"])
    assert code == 1, err
    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json.loads(out))


def test_real_check_of_a_plan_with_an_unknown_action_exits_2(real: Path) -> None:
    Path("riverside.yaml").write_text(
        RIVERSIDE.replace("update-record}", "update-recrd}"), encoding="utf-8"
    )
    code, out, err = run_cli(["check", "riverside.yaml", "--rules", "rules"])
    assert code == 2
    assert out == ""
    assert err.splitlines()[0] == (
        "riverside.yaml:3:12: error[unknown-action]: "
        "no action is named 'switch-off-gp-connect-update-recrd'"
    )


def test_real_rules_id_renders_the_condition_as_yaml(real: Path) -> None:
    code, out, err = run_cli(["rules", "nhs111-minimum-slots", "--rules", "rules"])
    assert code == 0, err
    lines = out.splitlines()
    start = lines.index("Fails when:")
    assert lines[start : start + 7] == [
        "Fails when:",
        "  path: setup.nhs111.direct_booking_slots_per_day",
        "  lt: {let: min_slots}",
        "Lets:",
        "  min_slots:",
        "    max:",
        "    - 1",
    ]


@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_a_plan_exit_2_with_a_message(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        plan = Path(folder) / "plan.yaml"
        plan.write_bytes(content)
        code, stdout, stderr = run_cli(["check", str(plan)])
    assert code == 2, stdout
    assert stderr.startswith(f"{plan}:") or stderr.startswith(f"{plan} "), stderr
    assert "Traceback" not in stderr


def test_check_of_the_bundled_example_on_the_real_rules() -> None:
    code, stdout, _ = run_cli(["check", str(REPO / "examples" / "riverside.yaml"), "--format", "json"])
    report = json.loads(stdout)
    assert code == 1
    assert report["plans"][0]["overall"] == "risk"
    assert [(a["id"], a["status"]) for a in report["plans"][0]["actions"]] == [
        ("limit-daily-contacts", "safe"),
        ("switch-off-gp-connect-update-record", "safe"),
        ("withdraw-secondary-use-data-sharing", "risk"),
    ]


def test_a_rule_engine_that_does_not_load_is_explained_not_called_a_bug() -> None:
    import subprocess
    import sys

    script = ("import sys; sys.modules['durable_rules_engine'] = None; "
              "sys.argv = ['gpca', 'check', 'examples/riverside.yaml']; "
              "from engine.cli import main; main()")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parent.parent)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == (
        "gpca cannot run: its rule engine, the durable_rules C extension, does not load "
        "(import of durable_rules_engine halted; None in sys.modules).\n"
        "  hint: reinstall it with a C compiler (gcc) present: pip install --force-reinstall "
        "durable-rules==2.0.28\n"
    )
    assert "internal error" not in done.stderr


def test_check_warns_of_deprecated_fields_and_still_checks_the_plan() -> None:
    plan = Path(__file__).parent.parent / "fixtures" / "core" / "deprecated-all-open-2024.yaml"
    code, out, err = run_cli(["check", str(plan)])
    assert code == 0
    assert "Overall: NO RISK FOUND" in out
    assert err.splitlines()[0] == (
        f"{plan}:16:7: warning[deprecated-field]: 'premises_open_throughout_core_hours' is deprecated "
        "and will be removed in the next release; its answer was carried over to setup.access.closures"
    )
    assert err.count("warning[deprecated-field]") == 2


def test_docs_in_a_folder_without_docs_is_exit_2_naming_the_folder(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    for args in (["docs"], ["docs", "--check"], ["--debug", "docs"]):
        assert run_cli(args) == (2, "", "error[unwritable-output]: 'docs/rules.md': there is no folder 'docs'\n"
                                 "  hint: run gpca docs from the project's top folder, or name the file to write\n")
    assert list(tmp_path.iterdir()) == []


def test_as_of_makes_assessed_on_optional(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("practice: {name: Riverside Surgery, registered_patients: 9027}\nactions: []\nsetup: {}\n")
    code, out, err = run_cli(["check", str(plan), "--as-of", "2025-10-01", "--format", "json"])
    assert (code, err) == (1, "")
    assert json.loads(out)["plans"][0]["as_of"] == "2025-10-01"
    assert run_cli(["check", str(plan)])[0] == 2


def test_test_with_an_output_in_a_missing_folder_is_exit_2_before_running(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    import engine.authoring.suite

    monkeypatch.setattr(engine.authoring.suite, "run_suite", _raiser(AssertionError("the suite ran")))
    target = tmp_path / "missing" / "x.xml"
    assert run_cli(["test", "--output", f"junit={target}"]) == (
        2, "", f"error[unwritable-output]: --output '{target}': there is no folder '{tmp_path}/missing'\n"
               "  hint: create the folder first\n")  # fmt: skip
