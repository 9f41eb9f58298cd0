from __future__ import annotations

from engine.core.errors import InputError, pointer_to_path, render_problem
from engine.core.model import Problem, SourceLocation


def test_render_problem_shows_location_pointer_and_hint() -> None:
    problem = Problem(
        "plan-schema",
        "'max_contacts_per_clinician' must be a whole number, but got 'twenty-five'",
        SourceLocation("plans/riverside.yaml", 12, 5),
        "/actions/0/max_contacts_per_clinician",
        "write a number such as 25",
    )
    assert render_problem(problem) == (
        "plans/riverside.yaml:12:5: error[plan-schema]: 'max_contacts_per_clinician' must be a"
        " whole number, but got 'twenty-five'\n"
        "  at $.actions[0].max_contacts_per_clinician\n"
        "  hint: write a number such as 25"
    )


def test_render_problem_leaves_out_what_it_lacks() -> None:
    problem = Problem("unreadable-file", "there is no file 'plan.yaml'")
    assert render_problem(problem) == "error[unreadable-file]: there is no file 'plan.yaml'"


def test_render_problem_omits_at_line_for_the_root() -> None:
    problem = Problem("not-a-mapping", "the file is empty", SourceLocation("p.yaml", 1, 1), "", "x")
    rendered = "p.yaml:1:1: error[not-a-mapping]: the file is empty\n  hint: x"
    assert render_problem(problem) == rendered


def test_pointer_to_path_quotes_odd_keys_and_unescapes() -> None:
    assert pointer_to_path("/setup/a b/0/x~1y~0z") == "$.setup['a b'][0]['x/y~z']"


def test_input_error_message_renders_every_problem() -> None:
    first = Problem("yaml-syntax", "bad", SourceLocation("a.yaml", 2, 3))
    second = Problem("unreadable-file", "gone", hint="check the path")
    error = InputError([first, second])
    assert error.problems == [first, second]
    assert str(error) == (
        "a.yaml:2:3: error[yaml-syntax]: bad\nerror[unreadable-file]: gone\n  hint: check the path"
    )
