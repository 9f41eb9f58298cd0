// The plan being built, as plain data in the shape of plan.schema.json.
// It lives in localStorage so that a reload or a failed request loses no answer.

const KEY = "gpca-planner-plan";

export function emptyPlan(today) {
  return { practice: {}, assessed_on: today, actions: [], setup: {} };
}

export function restore(today) {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY));
    if (saved && typeof saved === "object" && !Array.isArray(saved)) return saved;
  } catch (error) {
    // A damaged saved plan is dropped: starting empty beats refusing to start.
  }
  return emptyPlan(today);
}

export function save(plan) {
  try {
    localStorage.setItem(KEY, JSON.stringify(plan));
  } catch (error) {
    // Storage full or disabled: the page still works, only reload-safety is lost.
  }
}

export function parts(pointer) {
  return pointer.split("/").slice(1);
}

export function get(plan, pointer) {
  let node = plan;
  for (const part of parts(pointer)) {
    if (node === null || typeof node !== "object") return undefined;
    node = node[part];
  }
  return node;
}

export function set(plan, pointer, value) {
  const keys = parts(pointer);
  let node = plan;
  keys.slice(0, -1).forEach((part, index) => {
    const next = node[part];
    if (next === null || typeof next !== "object") {
      node[part] = /^\d+$/.test(keys[index + 1]) ? [] : {};
    }
    node = node[part];
  });
  node[keys[keys.length - 1]] = value;
}

// Removing the last answer of a section removes the section, keeping the YAML tidy;
// the plan's own top-level keys stay, since the schema requires them.
export function unset(plan, pointer) {
  const keys = parts(pointer);
  const parent = get(plan, "/" + keys.slice(0, -1).join("/"));
  if (parent === null || typeof parent !== "object") return;
  const last = keys[keys.length - 1];
  if (Array.isArray(parent) && /^\d+$/.test(last)) parent.splice(Number(last), 1);
  else delete parent[last];
  const isEmptyObject = !Array.isArray(parent) && Object.keys(parent).length === 0;
  if (keys.length > 2 && isEmptyObject && !/^\d+$/.test(keys[keys.length - 2])) {
    unset(plan, "/" + keys.slice(0, -1).join("/"));
  }
}

export function chosenIndex(plan, actionId) {
  const list = Array.isArray(plan.actions) ? plan.actions : [];
  return list.findIndex((entry) => entry && entry.id === actionId);
}

export function chosenIds(plan) {
  const list = Array.isArray(plan.actions) ? plan.actions : [];
  return list.filter((entry) => entry && typeof entry.id === "string").map((entry) => entry.id);
}
