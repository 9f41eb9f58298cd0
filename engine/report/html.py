"""The HTML report: one self-contained page (no external assets) that prints on A4."""

from __future__ import annotations

from html import escape as html_escape

from engine.advice.words import ACTION_STATUS_LABELS
from engine.core.escape import plain
from engine.core.model import Assessment, RuleSet
from engine.report.pages import ENDING, PAGE_BREAK, Block, Cell, Light, Link, placed, plan_blocks
from engine.report.stream import Layout, Part, joined

STYLE = """
@page { size: A4; margin: 15mm; }
body { font: 11pt/1.4 system-ui, sans-serif; color: #111; max-width: 180mm; margin: 0 auto; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.2em; } h3 { font-size: 11pt; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
th, td { border: 1px solid #999; padding: 4px 6px; text-align: left; vertical-align: top; }
pre { white-space: pre-wrap; font-size: 8.5pt; background: #f4f4f4; padding: 6px; }
.light { font-weight: bold; white-space: nowrap; }
.light::before { content: "\\25CF\\00A0"; font-size: 14pt; }
.safe::before { color: #1a7f37; } .risk::before, .contested::before { color: #c62828; } .cannot_tell::before { color: #e08a00; }
.safe_with_cautions::before { color: #9a7d00; }
.answer { list-style: none; padding-left: 0; font-size: 12pt; } .answer li { margin: 0.2em 0; }
details > summary { cursor: pointer; font-weight: bold; }
.page-break { break-before: page; page-break-before: always; }
tr, pre { break-inside: avoid; page-break-inside: avoid; }
@media print { body { max-width: none; } * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""


HEAD = ("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>gpca report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n")  # fmt: skip


def render_html(assessments: list[Assessment], rules: RuleSet) -> str:
    return joined("html", assessments, rules)


def plan_part(assessment: Assessment, rules: RuleSet) -> Part:
    return Part(_blocks(plan_blocks(assessment, rules)))


def _opening(_rules: RuleSet) -> str:
    return HEAD


def _closing(_tally: None, _count: int, _rules: RuleSet) -> tuple[str, str]:
    return "", f"\n{_blocks([ENDING])}\n</body>\n</html>\n"


def _blocks(blocks: list[Block]) -> str:
    return "\n".join(map(_block, blocks))


def escape(text: str) -> str:
    """Text as HTML, with control characters from a plan shown as escapes."""
    return html_escape(plain(text))


def _block(block: Block) -> str:
    kind, payload = block
    if kind in ("h1", "h2", "h3", "p"):
        return f"<{kind}>{escape(payload)}</{kind}>"
    if kind == "ul":
        return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in payload) + "</ul>"
    if kind == "pre":
        return f"<pre>{html_escape(payload)}</pre>"  # plan values in it were made plain
    if kind == "table":
        return _table(*payload)
    if kind == "heading":
        return f'<h{payload.level} id="{payload.anchor}">{escape(payload.text)}</h{payload.level}>'
    if kind == "links":
        return '<ul class="answer">' + "".join(f"<li>{_link(link)}</li>" for link in payload) + "</ul>"
    if kind == "light":
        light, text = payload
        return f"<p>{_cell(light)} {escape(text)}</p>"
    if kind == "details":
        summary, blocks = payload
        inner = "\n".join(_block(b) for b in blocks)
        return f"<details><summary>{escape(summary)}</summary>\n{inner}\n</details>"
    return '<div class="page-break"></div>'


def _link(link: Link) -> str:
    text = f'<a href="#{link.anchor}">{escape(link.text)}</a>' if link.anchor else escape(link.text)
    return f'<span class="light {link.light.status}"></span>{text}' if link.light else text


def _table(headings: list[str], rows: list[list[Cell]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headings) if any(headings) else ""
    body = "".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{'<thead><tr>' + head + '</tr></thead>' if head else ''}<tbody>{body}</tbody></table>"


def _cell(cell: Cell) -> str:
    if isinstance(cell, Light):
        return f'<span class="light {cell.status}">{ACTION_STATUS_LABELS[cell.status]}</span>'
    return escape(cell)


LAYOUT = Layout(plan_part, _opening, f"\n{_block(PAGE_BREAK)}\n", _closing, finish=placed)
