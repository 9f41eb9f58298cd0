"""Text from a plan or a file name, made safe to show: it cannot forge a line or drive a terminal.

Plan values and file names are the user's (or an attacker's) text. Shown raw, a newline in
``practice.name`` adds a line of its own to a report ("Overall: NO RISK FOUND") and an
escape sequence recolours or rewrites the terminal. Every such character is shown as an
escape instead, and an echoed value is cut short.
"""

from __future__ import annotations

import re

ECHO_LIMIT = 80  # characters of a value echoed back in a message
# C0 and C1 controls, DEL, the Unicode line and paragraph separators and the
# bidirectional overrides (which can make a line read as something else).
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_LAYOUT_KEPT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def plain(text: object) -> str:
    """``text`` on one line, with every control character shown as an escape such as ``\\n``."""
    return _ANY_CONTROL.sub(_escaped, str(text))


def clip(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, ending in '...' when cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def echoed(value: object) -> str:
    """A value to quote back in a message: on one line, escaped, and at most 80 characters."""
    return clip(plain(value))


def file_name(path: object) -> str:
    """A file name as shown in messages and reports; quoted if it holds a control character."""
    name = str(path)
    return name if not _ANY_CONTROL.search(name) else '"' + plain(name).replace('"', '\\"') + '"'


def terminal_safe(text: str) -> str:
    """Whole output for a terminal: newlines and tabs kept, every other control escaped."""
    return _LAYOUT_KEPT.sub(_escaped, text)


def json_safe(text: str) -> str:
    """JSON text with the controls ``json.dumps`` leaves raw (C1, separators) as ``\\u`` escapes.

    Those characters can occur only inside JSON strings, so the data is unchanged.
    """
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def for_output(text: str, fmt: str) -> str:
    """A rendered report, safe to print or write, in a way that keeps format ``fmt`` valid."""
    return json_safe(text) if fmt in ("json", "jsonl", "sarif") else terminal_safe(text)
