"""The plan template, `examples/plan-template.yaml`, which `gpca init` writes.

Every question in it is a comment and every field with no answer a commented-out line, so
the untouched template is a valid plan that gpca answers CANNOT TELL, listing its questions.
One rule keeps it so, ``comment_out_unanswered``, which a new field can be put through:
a field with nothing after its colon is commented out, and so is a list heading with no
item left; a mapping heading stays, and the loader reads it as empty (nothing answered).
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import msgspec
import yaml

_FIELD = re.compile(
    r"^(?P<indent> *)(?P<commented># )?(?P<dash>- )?(?P<key>[a-z_][a-z0-9_]*):(?P<value>.*)$"
)
_NO_VALUE = re.compile(r"^(\s+#.*)?\s*$")  # nothing, or only a comment, after the colon


class Field(msgspec.Struct, frozen=True):
    """A line of the template that holds a field, answered or commented out."""

    indent: int
    key: str
    dash: bool
    commented: bool
    value: str

    @property
    def key_column(self) -> int:
        return self.indent + (2 if self.dash else 0)

    @property
    def unanswered(self) -> bool:
        return bool(_NO_VALUE.match(self.value))


def field_of(line: str) -> Field | None:
    """The field a line holds; a commented line only when it is a field with no answer, so
    that a question's own words (``# route: one of ...``) are never taken for one."""
    match = _FIELD.match(line)
    if not match:
        return None
    found = Field(len(match["indent"]), match["key"], bool(match["dash"]), bool(match["commented"]),
                  match["value"])  # fmt: skip
    return None if found.commented and not found.unanswered else found


def comment_out_unanswered(text: str) -> str:
    """``text`` with every unanswered field, and every list heading left with no item,
    commented out where it stands (``  name:`` becomes ``  # name:``)."""
    lines = text.split("\n")
    for index in reversed(range(len(lines))):
        field = field_of(lines[index])
        if field is None or field.commented or not field.unanswered:
            continue
        if _holds_answers(lines, index, field) or _mapping_heading(lines, index, field):
            continue
        lines[index] = " " * field.indent + "# " + lines[index][field.indent:]
    return "\n".join(lines)


def _holds_answers(lines: list[str], index: int, field: Field) -> bool:
    live = (line for line in lines[index + 1:] if line.strip() and not line.lstrip().startswith("#"))
    below = next(live, None)
    return below is not None and len(below) - len(below.lstrip(" ")) > field.key_column


def _mapping_heading(lines: list[str], index: int, field: Field) -> bool:
    child = next((f for f in map(field_of, lines[index + 1:]) if f is not None), None)
    return child is not None and child.indent > field.key_column and not child.dash


def with_answers(text: str, answers: dict[str, object]) -> str:
    """``text`` with each answer (by dotted path, such as ``practice.name``) written on its
    field's line, uncommented; a path the template does not have is a bug."""
    lines, headings, left = text.split("\n"), [], dict(answers)
    for index, line in enumerate(lines):
        field = field_of(line)
        if field is None:
            continue
        while headings and headings[-1][0] >= field.indent:
            headings.pop()
        path = ".".join([*(key for _, key in headings), field.key])
        if path in left:
            dash = "- " if field.dash else ""
            lines[index] = f"{' ' * field.indent}{dash}{field.key}: {yaml_scalar(left.pop(path))}"
        elif not field.commented and field.unanswered:
            headings.append((field.key_column, field.key))
    if left:
        raise ValueError(f"the template has no field {', '.join(left)}")
    return "\n".join(lines)


def yaml_scalar(value: object) -> str:
    """``value`` as YAML reads it back, on one line (quoted and escaped where it must be)."""
    if isinstance(value, date):
        return value.isoformat()
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=sys.maxsize)
    dumped = dumped.removesuffix("\n").removesuffix("\n...").strip()
    if dumped.isprintable() and yaml.safe_load(dumped) == value:
        return dumped
    # PyYAML writes some characters (a no-break space alone, say) in a form it cannot read back
    return '"' + "".join(_escaped(character) for character in str(value)) + '"'


def _escaped(character: str) -> str:
    if character in '"\\':
        return "\\" + character
    if character.isprintable():
        return character
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def main(paths: list[str]) -> None:
    """``python -m engine.inputs.template FILE...``: put each file through the rule, in place."""
    for name in paths:
        path = Path(name)
        path.write_text(comment_out_unanswered(path.read_text("utf-8")), "utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
