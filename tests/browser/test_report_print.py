"""The HTML report of `gpca check --format html` printed to A4 by Chromium: the page count
of the example plan's report, and the answer (every chosen action) on page one."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from engine.core.evaluate import Evaluator
from engine.core.model import replace
from engine.inputs.load import load_rules
from engine.inputs.waive import load_plan_with_waivers, review_waivers
from engine.report import render

ROOT = Path(__file__).resolve().parents[2]
# Page one is the answer; the rest is the actions in detail, whom to ask, the records to
# keep and the adviser's appendix (its per-rule reasoning folded, so not printed).
PAGES = 11
CHOSEN = ["Limit daily patient contacts per clinician", "Switch off GP Connect Update Record",
          "Withdraw from data sharing agreements used only for secondary purposes"]  # fmt: skip


def riverside_pdf(browser: Any) -> PdfReader:
    rules = load_rules()
    plan = load_plan_with_waivers(ROOT / "examples" / "riverside.yaml", rules)
    assessment = review_waivers(Evaluator(rules).assess(replace(plan, path="examples/riverside.yaml")))
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda route: route.abort())  # the report is self-contained: nothing to fetch
    page.set_content(render("html", [assessment], rules))
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    context.close()
    return PdfReader(io.BytesIO(pdf))


def test_the_example_plan_s_report_prints_on_a4_with_every_chosen_action_on_page_one(browser: Any) -> None:
    pdf = riverside_pdf(browser)
    page_one = " ".join(unicodedata.normalize("NFKC", pdf.pages[0].extract_text()).split())  # "ﬀ" is "ff"
    a4 = (round(float(pdf.pages[0].mediabox.width)), round(float(pdf.pages[0].mediabox.height)))

    assert (len(pdf.pages), a4) == (PAGES, (595, 842))
    assert [title for title in CHOSEN if title not in page_one] == []
    assert "Overall: RISK OF BREACH" in page_one
