// Questions drawn from a JSON Schema node: a schema leaf's `description` is its question.
// No field is written by hand, so a new field in plan.schema.json appears by itself.

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

// `target` says where the answer goes: {pointer} for the plan, {action, param} for a parameter.
export function field(node, id, target, label) {
  const type = kind(node);
  const question = label || node.description || id;
  const path = target.pointer ? target.pointer.slice(1).replaceAll("/", ".") : target.param;
  const hint = h("p", { class: "hint", id: `${id}-hint` }, `In the plan file: ${path}`);
  const error = h("p", { class: "error-message", id: `${id}-error`, hidden: true });
  const described = `${id}-hint ${id}-error`;
  const data = target.pointer ? { pointer: target.pointer, kind: type } : { action: target.action, param: target.param, kind: type };
  if (type === "boolean" || type === "enum") {
    const choices = type === "boolean" ? [["true", "Yes"], ["false", "No"]] : node.enum.map((v) => [JSON.stringify(v), words(v)]);
    return choiceField(id, question, hint, error, described, data, choices);
  }
  if (type === "choices") return choicesField(id, question, hint, error, described, data, node.items.enum);
  const input = h("input", {
    id: `${id}-input`, name: id, class: "input", "aria-describedby": described, dataset: data,
    type: type === "date" ? "date" : "text",
    inputmode: type === "number" ? "numeric" : null,
    autocomplete: "off", spellcheck: type === "text" ? "true" : "false",
  });
  if (type === "number") input.classList.add("input-short");
  return h("div", { class: "field", id }, h("label", { for: `${id}-input` }, question), hint, error, input);
}

// Short closed lists are radios (one keystroke each); longer ones a select.
function choiceField(id, question, hint, error, described, data, choices) {
  if (choices.length > 4) {
    const select = h("select", { id: `${id}-input`, class: "select", "aria-describedby": described, dataset: data },
      h("option", { value: "" }, "Not answered"),
      choices.map(([value, text]) => h("option", { value }, text)));
    return h("div", { class: "field", id }, h("label", { for: `${id}-input` }, question), hint, error, select);
  }
  const options = [...choices, ["", "Not answered"]].map(([value, text], index) => {
    const optionId = `${id}-${index}`;
    return h("div", { class: "radio" },
      h("input", { type: "radio", id: optionId, name: id, value, dataset: data, "aria-describedby": described }),
      h("label", { for: optionId }, text));
  });
  return h("fieldset", { class: "field", id },
    h("legend", {}, question), hint, error, h("div", { class: "radios inline" }, options));
}

// A list of answers from a closed list (several overflow destinations): one checkbox each.
function choicesField(id, question, hint, error, described, data, values) {
  const boxes = values.map((value, index) => {
    const boxId = index === 0 ? `${id}-input` : `${id}-${index}`;
    return h("div", { class: "checkbox" },
      h("input", { type: "checkbox", id: boxId, name: id, value: JSON.stringify(value), dataset: data, "aria-describedby": described }),
      h("label", { for: boxId }, words(value)));
  });
  return h("fieldset", { class: "field", id },
    h("legend", {}, question), hint, error, h("div", { class: "checkboxes" }, boxes));
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
    return h("fieldset", { class: "list-item", id: idFor(itemPointer) },
      h("legend", {}, `${index + 1}${name}`), fields,
      h("button", { type: "button", class: "button secondary small", dataset: { remove: itemPointer } },
        `Remove item ${index + 1}${name}`));
  });
  return h("fieldset", { class: "field list", id, dataset: { list: pointer } },
    h("legend", {}, title),
    h("p", { class: "hint", id: `${id}-hint` }, `In the plan file: ${pointer.slice(1).replaceAll("/", ".")} (a list)`),
    h("p", { class: "error-message", id: `${id}-error`, hidden: true }),
    entries.length ? entries : h("p", {}, "None listed yet."),
    h("button", { type: "button", class: "button secondary", dataset: { add: pointer }, "aria-label": `Add to the list: ${title}` },
      "Add to the list"));
}
