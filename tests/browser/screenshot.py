"""Make docs/planner.png: the planner with one safe action, one risky and one undecided.

Run: .venv/bin/python tests/browser/screenshot.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - after the path is set

from engine.web import make_server  # noqa: E402
from engine.web.server import serve_in_thread  # noqa: E402


def page_y(page, selector: str, edge: str = "top") -> float:  # type: ignore[no-untyped-def]
    script = f"e => e.getBoundingClientRect().{edge} + window.scrollY"
    return float(page.eval_on_selector(selector, script))


def main() -> None:
    server = make_server("127.0.0.1", 0)
    serve_in_thread(server)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 800}, locale="en-GB")
        page.goto(server.url)
        page.wait_for_selector("#actions li")
        page.set_input_files("#upload", str(ROOT / "examples" / "riverside.yaml"))
        page.wait_for_selector("#status:has-text('Read ')")
        # Riverside's daily limit, with the urgent overflow left unanswered: cannot tell.
        page.uncheck("#p-limit-daily-contacts-urgent_overflow-input")
        page.check("#only-chosen")
        page.wait_for_selector("#actions:not([aria-busy])", state="attached")
        page.locator("#verdict-limit-daily-contacts .question-link").focus()
        top = page_y(page, "#actions-title") - 20
        height = page_y(page, "#practice-findings", "bottom") - top + 20
        page.screenshot(path=str(ROOT / "docs" / "planner.png"), full_page=True,
                        clip={"x": 0, "y": top, "width": 1000, "height": height})  # fmt: skip
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
