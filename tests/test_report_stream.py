"""Reports written plan by plan join into exactly the whole-set reporter's text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from test_cli import CANNOT_TELL
from test_report import ASSESSMENT, RULES, SAFE_ASSESSMENT

from engine.core.model import Assessment
from engine.report import render
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
