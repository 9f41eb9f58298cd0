// What a screen reader is told after each answer: which action's verdict changed and to
// what, and nothing at all when no verdict changed (an answer that changes nothing is quiet).

export function statusesOf(assessment) {
  if (!assessment) return null;
  return new Map(assessment.actions.map((v) => [v.id, { title: v.title, label: v.status_label }]));
}

// `before` is undefined until the page's first verdicts, which are not news.
export function announcement(before, after) {
  if (before === undefined) return "";
  if (after === null) {
    return before && before.size ? "Verdicts cleared until the problem at the top of the page is put right." : "";
  }
  const changed = [...after].filter(([id, now]) => !before || !before.get(id) || before.get(id).label !== now.label)
    .map(([, now]) => `${now.title}: ${now.label.toLowerCase()}`);
  return changed.length ? `Verdict changed. ${changed.join(". ")}.` : "";
}
