// Credence's web workbench: plain JavaScript over the JSON API of `credence serve`
// (docs/http.md). The network is drawn by the server (the SVG of `credence render`); this
// script makes its state rows clickable and moves the bars after each change.
"use strict";

const BAR_LENGTH = 90; // NetworkPicture.barLength: a bar's width at probability 1, px
const $ = (id) => document.getElementById(id);

const app = {
  token: null,
  session: null,
  state: null,
  summary: null,
  beliefs: null,
  selected: null,
  // Click-to-bars times in ms (performance.now()), read by the browser tests.
  timings: [],
};
window.credence = app;

// ---- the API ----------------------------------------------------------------------------

async function api(method, path, body, raw) {
  const headers = { Authorization: "Bearer " + app.token };
  if (app.session) headers["X-Credence-Session"] = app.session;
  let payload;
  if (raw !== undefined) { payload = raw; headers["Content-Type"] = "text/csv"; }
  else if (body !== undefined) { payload = JSON.stringify(body); headers["Content-Type"] = "application/json"; }
  const r = await fetch(path, { method, headers, body: payload });
  const text = await r.text();
  let doc = null;
  try { doc = text ? JSON.parse(text) : null; } catch (e) { doc = { error: text }; }
  if (!r.ok) {
    const err = new Error((doc && doc.error) || ("HTTP " + r.status));
    err.status = r.status;
    throw err;
  }
  return doc;
}

function showError(e) {
  const box = $("error");
  if (!e) { box.hidden = true; box.textContent = ""; return; }
  box.hidden = false;
  box.textContent = e.message || String(e);
}

function status(text) { $("status").textContent = text; }

async function guarded(fn) {
  try { showError(null); return await fn(); } catch (e) { showError(e); return null; }
}

// ---- session ----------------------------------------------------------------------------

async function start() {
  const params = new URLSearchParams(location.search);
  if (params.get("token")) {
    sessionStorage.setItem("credence-token", params.get("token"));
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params : ""));
  }
  app.token = sessionStorage.getItem("credence-token");
  if (!app.token) { showError(new Error("open the address credence serve printed (it carries the access token)")); return; }
  const models = await guarded(() => api("GET", "/api/models"));
  if (!models) return;
  const picker = $("model-picker");
  if (models.models.length > 1 || !models.model) {
    picker.hidden = false;
    picker.innerHTML = models.models.map((m) => `<option>${esc(m)}</option>`).join("");
    picker.onchange = () => openSession(picker.value);
  }
  app.session = sessionStorage.getItem("credence-session");
  if (app.session) {
    const st = await api("GET", "/api/state").catch(() => null);
    if (st) { app.state = st; app.summary = await api("GET", "/api/summary"); await redraw(); return; }
    app.session = null;
  }
  await openSession(models.model || models.models[0]);
}

async function openSession(model) {
  await guarded(async () => {
    if (!model) throw new Error("the served folder has no model file");
    if (app.session) await api("DELETE", "/api/sessions").catch(() => null);
    app.session = null;
    const opened = await api("POST", "/api/sessions", { model });
    app.session = opened.session;
    sessionStorage.setItem("credence-session", app.session);
    app.state = opened.state;
    app.summary = opened.summary;
    $("model-picker").value = model;
    await redraw();
  });
}

// ---- the graph --------------------------------------------------------------------------

async function redraw() {
  const doc = await api("GET", "/api/picture?compact=false");
  const host = $("graph");
  host.innerHTML = doc.svg;
  decorate(host.querySelector("svg"));
  zoom();
  app.summary = await api("GET", "/api/summary");
  fillVariableLists();
  const b = await api("GET", "/api/beliefs");
  applyBeliefs(b);
  if (app.selected) showCPT(app.selected);
}

// Invisible row-wide targets over each state row, so a click anywhere on the row counts.
function decorate(svg) {
  for (const g of svg.querySelectorAll("g.node")) {
    const variable = g.dataset.variable;
    const box = g.querySelector("rect.box");
    const x = parseFloat(box.getAttribute("x")), w = parseFloat(box.getAttribute("width"));
    for (const bar of g.querySelectorAll("rect.bar")) {
      const y = parseFloat(bar.getAttribute("y")) - 2.5;
      const hit = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      hit.setAttribute("class", "hit");
      hit.setAttribute("x", x + 1); hit.setAttribute("y", y);
      hit.setAttribute("width", w - 2); hit.setAttribute("height", 14);
      hit.dataset.state = bar.dataset.state;
      hit.addEventListener("click", (ev) => clickState(variable, bar.dataset.state, ev));
      g.appendChild(hit);
    }
    const name = g.querySelector("text.name");
    if (name) name.addEventListener("click", () => selectNode(variable));
  }
}

// Click: observe the state, or retract it when it is the observed one; Shift-click (or
// Alt-click): do(VAR=STATE), again to retract.
async function clickState(variable, state, ev) {
  const t0 = performance.now();
  const f = app.state.findings;
  const intervene = ev.shiftKey || ev.altKey || ev.metaKey;
  let change;
  if (intervene) change = f.do[variable] === state ? { retract: [variable] } : { do: { [variable]: state } };
  else change = f.evidence[variable] === state ? { retract: [variable] } : { observe: { [variable]: state } };
  await guarded(async () => {
    const b = await api("POST", "/api/evidence", change);
    applyBeliefs(b);
    app.timings.push(performance.now() - t0);
  });
}

function applyBeliefs(b) {
  app.beliefs = b.beliefs;
  app.state = b.state;
  const f = app.state.findings;
  const svg = $("graph").querySelector("svg");
  if (svg) {
    // The drawing's subtitle (its second line of text) follows the findings.
    const sub = svg.querySelectorAll(":scope > text")[1];
    if (sub) sub.textContent = app.state.findingsText === "(none)" ? "no findings: bars are the prior"
      : "given " + app.state.findingsText + " · P(evidence) = " + b.beliefs.probabilityOfEvidence.toPrecision(4);
    for (const m of b.beliefs.marginals) {
      const g = svg.querySelector(`g.node[data-variable="${cssEsc(m.variable)}"]`);
      if (!g) continue;
      const bars = g.querySelectorAll("rect.bar"), percents = g.querySelectorAll("text.percent");
      const fixed = f.evidence[m.variable] ?? f.do[m.variable];
      bars.forEach((bar, k) => {
        const s = m.states.indexOf(bar.dataset.state);
        const p = m.probabilities[s];
        bar.setAttribute("width", p * BAR_LENGTH);
        bar.dataset.p = String(p);
        bar.setAttribute("fill", bar.dataset.state === fixed ? "#1f4e79" : "#4c78a8");
        if (percents[k]) percents[k].textContent = percent(p);
      });
      g.classList.toggle("observed", f.evidence[m.variable] !== undefined);
      g.classList.toggle("intervened", f.do[m.variable] !== undefined);
      g.classList.toggle("soft", f.soft[m.variable] !== undefined);
      const box = g.querySelector("rect.box");
      box.setAttribute("fill", f.do[m.variable] !== undefined ? "#efe6f5" : f.evidence[m.variable] !== undefined ? "#dce6f1"
        : f.soft[m.variable] !== undefined ? "#fbf1dc" : "#ffffff");
    }
  }
  renderState();
}

function percent(p) {
  if (p > 0 && p < 0.0005) return "<0.1%";
  if (p >= 0.99995) return "100%";
  return (p * 100).toFixed(1) + "%";
}

// ---- side panel -------------------------------------------------------------------------

function renderState() {
  const s = app.state;
  $("model-name").textContent = s.network + (s.path ? " — " + s.path.split("/").pop() : "") + (s.dirty ? " *" : "");
  $("undo").disabled = !s.canUndo;
  $("redo").disabled = !s.canRedo;
  $("findings-text").textContent = s.findingsText === "(none)" ? "no findings" : s.findingsText +
    "\nP(evidence) = " + (app.beliefs ? app.beliefs.probabilityOfEvidence.toPrecision(4) : "");
  const items = [];
  for (const [v, st] of Object.entries(s.findings.evidence)) items.push([v, `${v} = ${st}`]);
  for (const [v, st] of Object.entries(s.findings.do)) items.push([v, `do(${v} = ${st})`]);
  for (const [v, w] of Object.entries(s.findings.soft)) items.push([v, `soft(${v}: ${w.join(", ")})`]);
  $("findings-list").innerHTML = items.map(([v, t]) =>
    `<li>${esc(t)}<button data-retract="${esc(v)}" title="Retract">×</button></li>`).join("");
  for (const b of $("findings-list").querySelectorAll("button")) {
    b.onclick = () => change({ retract: [b.dataset.retract] });
  }
  $("scenario-list").innerHTML = s.scenarios.map((sc) =>
    `<li><label><input type="checkbox" value="${esc(sc.name)}" checked> <b>${esc(sc.name)}</b>: ${esc(sc.text)}</label>
     <button data-load="${esc(sc.name)}" title="Make these the current findings">load</button></li>`).join("");
  for (const b of $("scenario-list").querySelectorAll("button")) {
    b.onclick = () => guarded(async () => applyBeliefs(await api("POST", "/api/scenarios/load", { name: b.dataset.load })));
  }
  if (s.dataPath) $("data-info").textContent = "data: " + s.dataPath.split("/").pop();
}

async function change(body) {
  await guarded(async () => applyBeliefs(await api("POST", "/api/evidence", body)));
}

function fillVariableLists() {
  const names = app.summary.variables.map((v) => v.name);
  const opts = names.map((n) => `<option>${esc(n)}</option>`).join("");
  for (const id of ["soft-variable", "compare-target", "explain-target"]) {
    const sel = $(id), keep = sel.value;
    sel.innerHTML = opts;
    if (names.includes(keep)) sel.value = keep;
  }
  $("variable-names").innerHTML = opts;
  softEditor();
}

function softEditor() {
  const name = $("soft-variable").value;
  const v = app.summary.variables.find((x) => x.name === name);
  if (!v) { $("soft-editor").innerHTML = ""; return; }
  const current = app.state.findings.soft[name];
  $("soft-editor").innerHTML = `<div class="scroll"><table><tr><th class="label">state</th><th>likelihood</th></tr>` +
    v.states.map((s, k) => `<tr><td class="label">${esc(s)}</td><td><input type="number" min="0" step="0.1" value="${current ? current[k] : 1}"></td></tr>`).join("") +
    `</table></div><div class="row"><button id="soft-apply">Set likelihood</button><button id="soft-clear">Remove</button></div>`;
  $("soft-apply").onclick = () => {
    const w = [...$("soft-editor").querySelectorAll("input")].map((i) => parseFloat(i.value));
    change({ retract: [name], soft: { [name]: w } });
  };
  $("soft-clear").onclick = () => change({ retract: [name] });
}

async function saveScenario() {
  const name = $("scenario-name").value.trim();
  if (!name) { showError(new Error("give the scenario a name")); return; }
  await guarded(async () => {
    app.state = await api("POST", "/api/scenarios", { name });
    $("scenario-name").value = "";
    renderState();
  });
}

async function compareScenarios() {
  const names = [...$("scenario-list").querySelectorAll("input:checked")].map((i) => i.value);
  const target = $("compare-target").value;
  await guarded(async () => {
    const c = await api("POST", "/api/scenarios/compare", { target, scenarios: names.length ? names : ["current"] });
    let html = `<table id="comparison-table"><tr><th class="label">${esc(c.target)}</th>${c.columns.map((col) => `<th title="${esc(col.findings)}">${esc(col.scenario)}</th>`).join("")}</tr>`;
    c.states.forEach((s, j) => {
      html += `<tr><td class="label">${esc(s)}</td>${c.columns.map((col) =>
        `<td data-scenario="${esc(col.scenario)}" data-state="${esc(s)}" data-p="${col.probabilities[j]}">` +
        `<span class="bar-cell" style="width:${Math.round(col.probabilities[j] * 50)}px"></span> ${percent(col.probabilities[j])}</td>`).join("")}</tr>`;
    });
    html += `<tr><td class="label">P(evidence)</td>${c.columns.map((col) => `<td>${col.probabilityOfEvidence.toPrecision(3)}</td>`).join("")}</tr></table>`;
    $("comparison").innerHTML = html;
  });
}

async function explainTarget() {
  const target = $("explain-target").value;
  await guarded(async () => {
    const x = await api("POST", "/api/explain", { target, top: 8 });
    let html = `<div class="mono">P(${esc(x.target)} = ${esc(x.state)} | findings) = ${percent(x.probability)}</div>`;
    if (x.impacts.length) {
      html += `<table><tr><th class="label">finding</th><th>without</th><th>change</th><th>WoE</th></tr>` +
        x.impacts.map((i) => `<tr><td class="label">${esc(i.finding)}</td><td>${percent(i.without)}</td><td>${(i.change * 100).toFixed(1)} pts</td><td>${fmt(i.weightOfEvidence)}</td></tr>`).join("") + "</table>";
    }
    if (x.information.length) {
      html += `<div>Most informative to observe next:</div><table><tr><th class="label">variable</th><th>bits</th></tr>` +
        x.information.slice(0, 6).map((i) => `<tr><td class="label">${esc(i.variable)}</td><td>${i.bits.toFixed(4)}</td></tr>`).join("") + "</table>";
    }
    if (x.sensitivities.length) {
      html += `<div>Most sensitive parameters:</div><table><tr><th class="label">parameter</th><th>value</th><th>∂P/∂θ</th></tr>` +
        x.sensitivities.slice(0, 6).map((s) => `<tr><td class="label">P(${esc(s.variable)}=${esc(s.state)}${s.parentStates.length ? " | " + esc(s.parentStates.join(", ")) : ""})</td><td>${s.value.toFixed(3)}</td><td>${s.derivative.toFixed(3)}</td></tr>`).join("") + "</table>";
    }
    $("explanation").innerHTML = html;
  });
}

function fmt(x) { return typeof x === "number" ? x.toFixed(3) : String(x); }

// ---- CPT viewer and editor --------------------------------------------------------------

function selectNode(variable) {
  app.selected = variable;
  for (const g of $("graph").querySelectorAll("g.node")) g.classList.toggle("selected", g.dataset.variable === variable);
  $("cpt-panel").open = true;
  showCPT(variable);
}

async function showCPT(variable) {
  const t = await api("GET", "/api/cpt?variable=" + encodeURIComponent(variable)).catch((e) => { showError(e); return null; });
  if (!t) { $("cpt").innerHTML = ""; return; }
  $("cpt-title").textContent = `P(${t.variable}${t.parents.length ? " | " + t.parents.map((p) => p.name).join(", ") : ""})`;
  let html = `<table id="cpt-table"><tr>${t.parents.map((p) => `<th class="label">${esc(p.name)}</th>`).join("")}` +
    t.states.map((s) => `<th>${esc(s)}</th>`).join("") + `<th></th><th class="label"></th></tr>`;
  t.rows.forEach((row, r) => {
    html += `<tr data-row="${r}">${row.parentStates.map((s) => `<td class="label">${esc(s)}</td>`).join("")}` +
      row.probabilities.map((p) => `<td><input type="number" step="0.01" min="0" max="1" value="${+p.toFixed(6)}"></td>`).join("") +
      `<td><button class="set-row">Set</button></td><td class="error"></td></tr>`;
  });
  $("cpt").innerHTML = html + "</table>";
  for (const tr of $("cpt").querySelectorAll("tr[data-row]")) {
    const row = t.rows[+tr.dataset.row];
    tr.querySelector("button.set-row").onclick = async () => {
      const probabilities = [...tr.querySelectorAll("input")].map((i) => parseFloat(i.value));
      try {
        const edit = { edit: "set-cpt", variable: t.variable, probabilities };
        if (t.parents.length) edit.parentStates = row.parentStates;
        const r = await api("POST", "/api/edit", edit);
        app.state = r.state;
        await refreshBeliefs();
        await showCPT(t.variable);
        status(r.text);
      } catch (e) {
        tr.classList.add("invalid");
        tr.querySelector("td.error").textContent = e.message;
      }
    };
  }
}

async function refreshBeliefs() { applyBeliefs(await api("GET", "/api/beliefs")); }

// ---- model history, save, download --------------------------------------------------------

async function stepHistory(which) {
  await guarded(async () => {
    const r = await api("POST", "/api/" + which);
    app.state = r.state;
    status(r.text);
    await redraw();
  });
}

async function download(format) {
  await guarded(async () => {
    const r = await fetch("/api/download?format=" + format, { headers: { Authorization: "Bearer " + app.token, "X-Credence-Session": app.session } });
    if (!r.ok) throw new Error((await r.json()).error);
    const blob = await r.blob();
    const name = (r.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name ? name[1] : "model." + format;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
}

// ---- data: upload, fit with progress, learn -------------------------------------------------

async function upload() {
  const file = $("data-file").files[0];
  if (!file) { showError(new Error("choose a CSV file first")); return; }
  await guarded(async () => {
    const text = await file.text();
    const r = await api("POST", "/api/data/upload?name=" + encodeURIComponent(file.name), undefined, text);
    app.state = r.state;
    $("data-info").textContent = `${file.name}: ${r.rows} rows, ${r.columns} columns, ${r.missingCells} missing cells` +
      (r.notes.length ? "\n" + r.notes.join("\n") : "");
  });
}

// The fit's progress arrives as server-sent events (GET /api/fit/events): `status` first,
// then `progress` per EM iteration, then `done`, `failed` or `cancelled`. If the event
// stream breaks, the page falls back to polling GET /api/fit.
async function fit() {
  await guarded(async () => {
    await api("POST", "/api/fit", { method: $("fit-method").value });
    $("fit-run").disabled = true; $("fit-cancel").disabled = false;
    $("fit-info").textContent = "fitting…";
    const final = await new Promise((resolve) => {
      const url = "/api/fit/events?token=" + encodeURIComponent(app.token) + "&session=" + encodeURIComponent(app.session);
      const source = new EventSource(url);
      let cap = 100, ended = false, seen = 0;   // seen: EM iterations that reached the page
      const end = (s) => {
        ended = true; source.close();
        if (s.state !== "running" && seen === 0) seen = s.logLikelihoods.length;
        $("fit-info").dataset.transport = "events"; $("fit-info").dataset.iterationsSeen = String(seen);
        resolve(s);
      };
      const show = (iteration, ll) => {
        $("fit-progress").value = Math.min(99, (100 * iteration) / cap);
        $("fit-info").textContent = `iteration ${iteration}` + (ll !== null && ll !== undefined ? `, log-likelihood ${ll.toFixed(4)}` : "");
      };
      source.addEventListener("status", (e) => {
        const s = JSON.parse(e.data);
        cap = s.maxIterations || 100;
        if (s.state !== "running") { end(s); return; }
        seen = s.logLikelihoods.length;
        show(s.iteration, s.logLikelihoods.length ? s.logLikelihoods[s.logLikelihoods.length - 1] : null);
      });
      source.addEventListener("progress", (e) => { const p = JSON.parse(e.data); seen += 1; show(p.iteration, p.logLikelihood); });
      for (const name of ["done", "failed", "cancelled"]) source.addEventListener(name, (e) => end(JSON.parse(e.data)));
      source.onerror = () => {
        if (ended) return;
        source.close(); $("fit-info").dataset.transport = "polling";
        pollFit().then(resolve);
      };
    });
    $("fit-progress").value = 100;
    $("fit-run").disabled = false; $("fit-cancel").disabled = true;
    if (final.state === "done") {
      const r = final.report;
      $("fit-info").textContent = `fitted by ${r.method} on ${r.rows} rows` + (r.em ? `, ${r.em.iterations} EM iterations` : "") +
        `\nlog-likelihood ${r.logLikelihood === null ? "-inf" : r.logLikelihood.toFixed(4)}`;
      $("fit-info").dataset.state = "done";
      await redraw();
    } else {
      $("fit-info").textContent = final.state + (final.error ? ": " + final.error : "");
      $("fit-info").dataset.state = final.state;
    }
  });
}

/** Polls GET /api/fit until the fit is no longer running; its last status. */
async function pollFit() {
  for (;;) {
    const s = await api("GET", "/api/fit");
    if (s.state !== "running") return s;
    $("fit-info").textContent = `iteration ${s.iteration}`;
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function learn() {
  await guarded(async () => {
    $("learn-info").textContent = "learning…";
    const r = await api("POST", "/api/learn", { score: $("learn-score").value });
    $("learn-info").textContent = `learned ${r.edges.length} arcs (${r.algorithm}, ${r.score} = ${r.scoreValue.toFixed(2)})`;
    await redraw();
  });
}

// ---- search -----------------------------------------------------------------------------

function findNode(name) {
  const wanted = name.trim().toLowerCase();
  if (!wanted) return;
  const nodes = [...$("graph").querySelectorAll("g.node")];
  const g = nodes.find((n) => n.dataset.variable.toLowerCase() === wanted) ||
    nodes.find((n) => n.dataset.variable.toLowerCase().startsWith(wanted)) ||
    nodes.find((n) => n.dataset.variable.toLowerCase().includes(wanted));
  for (const n of nodes) n.classList.remove("found");
  if (!g) { status(`no node matches '${name}'`); return; }
  g.classList.add("found");
  const box = g.querySelector("rect.box").getBoundingClientRect(), pane = $("graph-pane").getBoundingClientRect();
  $("graph-pane").scrollBy({ left: box.left - pane.left - pane.width / 2 + box.width / 2, top: box.top - pane.top - pane.height / 2 + box.height / 2 });
  selectNode(g.dataset.variable);
  status("found " + g.dataset.variable);
}

// The drawing at a scale, or fitted to the pane.
function zoom() {
  const svg = $("graph").querySelector("svg");
  if (!svg) return;
  const w = parseFloat(svg.getAttribute("width")), h = parseFloat(svg.getAttribute("height"));
  if (!svg.getAttribute("viewBox")) svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.dataset.width = svg.dataset.width || w;
  svg.dataset.height = svg.dataset.height || h;
  const pane = $("graph-pane"), value = $("zoom").value;
  const k = value === "fit" ? Math.min(1, (pane.clientWidth - 8) / svg.dataset.width, (pane.clientHeight - 30) / svg.dataset.height) : parseFloat(value);
  svg.setAttribute("width", svg.dataset.width * k);
  svg.setAttribute("height", svg.dataset.height * k);
}

// ---- helpers and wiring -----------------------------------------------------------------

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
function cssEsc(s) { return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, "\\$&"); }

$("undo").onclick = () => stepHistory("undo");
$("redo").onclick = () => stepHistory("redo");
$("save").onclick = () => guarded(async () => { app.state = await api("POST", "/api/save", {}); renderState(); status("saved " + app.state.path); });
$("download-bn").onclick = (e) => { e.preventDefault(); download("bn"); };
$("download-bif").onclick = (e) => { e.preventDefault(); download("bif"); };
$("clear").onclick = () => change({ clear: true });
$("soft-variable").onchange = softEditor;
$("zoom").onchange = zoom;
$("scenario-save").onclick = saveScenario;
$("scenario-compare").onclick = compareScenarios;
$("explain-run").onclick = explainTarget;
$("data-upload").onclick = upload;
$("fit-run").onclick = fit;
$("fit-cancel").onclick = () => guarded(() => api("POST", "/api/fit/cancel"));
$("learn-run").onclick = learn;
$("search").addEventListener("keydown", (e) => { if (e.key === "Enter") findNode(e.target.value); });
$("search").addEventListener("change", (e) => findNode(e.target.value));
document.addEventListener("keydown", (e) => {
  const typing = /INPUT|SELECT|TEXTAREA/.test(document.activeElement.tagName);
  if (e.key === "/" && !typing) { e.preventDefault(); $("search").focus(); $("search").select(); }
  else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z" && !typing) { e.preventDefault(); stepHistory(e.shiftKey ? "redo" : "undo"); }
});

start().catch(showError).then(() => { document.body.dataset.ready = "true"; });
