// Verdicts as the server's evaluator gave them: this file only draws them.

import { h, idFor, longDate } from "./dom.js";

export function actionVerdict(verdict, asOf) {
  return [
    h("p", { class: `status status-${statusKey(verdict)}` },
      h("strong", { class: "badge" }, verdict.status_title), ` on ${longDate(asOf)}`),
    verdict.phase_note ? h("p", { class: "phase-note" }, verdict.phase_note) : null,
    verdict.findings.length + verdict.cautions.length === 0
      ? h("p", {}, "Nothing this action changes goes against a rule in effect on this date.") : null,
    [...verdict.findings, ...verdict.cautions].map(finding),
    verdict.instead ? insteadBox(verdict.instead) : null,
    timeline(verdict.timeline || []),
  ];
}

function statusKey(verdict) {
  return verdict.contested ? "contested" : verdict.status;
}

function readings(item) {
  if (!item.readings || !item.readings.length) return null;
  return h("div", { class: "readings" },
    h("p", {}, h("strong", {}, "Contested: the readings differ.")),
    item.readings.map((r) => h("p", {}, `${r.heading}: “${r.words}” `,
      r.sources.slice(0, 1).map((s) => h("a", { href: s.url, rel: "noreferrer noopener", target: "_blank" }, s.title)))),
    h("p", {}, h("strong", {}, item.readings[0].lmc)));
}

export function finding(item) {
  const body = item.outcome === "cannot_tell"
    ? [h("p", {}, "We cannot tell until you answer:"),
       h("ul", {}, item.missing.map((m) => h("li", {}, questionLink(m))))]
    : [h("p", {}, item.message)];
  const instead = item.remedy;
  return h("div", { class: `finding finding-${item.outcome}` },
    h("h4", {}, item.title),
    body,
    h("p", { class: "meta" }, `Severity: ${item.severity_words}.`),
    item.earliest_note ? h("p", { class: "meta" }, item.earliest_note) : null,
    item.sources.slice(0, 1).map((s) => h("p", { class: "meta" }, `Source (${s.confidence} confidence): `,
      s.url ? h("a", { href: s.url, rel: "noreferrer noopener", target: "_blank" }, s.title) : s.title)),
    readings(item),
    instead ? insteadBox(instead) : null);
}

function insteadBox(words) {
  return h("div", { class: "instead" }, h("p", {}, h("strong", {}, "What to do instead: "), words));
}

function questionLink(missing) {
  return h("a", { href: `#${idFor(missing.pointer)}`, class: "question-link", dataset: { focus: missing.pointer } },
    missing.question);
}

function timeline(changes) {
  if (!changes.length) {
    return h("p", { class: "meta timeline" }, "Dates ahead: no change to this verdict on any date the rules know.");
  }
  return h("div", { class: "timeline" }, h("p", {}, h("strong", {}, "Dates ahead when this verdict changes:")),
    h("ul", {}, changes.map((c) => h("li", {}, `From ${c.date_words}: ${c.status_words}`,
      c.menu ? `; ${c.menu}` : ""))));
}

export function practiceFindings(items) {
  if (!items.length) return [];
  return [h("h3", {}, "Already the case, whatever you choose"),
    h("p", {}, "These hold for the practice as it is now, before any action."), items.map(finding)];
}

// The statuses and their words come from the server's one table, in its order.
export function overall(assessment) {
  const count = assessment.actions.length;
  const note = assessment.unchecked_note ? ` ${assessment.unchecked_note}` : "";
  if (!count) return `No action chosen yet. Overall on ${assessment.as_of_words}: ${assessment.overall_words}.${note}`;
  const tally = assessment.action_statuses
    .map(([status, words]) => [status, words, assessment.actions.filter((a) => statusKey(a) === status).length])
    .filter(([status, , n]) => status !== "contested" || n > 0)
    .map(([, words, n]) => `${n} ${words}`);
  return `${count} action${count === 1 ? "" : "s"} on ${assessment.as_of_words}: ${tally.join(", ")}.${note}`;
}

// Each problem is shown at the question it concerns and listed in the summary above the form.
export function showProblems(problems, locate, onRemove) {
  document.querySelectorAll(".field-error").forEach((el) => el.classList.remove("field-error"));
  document.querySelectorAll(".error-message").forEach((el) => { el.hidden = true; el.textContent = ""; });
  document.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  const list = document.getElementById("error-list");
  list.replaceChildren(...problems.map((problem) => problemItem(problem, locate(problem.field), onRemove)));
  document.getElementById("error-summary").hidden = problems.length === 0;
}

// Sections and action cards have no message slot of their own until a problem needs one.
function errorSlot(container) {
  const slot = h("p", { class: "error-message" });
  const heading = container.querySelector(":scope > legend, :scope > h3");
  if (heading) heading.after(slot);
  else container.prepend(slot);
  return slot;
}

function problemItem(problem, container, onRemove) {
  const where = problem.line ? ` (line ${problem.line} of the file)` : "";
  const text = `${problem.message}${problem.hint ? `; ${problem.hint}` : ""}${where}`;
  if (container) {
    container.classList.add("field-error");
    const message = container.querySelector(":scope > .error-message") || errorSlot(container);
    message.textContent = (message.textContent ? message.textContent + " " : "Error: ") + text;
    message.hidden = false;
    container.querySelectorAll(":scope > input, :scope > select, :scope .radio input")
      .forEach((control) => control.setAttribute("aria-invalid", "true"));
    return h("li", {}, h("a", { href: `#${container.id}`, dataset: { focus: container.id } }, text));
  }
  const removable = ["unknown-key", "unknown-action", "duplicate-action"].includes(problem.code);
  return h("li", {}, text, removable
    ? h("button", { type: "button", class: "button secondary small", onclick: () => onRemove(problem) }, "Remove it from the plan")
    : null);
}
