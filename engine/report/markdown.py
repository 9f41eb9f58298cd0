"""The Markdown report: page one for the practice, an appendix for the adviser."""

from __future__ import annotations

import re

from engine.advice.words import ACTION_STATUSES
from engine.core.escape import plain
from engine.core.model import Assessment, RuleSet
from engine.report.pages import ENDING, PAGE_BREAK, Block, Cell, Heading, Light, Link, placed, plan_blocks
from engine.report.stream import Layout, Part, joined, nothing

LIGHT_WORDS = {status: f"{said.mark} {said.label}" for status, said in ACTION_STATUSES.items()}
HEADINGS = {"h1": "#", "h2": "##", "h3": "###"}


def render_markdown(assessments: list[Assessment], rules: RuleSet) -> str:
    return joined("markdown", assessments, rules)


def plan_part(assessment: Assessment, rules: RuleSet) -> Part:
    return Part(_blocks(plan_blocks(assessment, rules)))


def _closing(_tally: None, _count: int, _rules: RuleSet) -> tuple[str, str]:
    return "", "\n\n" + _blocks([ENDING]) + "\n"


def _blocks(blocks: list[Block]) -> str:
    """Blocks a blank line apart; a block with nothing to show (an empty list) leaves no gap."""
    return "\n\n".join(text for text in map(_block, blocks) if text)


def _block(block: Block) -> str:
    kind, payload = block
    if kind in HEADINGS:
        return f"{HEADINGS[kind]} {_inline(payload)}"
    if kind == "p":
        return _inline(payload)
    if kind == "ul":
        return "\n".join(f"- {_inline(item)}" for item in payload)
    if kind == "pre":
        return f"```text\n{payload}\n```"
    if kind == "table":
        return _table(*payload)
    if kind == "heading":
        return f'<a id="{payload.anchor}"></a>\n\n{"#" * payload.level} {_inline(payload.text)}'
    if kind == "links":
        return "\n".join(f"- {_link(link)}" for link in payload)
    if kind == "light":
        light, text = payload
        return f"{LIGHT_WORDS[light.status]}: {_inline(text)}"
    if kind == "details":
        summary, blocks = payload
        return "\n\n".join([_inline(summary) + ":", *(_block(b) for b in blocks)])
    return "---"  # a page break


def _link(link: Link) -> str:
    """A line of the answer; its light's mark first, its text a link when it has a place."""
    text = f"[{_inline(link.text)}](#{link.anchor})" if link.anchor else _inline(link.text)
    return f"{LIGHT_WORDS[link.light.status].split()[0]} {text}" if link.light else text


def _table(headings: list[str], rows: list[list[Cell]]) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in headings) + " |",
             "|" + "---|" * len(headings)]  # fmt: skip
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _cell(cell: Cell) -> str:
    if isinstance(cell, Light):
        return LIGHT_WORDS[cell.status]
    return _inline(cell).replace("|", "\\|").replace("\n", " ")


def _inline(text: str) -> str:
    """Plain text that Markdown would otherwise read as markup stays plain, on one line."""
    text = plain(text)
    for char in ("\\", "*", "_", "`", "[", "]", "<", ">", "#"):
        text = text.replace(char, "\\" + char)
    return _BLOCK_MARK.sub(lambda match: "\\".join(g for g in match.groups() if g is not None), text)


# What would start a list item or a setext underline at the head of a line.
_BLOCK_MARK = re.compile(r"^()([-+=])|^(\d+)([.)])(?=\s|$)")


LAYOUT = Layout(plan_part, nothing, f"\n\n{_block(PAGE_BREAK)}\n\n", _closing, finish=placed)
