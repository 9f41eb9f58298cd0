"""The CSV summary: a row per practice and chosen action, with its rules at risk and open questions."""

from __future__ import annotations

import csv
import io

from engine.core.model import ActionVerdict, Assessment, Plan, RuleResult
from engine.report.summary_csv import COLUMNS, csv_lines, summary_rows

PLAN = Plan("plans/oak.yaml", {"name": "Oak, Ash & Elm", "ods_code": "Y05555"}, "2025-10-01", (), {})
ASSESSMENT = Assessment(
    PLAN,
    "2025-10-01",
    (
        RuleResult("rule-a", "fail", "breach", ("cap-contacts",)),
        RuleResult("rule-b", "cannot_tell", "breach", ("cap-contacts", "stop-e-rs"), ("setup.x", "setup.y")),
        RuleResult("rule-c", "cannot_tell", "breach", ("stop-e-rs",), ("setup.y", "setup.z")),
        RuleResult("rule-d", "fail", "breach", ("stop-e-rs",)),
        RuleResult("rule-e", "pass", "breach"),
    ),
    (
        ActionVerdict("cap-contacts", "risk", findings=("rule-a", "rule-b")),
        ActionVerdict("stop-e-rs", "cannot_tell", findings=("rule-b", "rule-c")),  # rule-d is waived
        ActionVerdict("switch-off-gp-connect", "safe", findings=()),
    ),
)


def test_a_row_per_chosen_action_with_its_rules_at_risk_and_questions() -> None:
    assert summary_rows(ASSESSMENT) == [
        ["Oak, Ash & Elm", "Y05555", "plans/oak.yaml", "cap-contacts", "risk", "rule-a", "setup.x;setup.y"],
        ["Oak, Ash & Elm", "Y05555", "plans/oak.yaml", "stop-e-rs", "cannot_tell", "", "setup.x;setup.y;setup.z"],
        ["Oak, Ash & Elm", "Y05555", "plans/oak.yaml", "switch-off-gp-connect", "safe", "", ""],
    ]


def test_a_practice_without_a_name_or_code_has_empty_cells() -> None:
    nameless = Assessment(Plan("p.yaml", {}, "2025-10-01", (), {}), "2025-10-01", (),
                          (ActionVerdict("cap-contacts", "safe", findings=()),))  # fmt: skip
    assert summary_rows(nameless) == [["", "", "p.yaml", "cap-contacts", "safe", "", ""]]


def test_the_columns_and_quoting_are_standard_csv() -> None:
    text = csv_lines([list(COLUMNS), *summary_rows(ASSESSMENT)])
    assert text.splitlines()[:2] == [
        "practice,ods_code,plan,action,status,rules_at_risk,open_questions",
        '"Oak, Ash & Elm",Y05555,plans/oak.yaml,cap-contacts,risk,rule-a,setup.x;setup.y',
    ]
    assert list(csv.reader(io.StringIO(text)))[1:] == summary_rows(ASSESSMENT)
    assert text.endswith("\r\n")


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_kept_as_text() -> None:
    practice = {"name": '=HYPERLINK("https://example.org","Oak")', "ods_code": "Y05555"}
    hostile = Assessment(Plan("@plan.yaml", practice, "2025-10-01", (), {}), "2025-10-01", (),
                         (ActionVerdict("cap-contacts", "safe", findings=()),))  # fmt: skip
    assert summary_rows(hostile)[0][:3] == ["'=HYPERLINK(\"https://example.org\",\"Oak\")", "Y05555", "'@plan.yaml"]
