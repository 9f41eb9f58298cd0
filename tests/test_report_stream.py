"""Reports written plan by plan join into exactly the whole-set reporter's text."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_cli import CANNOT_TELL
from test_report import ASSESSMENT, RULES, SAFE_ASSESSMENT

from engine.core.model import Assessment
from engine.report import REPORTERS, render
from engine.report.stream import STREAMED, Writer, plan_part


def streamed(fmt: str, assessments: list[Assessment]) -> list[str]:
    pieces: list[str] = []
    writer = Writer(fmt, RULES, pieces.append)
    for assessment in assessments:
        writer.add(plan_part(fmt, assessment, RULES))
    writer.close()
    return pieces


@given(st.sampled_from(STREAMED), st.lists(st.sampled_from([ASSESSMENT, SAFE_ASSESSMENT, CANNOT_TELL]), min_size=1, max_size=5))
def test_the_parts_join_into_the_whole_report(fmt: str, assessments: list[Assessment]) -> None:
    assert "".join(streamed(fmt, assessments)) == render(fmt, assessments, RULES)


@given(st.sampled_from(STREAMED))
def test_nothing_is_written_without_a_plan(fmt: str) -> None:
    assert streamed(fmt, []) == []


def test_each_plan_is_written_as_it_is_added() -> None:
    pieces: list[str] = []
    writer = Writer("json", RULES, pieces.append)
    writer.add(plan_part("json", ASSESSMENT, RULES))
    assert len(pieces) == 1
    assert pieces[0].startswith('{\n  "gpca_version"')
    assert pieces[0].endswith('\n    }')


def test_every_format_streams() -> None:
    assert sorted(STREAMED) == sorted(REPORTERS)


class _Held(io.StringIO):
    made: list[_Held] = []

    def __init__(self) -> None:
        super().__init__()
        _Held.made.append(self)


@pytest.mark.parametrize("fmt", ["junit", "sarif"])
def test_what_waits_on_disk_is_let_go_when_the_run_stops(fmt: str) -> None:
    _Held.made.clear()
    with pytest.raises(KeyboardInterrupt), Writer(fmt, RULES, [].append, hold=_Held) as writer:
        writer.add(plan_part(fmt, ASSESSMENT, RULES))
        raise KeyboardInterrupt
    assert [held.closed for held in _Held.made] == [True]


def test_junit_totals_come_first_though_the_suites_are_written_as_they_come() -> None:
    pieces = streamed("junit", [ASSESSMENT, SAFE_ASSESSMENT, CANNOT_TELL])
    root = ET.fromstring("".join(pieces).encode())
    assert [len(root), pieces[0].count("<testsuite "), pieces[-1]] == [3, 0, "\n</testsuites>\n"]
    for total in ("tests", "failures"):
        assert root.get(total) == str(sum(int(suite.get(total, "")) for suite in root))
    assert root.get("failures") != "0"


@given(st.lists(st.sampled_from([ASSESSMENT, SAFE_ASSESSMENT, CANNOT_TELL]), min_size=1, max_size=4))
def test_a_sarif_run_of_several_plans_holds_each_plans_own_results_and_actions(assessments: list[Assessment]) -> None:
    alone = [json.loads(render("sarif", [assessment], RULES))["runs"][0] for assessment in assessments]
    run = json.loads(render("sarif", assessments, RULES))["runs"][0]
    assert run["results"] == [result for one in alone for result in one["results"]]
    assert run["properties"]["actions"] == [action for one in alone for action in one["properties"]["actions"]]
    assert run["properties"]["waivedFindings"] == sum(one["properties"]["waivedFindings"] for one in alone)
    assert run["tool"] == alone[0]["tool"]


@given(st.lists(st.sampled_from([ASSESSMENT, SAFE_ASSESSMENT, CANNOT_TELL]), min_size=1, max_size=4))
def test_a_junit_report_of_several_plans_holds_each_plans_own_suite(assessments: list[Assessment]) -> None:
    alone = [ET.fromstring(render("junit", [assessment], RULES).encode())[0] for assessment in assessments]
    suites = ET.fromstring(render("junit", assessments, RULES).encode())
    assert list(map(_without_tail, suites)) == list(map(_without_tail, alone))


def _without_tail(element: ET.Element) -> bytes:
    """The element's own XML, not the indentation after it, which depends on its place."""
    element.tail = None
    return ET.tostring(element)


@given(st.lists(st.sampled_from([ASSESSMENT, SAFE_ASSESSMENT, CANNOT_TELL]), min_size=1, max_size=4))
def test_sarif_and_junit_joined_are_laid_out_as_their_libraries_lay_out_the_whole(assessments: list[Assessment]) -> None:
    sarif = render("sarif", assessments, RULES)
    assert sarif == json.dumps(json.loads(sarif), indent=2, ensure_ascii=False) + "\n"
    junit = render("junit", assessments, RULES)
    root = ET.fromstring(junit.encode())
    ET.indent(root)
    assert junit == ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
