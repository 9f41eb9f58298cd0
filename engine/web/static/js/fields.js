// Questions drawn from a JSON Schema node: a schema leaf's `description` is its question.
// No field is written by hand, so a new field in plan.schema.json appears by itself.
// The markup is the NHS design system's form group, radios, checkboxes, input and select.

import { h, idFor, words } from "./dom.js";

export function kind(node) {
  if (!node || typeof node !== "object") return null;
  if (node.deprecated) return null; // still read from old plans, never asked
  if (node.type === "boolean") return "boolean";
  if (Array.isArray(node.enum)) return "enum";
  if (node.type === "array" && node.items && Array.isArray(node.items.enum)) return "choices";
  if (Array.isArray(node.oneOf) || node.type === "integer" || node.type === "number") return "number";
  if (node.type === "string") return node.format === "date" ? "date" : "text";
  if (node.type === "object" && node.properties) return "group";
  if (node.type === "array" && node.items && node.items.properties) return "list";
  return null;
}

function errorMessage(id) {
  return h("span", { class: "nhsuk-error-message", id: `${id}-error`, hidden: true });
}

// `target` says where the answer goes: {pointer} for the plan, {action, param} for a parameter.
export function field(node, id, target, label) {
  const type = kind(node);
  const question = label || node.description || id;
  const data = target.pointer ? { pointer: target.pointer, kind: type } : { action: target.action, param: target.param, kind: type };
  if (type === "boolean" || type === "enum") {
    const choices = type === "boolean" ? [["true", "Yes"], ["false", "No"]] : node.enum.map((v) => [JSON.stringify(v), words(v)]);
    return choiceField(id, question, data, choices);
  }
  if (type === "choices") return choicesField(id, question, data, node.items.enum);
  const width = type === "number" ? "nhsuk-input--width-10" : type === "date" ? "nhsuk-input--width-10" : "";
  const input = h("input", {
    id: `${id}-input`, name: id, class: `nhsuk-input ${width}`.trim(), "aria-describedby": `${id}-error`, dataset: data,
    type: type === "date" ? "date" : "text",
    inputmode: type === "number" ? "numeric" : null,
    autocomplete: "off", spellcheck: type === "text" ? "true" : "false",
  });
  return h("div", { class: "nhsuk-form-group field", id },
    h("label", { class: "nhsuk-label", for: `${id}-input` }, question), errorMessage(id), input);
}

// Short closed lists are radios (one keystroke each); longer ones a select.
function choiceField(id, question, data, choices) {
  if (choices.length > 4) {
    const select = h("select", { id: `${id}-input`, class: "nhsuk-select", "aria-describedby": `${id}-error`, dataset: data },
      h("option", { value: "" }, "Not answered"),
      choices.map(([value, text]) => h("option", { value }, text)));
    return h("div", { class: "nhsuk-form-group field", id },
      h("label", { class: "nhsuk-label", for: `${id}-input` }, question), errorMessage(id), select);
  }
  const options = [...choices, ["", "Not answered"]].map(([value, text], index) => {
    const optionId = `${id}-${index}`;
    return h("div", { class: "nhsuk-radios__item" },
      h("input", { class: "nhsuk-radios__input", type: "radio", id: optionId, name: id, value, dataset: data }),
      h("label", { class: "nhsuk-label nhsuk-radios__label", for: optionId }, text));
  });
  return h("div", { class: "nhsuk-form-group field", id },
    h("fieldset", { class: "nhsuk-fieldset", "aria-describedby": `${id}-error` },
      h("legend", { class: "nhsuk-fieldset__legend nhsuk-fieldset__legend--s" }, question), errorMessage(id),
      h("div", { class: "nhsuk-radios nhsuk-radios--inline nhsuk-radios--small" }, options)));
}

// A list of answers from a closed list (several overflow destinations): one checkbox each.
function choicesField(id, question, data, values) {
  const boxes = values.map((value, index) => {
    const boxId = index === 0 ? `${id}-input` : `${id}-${index}`;
    return h("div", { class: "nhsuk-checkboxes__item" },
      h("input", { class: "nhsuk-checkboxes__input", type: "checkbox", id: boxId, name: id, value: JSON.stringify(value), dataset: data }),
      h("label", { class: "nhsuk-label nhsuk-checkboxes__label", for: boxId }, words(value)));
  });
  return h("div", { class: "nhsuk-form-group field", id },
    h("fieldset", { class: "nhsuk-fieldset", "aria-describedby": `${id}-error` },
      h("legend", { class: "nhsuk-fieldset__legend nhsuk-fieldset__legend--s" }, question), errorMessage(id),
      h("div", { class: "nhsuk-checkboxes nhsuk-checkboxes--small" }, boxes)));
}

export function read(control) {
  const type = control.dataset.kind;
  if (type === "choices") {
    const boxes = [...document.querySelectorAll(`input[type=checkbox][name="${control.name}"]`)];
    const chosen = boxes.filter((box) => box.checked).map((box) => JSON.parse(box.value));
    return chosen.length ? chosen : undefined;
  }
  if (control.type === "radio" || control.tagName === "SELECT") {
    const chosen = control.type === "radio" ? radioValue(control) : control.value;
    return chosen ? JSON.parse(chosen) : undefined;
  }
  const text = control.value.trim();
  if (text === "") return undefined;
  if (type === "number" && /^-?\d+$/.test(text)) return Number(text);
  return text;
}

function radioValue(control) {
  const checked = control.form
    ? [...control.form.querySelectorAll(`input[type=radio][name="${control.name}"]`)].find((r) => r.checked)
    : control.checked && control;
  return checked ? checked.value : "";
}

export function write(control, value) {
  const missing = value === undefined || value === null;
  if (control.dataset.kind === "choices") control.checked = Array.isArray(value) && value.includes(JSON.parse(control.value));
  else if (control.type === "radio") control.checked = missing ? control.value === "" : control.value === JSON.stringify(value);
  else if (control.tagName === "SELECT") control.value = missing ? "" : JSON.stringify(value);
  else if (document.activeElement !== control) control.value = missing ? "" : String(value);
}

// A list of records (data sharing agreements, services): one fieldset per item.
export function listField(node, pointer, items) {
  const id = idFor(pointer);
  const title = node.description || pointer;
  const entries = (Array.isArray(items) ? items : []).map((item, index) => {
    const itemPointer = `${pointer}/${index}`;
    const name = item && typeof item === "object" && item.name ? `: ${item.name}` : "";
    const fields = Object.entries(node.items.properties).map(([key, child]) =>
      kind(child) && !["group", "list"].includes(kind(child))
        ? field(child, idFor(`${itemPointer}/${key}`), { pointer: `${itemPointer}/${key}` }) : null);
    // Each item is folded away under its name, the way "check your answers" lists them;
    // a new item, with no name yet, opens to be filled in.
    return h("details", { class: "nhsuk-details planner-list-item", id: idFor(itemPointer), open: !name },
      h("summary", { class: "nhsuk-details__summary" },
        h("span", { class: "nhsuk-details__summary-text" }, `${index + 1}${name || ": not named yet"}`)),
      h("div", { class: "nhsuk-details__text" }, fields,
        h("button", { type: "button", class: "nhsuk-button nhsuk-button--secondary nhsuk-button--small", dataset: { remove: itemPointer } },
          `Remove ${index + 1}${name}`)));
  });
  return h("div", { class: "nhsuk-form-group field list", id, dataset: { list: pointer } },
    h("fieldset", { class: "nhsuk-fieldset" },
      h("legend", { class: "nhsuk-fieldset__legend nhsuk-fieldset__legend--s" }, title),
      errorMessage(id),
      entries.length ? entries : h("p", { class: "nhsuk-body" }, "None listed yet."),
      h("button", { type: "button", class: "nhsuk-button nhsuk-button--secondary nhsuk-button--small", dataset: { add: pointer } },
        "Add one", h("span", { class: "nhsuk-u-visually-hidden" }, ` to the list: ${title}`))));
}
