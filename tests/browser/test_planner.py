"""The planner in a real browser: filling, uploading, downloading, and keyboard use.

Every verdict the page shows is checked against the engine's own on the same plan.
"""
# The page at phone and desktop widths, with axe-core, is in test_planner_widths.py.

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from engine.cli import gpca
from engine.core.evaluate import Evaluator
from engine.inputs.load import load_plan, load_rules
from engine.web import plans

ROOT = Path(__file__).resolve().parents[2]
RIVERSIDE = ROOT / "examples" / "riverside.yaml"
FIXTURE = ROOT / "fixtures" / "actions" / "several-safe-actions-2024.yaml"
LABELS = {"SAFE": "safe", "SAFE, WITH CAUTIONS": "safe_with_cautions", "RISKS BREACH": "risk",
          "RISKS A NOTICE (CONTESTED)": "risk", "CANNOT TELL": "cannot_tell"}  # fmt: skip
RULES = load_rules()
EVALUATOR = Evaluator(RULES)


def settled(page: Any) -> None:
    """Wait until the page has shown the verdicts for its latest answers."""
    page.wait_for_selector("#actions:not([aria-busy])", state="attached")


def shown_verdicts(page: Any) -> dict[str, str]:
    settled(page)
    badges = page.eval_on_selector_all(
        ".verdict .badge", "els => els.map(e => [e.closest('.planner-action').id.slice(7), e.textContent])")
    return {action_id: LABELS[label] for action_id, label in badges}


def stored_plan(page: Any) -> dict[str, Any]:
    return json.loads(page.evaluate("localStorage.getItem('gpca-planner-plan')"))


def engine_verdicts(data: dict[str, Any]) -> dict[str, str]:
    plan = plans.checked_plan(plans.document(data), RULES)
    return {v.action_id: v.status for v in EVALUATOR.assess(plan).actions}


def fill_practice(page: Any, name: str, patients: str, day: str) -> None:
    page.fill("#q-practice-name-input", name)
    page.fill("#q-practice-registered_patients-input", patients)
    page.fill("#q-assessed_on-input", day)


def choose(page: Any, action_id: str) -> None:
    """Tick an action; once one is chosen the others are one click away."""
    if not page.is_visible(f"#action-{action_id}"):
        page.click("#show-every-action")
    page.check(f"#choose-{action_id}")


def choose_answer(page: Any, question: str, label: str) -> None:
    page.locator(f"#{question}").get_by_label(label, exact=True).check()


def upload(page: Any, path: Path) -> None:
    page.set_input_files("#upload", str(path))
    page.wait_for_selector(f"#status:has-text('Read {path.name}')")  # this upload, not an earlier one
    settled(page)


def test_filling_a_plan_shows_the_verdicts_of_gpca_check(page: Any) -> None:
    fill_practice(page, "Hillside Practice", "6000", "2024-11-05")
    for action_id in ("withdraw-secondary-use-data-sharing", "switch-off-gp-connect-update-record",
                      "limit-daily-contacts"):  # fmt: skip
        choose(page, action_id)
    page.check("#p-withdraw-secondary-use-data-sharing-scope-2")  # every secondary use
    page.click("#q-setup-data_sharing button[data-add]")
    page.fill("#q-setup-data_sharing-0-name-input", "GDPPR")
    choose_answer(page, "q-setup-data_sharing-0-legal_basis", "Statutory DPN")
    choose_answer(page, "q-setup-data_sharing-0-purpose", "Secondary")
    choose_answer(page, "q-setup-data_sharing-0-status", "Continue")
    shown = shown_verdicts(page)
    assert shown == engine_verdicts(stored_plan(page))
    assert shown["withdraw-secondary-use-data-sharing"] == "risk"
    assert stored_plan(page)["practice"] == {"name": "Hillside Practice", "registered_patients": 6000}


def test_only_the_questions_the_chosen_actions_need_are_shown(page: Any) -> None:
    fill_practice(page, "Hillside Practice", "6000", "2026-07-01")
    settled(page)
    assert page.locator("#setup-fields .field:visible").count() == 0
    choose(page, "switch-off-gp-connect-update-record")
    settled(page)
    visible = page.eval_on_selector_all("#setup-fields .field:not([hidden])", "els => els.map(e => e.id)")
    assert visible == ["q-setup-gp_connect-update_record_enabled"]
    page.check("#show-all")
    assert page.locator("#setup-fields .field:visible").count() > 40


def test_uploading_a_fixture_plan_fills_the_form_and_its_verdicts(page: Any, tmp_path: Path) -> None:
    fixture = yaml.safe_load(FIXTURE.read_text())
    plan_file = tmp_path / "fixture-plan.yaml"
    plan_file.write_text(yaml.safe_dump(fixture["plan"], sort_keys=False))
    upload(page, plan_file)
    assert shown_verdicts(page) == fixture["expect"]["actions"]
    upload(page, RIVERSIDE)
    assert page.input_value("#q-practice-name-input") == "Riverside Surgery"
    assert shown_verdicts(page) == {v: s for v, s in engine_verdicts(stored_plan(page)).items()}
    assert page.is_visible("#q-setup-data_sharing-0 summary")  # each agreement folded under its name


def test_upload_shows_each_error_at_its_question(page: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    text = RIVERSIDE.read_text().replace("ods_code: Y01234", "ods_code: y1")
    broken.write_text(text.replace("registered_patients: 9027", "registered_patients: lots"))
    upload(page, broken)
    assert page.is_visible("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    ods_error = page.text_content("#q-practice-ods_code-error")
    assert ods_error == "Error: Enter it in the form of the example, like Y01234 (line 14 of the file)"
    assert page.text_content("#error-list li >> nth=0") == "Enter it in the form of the example, like Y01234 (line 14 of the file)"
    assert page.get_attribute("#q-practice-registered_patients-input", "aria-invalid") == "true"
    page.click("#error-list a >> nth=0")
    assert page.evaluate("document.activeElement.closest('.field').id").startswith("q-practice-")


def test_downloaded_yaml_passes_gpca_check_unchanged(page: Any, tmp_path: Path) -> None:
    upload(page, RIVERSIDE)
    page.uncheck("#p-limit-daily-contacts-urgent_overflow-input")
    shown = shown_verdicts(page)
    with page.expect_download() as download:
        page.click("#download-yaml")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "riverside-surgery-plan.yaml"
    plan = load_plan(saved, RULES)
    assert {v.action_id: v.status for v in EVALUATOR.assess(plan).actions} == shown
    assert shown["limit-daily-contacts"] == "cannot_tell"
    result = CliRunner().invoke(gpca, ["check", str(saved)])
    assert result.exit_code == 1, result.output


def test_overflow_to_several_destinations_is_a_list_of_ticked_boxes(page: Any, tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(RIVERSIDE.read_text().replace("urgent_overflow: [duty_clinician_same_day]",
                                                 "urgent_overflow: duty_clinician_same_day", 1))
    upload(page, old)  # an older plan's single destination arrives as a list of one
    assert stored_plan(page)["actions"][0]["urgent_overflow"] == ["duty_clinician_same_day"]
    assert page.is_checked("#p-limit-daily-contacts-urgent_overflow-input")
    page.check("#p-limit-daily-contacts-urgent_overflow-2")  # and NHS 111 as well
    shown = shown_verdicts(page)
    assert stored_plan(page)["actions"][0]["urgent_overflow"] == ["duty_clinician_same_day", "nhs111"]
    assert shown == engine_verdicts(stored_plan(page))


def test_the_report_downloaded_is_what_gpca_check_writes_as_html(page: Any, tmp_path: Path,
                                                                  monkeypatch: Any) -> None:  # fmt: skip
    upload(page, RIVERSIDE)
    with page.expect_download() as download:
        page.click("#download-report")
    report = tmp_path / download.value.suggested_filename
    download.value.save_as(report)
    with page.expect_download() as download:
        page.click("#download-yaml")
    download.value.save_as(tmp_path / download.value.suggested_filename)
    monkeypatch.chdir(tmp_path)  # the replay stamp names the plan file as downloaded
    result = CliRunner().invoke(gpca, ["check", download.value.suggested_filename, "--format", "html"])
    assert (report.name, result.exit_code) == ("riverside-surgery-report.html", 1)
    assert report.read_bytes() == result.output.encode("utf-8")
    html = report.read_text()
    viewer = page.context.new_page()
    viewer.set_content(html)
    viewer.emulate_media(media="print")
    assert viewer.pdf(format="A4")[:4] == b"%PDF"
    viewer.close()


def test_answers_survive_a_reload(page: Any) -> None:
    fill_practice(page, "Hillside Practice", "6000", "2024-11-05")
    choose(page, "limit-daily-contacts")
    settled(page)
    page.reload()
    page.wait_for_selector("#actions li", state="attached")
    assert page.input_value("#q-practice-name-input") == "Hillside Practice"
    assert page.is_checked("#choose-limit-daily-contacts")
    assert page.input_value("#p-limit-daily-contacts-max_contacts_per_clinician-input") == "25"


def test_a_bad_answer_is_shown_at_its_question_and_left_out_of_the_verdicts(page: Any) -> None:
    fill_practice(page, "Hillside Practice", "twenty", "2024-11-05")
    choose(page, "switch-off-gp-connect-update-record")
    settled(page)
    assert page.text_content("#q-practice-registered_patients-error") == (
        "Error: Enter a whole number between 0 and 1,000,000")
    assert shown_verdicts(page) == {"switch-off-gp-connect-update-record": "safe"}
    assert page.text_content("#answer-note") == (
        "Information: Answers with a problem, listed at the top of the page, are left out until put right: "
        "they count as not yet answered.")
    page.fill("#q-practice-registered_patients-input", "6000")
    settled(page)
    assert not page.is_visible("#error-summary")


def test_no_error_is_shown_before_the_user_acts(page: Any) -> None:
    settled(page)
    assert not page.is_visible("#error-summary")
    assert page.inner_text("#overall").startswith("Overall on ")
    assert page.inner_text("#overall").endswith("No action chosen yet: choose your actions in section 2.")


def wait_until(page: Any, condition: str, seconds: float = 30) -> None:
    """Poll a condition from the test (the page's CSP refuses wait_for_function's eval)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(condition):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {condition}")


def badges(page: Any) -> list[str]:
    """Every status tag on the page, wherever it stands: the answer, the cards."""
    settled(page)
    return page.eval_on_selector_all(".badge", "els => els.map(e => e.textContent)")


def test_no_old_verdict_stands_when_the_date_flips_it_and_the_plan_turns_invalid(page: Any) -> None:
    fill_practice(page, "Hillside Practice", "6000", "2024-10-01")
    choose(page, "switch-off-gp-connect-update-record")
    page.wait_for_selector("#overall:has-text('1 October 2024')")
    assert (shown_verdicts(page), badges(page)) == ({"switch-off-gp-connect-update-record": "safe"}, ["SAFE", "SAFE"])
    page.fill("#q-assessed_on-input", "2025-10-01")  # Update Record must stay on from here
    page.wait_for_selector("#overall:has-text('1 October 2025')")
    assert badges(page) == ["RISKS BREACH", "RISKS BREACH"]
    assert page.text_content("#announcer") == "Verdict changed. Switch off GP Connect Update Record: risks breach."
    page.fill("#q-assessed_on-input", "1950-10-01")  # before any rule: the server refuses the plan
    page.wait_for_selector("#overall:has-text('No verdict yet')")
    assert (badges(page), shown_verdicts(page)) == ([], {})
    assert not page.is_visible("#answer-actions") and not page.is_visible("#questions")
    assert page.text_content("#announcer") == "Verdicts cleared until the problem at the top of the page is put right."
    page.fill("#q-assessed_on-input", "2024-10-01")
    page.wait_for_selector("#overall:has-text('1 October 2024')")
    assert shown_verdicts(page) == {"switch-off-gp-connect-update-record": "safe"}


def test_announcements_say_which_action_changed_and_stay_silent_otherwise(page: Any) -> None:
    page.evaluate("""() => { window.said = []; new MutationObserver(() => window.said.push(
        document.getElementById('announcer').textContent)).observe(document.getElementById('announcer'),
        {childList: true, characterData: true, subtree: true}); }""")
    fill_practice(page, "Hillside Practice", "6000", "2024-11-05")
    settled(page)
    assert page.evaluate("window.said") == []  # no action chosen: nothing to say
    choose(page, "limit-daily-contacts")
    wait_until(page, "window.said.length === 1")
    assert page.evaluate("window.said") == ["Verdict changed. Limit daily patient contacts per clinician: cannot tell."]
    page.fill("#q-practice-name-input", "Hillside Medical Practice")  # changes no verdict
    page.wait_for_selector("#actions[aria-busy]", state="attached")
    settled(page)
    assert page.evaluate("window.said.length") == 1  # nothing changed: nothing said
    choose(page, "switch-off-gp-connect-update-record")
    wait_until(page, "window.said.length === 2")
    assert page.evaluate("window.said[1]") == "Verdict changed. Switch off GP Connect Update Record: safe."


def test_the_answer_comes_first_with_only_the_chosen_actions_shown(page: Any) -> None:
    upload(page, RIVERSIDE)
    rows = page.eval_on_selector_all("#answer-actions .nhsuk-summary-list__row",
                                     "els => els.map(e => e.innerText.replace(/\\s+/g, ' ').trim())")
    assert rows == ["Limit daily patient contacts per clinician SAFE", "Switch off GP Connect Update Record SAFE",
                    "Withdraw from data sharing agreements used only for secondary purposes RISKS BREACH"]
    assert page.inner_text("#overall") == "Overall on 5 November 2024: RISK OF BREACH."
    assert page.locator(".planner-action:visible").count() == 3
    page.click("#show-every-action")
    assert page.locator(".planner-action:visible").count() == len(RULES.actions)
    page.click("#answer-actions a >> nth=2")
    assert page.evaluate("document.activeElement.id") == "title-withdraw-secondary-use-data-sharing"


def test_the_checklist_links_each_question_still_to_answer(page: Any) -> None:
    upload(page, RIVERSIDE)
    page.uncheck("#p-limit-daily-contacts-urgent_overflow-input")
    settled(page)
    assert page.inner_text("#questions-count") == "1 question still to answer"
    titles = page.eval_on_selector_all("#checklist h3", "els => els.map(e => e.textContent)")
    links = page.eval_on_selector_all("#checklist .nhsuk-task-list__link", "els => els.map(e => e.textContent)")
    assert (titles, links) == (["The collective actions the practice intends to take"], [
        "Where do clinically urgent requests go once the daily limit is reached? List every destination."])
    page.click("#checklist .nhsuk-task-list__link")
    assert page.evaluate("document.activeElement.id") == "p-limit-daily-contacts-urgent_overflow-input"


def test_the_dates_ahead_are_asked_for_only_when_opened(page: Any) -> None:
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url.rsplit("/", 1)[1]))
    upload(page, RIVERSIDE)
    assert "timeline" not in asked
    page.click("#dates-ahead summary")
    page.wait_for_selector("#dates-ahead-text .planner-dates")
    assert asked.count("timeline") == 1
    assert "From 1 October 2025: risks breach" in page.inner_text("#dates-ahead-text")
    page.fill("#q-practice-name-input", "Riverside Medical Centre")  # a new answer closes it
    settled(page)
    assert not page.evaluate("document.getElementById('dates-ahead').open")
    assert asked.count("timeline") == 1


def focused(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {id: e.id, tag: e.tagName, text: e.textContent.trim().slice(0, 80),
                outline: s.outlineStyle, shadow: s.boxShadow}; }""")


def tab_to(page: Any, predicate: Any, limit: int = 150) -> dict[str, Any]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if predicate(now):
            return now
    raise AssertionError(f"Tab never reached the element; focus ended on {focused(page)}")


def type_date(page: Any, day: str, month: str, year: str) -> None:
    """Type a date into the focused date field, whose parts come in the browser's order."""
    page.keyboard.type(day + month + year)
    if page.evaluate("document.activeElement.value") != f"{year}-{month}-{day}":
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(month + day + year)


def test_the_form_can_be_filled_by_keyboard_alone(page: Any) -> None:
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    name = tab_to(page, lambda f: f["id"] == "q-practice-name-input")
    assert name["outline"] == "solid"  # the focus is visible
    page.keyboard.type("Keyboard Surgery")
    tab_to(page, lambda f: f["id"] == "q-practice-registered_patients-input")
    page.keyboard.type("6000")
    tab_to(page, lambda f: f["id"] == "q-assessed_on-input")
    type_date(page, "05", "11", "2024")
    tab_to(page, lambda f: f["id"] == "choose-limit-daily-contacts")
    page.keyboard.press("Space")
    settled(page)
    assert stored_plan(page)["assessed_on"] == "2024-11-05"
    assert stored_plan(page)["actions"] == [{"id": "limit-daily-contacts", "max_contacts_per_clinician": 25}]
    link = tab_to(page, lambda f: f["tag"] == "A" and "question-link" in page.evaluate(
        "document.activeElement.className"))
    page.keyboard.press("Enter")
    question = page.evaluate("document.activeElement.closest('.field').id")
    assert question.startswith(("q-setup-", "p-limit-daily-contacts-")), link
    page.keyboard.press("ArrowDown" if page.evaluate("document.activeElement.tagName") == "SELECT" else "Space")
    settled(page)
    assert shown_verdicts(page) == engine_verdicts(stored_plan(page))


def test_a_filled_plan_fits_a_phone_without_scrolling_sideways(page: Any) -> None:
    upload(page, RIVERSIDE)
    page.check("#show-all")
    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 844})
        settled(page)
        assert page.evaluate("document.documentElement.scrollWidth") == width
