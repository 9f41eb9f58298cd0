"""Plan text made safe to show: no character of it can start a line or drive a terminal."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from engine.core.escape import echoed, file_name, for_output, json_safe, plain, terminal_safe


def test_plain_shows_each_control_character_as_an_escape() -> None:
    assert plain("a\nb\rc\td\x1b[31me\x9bf\u2028g\u202eh\x00") == (
        "a\\nb\\rc\\td\\x1b[31me\\x9bf\\u2028g\\u202eh\\x00"
    )


def test_plain_leaves_ordinary_text_alone() -> None:
    assert plain("Riverside Surgery — café 😀") == "Riverside Surgery — café 😀"


@given(st.text())
def test_plain_text_is_always_one_line_without_controls(text: str) -> None:
    shown = plain(text)
    assert shown.splitlines() in ([], [shown])
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in shown)


def test_echoed_is_cut_to_80_characters() -> None:
    assert echoed("k" * 200) == "k" * 77 + "..."
    assert echoed("short") == "short"
    assert len(echoed("\n" * 100)) == 80


def test_a_file_name_with_a_newline_is_quoted() -> None:
    assert file_name("plans/a.yaml") == "plans/a.yaml"
    assert file_name('x\n"y".yaml') == '"x\\n\\"y\\".yaml"'


def test_terminal_safe_keeps_newlines_and_tabs_only() -> None:
    assert terminal_safe("a\n\tb\x1b]0;t\x07\r") == "a\n\tb\\x1b]0;t\\x07\\r"


@given(st.text())
def test_json_safe_keeps_the_data(text: str) -> None:
    document = json.dumps({"value": text}, ensure_ascii=False)
    assert json.loads(json_safe(document)) == {"value": text}
    assert not any(0x7F <= ord(ch) <= 0x9F for ch in json_safe(document))


def test_for_output_chooses_by_format() -> None:
    assert for_output('"\x9b"', "json") == '"\\u009b"'
    assert for_output("a\x1bb\n", "text") == "a\\x1bb\n"
    assert for_output("<p>a\x1bb</p>\n", "html") == "<p>a\\x1bb</p>\n"
