"""engine/report/markdown.py and html.py: page one for the practice, appendix for the adviser."""

from __future__ import annotations

import re

import pytest
from adviser_support import FIXTURES, ROOT, assess, check_golden, evaluator, rules

from engine.core.model import replace
from engine.inputs.load import load_plan
from engine.inputs.waive import load_plan_with_waivers, review_waivers
from engine.report import render

LIST_SIZE_MISSING = "fixtures/nhs111/list-size-missing.yaml"
SPARSE = ROOT / "tests" / "plans" / "sparse.yaml"


def sparse():  # type: ignore[no-untyped-def]
    return evaluator().assess(replace(load_plan(SPARSE, rules()), path="tests/plans/sparse.yaml"))


def riverside():  # type: ignore[no-untyped-def]
    plan = load_plan_with_waivers(ROOT / "examples" / "riverside.yaml", rules())
    return review_waivers(evaluator().assess(replace(plan, path="examples/riverside.yaml")))


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_riverside_report_matches_the_golden(fmt: str, update_golden: bool) -> None:
    suffix = {"markdown": "md", "html": "html"}[fmt]
    check_golden(f"riverside.{suffix}", render(fmt, [riverside()], rules()), update_golden)


def test_a_cannot_tell_report_matches_the_golden(update_golden: bool) -> None:
    check_golden("list-size-missing.md", render("markdown", [assess(LIST_SIZE_MISSING)], rules()), update_golden)


def test_page_one_answers_first_with_a_line_per_action_and_the_questions_left() -> None:
    lines = render("markdown", [riverside()], rules()).splitlines()
    assert lines[2:10] == [
        "Assessed as of 5 November 2024.",
        "",
        "Overall: RISK OF BREACH",
        "",
        "- 🟢 [SAFE: Limit daily patient contacts per clinician](#action-limit-daily-contacts)",
        "- 🟢 [SAFE: Switch off GP Connect Update Record](#action-switch-off-gp-connect-update-record)",
        "- 🔴 [RISKS BREACH: Withdraw from data sharing agreements used only for secondary purposes]"
        "(#action-withdraw-secondary-use-data-sharing)",
        "- No questions still to answer",
    ]
    assert "## Whom to ask" in lines
    assert lines.index("## Whom to ask") < lines.index("# Appendix for the adviser")


def test_every_link_of_the_answer_has_its_place_on_the_page() -> None:
    html = render("html", [sparse()], rules())
    links = re.findall(r'<a href="#([^"]+)">', html)
    assert links == ["action-limit-daily-contacts", "action-switch-off-gp-connect-update-record",
                     "action-freeze-new-data-sharing", "questions"]  # fmt: skip
    assert [link for link in links if html.count(f' id="{link}"') != 1] == []


def test_records_to_keep_are_listed_for_each_chosen_action() -> None:
    lines = render("markdown", [riverside()], rules()).splitlines()
    start = lines.index("### Switch off GP Connect Update Record", lines.index("## Records to keep"))
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


def test_a_sparse_plan_s_text_report_fits_one_screen_besides_its_checklist() -> None:
    text = render("text", [sparse()], rules())
    sections = text.split("\n\n")
    checklist = [s for s in sections if s.startswith("Questions still to answer (")]
    rest = "\n\n".join(s for s in sections if s not in checklist).splitlines()
    assert len(checklist) == 1 and checklist[0].startswith("Questions still to answer (45)\n  The practice\n")
    assert len(rest) == 33  # one screen is 40 lines
    assert max(len(line) for line in text.splitlines()) <= 100
    assert rest[6:12] == [
        "Your chosen actions",
        "  CANNOT TELL: Limit daily patient contacts per clinician (limit-daily-contacts)",
        "  SAFE: Switch off GP Connect Update Record (switch-off-gp-connect-update-record)",
        "  CANNOT TELL: Freeze sign-up to new data sharing agreements and local platforms",
        "    (freeze-new-data-sharing)",
        "Questions still to answer: 45, listed below",
    ]
    assert checklist[0].count("\n    * ") == 45


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_no_report_lists_a_cannot_tell_rule_by_rule_on_page_one(fmt: str) -> None:
    page_one = render(fmt, [sparse()], rules()).split("Appendix for the adviser")[0]
    assert "We cannot tell until the plan answers" not in page_one
    assert re.findall(r"What to do( instead)?:\s*(?:<|\n|$)", page_one) == []
    assert page_one.count("Has the practice closed its list formally?") == 1


def test_two_plans_in_one_report_keep_their_links_apart() -> None:
    html = render("html", [sparse(), riverside()], rules())
    links = re.findall(r'<a href="#([^"]+)">', html)
    assert links == ["action-limit-daily-contacts", "action-switch-off-gp-connect-update-record",
                     "action-freeze-new-data-sharing", "questions", "plan-2-action-limit-daily-contacts",
                     "plan-2-action-switch-off-gp-connect-update-record",
                     "plan-2-action-withdraw-secondary-use-data-sharing"]  # fmt: skip
    assert [link for link in links if html.count(f' id="{link}"') != 1] == []


def test_an_action_that_risks_a_notice_says_so_beside_its_light() -> None:
    markdown = render("markdown", [assess("fixtures/capacity/overflow-to-nhs111-2025.yaml")], rules())
    lines = markdown.splitlines()
    detail = lines[lines.index("### Limit daily patient contacts per clinician") + 2]
    assert detail == ("🔴 RISKS A NOTICE (CONTESTED): It risks a notice: the commissioner reads what it changes as "
                      "a breach, and the profession disputes that.")
    assert "- 🔴 [RISKS A NOTICE (CONTESTED): Limit daily patient contacts per clinician]" in markdown
