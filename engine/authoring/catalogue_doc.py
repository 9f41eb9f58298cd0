"""docs/rules.md, the rule catalogue, generated from the rule files (`gpca docs`).

tests/test_docs.py fails when the committed file differs from what this renders.
"""

from __future__ import annotations

from engine.advice.words import SEVERITY_WORDS, periods_words, reading_heading
from engine.core.model import Action, Constraint, DataFlow, RuleSet, Source
from engine.core.readings import is_contested, readings_in_order

HEADER = """# Rule catalogue

Generated from the rule files by `gpca docs`; do not edit by hand (the tests check that
it is up to date). Each rule's file is the authority; `gpca rules ID` shows one in full.
gpca is decision support, not legal advice.
"""


def render_catalogue(rules: RuleSet) -> str:
    parts = [HEADER, "## Constraints", "", _constraint_table(rules.constraints)]
    parts += [_constraint_entry(rule) for rule in rules.constraints]
    parts += ["## Actions", "", _action_table(rules.actions)]
    parts += [_action_entry(action) for action in rules.actions]
    parts += ["## Data flows every practice has", "", FLOWS_NOTE, _flow_table(rules.flows)]
    return "\n".join(parts).rstrip() + "\n"


FLOWS_NOTE = """Every plan holds these, listed or not (`rules/data-flows/`; a local pack may add its
own): each joins `setup.data_sharing`, continuing, on the dates it is in effect, unless the
plan lists an item with its id as `flow`. A withdrawal or freeze that reaches one risks breach.
"""


def _flow_table(flows: tuple[DataFlow, ...]) -> str:
    rows = ["| id | name | legal basis | purpose | in effect | sources | pack |",
            "|---|---|---|---|---|---|---|"]
    rows += [f"| `{f.id}` | {_cell(f.name)} | {f.legal_basis} | {f.purpose} | {_cell(periods_words(f.effective))} | "
             f"{'; '.join(f'[{_cell(s.title)}]({s.url}) ({s.confidence})' for s in f.sources)} | {f.pack} |"
             for f in flows]  # fmt: skip
    return "\n".join(rows) + "\n"


def _constraint_table(constraints: tuple[Constraint, ...]) -> str:
    rows = ["| id | ref | severity | in effect | pack |", "|---|---|---|---|---|"]
    rows += [f"| [`{c.id}`](#{c.id}) | {c.ref} | {c.severity} | {_cell(periods_words(c.effective))} | {c.pack} |"
             for c in constraints]  # fmt: skip
    return "\n".join(rows) + "\n"


def _constraint_entry(rule: Constraint) -> str:
    lines = [f"### {rule.id}", "", f"**{_text(rule.title)}** ({rule.ref}; {rule.force}; "
             f"{SEVERITY_WORDS[rule.severity]}). In effect {periods_words(rule.effective)}.", "",
             f"- Fails when: {_text(rule.message)}", f"- Remedy: {_text(rule.remedy)}"]  # fmt: skip
    lines += [_source_line(source) for source in rule.sources]
    if rule.readings:
        lines.append("- Readings (contested: risks a notice):" if is_contested(rule) else "- Readings:")
        lines += [f"  - {_text(reading_heading(r))}: \"{_text(r.words)}\" ([source]({r.sources[0].url}))"
                  for r in readings_in_order(rule)]  # fmt: skip
    return "\n".join(lines) + "\n"


def _action_table(actions: tuple[Action, ...]) -> str:
    rows = ["| id | title | bears on | pack |", "|---|---|---|---|"]
    rows += [f"| [`{a.id}`](#{a.id}) | {_cell(a.title)} | {', '.join(a.bears_on)} | {a.pack} |" for a in actions]
    return "\n".join(rows) + "\n"


def _action_entry(action: Action) -> str:
    lines = [f"### {action.id}", "", f"**{_text(action.title)}**. {_text(action.wording)}", ""]
    lines += [f"- {phase.status} from {phase.start}" + (f" to {phase.end}" if phase.end else "") + f": {_text(phase.name)}"
              for phase in action.phases]  # fmt: skip
    lines.append(f"- Instead: {_text(action.instead)}" if action.instead else "- Instead: (none given)")
    lines += [_source_line(source) for source in action.sources]
    return "\n".join(lines) + "\n"


def _source_line(source: Source) -> str:
    if not source.url:
        return f"- Inference ({source.confidence} confidence), gpca's own reading: {_text(' '.join(source.quote.split()))}"
    return f"- Source ({source.confidence} confidence): [{_text(source.title)}]({source.url})"


def _text(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _text(text).replace("|", "\\|")
