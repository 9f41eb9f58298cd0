// Plan files in and out: upload a YAML plan, download it back, download or print the report.

export function post(url, data, type = "application/json") {
  const body = type === "application/json" ? JSON.stringify(data) : data;
  return fetch(url, { method: "POST", headers: { "Content-Type": type }, body });
}

export function bindFiles(page, ui) {
  const $ = (id) => document.getElementById(id);
  $("upload").addEventListener("change", (event) => upload(event.target, ui));
  $("reset").addEventListener("click", () => {
    if (window.confirm("Clear every answer on this page and start a new plan?")) {
      ui.replacePlan({ practice: {}, assessed_on: page.catalogue.today, actions: [], setup: {} });
      ui.setStatus("Started a new, empty plan.");
    }
  });
  $("download-yaml").addEventListener("click", () => download(page, "/api/yaml", "plan.yaml", ui));
  $("download-report").addEventListener("click", () => download(page, "/api/report", "report.html", ui));
  $("print-report").addEventListener("click", () => printReport(page, ui));
}

async function upload(input, ui) {
  const file = input.files && input.files[0];
  if (!file) return;
  try {
    const response = await post("/api/upload", await file.arrayBuffer(), "application/yaml");
    const reply = await response.json();
    if (reply.plan) await ui.replacePlan(reply.plan);
    const problems = reply.problems || [];
    ui.showProblems(problems);
    ui.setStatus(problems.length
      ? `Read ${file.name}: ${problems.length} problem${problems.length === 1 ? "" : "s"} to put right, listed at the top of the page.`
      : `Read ${file.name}. Its answers are now on this page.`);
    if (problems.length) focusSummary();
  } catch (error) {
    ui.setStatus(`Could not read ${file.name}. Your answers on this page are unchanged.`);
  } finally {
    input.value = "";
  }
}

// The server answers only once gpca check would accept the plan; otherwise it lists why.
async function fetchChecked(page, url, ui) {
  let response;
  try {
    response = await post(url, page.plan);
  } catch (error) {
    ui.setStatus("The planner could not reach gpca. Your answers are kept in this browser.");
    return null;
  }
  if (response.ok) return response;
  const reply = await response.json();
  ui.showProblems(reply.problems || []);
  ui.setStatus("The plan has problems to put right first; they are listed at the top of the page.");
  focusSummary();
  return null;
}

async function download(page, url, fallback, ui) {
  const response = await fetchChecked(page, url, ui);
  if (!response) return;
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name ? name[1] : fallback;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  ui.setStatus(`Downloaded ${link.download}.`);
}

async function printReport(page, ui) {
  const response = await fetchChecked(page, "/api/report", ui);
  if (!response) return;
  const frame = document.createElement("iframe");
  frame.className = "print-frame";
  frame.title = "The report, for printing";
  frame.srcdoc = await response.text();
  frame.addEventListener("load", () => {
    frame.contentWindow.focus();
    frame.contentWindow.print();
    setTimeout(() => frame.remove(), 1000);
  });
  document.body.append(frame);
  ui.setStatus("The report is open in your browser's print window.");
}

function focusSummary() {
  const summary = document.getElementById("error-summary");
  summary.hidden = false;
  summary.focus();
  summary.scrollIntoView({ block: "start" });
}
