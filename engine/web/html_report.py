"""The plan's report as one self-contained HTML page that prints cleanly on A4.

It formats ``verdicts.assessment_dict`` and decides nothing. No scripts, no external
assets: the file can be e-mailed to the partners and opened anywhere.
"""

from __future__ import annotations

from html import escape
from typing import Any

from engine import __version__
from engine.model import Assessment, RuleSet
from engine.report.common import ACTION_STATUSES, long_date
from engine.web.verdicts import assessment_dict

DISCLAIMER = "gpca is decision support, not legal advice. Check with your LMC before acting."
STATUS_LABELS = {status: said.title for status, said in ACTION_STATUSES.items()}
OVERALL_LABELS = {"no_risk": "No risk found", "risk": "Risk of breach",
                  "contested": "Risk of a notice (contested)",
                  "cannot_tell": "Cannot tell: some answers are missing"}  # fmt: skip
STYLE = """
@page { size: A4; margin: 16mm 15mm; }
body { font: 11pt/1.45 Arial, Helvetica, sans-serif; color: #212b32; max-width: 48rem;
       margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; } h2 { font-size: 1.25rem; margin: 1.5rem 0 .5rem;
  border-bottom: 2px solid #005eb8; } h3 { font-size: 1.05rem; margin: 0 0 .35rem; }
a { color: #005eb8; overflow-wrap: anywhere; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dl.meta dt { font-weight: bold; } dl.meta dd { margin: 0; }
.note { border-left: 6px solid #005eb8; background: #eef7ff; padding: .5rem .75rem; }
.action { border: 1px solid #aeb7bd; border-left-width: 8px; padding: .6rem .8rem;
          margin: 0 0 .8rem; break-inside: avoid; }
.action.safe { border-left-color: #007f3b; } .action.risk, .action.contested { border-left-color: #d5281b; }
.action.cannot_tell { border-left-color: #ffb81c; } .action.safe_with_cautions { border-left-color: #8a7300; }
.badge { display: inline-block; padding: 0 .4rem; font-weight: bold; border: 2px solid; }
.safe .badge { color: #00662f; } .risk .badge, .contested .badge { color: #b0201a; }
.cannot_tell .badge { color: #212b32; background: #fff3c4; }
.safe_with_cautions .badge { color: #212b32; background: #eef7e6; }
.finding { margin: .4rem 0 0 .2rem; break-inside: avoid; } .finding p { margin: .15rem 0; }
.small { font-size: .9rem; color: #4c6272; } ul { margin: .2rem 0; padding-left: 1.2rem; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  a { color: #212b32; text-decoration: none; }
  h2 { break-after: avoid; } .action, .finding { break-inside: avoid; }
}
"""


def render_html(assessment: Assessment, rules: RuleSet,
                timelines: dict[str, list[dict[str, Any]]]) -> str:  # fmt: skip
    data = assessment_dict(assessment, rules)
    practice = assessment.plan.practice
    name = str(practice.get("name") or "Unnamed practice")
    parts = [
        f"<h1>Collective-action plan: {escape(name)}</h1>",
        _meta(practice, data, rules),
        f'<p class="note">{escape(data["unchecked_note"])}</p>' if data["unchecked_note"] else "",
        f'<p class="note">{escape(DISCLAIMER)}</p>',
        "<h2>Your chosen actions</h2>",
        *(_action(a, timelines.get(a["id"], [])) for a in data["actions"]),
        "" if data["actions"] else "<p>The plan chooses no actions.</p>",
        "<h2>Already the case, whatever you choose</h2>",
        *(_finding(f) for f in data["practice"]),
        "" if data["practice"] else "<p>Nothing: the practice as it is meets every rule checked.</p>",
        _not_applicable(data["not_applicable"]),
    ]
    title = f"gpca report: {name}, {long_date(assessment.as_of)}"
    return (
        '<!doctype html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(part for part in parts if part)
        + "\n</main>\n</body>\n</html>\n"
    )


def _meta(practice: dict[str, Any], data: dict[str, Any], rules: RuleSet) -> str:
    rows = [
        ("ODS code", practice.get("ods_code") or "not given"),
        ("Contract", practice.get("contract") or "not given"),
        ("Registered patients", _number(practice.get("registered_patients"))),
        ("Assessed as of", data["as_of_words"]),
        ("Overall", OVERALL_LABELS["contested" if data["overall_contested"] else data["overall"]]),
        ("Rules version", f"gpca {__version__}, rules {rules.digest[:12] or 'unknown'}"),
    ]
    cells = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in rows)
    return f'<dl class="meta">{cells}</dl>'


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else "not given"


def _action(action: dict[str, Any], ahead: list[dict[str, Any]]) -> str:
    status = "contested" if action["contested"] else action["status"]
    lines = [
        f'<section class="action {status}">',
        f'<h3><span class="badge">{STATUS_LABELS[status]}</span> {escape(action["title"])}</h3>',
        f'<p class="small">Action id: {escape(action["id"])}</p>',
    ]
    if action["phase_note"]:
        lines.append(f"<p>{escape(action['phase_note'])}</p>")
    findings = action["findings"] + action["cautions"]
    if not findings:
        lines.append("<p>Nothing this action changes goes against a rule in effect on this date.</p>")
    lines += [_finding(f) for f in findings]
    if action["instead"]:
        lines.append(f"<p><strong>What to do instead:</strong> {escape(action['instead'])}</p>")
    lines.append(_timeline(ahead))
    lines.append("</section>")
    return "\n".join(lines)


def _finding(finding: dict[str, Any]) -> str:
    lines = ['<div class="finding">', f"<p><strong>{escape(finding['title'])}</strong> "
             f"<span class=\"small\">({escape(finding['rule_id'])})</span></p>"]  # fmt: skip
    if finding["outcome"] == "cannot_tell":
        questions = "".join(f"<li>{escape(m['question'])} <span class=\"small\">({escape(m['path'])})"
                            "</span></li>" for m in finding["missing"])  # fmt: skip
        lines.append(f"<p>We cannot tell until the plan answers:</p><ul>{questions}</ul>")
    elif finding["message"]:
        lines.append(f"<p>{escape(finding['message'])}</p>")
    lines.append(f"<p class=\"small\">Severity: {escape(finding['severity_words'])}</p>")
    if finding["earliest_note"]:
        lines.append(f"<p class=\"small\">{escape(finding['earliest_note'])}</p>")
    lines += [_source(source) for source in finding["sources"][:1]]
    lines += _readings(finding["readings"])
    if finding["remedy"]:
        lines.append(f"<p><strong>What to do instead:</strong> {escape(finding['remedy'])}</p>")
    lines.append("</div>")
    return "\n".join(lines)


def _readings(readings: list[dict[str, Any]]) -> list[str]:
    if not readings:
        return []
    lines = ["<p><strong>Contested: the readings differ.</strong></p>"]
    for reading in readings:
        lines.append(f"<p>{escape(reading['heading'])}: &ldquo;{escape(reading['words'])}&rdquo;</p>")
        lines += [_source(source) for source in reading["sources"][:1]]
    return lines + [f"<p><strong>{escape(readings[0]['lmc'])}</strong></p>"]


def _source(source: dict[str, Any]) -> str:
    url = escape(source["url"])
    where = f', <a href="{url}">{url}</a>' if url else " (gpca's own reading)"
    return f'<p class="small">Source ({escape(source["confidence"])} confidence): {escape(source["title"])}{where}</p>'



def _timeline(ahead: list[dict[str, Any]]) -> str:
    if not ahead:
        return '<p class="small">Dates ahead: no change to this verdict on any date the rules know.</p>'
    items = "".join(
        f"<li>From {escape(c['date_words'])}: {escape(c['status_words'])}"
        + (f"; {escape(c['menu'])}" if c["menu"] else "") + "</li>"
        for c in ahead
    )
    return f"<p><strong>Dates ahead when this verdict changes:</strong></p><ul>{items}</ul>"


def _not_applicable(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    items = "".join(f"<li>{escape(r['title'])}: {escape(r['reason'])}</li>" for r in rows)
    return f'<h2>Not applicable on this date</h2><ul class="small">{items}</ul>'
