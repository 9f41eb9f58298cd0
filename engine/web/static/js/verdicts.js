// Verdicts as the server's evaluator gave them: this file only draws them, with the NHS
// design system's tags, summary list, inset text and details.

import { details, h, idFor, longDate, reveal, tag } from "./dom.js";

export function actionVerdict(verdict, asOf) {
  const fails = verdict.findings.filter((f) => f.outcome === "fail");
  const questions = missingQuestions(verdict.findings);
  return [
    h("p", { class: "status" }, tag(verdict.status_label, verdict.light), ` on ${longDate(asOf)}`),
    verdict.phase_note ? h("div", { class: "nhsuk-inset-text" }, h("p", {}, verdict.phase_note)) : null,
    verdict.findings.length + verdict.cautions.length === 0
      ? h("p", {}, "Nothing this action changes goes against a rule in effect on this date.") : null,
    fails.map(said),
    verdict.instead ? insteadBox(verdict.instead) : null,
    verdict.cautions.length ? [h("p", { class: "nhsuk-u-font-weight-bold" }, "Cautions"), verdict.cautions.map(said)] : null,
    questions.length ? [h("p", {}, "We cannot tell until you answer:"),
      h("ul", {}, questions.map((m) => h("li", {}, questionLink(m))))] : null,
    verdict.findings.length + verdict.cautions.length
      ? details("The rules behind this verdict", [...verdict.findings, ...verdict.cautions].map(ruleDetail)) : null,
  ];
}

// One line a finding: what is wrong, and (if the action says nothing of its own) what to do.
function said(finding) {
  return h("div", { class: "planner-finding" },
    h("h4", { class: "nhsuk-heading-xs" }, finding.title),
    h("p", {}, finding.message),
    finding.remedy ? insteadBox(finding.remedy) : null);
}

export function missingQuestions(findings) {
  const seen = new Map();
  findings.filter((f) => f.outcome === "cannot_tell")
    .forEach((f) => f.missing.forEach((m) => seen.has(m.pointer) || seen.set(m.pointer, m)));
  return [...seen.values()];
}

const OUTCOME_WORDS = { fail: "goes against it", cannot_tell: "cannot tell yet", pass: "meets it" };

function ruleDetail(item) {
  return h("div", { class: "planner-rule" },
    h("h4", { class: "nhsuk-heading-xs" }, item.title),
    h("p", { class: "nhsuk-body-s" }, `This plan ${OUTCOME_WORDS[item.outcome] || item.outcome}. Severity: ${item.severity_words}.`),
    item.earliest_note ? h("p", { class: "nhsuk-body-s" }, item.earliest_note) : null,
    item.sources.slice(0, 1).map((s) => h("p", { class: "nhsuk-body-s" }, `Source (${s.confidence} confidence): `,
      s.url ? h("a", { href: s.url, rel: "noreferrer noopener", target: "_blank" }, s.title) : s.title)),
    readings(item));
}

function readings(item) {
  if (!item.readings || !item.readings.length) return null;
  return h("div", { class: "planner-readings" },
    h("p", { class: "nhsuk-body-s" }, h("strong", {}, "Contested: the readings differ.")),
    item.readings.map((r) => h("p", { class: "nhsuk-body-s" }, `${r.heading}: “${r.words}” `,
      r.sources.slice(0, 1).map((s) => h("a", { href: s.url, rel: "noreferrer noopener", target: "_blank" }, s.title)))),
    h("p", { class: "nhsuk-body-s" }, h("strong", {}, item.readings[0].lmc)));
}

function insteadBox(words) {
  return h("div", { class: "nhsuk-inset-text planner-instead" },
    h("span", { class: "nhsuk-u-visually-hidden" }, "Information: "),
    h("p", {}, h("strong", {}, "What to do instead: "), words));
}

export function questionLink(missing) {
  return h("a", { href: `#${idFor(missing.pointer)}`, class: "question-link", dataset: { focus: missing.pointer } },
    missing.question);
}

// The top of the page: the overall verdict in gpca check's words, one row a chosen action.
export function answerRows(assessment) {
  return assessment.actions.map((v) => h("div", { class: "nhsuk-summary-list__row" },
    h("dt", { class: "nhsuk-summary-list__key" },
      h("a", { href: `#action-${v.id}`, dataset: { focus: `action-${v.id}` } }, v.title)),
    h("dd", { class: "nhsuk-summary-list__value" }, tag(v.status_label, v.light))));
}

export function overallLine(assessment) {
  return `Overall on ${assessment.as_of_words}: ${assessment.overall_label}`;
}

export function practiceFindings(items) {
  const fails = items.filter((i) => i.outcome === "fail");
  const undecided = items.filter((i) => i.outcome === "cannot_tell");
  if (!items.length) return [];
  return [h("h3", { class: "nhsuk-heading-s" }, "Already the case, whatever you choose"),
    fails.length ? [h("p", {}, "These hold for the practice as it is now, before any action."), fails.map(said)] : null,
    undecided.length ? h("p", {}, `${undecided.length} more ${undecided.length === 1 ? "rule" : "rules"} cannot be judged yet: `,
      h("a", { href: "#questions" }, "the questions still to answer"), " settle them.") : null,
    details("The rules behind these", items.map(ruleDetail))];
}

// The checklist as the NHS design system's task list: a group a part of the plan, each
// question a link to it, with the actions waiting on it.
export function checklist(groups) {
  return groups.map((group, g) => [
    h("h3", { class: "nhsuk-heading-s" }, group.title),
    h("ul", { class: "nhsuk-task-list" }, group.questions.map((q, i) => {
      const id = `checklist-${g}-${i}`;
      const waiting = q.actions.length ? `For: ${q.actions.join("; ")}` : "For the practice as it is now";
      return h("li", { class: "nhsuk-task-list__item nhsuk-task-list__item--with-link" },
        h("div", { class: "nhsuk-task-list__name-and-hint" },
          h("a", { class: "nhsuk-link nhsuk-task-list__link question-link", href: `#${idFor(q.pointer)}`,
            "aria-describedby": `${id}-hint ${id}-status`, dataset: { focus: q.pointer } }, q.question),
          h("div", { class: "nhsuk-task-list__hint", id: `${id}-hint` }, waiting)),
        h("div", { class: "nhsuk-task-list__status", id: `${id}-status` },
          h("strong", { class: "nhsuk-tag nhsuk-tag--blue" }, "Not answered")));
    })),
  ]);
}

// The dates ahead, asked for when the practice opens "When these verdicts change".
export function datesAhead(assessment, timelines) {
  const rows = assessment.actions.map((v) => {
    const changes = timelines[v.id] || [];
    return h("div", { class: "planner-dates" }, h("h3", { class: "nhsuk-heading-xs" }, v.title),
      changes.length
        ? h("ul", {}, changes.map((c) => h("li", {}, `From ${c.date_words}: `,
          c.menu ? `${c.menu} (${c.status_words})` : c.status_words)))
        : h("p", {}, "No change on any date the rules know."));
  });
  return rows.length ? rows : [h("p", {}, "Choose an action to see when its verdict changes.")];
}

// Each problem is shown at the question it concerns and listed in the summary above the form.
export function showProblems(problems, locate, onRemove) {
  document.querySelectorAll(".nhsuk-form-group--error").forEach((el) => el.classList.remove("nhsuk-form-group--error"));
  document.querySelectorAll(".nhsuk-input--error, .nhsuk-select--error").forEach((el) =>
    el.classList.remove("nhsuk-input--error", "nhsuk-select--error"));
  document.querySelectorAll(".nhsuk-error-message").forEach((el) => { el.hidden = true; el.replaceChildren(); });
  document.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  const list = document.getElementById("error-list");
  list.replaceChildren(...problems.map((problem) => problemItem(problem, locate(problem.field), onRemove)));
  document.getElementById("error-summary").hidden = problems.length === 0;
}

const OWN_MESSAGE = ":scope > .nhsuk-error-message, :scope > fieldset > .nhsuk-error-message, "
  + ":scope > .nhsuk-card__content > .nhsuk-error-message";

// Sections and action cards have no message slot of their own until a problem needs one.
function errorSlot(container) {
  const slot = h("span", { class: "nhsuk-error-message" });
  const heading = container.querySelector(":scope > legend, :scope > .nhsuk-card__content > h3");
  if (heading) heading.after(slot);
  else container.prepend(slot);
  return slot;
}

function problemItem(problem, container, onRemove) {
  const where = problem.line && !/^Line \d+:/.test(problem.message) ? ` (line ${problem.line} of the file)` : "";
  const text = `${problem.message}${where}`;
  if (container) {
    reveal(container);
    const group = container.classList.contains("nhsuk-form-group") ? container : null;
    if (group) group.classList.add("nhsuk-form-group--error");
    const message = container.querySelector(OWN_MESSAGE) || errorSlot(container);
    const said = message.hidden ? text : `${message.dataset.text} ${text}`;
    message.dataset.text = said;
    message.replaceChildren(h("span", { class: "nhsuk-u-visually-hidden" }, "Error:"), ` ${said}`);
    message.hidden = false;
    container.querySelectorAll(".nhsuk-input, .nhsuk-select, .nhsuk-radios__input, .nhsuk-checkboxes__input:not([data-choose])")
      .forEach((control) => {
        control.setAttribute("aria-invalid", "true");
        if (control.classList.contains("nhsuk-input")) control.classList.add("nhsuk-input--error");
        if (control.classList.contains("nhsuk-select")) control.classList.add("nhsuk-select--error");
      });
    return h("li", {}, h("a", { href: `#${container.id}`, dataset: { focus: container.id } }, text));
  }
  const removable = ["unknown-key", "unknown-action", "duplicate-action"].includes(problem.code);
  return h("li", {}, text, removable
    ? h("button", { type: "button", class: "nhsuk-button nhsuk-button--secondary nhsuk-button--small planner-remove", onclick: () => onRemove(problem) }, "Remove it from the plan")
    : null);
}
