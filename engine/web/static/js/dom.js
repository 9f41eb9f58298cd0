// A small helper to build elements without writing HTML strings (so nothing is
// ever interpreted as markup), and the words shown for schema values.

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function idFor(pointer) {
  return "q" + pointer.replaceAll("/", "-");
}

const WORDS = {
  nhs111: "NHS 111", nhs: "NHS", gp: "GP", ers: "e-RS", les: "LES", des: "DES",
  dpn: "DPN", icb: "ICB", usc: "USC", oc: "online consultation", pcn: "PCN",
  medopt: "medicines optimisation", caip: "CAIP", cbt: "CBT", nhse: "NHS England",
};

// 'statutory_dpn' -> 'Statutory DPN'; the raw value is what the plan file holds.
export function words(value) {
  const text = String(value).split("_").map((word) => WORDS[word] || word).join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function longDate(iso) {
  const day = new Date(iso + "T00:00:00Z");
  if (Number.isNaN(day.getTime())) return iso;
  return day.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

// The NHS design system's details component: a summary that opens to show more.
export function details(summary, body, attrs = {}) {
  return h("details", { class: "nhsuk-details", ...attrs },
    h("summary", { class: "nhsuk-details__summary" }, h("span", { class: "nhsuk-details__summary-text" }, summary)),
    h("div", { class: "nhsuk-details__text" }, body));
}

// A status as the NHS design system's tag, in the traffic light's colour gpca gives it.
const TAG_COLOURS = { green: "green", yellow: "yellow", red: "red", amber: "orange" };

export function tag(label, light) {
  return h("strong", { class: `nhsuk-tag nhsuk-tag--${TAG_COLOURS[light] || "grey"} badge` }, label);
}

// Opens every folded section around an element, so that it can be seen and focused.
export function reveal(element) {
  for (let folded = element.closest("details"); folded; folded = folded.parentElement.closest("details")) {
    folded.open = true;
  }
}
