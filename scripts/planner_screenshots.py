"""Make the planner's screenshots in docs/ with headless Chromium, and measure the page.

    .venv/bin/python scripts/planner_screenshots.py

docs/planner-desktop.png (1280 px wide) and docs/planner-phone.png (390 px) show the top of
the page for the example plan, examples/riverside.yaml, with its three actions chosen and
one answer taken away, so one verdict is "cannot tell" and the checklist has a question.
It prints the full page height at each width and the bytes of the first load (the page,
its stylesheets and scripts, and the catalogue the page asks for).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - after the path is set

from engine.web import make_server  # noqa: E402
from engine.web.server import serve_in_thread  # noqa: E402

SHOTS = {"desktop": 1280, "phone": 390}  # widths; each shot ends after the questions still to answer


def first_load_bytes(browser: Any, url: str) -> dict[str, int]:
    """The bytes of each kind of file the first load of the page fetches."""
    page = browser.new_page()
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url)
    page.wait_for_selector("#actions:not([aria-busy])", state="attached")
    page.wait_for_load_state("networkidle")
    sizes: dict[str, int] = {}
    for response in responses:
        kind = response.request.resource_type  # document, stylesheet, script, font, fetch, ...
        sizes[kind] = sizes.get(kind, 0) + len(response.body())
    page.close()
    return sizes


def shoot(browser: Any, url: str, name: str, width: int) -> int:
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="en-GB")
    page.goto(url)
    page.wait_for_selector("#actions li", state="attached")
    page.set_input_files("#upload", str(ROOT / "examples" / "riverside.yaml"))
    page.wait_for_selector("#status:has-text('Read ')")
    page.uncheck("#p-limit-daily-contacts-urgent_overflow-input")  # cannot tell: a question to answer
    page.wait_for_selector("#questions:not([hidden])")
    page.wait_for_selector("#actions:not([aria-busy])", state="attached")
    page.evaluate("document.getElementById('status').textContent = ''")
    page.evaluate("window.scrollTo(0, 0)")
    page.mouse.move(0, 0)  # no link under the pointer, hovered
    full = int(page.evaluate("document.documentElement.scrollHeight"))
    height = int(page.evaluate("document.getElementById('questions').getBoundingClientRect().bottom")) + 16
    page.screenshot(path=str(ROOT / "docs" / f"planner-{name}.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": width, "height": min(height, full)})  # fmt: skip
    page.close()
    return full


def main() -> None:
    server = make_server("127.0.0.1", 0)
    serve_in_thread(server)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            heights = {name: shoot(browser, server.url, name, width) for name, width in SHOTS.items()}
            sizes = first_load_bytes(browser, server.url)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    page_bytes = sum(n for kind, n in sizes.items() if kind in ("document", "stylesheet", "script", "font"))
    print(json.dumps({"page_height_px": heights, "first_load_bytes": sizes,
                      "html_css_js_fonts_bytes": page_bytes}, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
