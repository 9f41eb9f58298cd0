// The planner page: draws the form from the catalogue, keeps the plan in the browser
// and asks the server for verdicts as the practice answers.

import { actionCard, newEntry } from "./actions.js";
import { h, idFor, reveal } from "./dom.js";
import { field, kind, listField, read, write } from "./fields.js";
import { bindFiles, post } from "./files.js";
import * as state from "./state.js";
import { announcement, statusesOf } from "./announce.js";
import { actionVerdict, answerRows, checklist, datesAhead, overallLine, practiceFindings, showProblems } from "./verdicts.js";

const page = {
  catalogue: null, plan: null, needed: new Set(), forced: new Set(), timer: null, sequence: 0,
  assessment: null, statuses: undefined, everyAction: false,
};
const $ = (id) => document.getElementById(id);

async function start() {
  const response = await fetch("/api/catalogue");
  page.catalogue = await response.json();
  page.plan = state.restore(page.catalogue.today);
  $("version").textContent = `gpca ${page.catalogue.gpca_version}, rules ${page.catalogue.rules_digest.slice(0, 12)}`;
  drawForm();
  fillForm();
  bindEvents();
  bindFiles(page, { replacePlan, showProblems: show, setStatus });
  await refresh();
}

function drawForm() {
  const schema = page.catalogue.schema.properties;
  const practice = Object.entries(schema.practice.properties).map(([key, node]) => leaf(node, `/practice/${key}`));
  $("practice-fields").replaceChildren(...practice, leaf(schema.assessed_on, "/assessed_on"));
  $("actions").replaceChildren(...page.catalogue.actions.map(actionCard));
  const sections = Object.entries(schema.setup.properties).map(([key, node]) =>
    kind(node) === "group"
      ? h("fieldset", { class: "nhsuk-fieldset section", id: idFor(`/setup/${key}`) },
        h("legend", { class: "nhsuk-fieldset__legend nhsuk-fieldset__legend--m" }, node.description || key),
        Object.entries(node.properties).map(([name, child]) => leaf(child, `/setup/${key}/${name}`)))
      : leaf(node, `/setup/${key}`));
  $("setup-fields").replaceChildren(...sections.filter(Boolean));
}

function leaf(node, pointer) {
  if (kind(node) === "list") return h("div", { class: "list-slot", dataset: { slot: pointer } });
  return kind(node) ? field(node, idFor(pointer), { pointer }) : null;
}

function drawLists() {
  document.querySelectorAll("[data-slot]").forEach((slot) => {
    const pointer = slot.dataset.slot;
    const node = state.parts(pointer).reduce((n, key) => n.properties[key], page.catalogue.schema);
    slot.replaceChildren(listField(node, pointer, state.get(page.plan, pointer)));
  });
}

// Puts every answer of the plan into the form, after a restore or an upload.
function fillForm() {
  drawLists();
  document.querySelectorAll("[data-pointer]").forEach((c) => write(c, state.get(page.plan, c.dataset.pointer)));
  for (const action of page.catalogue.actions) {
    const index = state.chosenIndex(page.plan, action.id);
    $(`choose-${action.id}`).checked = index >= 0;
    $(`action-${action.id}`).classList.toggle("chosen", index >= 0);
    $(`params-${action.id}`).hidden = index < 0;
    $(`params-${action.id}`).querySelectorAll("[data-param]").forEach((c) =>
      write(c, index >= 0 ? page.plan.actions[index][c.dataset.param] : undefined));
    if (index < 0) $(`verdict-${action.id}`).replaceChildren();
  }
  showChosen();
}

// Once an action is chosen, only the chosen ones are shown; the others are one click away.
function showChosen() {
  const any = state.chosenIds(page.plan).length > 0;
  const onlyChosen = any && !page.everyAction;
  $("actions").classList.toggle("only-chosen", onlyChosen);
  $("show-every-action").hidden = !any;
  $("show-every-action").setAttribute("aria-expanded", String(!onlyChosen));
  $("show-every-action").textContent = onlyChosen
    ? `Show every action (${page.catalogue.actions.length})` : "Show only the chosen actions";
}

function bindEvents() {
  const form = $("plan-form");
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("input", (event) => answered(event.target));
  form.addEventListener("change", (event) => answered(event.target));
  form.addEventListener("click", clicked);
  for (const id of ["error-summary", "answer", "questions"]) $(id).addEventListener("click", clicked);
  $("show-all").addEventListener("change", showQuestions);
  $("show-every-action").addEventListener("click", () => { page.everyAction = !page.everyAction; showChosen(); });
  $("dates-ahead").addEventListener("toggle", showDatesAhead);
}

function answered(control) {
  if (control.dataset.choose) return choose(control.dataset.choose, control.checked);
  const pointer = control.dataset.param ? paramPointer(control) : control.dataset.pointer;
  if (!pointer) return;
  const value = read(control);
  if (value === undefined) state.unset(page.plan, pointer);
  else state.set(page.plan, pointer, value);
  changed();
}

function paramPointer(control) {
  const index = state.chosenIndex(page.plan, control.dataset.action);
  return index < 0 ? null : `/actions/${index}/${control.dataset.param}`;
}

function choose(actionId, chosen) {
  if (!Array.isArray(page.plan.actions)) page.plan.actions = [];
  const index = state.chosenIndex(page.plan, actionId);
  const action = page.catalogue.actions.find((a) => a.id === actionId);
  if (chosen && index < 0) page.plan.actions.push(newEntry(action));
  if (!chosen && index >= 0) page.plan.actions.splice(index, 1);
  fillForm();
  changed();
}

function clicked(event) {
  const target = event.target.closest("[data-add], [data-remove], [data-focus]");
  if (!target) return;
  event.preventDefault();
  if (target.dataset.focus) return focusQuestion(target.dataset.focus);
  if (target.dataset.add) {
    const list = state.get(page.plan, target.dataset.add);
    const index = Array.isArray(list) ? list.length : 0;
    state.set(page.plan, `${target.dataset.add}/${index}`, {});
    fillForm();
    focusQuestion(`${target.dataset.add}/${index}/name`);
  } else {
    const listPointer = target.dataset.remove.replace(/\/\d+$/, "");
    state.unset(page.plan, target.dataset.remove);
    fillForm();
    focusQuestion(listPointer);
  }
  changed();
}

// Moves to a question, showing it first if it was hidden; `to` is a pointer or an id.
function focusQuestion(to) {
  if (to.startsWith("/")) {
    for (let p = to; p; p = p.replace(/\/[^/]*$/, "")) page.forced.add(p);
  }
  if (to.startsWith("action-") && $(to)) {
    $(to).scrollIntoView({ block: "start" });
    return $(`title-${to.slice(7)}`).focus();
  }
  showQuestions();
  const container = to.startsWith("/") ? locate(to) : $(to);
  if (!container) return;
  if (container.tagName === "H2") {
    container.scrollIntoView({ block: "start" });
    container.setAttribute("tabindex", "-1");
    return container.focus();
  }
  const control = container.querySelector("input:checked, input:not([type=radio]), select, input, button");
  reveal(container);
  container.scrollIntoView({ block: "center" });
  (control || container).focus();
}

function changed() {
  state.save(page.plan);
  showQuestions();
  clearTimeout(page.timer);
  page.sequence += 1; // an answer in flight is out of date now
  $("actions").setAttribute("aria-busy", "true");
  closeDatesAhead();
  page.timer = setTimeout(refresh, 250);
}

function showQuestions() {
  const all = $("show-all").checked;
  const questions = new Map(); // each question's container, once however many controls it has
  document.querySelectorAll("#setup-fields [data-pointer], #setup-fields [data-list]").forEach((control) => {
    const container = control.closest(".field");
    if (control.dataset.pointer && container.closest(".list")) return;
    questions.set(container, control.dataset.list || control.dataset.pointer);
  });
  let shown = 0;
  let kept = 0;
  questions.forEach((pointer, container) => {
    const visible = all || page.needed.has(pointer) || page.forced.has(pointer);
    container.hidden = !visible;
    shown += visible ? 1 : 0;
    kept += !visible && state.get(page.plan, pointer) !== undefined ? 1 : 0;
  });
  $("other-answers").hidden = kept === 0;
  $("other-answers").textContent = `Your plan has ${kept} other ${kept === 1 ? "answer" : "answers"} that your chosen actions `
    + "do not need on this date. They are kept in the plan; show every set-up question to see them.";
  document.querySelectorAll("#setup-fields .section").forEach((section) => {
    section.hidden = !section.querySelector(":scope > .field:not([hidden]), :scope > .list-slot > .field:not([hidden])");
  });
  $("no-questions").hidden = shown > 0;
}

async function refresh() {
  const sequence = ++page.sequence;
  $("actions").setAttribute("aria-busy", "true");
  let reply;
  try {
    const response = await post("/api/assess", page.plan);
    reply = await response.json();
  } catch (error) {
    $("actions").removeAttribute("aria-busy");
    return setStatus("The planner could not reach gpca. Your answers are kept in this browser; is gpca serve still running?");
  }
  if (sequence !== page.sequence) return; // a later answer has already been sent
  $("actions").removeAttribute("aria-busy");
  page.needed = new Set(reply.needed || []);
  showQuestions();
  show(reply.problems || []);
  drawVerdicts(reply.assessment, reply.left_out, reply.checklist);
}

// Every verdict on the page is redrawn or cleared in the same render: a badge from an
// earlier answer must never stand beside a plan it was not given for.
function drawVerdicts(assessment, leftOut, checklist) {
  const drawn = new Map((assessment ? assessment.actions : []).map((v) => [v.id, v]));
  document.querySelectorAll(".verdict").forEach((slot) => {
    const verdict = drawn.get(slot.id.replace(/^verdict-/, ""));
    slot.replaceChildren(...(verdict ? present(actionVerdict(verdict, assessment.as_of)) : []));
  });
  page.assessment = assessment;
  closeDatesAhead();
  drawAnswer(assessment, leftOut, checklist);
  $("practice-findings").replaceChildren(...(assessment ? present(practiceFindings(assessment.practice)) : []));
  const statuses = statusesOf(assessment);
  const said = announcement(page.statuses, statuses);
  if (said) $("announcer").textContent = said; // silent when nothing changed
  page.statuses = statuses;
}

function drawAnswer(assessment, leftOut, checklist) {
  const rows = assessment ? answerRows(assessment) : [];
  $("answer-actions").replaceChildren(...rows);
  $("answer-actions").hidden = rows.length === 0;
  $("dates-ahead").hidden = rows.length === 0;
  if (!assessment) {
    $("overall").textContent = "No verdict yet: put right the problem listed at the top of the page.";
    $("questions-count").hidden = true;
    $("answer-note").replaceChildren();
    $("questions").hidden = true;
    return;
  }
  const chosen = assessment.actions.length ? "" : " No action chosen yet: choose your actions in section 2.";
  $("overall").textContent = `${overallLine(assessment)}.${chosen}`;
  const notes = [assessment.unchecked_note,
    leftOut ? "Answers with a problem, listed at the top of the page, are left out until put right: they count as not yet answered." : ""];
  $("answer-note").replaceChildren(...notes.filter(Boolean).map((note) =>
    h("div", { class: "nhsuk-inset-text" }, h("span", { class: "nhsuk-u-visually-hidden" }, "Information: "), h("p", {}, note))));
  const open = drawChecklist(checklist || []);
  $("questions-count").hidden = false;
  $("questions-count").replaceChildren(open === 0 ? "No questions left to answer."
    : h("a", { href: "#questions", dataset: { focus: "questions-title" } },
      `${open} ${open === 1 ? "question" : "questions"} still to answer`));
}

// "Questions still to answer": one grouped checklist, each question once, in the plan's order.
function drawChecklist(groups) {
  $("checklist").replaceChildren(...present(checklist(groups)));
  const open = groups.reduce((sum, group) => sum + group.questions.length, 0);
  $("questions").hidden = open === 0;
  return open;
}

function closeDatesAhead() {
  $("dates-ahead").open = false;
  $("dates-ahead-text").replaceChildren();
}

// The dates ahead cost many assessments, so they are asked for only when opened.
async function showDatesAhead() {
  if (!$("dates-ahead").open || !page.assessment) return;
  const sequence = page.sequence;
  $("dates-ahead-text").replaceChildren(h("p", {}, "Working out the dates ahead…"));
  let reply;
  try {
    reply = await (await post("/api/timeline", page.plan)).json();
  } catch (error) {
    return $("dates-ahead-text").replaceChildren(h("p", {}, "The planner could not reach gpca. Try again."));
  }
  if (sequence !== page.sequence || !reply.timelines) return; // the plan changed meanwhile
  $("dates-ahead-text").replaceChildren(...present(datesAhead(page.assessment, reply.timelines)));
}

function present(nodes) {
  return nodes.flat(Infinity).filter((node) => node !== null && node !== undefined);
}

function show(problems) {
  problems.forEach((problem) => { if (problem.field) page.forced.add(problem.field); });
  showQuestions();
  showProblems(problems, locate, removeProblem);
}

// The form element of a problem's field: /actions/N/param is shown on its action's card.
function locate(pointer) {
  const match = /^\/actions\/(\d+)(?:\/(.+))?$/.exec(pointer || "");
  if (match) {
    const entry = (page.plan.actions || [])[Number(match[1])];
    const id = entry && entry.id;
    return (match[2] && $(`p-${id}-${match[2]}`)) || $(`action-${id}`) || null;
  }
  for (let p = pointer || ""; p; p = p.replace(/\/[^/]*$/, "")) {
    const element = $(idFor(p));
    if (element) return element;
  }
  return null;
}

function removeProblem(problem) {
  const pointer = /^\/actions\/\d+/.exec(problem.pointer);
  state.unset(page.plan, pointer ? pointer[0] : problem.pointer);
  fillForm();
  changed();
}

function replacePlan(plan) {
  page.plan = plan;
  page.forced.clear();
  state.save(page.plan);
  fillForm();
  showQuestions();
  return refresh();
}

function setStatus(text) {
  $("status").textContent = text;
}

start().catch(() => setStatus("The planner could not start: is gpca serve running?"));
