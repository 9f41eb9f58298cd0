"""engine/inputs/project.py: the project configuration, and every command reading its rules."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_cli import run_cli

from engine.core.errors import InputError
from engine.inputs import load
from engine.inputs.project import Project, find_project, shown_path

ROOT = Path(__file__).resolve().parent.parent
NHS111 = Path("constraints") / "nhs111-minimum-slots.yaml"
OLD_TITLE = "Offer at least the contractual minimum of NHS 111 direct-booking slots"
NEW_TITLE = "Offer the NHS 111 slots as edited in this project"


def make_project(top: Path, config: str = '[tool.gpca]\nrules = ["my-rules"]\nfixtures = ["cases"]\n') -> Path:
    """A project holding a copy of the national rules with one title edited."""
    shutil.copytree(ROOT / "rules", top / "my-rules")
    shutil.copytree(ROOT / "fixtures" / "nhs111", top / "cases" / "nhs111")
    rule = top / "my-rules" / NHS111
    rule.write_text(rule.read_text("utf-8").replace(OLD_TITLE, NEW_TITLE), "utf-8")
    (top / "pyproject.toml").write_text(config, "utf-8")
    return top


# --- finding the configuration -----------------------------------------------------------


def test_a_gpca_toml_names_the_rules_relative_to_itself(tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "gpca.toml").write_text('rules = ["r"]\n', "utf-8")
    found = find_project(tmp_path / "deep" / "er")
    assert found == Project(tmp_path.resolve(), tmp_path.resolve() / "gpca.toml", (tmp_path.resolve() / "r",), ())


FOLDER_NAMES = st.lists(st.text("abcxyz-_", min_size=1, max_size=6), min_size=1, max_size=4)


@given(below=FOLDER_NAMES)
def test_every_folder_below_the_config_finds_it_and_is_shown_relative_to_it(below: list[str]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        top = Path(temp).resolve()
        deep = top.joinpath(*below)
        deep.mkdir(parents=True)
        (top / "gpca.toml").write_text("", "utf-8")
        project = find_project(deep)
        assert project == Project(top, top / "gpca.toml")
        assert shown_path(deep, project) == "/".join(below) + "/"


def test_a_pyproject_without_tool_gpca_ends_the_walk_with_no_project(tmp_path: Path) -> None:
    (tmp_path / "gpca.toml").write_text("rules = []\n", "utf-8")
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "pyproject.toml").write_text('[project]\nname = "other"\n', "utf-8")
    assert find_project(tmp_path / "inner") is None
    assert find_project(tmp_path) == Project(tmp_path.resolve(), tmp_path.resolve() / "gpca.toml")


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [('fixtures = []\nrules = ["a"\n', 3, 1), ('fixtures = []\nrules = [a]\n', 2, 10)],
)
def test_malformed_toml_names_the_file_line_and_column(tmp_path: Path, text: str, line: int, column: int) -> None:
    (tmp_path / "gpca.toml").write_text(text, "utf-8")
    with pytest.raises(InputError) as raised:
        find_project(tmp_path)
    location = raised.value.problems[0].location
    assert (location.path, location.line, location.column) == (str(tmp_path.resolve() / "gpca.toml"), line, column)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[tool.gpca]\nrule = ["r"]\n', "unknown key 'rule'"),
        ('[tool.gpca]\nrules = "r"\n', "'rules' must be a list of directory names"),
        ('[tool.gpca]\nrules = ["nowhere"]\n', "'rules' names"),
    ],
)
def test_a_wrong_key_or_value_is_refused(tmp_path: Path, config: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(config, "utf-8")
    with pytest.raises(InputError) as raised:
        find_project(tmp_path)
    assert raised.value.problems[0].message.startswith(message)


def test_a_malformed_config_is_exit_2_with_one_line_and_no_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.gpca]\nrules = [\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["rules"])
    assert (code, out) == (2, "")
    assert err.startswith(f"{tmp_path.resolve() / 'pyproject.toml'}:3:1: error[project-config]: ")
    assert "Traceback" not in err


def test_this_repository_names_its_rules_and_fixtures() -> None:
    assert find_project(ROOT / "engine") == Project(ROOT, ROOT / "pyproject.toml", (ROOT / "rules",), (ROOT / "fixtures",))


def make_conventional_repository(top: Path) -> Path:
    """A rules repository with no configuration: a rules/ copy with one title edited, and
    fixtures/ beside it."""
    shutil.copytree(ROOT / "rules", top / "rules")
    shutil.copytree(ROOT / "fixtures" / "nhs111", top / "fixtures" / "nhs111")
    rule = top / "rules" / NHS111
    rule.write_text(rule.read_text("utf-8").replace(OLD_TITLE, NEW_TITLE), "utf-8")
    return top


def test_a_rules_folder_with_no_configuration_is_the_project_by_convention(tmp_path: Path) -> None:
    top = make_conventional_repository(tmp_path).resolve()
    (top / "fixtures" / "deep").mkdir()
    assert find_project(top / "fixtures" / "deep") == Project(top, None, (top / "rules",), (top / "fixtures",))


@pytest.mark.parametrize("marker", ["ruleset.yaml", "pack.yaml", "constraints", "actions"])
def test_any_of_the_rule_markers_makes_the_convention(tmp_path: Path, marker: str) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / marker).mkdir()
    assert find_project(tmp_path) == Project(tmp_path.resolve(), None, (tmp_path.resolve() / "rules",), ())


def test_a_rules_folder_holding_no_rules_makes_no_project(tmp_path: Path) -> None:
    (tmp_path / "rules" / "misc").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\n', "utf-8")
    assert find_project(tmp_path) is None


def test_a_configuration_wins_over_the_convention_in_its_folder(tmp_path: Path) -> None:
    make_conventional_repository(tmp_path)
    (tmp_path / "other").mkdir()
    (tmp_path / "gpca.toml").write_text('rules = ["other"]\n', "utf-8")
    assert find_project(tmp_path).rules == (tmp_path.resolve() / "other",)  # type: ignore[union-attr]


def test_a_pyproject_without_tool_gpca_beside_rules_keeps_the_convention(tmp_path: Path) -> None:
    make_conventional_repository(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "a-pack"\n', "utf-8")
    assert find_project(tmp_path).rules == (tmp_path.resolve() / "rules",)  # type: ignore[union-attr]


# --- commands read the project's rules ---------------------------------------------------


def test_rules_shows_the_projects_edited_title(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(make_project(tmp_path))
    code, out, _ = run_cli(["rules", "nhs111-minimum-slots"])
    assert code == 0
    assert NEW_TITLE in out
    assert OLD_TITLE not in out


def test_rules_option_still_overrides_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(make_project(tmp_path))
    code, out, _ = run_cli(["rules", "--rules", str(ROOT / "rules"), "nhs111-minimum-slots"])
    assert code == 0
    assert OLD_TITLE in out


def test_test_runs_the_projects_fixtures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = len(list((ROOT / "fixtures" / "nhs111").glob("*.yaml")))
    monkeypatch.chdir(make_project(tmp_path) / "my-rules")
    code, out, _ = run_cli(["test"])
    assert code == 0
    assert out.splitlines()[-1] == f"{cases} passed, 0 failed, 0 errors"


def test_reports_name_the_rules_used_relative_to_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(make_project(tmp_path) / "cases")
    _, out, _ = run_cli(["check", "--format", "json", str(ROOT / "examples" / "riverside.yaml")])
    assert json.loads(out)["rules_used"] == ["national (my-rules/)"]
    _, text, _ = run_cli(["check", str(ROOT / "examples" / "riverside.yaml")])
    assert [line for line in text.splitlines() if line.startswith("Rules version")][0].endswith(
        " from national (my-rules/)"
    )


def test_a_pack_is_named_beside_the_projects_national_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path)
    shutil.copytree(ROOT / "packs" / "example-lmc", tmp_path / "packs" / "example-lmc")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run_cli(["check", "--format", "json", "--rules", "my-rules", "--rules", "packs/example-lmc",
                         str(ROOT / "examples" / "riverside.yaml")])  # fmt: skip
    assert json.loads(out)["rules_used"] == ["national (my-rules/)", "example-lmc (packs/example-lmc/)"]


def test_docs_writes_the_projects_own_catalogue_from_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path)
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "cases")
    assert run_cli(["docs"])[0] == 0
    assert NEW_TITLE in (tmp_path / "docs" / "rules.md").read_text("utf-8")
    assert run_cli(["docs", "--check"])[0] == 0
    rule = tmp_path / "my-rules" / NHS111
    rule.write_text(rule.read_text("utf-8").replace(NEW_TITLE, "Another title"), "utf-8")
    assert run_cli(["docs", "--check"]) == (1, "", "../docs/rules.md is out of date; run 'gpca docs ../docs/rules.md'\n")


def test_impact_base_archives_the_projects_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run([*git, "-C", str(tmp_path), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(tmp_path), "commit", "-q", "-m", "rules"], check=True)
    rule = tmp_path / "my-rules" / NHS111
    rule.write_text(rule.read_text("utf-8").replace("3000]", "2500]"), "utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["impact", "--base", "HEAD"])
    assert (code, err) == (0, "")
    assert out.splitlines()[0].startswith("### gpca impact: 2 verdict changes in 1 of ")


def test_the_installed_rules_are_built_in_even_from_a_virtualenv_in_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path)
    installed = tmp_path / ".venv" / "engine" / "_data" / "rules"
    shutil.copytree(ROOT / "rules", installed)
    monkeypatch.setattr(load, "builtin_rules_dir", lambda: installed)
    monkeypatch.chdir(tmp_path)
    origins = load.rule_origins([installed, tmp_path / "my-rules", ROOT / "packs" / "example-lmc"])
    assert origins == ("national (built-in)", "national (my-rules/)", f"example-lmc ({ROOT}/packs/example-lmc/)")


def test_lint_and_test_by_hand_check_a_conventional_repositorys_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = len(list((ROOT / "fixtures" / "nhs111").glob("*.yaml")))
    monkeypatch.chdir(make_conventional_repository(tmp_path))
    assert NEW_TITLE in run_cli(["rules", "nhs111-minimum-slots"])[1]
    code, out, _ = run_cli(["test"])
    assert (code, out.splitlines()[-1]) == (0, f"{cases} passed, 0 failed, 0 errors")
    rule = tmp_path / "rules" / NHS111
    rule.write_text(rule.read_text("utf-8").replace("severity: breach", "severity: nonsense"), "utf-8")
    code, out, _ = run_cli(["lint"])
    assert code == 1
    assert f"rules/{NHS111}" in out


# --- a pack given alone layers over the project's rules ------------------------------------


def test_a_pack_given_alone_layers_over_the_projects_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path)
    shutil.copytree(ROOT / "packs" / "example-lmc", tmp_path / "packs" / "example-lmc")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(["check", "--format", "json", "--rules", "packs/example-lmc",
                            str(ROOT / "examples" / "riverside.yaml")])  # fmt: skip
    assert code == 1
    assert json.loads(out)["rules_used"] == ["national (my-rules/)", "example-lmc (packs/example-lmc/)"]
    code, out, _ = run_cli(["rules", "--rules", "packs/example-lmc", "nhs111-minimum-slots"])
    assert code == 0
    assert NEW_TITLE in out


def test_a_pack_given_alone_outside_a_project_layers_over_the_built_in_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(["check", "--format", "json", "--rules", str(ROOT / "packs" / "example-lmc"),
                            str(ROOT / "examples" / "riverside.yaml")])  # fmt: skip
    assert code == 1
    assert json.loads(out)["rules_used"] == ["national (built-in)", f"example-lmc ({ROOT}/packs/example-lmc/)"]


def test_a_pack_beside_the_national_rules_it_names_is_not_given_the_projects_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path)
    shutil.copytree(ROOT / "rules", tmp_path / "other-national")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run_cli(["check", "--format", "json", "--rules", "other-national", "--rules",
                         str(ROOT / "packs" / "example-lmc"), str(ROOT / "examples" / "riverside.yaml")])  # fmt: skip
    assert json.loads(out)["rules_used"] == ["national (other-national/)", f"example-lmc ({ROOT}/packs/example-lmc/)"]
