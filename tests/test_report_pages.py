"""engine/report/markdown.py and html.py: page one for the practice, appendix for the adviser."""

from __future__ import annotations

import re

import pytest
from adviser_support import FIXTURES, ROOT, assess, check_golden, evaluator, rules

from engine.model import replace
from engine.report import render
from engine.waive import load_plan_with_waivers, review_waivers

LIST_SIZE_MISSING = "fixtures/nhs111/list-size-missing.yaml"


def riverside():  # type: ignore[no-untyped-def]
    plan = load_plan_with_waivers(ROOT / "examples" / "riverside.yaml", rules())
    return review_waivers(evaluator().assess(replace(plan, path="examples/riverside.yaml")))


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_riverside_report_matches_the_golden(fmt: str, update_golden: bool) -> None:
    suffix = {"markdown": "md", "html": "html"}[fmt]
    check_golden(f"riverside.{suffix}", render(fmt, [riverside()], rules()), update_golden)


def test_a_cannot_tell_report_matches_the_golden(update_golden: bool) -> None:
    check_golden("list-size-missing.md", render("markdown", [assess(LIST_SIZE_MISSING)], rules()), update_golden)


def test_page_one_has_a_light_per_action_and_whom_to_ask() -> None:
    lines = render("markdown", [riverside()], rules()).splitlines()
    lights = [line.split(" | ")[0] for line in lines if line.startswith("| 🟢") or line.startswith("| 🔴")]
    assert lights == ["| 🟢 SAFE", "| 🟢 SAFE", "| 🔴 RISKS BREACH"]
    assert "## Whom to ask" in lines
    assert lines.index("## Whom to ask") < lines.index("# Appendix for the adviser")


def test_records_to_keep_are_listed_for_each_chosen_action() -> None:
    lines = render("markdown", [riverside()], rules()).splitlines()
    start = lines.index("### Switch off GP Connect Update Record")
    assert lines[start + 2] == "- The date Update Record was switched off, and the date it was switched back on"


def test_the_replay_stamp_names_versions_digests_and_date() -> None:
    assessment = riverside()
    text = render("markdown", [assessment], rules())
    assert f"| rules digest (sha256) | {rules().digest} |" in text.splitlines()
    assert f"| plan digest (sha256) | {assessment.plan.digest} |" in text.splitlines()
    assert "| to replay | gpca check examples/riverside.yaml --as-of 2024-11-05 |" in text.splitlines()


def test_the_html_is_self_contained_and_prints_on_a4() -> None:
    html = render("html", [riverside()], rules())
    assert re.findall(r"<(?:link|script|img|iframe)\b|@import|url\(|\bsrc=", html) == []
    assert "@page { size: A4; margin: 15mm; }" in html
    assert html.count('<div class="page-break"></div>') == 1
    assert html.startswith("<!DOCTYPE html>\n") and html.endswith("</html>\n")


def test_html_escapes_what_the_plan_says() -> None:
    assessment = riverside()
    plan = replace(assessment.plan, practice={**assessment.plan.practice, "name": "<b>R&D</b>"})
    html = render("html", [replace(assessment, plan=plan)], rules())
    assert "<h1>&lt;b&gt;R&amp;D&lt;/b&gt;: collective-action plan check</h1>" in html


@pytest.mark.parametrize("path", FIXTURES)
def test_every_fixture_renders_in_both_formats(path: str) -> None:
    assessment = assess(path)
    markdown = render("markdown", [assessment], rules())
    assert markdown.count("# Appendix for the adviser") == 1
    assert render("html", [assessment], rules()).count("<h1>Appendix for the adviser</h1>") == 1
