"""`gpca lint` on the landed rules, and each of its own checks on a broken copy."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_cli import run_cli

from engine.authoring.lint import lint
from engine.core.errors import render_problem

ROOT = Path(__file__).resolve().parent.parent


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_the_landed_rules_and_the_example_pack_lint_clean() -> None:
    assert run_cli(["lint"])[:2] == (0, "0 problems\n")
    code, out, _ = run_cli(["lint", "--rules", str(ROOT / "packs" / "example-lmc")])
    assert code == 0
    assert "note[pack-override]: pack 'example-lmc' replaces the rule 'les-termination-notice'" in out


def test_lint_names_file_and_line_of_an_unknown_field_and_placeholder(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    rule = rules / "constraints" / "nhs111-minimum-slots.yaml"
    edit(rule, "path: setup.nhs111.direct_booking_slots_per_day", "path: setup.nhs111.slots_per_day")
    edit(rule, "{min_slots} a day.", "{min_slot} a day.")
    problems, _ = lint([rules])
    shown = [render_problem(p).splitlines()[0].removeprefix(str(tmp_path) + "/") for p in problems]
    assert shown == [
        "rules/constraints/nhs111-minimum-slots.yaml:30:3: error[unknown-plan-field]: the rule reads "
        "'setup.nhs111.slots_per_day', which is not a field of the plan schema",
        "rules/constraints/nhs111-minimum-slots.yaml:32:1: error[unresolved-placeholder]: the message "
        "placeholder '{min_slot}' is neither a let nor a plan field",
    ]


def test_lint_finds_an_operator_that_does_not_fit_its_field(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(rules / "constraints" / "no-nhs111-overflow-in-core-hours.yaml",
         "urgent_overflow, any_in: [nhs111]}\n    - {path: setup.capacity.urgent_overflow, any_in: [nhs111]}",
         "urgent_overflow, any_in: [nhs111]}\n    - {path: setup.capacity.urgent_overflow, eq: nhs111}")
    edit(rules / "constraints" / "nhs111-minimum-slots.yaml", "lt: {let: min_slots}", "any_in: [1, 2]")
    problems, _ = lint([rules])
    shown = [render_problem(p).removeprefix(str(tmp_path) + "/") for p in problems if p.code == "operator-shape"]
    assert shown == [
        "rules/constraints/nhs111-minimum-slots.yaml:30:3: error[operator-shape]: the rule tests "
        "'setup.nhs111.direct_booking_slots_per_day', a single answer, with 'any_in'\n"
        "  hint: use eq, in or not_in",
        "rules/constraints/no-nhs111-overflow-in-core-hours.yaml:53:8: error[operator-shape]: the rule tests "
        "'setup.capacity.urgent_overflow', a list of answers, with 'eq'\n"
        "  hint: use any_in or none_in",
    ]


def test_lint_finds_contradictory_rules_and_unordered_periods(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    twin = rules / "constraints" / "nhs111-minimum-slots-twin.yaml"
    text = (rules / "constraints" / "nhs111-minimum-slots.yaml").read_text("utf-8")
    twin.write_text(text.replace("id: nhs111-minimum-slots", "id: nhs111-minimum-slots-twin")
                    .replace("  lt: {let: min_slots}", "  ge: {let: min_slots}")
                    .replace("    until: null\n", "    until: 2020-01-01\n  - from: 2019-12-01\n    until: null\n"), "utf-8")  # fmt: skip
    codes = [p.code for p in lint([rules])[0]]
    assert codes == ["period-order", "contradictory-rules"]


def test_lint_reports_a_schema_error_with_its_line(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(rules / "constraints" / "nhs111-minimum-slots.yaml", "severity: breach", "severty: breach")
    code, out, _ = run_cli(["lint", "--rules", str(rules)])
    assert code == 1
    assert "nhs111-minimum-slots.yaml:6:1: error[unknown-key]: unknown key 'severty'" in out
