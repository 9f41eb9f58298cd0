"""A headless Chromium for the browser tests (the planner server is in tests/conftest.py).

Chromium comes from the Debian package (``.ci/run`` installs it); Playwright drives it
through ``executable_path`` and never downloads a browser of its own.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.web.server import PlannerServer

CHROMIUM = os.environ.get("GPCA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"  # scripts/refresh_vendored.py
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.path.exists(CHROMIUM):
        return
    reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, planner: PlannerServer) -> Iterator[Any]:
    """A fresh page (empty localStorage) on the planner, with its errors collected."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB",
                                  accept_downloads=True)  # fmt: skip
    page = context.new_page()
    page.errors = []  # uncaught script errors fail the test that caused them
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(planner.url)
               else (page.errors.append(f"external request: {route.request.url}"), route.abort()))  # fmt: skip
    page.goto(planner.url)
    page.wait_for_selector("#actions li")
    yield page
    errors = list(page.errors)
    context.close()
    assert errors == []


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the page as it stands, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text("utf-8"))  # evaluated by the test, not the page: the CSP stands
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA)
    return [f"{v['id']}: {node['target']}" for v in found["violations"] for node in v["nodes"]]


def overflowing(page: Any) -> list[str]:
    """Every visible element that reaches past the viewport's right edge (WCAG 1.4.10, Reflow)."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll('body *')].filter((e) => {
            const box = e.getBoundingClientRect();
            return box.width > 1 && box.height > 1 && box.right > width + 0.5;
        }).map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`.slice(0, 120));
        if (document.documentElement.scrollWidth > width) wide.unshift(`page ${document.documentElement.scrollWidth}px`);
        return wide;
    }""")
