"""Local packs layer over the national rules; overrides are reported, weakenings refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from test_cli import run_cli

from engine.core.errors import InputError
from engine.inputs.load import load_rules

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "packs" / "example-lmc"


def test_the_example_pack_layers_over_the_national_rules() -> None:
    rules = load_rules([PACK])
    assert rules.constraint("nhs111-minimum-slots").pack == "national"
    assert rules.constraint("example-lmc-les-three-months-notice").pack == "example-lmc"
    assert rules.constraint("les-termination-notice").pack == "example-lmc"
    assert [(o.rule_id, o.pack) for o in rules.overrides] == [("les-termination-notice", "example-lmc")]


def test_the_example_pack_passes_its_own_fixtures_and_the_national_ones() -> None:
    national = len(list((ROOT / "fixtures").rglob("*.yaml")))  # one case a file
    own = 7  # the pack's two files of cases
    code, out, _ = run_cli(["test", "--rules", str(PACK)])
    assert (code, out.splitlines()[-1]) == (0, f"{national + own} passed, 0 failed, 0 errors")


def test_a_pack_that_lowers_a_national_severity_is_refused(tmp_path: Path) -> None:
    pack = tmp_path / "weak-pack"
    shutil.copytree(PACK, pack)
    rule = pack / "constraints" / "les-termination-notice.yaml"
    rule.write_text(rule.read_text("utf-8").replace("severity: local_breach", "severity: advisory"), "utf-8")
    with pytest.raises(InputError) as error:
        load_rules([pack])
    problem = error.value.problems[0]
    assert (problem.code, problem.location.line if problem.location else 0) == ("pack-weakens", 6)
    assert problem.message == "the severity advisory is lower than the national local_breach"


def test_lint_refuses_a_pack_whose_override_no_longer_fails_a_national_example(tmp_path: Path) -> None:
    pack = tmp_path / "weak-pack"
    shutil.copytree(PACK, pack)
    rule = pack / "constraints" / "les-termination-notice.yaml"
    text = rule.read_text("utf-8").replace("{path: termination_notice_months}]}", "1]}")
    rule.write_text(text, "utf-8")
    code, out, _ = run_cli(["lint", "--rules", str(pack)])
    assert code == 1
    assert "error[pack-weakens]: this override of national 'les-termination-notice' weakens it" in out


def test_sarif_and_annotations_name_the_pack_of_a_local_finding(tmp_path: Path) -> None:
    case = yaml.safe_load((PACK / "fixtures" / "local-services.yaml").read_text("utf-8"))["cases"][0]
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(case["plan"]), "utf-8")
    code, out, _ = run_cli(["check", str(plan), "--rules", str(PACK), "--format", "github"])
    assert code == 1
    assert "title=gpca example-lmc-les-three-months-notice (example-lmc pack)::" in out


def test_the_report_says_which_pack_a_finding_comes_from() -> None:
    example = ROOT / "examples" / "riverside.yaml"
    code, out, _ = run_cli(["check", str(example), "--rules", str(PACK), "--format", "json"])
    packs = {r["rule_id"]: r["pack"] for r in json.loads(out)["plans"][0]["results"]}
    assert (packs["example-lmc-les-three-months-notice"], packs["les-termination-notice"],
            packs["nhs111-minimum-slots"]) == ("example-lmc", "example-lmc", "national")


def test_a_pack_installed_as_a_python_package_is_named_py_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(PACK, tmp_path / "example_lmc_pack")
    (tmp_path / "example_lmc_pack" / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    example = str(ROOT / "examples" / "riverside.yaml")
    code, out, _ = run_cli(["check", example, "--rules", "py:example_lmc_pack", "--format", "json"])
    packs = {r["rule_id"]: r["pack"] for r in json.loads(out)["plans"][0]["results"]}
    assert (code, packs["example-lmc-les-three-months-notice"]) == (1, "example_lmc_pack")


def test_an_unknown_rules_package_is_a_usage_error() -> None:
    code, _, err = run_cli(["rules", "--rules", "py:no_such_gpca_pack"])
    assert code == 2
    assert err.splitlines()[-1] == (
        "Error: Invalid value for '--rules': no installed Python package is named "
        "'no_such_gpca_pack'; pip install it first")


def test_a_pack_adds_its_own_data_flows_to_the_national_register(tmp_path: Path) -> None:
    pack = tmp_path / "flow-pack"
    shutil.copytree(PACK, pack)
    (pack / "data-flows").mkdir()
    national = ROOT / "rules" / "data-flows" / "summary-care-record.yaml"
    local = yaml.safe_load(national.read_text("utf-8"))
    local.update(id="example-lmc-shared-care-record", name="Local shared care record (ICB contract)")
    (pack / "data-flows" / "example-lmc-shared-care-record.yaml").write_text(yaml.safe_dump(local), "utf-8")
    rules = load_rules([pack])
    flows = {flow.id: flow.pack for flow in rules.flows}
    assert flows["example-lmc-shared-care-record"] == "flow-pack"
    assert flows["gpes-collections"] == "national"


def test_a_pack_that_makes_a_national_data_flow_voluntary_is_refused(tmp_path: Path) -> None:
    pack = tmp_path / "weak-pack"
    shutil.copytree(PACK, pack)
    (pack / "data-flows").mkdir()
    national = ROOT / "rules" / "data-flows" / "gpes-collections.yaml"
    weakened = national.read_text("utf-8").replace("legal_basis: statutory_dpn", "legal_basis: voluntary")
    (pack / "data-flows" / "gpes-collections.yaml").write_text(weakened, "utf-8")
    with pytest.raises(InputError) as error:
        load_rules([pack])
    assert [p.message for p in error.value.problems] == [
        "the legal basis voluntary is weaker than the national statutory_dpn"]


def test_a_pack_s_own_actions_are_recommended_by_its_publisher_not_the_bma(tmp_path: Path) -> None:
    from engine.report.catalogue import render_rule

    phases = "Phases: from 7 April 2025: recommended by {} (Example LMC local action (fictional)) File:"
    text = " ".join(render_rule(load_rules([PACK]), "example-lmc-serve-notice-shared-care").split())
    assert phases.format("Example LMC (fictional)") in text
    unnamed = tmp_path / "unnamed-pack"
    shutil.copytree(PACK, unnamed)
    manifest = (unnamed / "pack.yaml").read_text()
    (unnamed / "pack.yaml").write_text(manifest.replace("publisher: Example LMC (fictional)\n", ""))
    text = " ".join(render_rule(load_rules([unnamed]), "example-lmc-serve-notice-shared-care").split())
    assert phases.format("the local rule pack 'unnamed-pack'") in text
    national = render_rule(load_rules(), "limit-daily-contacts")
    assert "recommended by the BMA" in national and "the local rule pack" not in national
