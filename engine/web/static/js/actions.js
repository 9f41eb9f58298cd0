// The catalogue of actions: each in plain English with its phases and dates, the
// practice's choice, and (once chosen) its parameters and its verdict.

import { details, h } from "./dom.js";
import { field, kind } from "./fields.js";

export function actionCard(action) {
  const chooseId = `choose-${action.id}`;
  return h("li", { class: "nhsuk-card planner-action", id: `action-${action.id}` },
    h("div", { class: "nhsuk-card__content" },
      h("h3", { class: "nhsuk-card__heading nhsuk-heading-s", id: `title-${action.id}`, tabindex: "-1" }, action.title),
      h("div", { class: "nhsuk-checkboxes" },
        h("div", { class: "nhsuk-checkboxes__item" },
          h("input", { class: "nhsuk-checkboxes__input", type: "checkbox", id: chooseId, dataset: { choose: action.id } }),
          h("label", { class: "nhsuk-label nhsuk-checkboxes__label", for: chooseId }, "The practice will take this action",
            h("span", { class: "nhsuk-u-visually-hidden" }, `: ${action.title}`)))),
      details("What this action is", [
        h("p", {}, action.wording),
        h("p", {}, "On the BMA menu:"),
        h("ul", {}, action.phases.map((p) => h("li", {}, p.words))),
      ]),
      h("div", { class: "verdict", id: `verdict-${action.id}` }),
      h("div", { class: "planner-params", id: `params-${action.id}`, hidden: true }, paramFields(action))));
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
