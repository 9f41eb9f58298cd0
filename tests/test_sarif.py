"""`gpca check --format sarif` validates against the OASIS SARIF 2.1.0 schema."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft4Validator
from test_cli import run_cli

from engine.inputs.load import load_rules

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8"))
ROOT = Path(__file__).resolve().parent.parent


def test_sarif_is_valid_with_one_rule_per_id_and_plan_lines(tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    code, _, _ = run_cli(["check", str(ROOT / "examples" / "riverside.yaml"), "--format", "json",
                          "--output", f"sarif={out}"])  # fmt: skip
    assert code == 1
    document = json.loads(out.read_text("utf-8"))
    assert list(Draft4Validator(SCHEMA).iter_errors(document)) == []
    run = document["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert len(ids) == len(set(ids)) == len(load_rules().constraints)
    result = run["results"][0]
    assert result["ruleId"] == "statutory-collections-continue"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 35, "startColumn": 5}


def test_github_annotations_name_file_and_line() -> None:
    code, out, _ = run_cli(["check", "examples/riverside.yaml", "--format", "github"])
    assert code == 1
    assert out.startswith("::error file=examples/riverside.yaml,line=35,col=5,"
                          "title=gpca statutory-collections-continue::The plan withdraws")  # fmt: skip


def test_an_unknown_output_format_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run_cli(["check", "examples/riverside.yaml", "--output", f"nope={tmp_path / 'x'}"])
    assert code == 2
    assert "unknown format 'nope'" in err


def test_a_contested_finding_says_so_in_sarif_and_github() -> None:
    plan = "fixtures/capacity/overflow-to-nhs111-2025.yaml"
    code, out, _ = run_cli(["check", plan, "--format", "sarif"])
    assert code == 1
    (result,) = [r for r in json.loads(out)["runs"][0]["results"]
                 if r["ruleId"] == "no-nhs111-overflow-in-core-hours"]  # fmt: skip
    assert result["properties"]["contested"] is True
    assert result["message"]["text"].startswith("Risks a notice (contested): Once the daily limit is reached")
    assert result["message"]["text"].endswith("take it to your LMC before you act.")
    code, out, _ = run_cli(["check", plan, "--format", "github"])
    assert code == 1
    assert ("title=gpca no-nhs111-overflow-in-core-hours - risks a notice (contested)%2C take it to your LMC::"
            in out)  # fmt: skip
