"""The planner at a phone's and a desk's widths, in every state the tests reach: nothing
runs off the side of the page (WCAG 1.4.10, Reflow), and axe-core finds no violation of
WCAG 2.2 AA."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import axe_violations, overflowing

from engine.web.server import PlannerServer

RIVERSIDE = Path(__file__).resolve().parents[2] / "examples" / "riverside.yaml"


@pytest.fixture(params=[320, 390, 1280], ids=lambda width: f"{width}px")
def sized(browser: Any, planner: PlannerServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": request.param, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(planner.url)
    page.wait_for_selector("#actions li", state="attached")
    yield page
    errors = list(page.errors)
    context.close()
    assert errors == []


def settled(page: Any) -> None:
    page.wait_for_selector("#actions:not([aria-busy])", state="attached")


def looked_at(page: Any, state: str) -> tuple[str, list[str], list[str]]:
    settled(page)
    return state, overflowing(page), axe_violations(page)


def test_every_state_fits_the_width_and_passes_axe(sized: Any) -> None:
    page = sized
    seen = [looked_at(page, "empty")]
    page.fill("#q-practice-name-input", "Hillside Practice")
    page.fill("#q-assessed_on-input", "2024-11-05")
    page.check("#choose-limit-daily-contacts")
    seen.append(looked_at(page, "sparse"))
    page.set_input_files("#upload", str(RIVERSIDE))
    page.wait_for_selector("#status:has-text('Read riverside.yaml')")
    seen.append(looked_at(page, "three actions"))
    page.click("#dates-ahead summary")
    page.wait_for_selector("#dates-ahead-text .planner-dates")
    page.check("#show-all")
    page.click("#show-every-action")
    page.eval_on_selector_all("details", "els => els.forEach(e => { if (e.id !== 'dates-ahead') e.open = true; })")
    seen.append(looked_at(page, "filled, everything open"))
    page.fill("#q-assessed_on-input", "2025-10-01")
    page.wait_for_selector("#overall:has-text('1 October 2025')")
    seen.append(looked_at(page, "date flipped"))
    page.fill("#q-assessed_on-input", "1950-10-01")
    page.wait_for_selector("#overall:has-text('No verdict yet')")
    seen.append(looked_at(page, "invalid plan"))
    page.fill("#q-practice-registered_patients-input", "lots")
    page.fill("#q-assessed_on-input", "2024-11-05")
    page.wait_for_selector("#answer-note:has-text('left out')")
    seen.append(looked_at(page, "an answer left out"))
    assert seen == [(state, [], []) for state, _, _ in seen]
