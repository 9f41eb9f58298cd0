// The catalogue of actions: each in plain English with its phases and dates, the
// practice's choice, and (once chosen) its parameters and its verdict.

import { h } from "./dom.js";
import { field, kind } from "./fields.js";

export function actionCard(action) {
  const chooseId = `choose-${action.id}`;
  return h("li", { class: "action", id: `action-${action.id}` },
    h("h3", { id: `title-${action.id}` }, action.title),
    h("p", { class: "wording" }, action.wording),
    h("p", { class: "meta" }, "On the BMA menu:"),
    h("ul", { class: "phases meta" }, action.phases.map((p) => h("li", {}, p.words))),
    h("div", { class: "checkbox choice" },
      h("input", { type: "checkbox", id: chooseId, dataset: { choose: action.id } }),
      h("label", { for: chooseId }, "The practice will take this action",
        h("span", { class: "visually-hidden" }, `: ${action.title}`))),
    h("div", { class: "params", id: `params-${action.id}`, hidden: true }, paramFields(action)),
    h("div", { class: "verdict", id: `verdict-${action.id}` }));
}

function paramFields(action) {
  return Object.entries(action.params || {})
    .filter(([, schema]) => kind(schema) && !["group", "list"].includes(kind(schema)))
    .map(([name, schema]) => field(schema, `p-${action.id}-${name}`, { action: action.id, param: name },
      schema.description || name));
}

// A new choice starts from each parameter's default, so the defaults are visible answers.
export function newEntry(action) {
  const entry = { id: action.id };
  for (const [name, schema] of Object.entries(action.params || {})) {
    if (schema && schema.default !== undefined) entry[name] = schema.default;
  }
  return entry;
}
