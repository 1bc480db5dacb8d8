// pgxkg explorer: search, expand, genotype risk, download. Plain JS over the API and cytoscape.js.
"use strict";

const $ = (id) => document.getElementById(id);
const view = { centers: [], genotype: null, network: null };  // what "Download this view" exports
let palette = { types: {}, other: "#999", risk: {} };
let cy = null;

function status(message, isError = false) {
  $("status").textContent = message || "";
  $("status").className = isError ? "error" : "";
}

async function api(path, options) {
  const response = await fetch(path, options);
  if (!response.ok) {
    let problem = {};
    try { problem = await response.json(); } catch (e) { /* not problem+json */ }
    throw new Error((problem.detail || response.statusText) + (problem.hint ? ` (${problem.hint})` : ""));
  }
  return response.json();
}

function params() {
  const query = new URLSearchParams();
  view.centers.forEach((c) => query.append("center", c));
  query.set("depth", $("depth").value);
  query.set("limit", $("limit").value);
  if (view.genotype) query.set("genotype", view.genotype);
  return query;
}

// ---- the network ----------------------------------------------------------------------------

// Exported node ids are CURIEs (RXNORM:32968); the graph's own "Label:key" name is data("pgxkg_id").
function byPgxkgId(id) { return cy.nodes().filter((n) => n.data("pgxkg_id") === id); }

function colour(type) { return palette.types[type] || palette.other; }

function style() {
  const rules = [
    { selector: "node", style: {
      "background-color": "data(colour)", label: "data(label)", "font-size": 9, color: "#222",
      "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "ellipsis", "text-max-width": 130,
      width: 18, height: 18, "border-width": 1, "border-color": "#fff" } },
    { selector: "node.center", style: { width: 30, height: 30, "border-width": 3, "border-color": "#222",
      "font-weight": "bold", "font-size": 11 } },
    { selector: "edge", style: {
      width: 1.2, "line-color": "#bbb", "curve-style": "bezier", "target-arrow-shape": "triangle",
      "target-arrow-color": "#bbb", "arrow-scale": 0.7, label: "data(label)", "font-size": 7,
      color: "#888", "text-rotation": "autorotate", "text-background-color": "#fff",
      "text-background-opacity": 0.7, "text-background-padding": 1, "min-zoomed-font-size": 7 } },
    { selector: "node:selected", style: { "border-width": 3, "border-color": "#f0a000" } },
  ];
  for (const [category, value] of Object.entries(palette.risk)) {
    rules.push({ selector: `node.risk-${category}`, style: {
      "border-width": 6, "border-color": value, width: 28, height: 28, "font-weight": "bold" } });
  }
  // The patient's network (POST /report/network): boxes placed by the server, labels inside them.
  rules.push(
    { selector: "node.patient", style: {
      shape: "round-rectangle", width: "data(w)", height: "data(h)", "background-color": "data(colour)",
      "border-color": "data(border)", "border-width": 1, label: "data(label)", color: "data(text_colour)",
      "text-valign": "center", "text-halign": "center", "text-margin-y": 0, "font-size": 12, "font-weight": "normal",
      "text-wrap": "none", "text-max-width": 400 } },
    { selector: "node.patient.alternative", style: { "border-width": 2 } },
    { selector: "node.patient:selected", style: { "border-width": 3, "border-color": "#f0a000" } },
    { selector: "edge.patient", style: {
      "line-color": "data(colour)", width: 2.5, "curve-style": "bezier", "target-arrow-shape": "none", label: "" } },
    { selector: "edge.patient.genotype", style: { width: 1.2 } },
    { selector: "edge.patient.dashed", style: { "line-style": "dashed", width: 1.6 } },
  );
  return rules;
}

function addElements(data, near) {
  const added = cy.collection();
  const origin = near && near.length ? near.position() : { x: cy.width() / 2, y: cy.height() / 2 };
  for (const node of data.elements.nodes) {
    const d = node.data;
    if (cy.getElementById(d.id).length) continue;
    added.merge(cy.add({ group: "nodes", data: { ...d, colour: colour(d.type) },
      position: { x: origin.x + Math.random() * 60 - 30, y: origin.y + Math.random() * 60 - 30 } }));
  }
  for (const edge of data.elements.edges) {
    const d = edge.data;
    if (cy.getElementById(d.id).length) continue;
    added.merge(cy.add({ group: "edges", data: d }));
  }
  return added;
}

function relayout(fit = true) {
  cy.layout({ name: "cose", animate: false, randomize: false, fit, padding: 40, nodeRepulsion: () => 400000,
              idealEdgeLength: () => 110, nodeOverlap: 20, gravity: 60, numIter: 2000 }).run();
  legend();
}

async function expand(key, nodeId) {
  if (!view.centers.includes(key)) view.centers.push(key);
  const query = new URLSearchParams({ depth: $("depth").value, limit: $("limit").value });
  query.append("center", key);
  status(`Loading the neighbourhood of ${key}…`);
  try {
    const data = await api(`/export/cytoscape?${query}`);
    const near = nodeId ? cy.getElementById(nodeId) : null;
    addElements(data, near);
    const centre = cy.nodes().filter((n) => n.data("key") === key);
    centre.addClass("center");
    relayout();
    status("");
  } catch (error) {
    status(error.message, true);
  }
}

function start(key) {
  view.centers = [];
  view.genotype = null;
  view.network = null;
  $("hint").textContent = HINT;
  $("risks").innerHTML = "";
  $("details").hidden = true;
  cy.elements().remove();
  return expand(key);
}

// ---- details on hover ------------------------------------------------------------------------

const HIDDEN = new Set(["colour", "value", "label", "id", "source", "target", "border", "text_colour", "w", "h",
                        "title"]);

function details(element) {
  const d = element.data();
  const rows = Object.entries(d).filter(([k, v]) => !HIDDEN.has(k) && v !== "" && v != null);
  const name = d.label || d.kind || "";
  const title = element.isNode() ? `${name} <small>(${d.type || d.kind})</small>` : `${name}`;
  const sub = d.title || (element.isNode() ? d.id : `${d.source} → ${d.target}`);
  const box = $("details");
  box.innerHTML = `<h3>${escapeHtml(title).replace(/&lt;(\/?)small&gt;/g, "<$1small>")}</h3>
    <div>${escapeHtml(sub)}</div>
    <dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(shorten(String(v)))}</dd>`).join("")}</dl>`;
  box.hidden = false;
}

function shorten(text) { return text.length > 700 ? text.slice(0, 700) + "…" : text; }
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// ---- legend ----------------------------------------------------------------------------------

function legend() {
  const present = new Set(cy.nodes().map((n) => n.data("type")));
  const types = Object.keys(palette.types).filter((t) => present.size === 0 || present.has(t));
  const risky = new Set(cy.nodes().flatMap((n) => n.classes()).filter((c) => c.startsWith("risk-")));
  const lines = view.network ? view.network.legend.map(([label, value]) => label.startsWith("suitable")
    ? `<li><span class="line dashed" style="border-color:${value}"></span>instead (dashed)</li>`
    : `<li><span class="line" style="border-color:${value}"></span>risk: ${escapeHtml(label)}</li>`).join("")
    : Object.entries(palette.risk).filter(([c]) => risky.has(`risk-${c}`))
      .map(([c, v]) => `<li><span class="swatch ring" style="border-color:${v}"></span>risk: ${c}</li>`).join("");
  $("legend").innerHTML =
    types.map((t) => `<li><span class="swatch" style="background:${colour(t)}"></span>${t}</li>`).join("") + lines;
}

// ---- search ----------------------------------------------------------------------------------

let searchTimer = null;
function onSearch() {
  clearTimeout(searchTimer);
  const q = $("search").value.trim();
  if (!q) { $("results").innerHTML = ""; return; }
  searchTimer = setTimeout(async () => {
    try {
      const data = await api(`/search?${new URLSearchParams({ q, limit: 12 })}`);
      $("results").innerHTML = data.items.map((item) =>
        `<li data-key="${escapeHtml(item.key)}"><span class="kind" style="background:${colour(item.label)}">${item.label}</span>` +
        `${escapeHtml(item.key)}${item.name && item.name !== item.key ? ` <small>${escapeHtml(item.name)}</small>` : ""}</li>`).join("")
        || "<li>No match</li>";
    } catch (error) {
      status(error.message, true);
    }
  }, 250);
}

// ---- genotype risk ---------------------------------------------------------------------------

function parseGenotype(text) {
  if (text.trim().startsWith("{")) return JSON.parse(text);
  const genotype = {};
  for (const part of text.split(/[;\n]/).map((p) => p.trim()).filter(Boolean)) {
    const match = part.match(/^([\w.-]+)\s*(?:[=:]\s*|\s+)(.+)$/);
    if (!match) throw new Error(`cannot read ${JSON.stringify(part)}; write it as 'GENE VALUE'`);
    genotype[match[1]] = genotype[match[1]] ? [].concat(genotype[match[1]], match[2]) : match[2];
  }
  return genotype;
}

async function checkRisk() {
  const text = $("genotype").value.trim();
  if (!text) { status("Paste a genotype first, e.g. CYP2C19 *2/*2", true); return; }
  status("Finding risky drugs…");
  try {
    const body = JSON.stringify(parseGenotype(text));
    const post = { method: "POST", headers: { "Content-Type": "application/json" }, body };
    // The picture is the patient's network laid out by the server (genes -> phenotypes -> drugs ->
    // alternatives, recommendations folded into the edges); the list beside it is the risk answer.
    const [report, network] = await Promise.all([api("/risk", post), api("/report/network", post)]);
    view.centers = [];  // a genotype starts a new view; "Download" exports its risk subgraph
    view.genotype = text;
    view.network = network;
    cy.elements().remove();
    $("details").hidden = true;
    drawPatient(network);
    showRisks(report);
    const hidden = Object.entries(network.not_drawn).map(([why, n]) => `${n} ${why.replaceAll("_", " ")}`).join(", ");
    $("hint").textContent = (hidden ? `Not drawn: ${hidden} (all are in the list). ` : "") +
      "Hover a line for the guidelines behind it; double-click a node to explore the graph around it.";
    status(report.drugs.length ? "" : "No drug needs a change for this genotype.");
  } catch (error) {
    status(error.message, true);
  }
}

const HINT = "Click a node to expand it (in a patient's picture, double-click it); hover for details and evidence.";
const KIND_TYPES = { gene: "Gene", phenotype: "Phenotype", drug: "Drug", alternative: "Drug" };

function drawPatient(network) {
  const nodes = network.elements.nodes.map((n) => ({
    group: "nodes", position: n.position, data: { ...n.data, type: KIND_TYPES[n.data.kind] },
    classes: `patient ${n.classes}${n.data.kind === "drug" ? ` risk-${n.data.category}` : ""}` }));
  const edges = network.elements.edges.map((e) => ({ group: "edges", data: e.data, classes: `patient ${e.classes}` }));
  cy.add([...nodes, ...edges]);
  cy.layout({ name: "preset", fit: true, padding: 30 }).run();
  if (cy.zoom() > 1.25) { cy.zoom(1.25); cy.center(); }
  legend();
}

function showRisks(report) {
  $("risks").innerHTML = report.drugs.map((drug) => {
    const first = drug.recommendations[0];
    const text = first ? `[${first.source}] ${first.text}` : `needs results for ${drug.needs_results_for.join(", ")}`;
    // "instead" only for alternatives this same genotype does not flag; the others say why not
    const instead = drug.alternatives.filter((a) => a.suitable).slice(0, 4).map((a) => a.drug).join(", ");
    const unsure = drug.alternatives.filter((a) => !a.suitable).slice(0, 3)
      .map((a) => a.needs_results_for.length ? `${a.drug} (needs ${a.needs_results_for.join(", ")})` : `${a.drug} (safety unknown)`)
      .join(", ");
    const not = (drug.not_suitable || []).slice(0, 3).map((a) => a.reason).join("; ");
    return `<li data-node="Drug:${escapeHtml(drug.drug)}">
      <span class="kind" style="background:${palette.risk[drug.category] || palette.other}">${drug.category}</span>
      <b>${escapeHtml(drug.drug)}</b> <small>${escapeHtml(drug.genes.join(", "))}</small>
      <span class="text">${escapeHtml(shorten(text).slice(0, 260))}</span>
      ${drug.category_reason ? `<span class="text why">why: ${escapeHtml(drug.category_reason)}</span>` : ""}
      ${instead ? `<span class="text instead">instead: ${escapeHtml(instead)}</span>` : ""}
      ${unsure ? `<span class="text unsure">check first: ${escapeHtml(unsure)}</span>` : ""}
      ${not ? `<span class="text not-suitable">not suitable: ${escapeHtml(not)}</span>` : ""}</li>`;
  }).join("");
}

// ---- download --------------------------------------------------------------------------------

function download() {
  if (!view.centers.length && !view.genotype) { status("Nothing in view yet: search or paste a genotype.", true); return; }
  const link = document.createElement("a");
  link.href = `/export/${$("format").value}?${params()}`;
  link.download = "";
  document.body.appendChild(link);
  link.click();
  link.remove();
}

// ---- start -----------------------------------------------------------------------------------

async function main() {
  if (typeof cytoscape === "undefined") {
    status("The network library (vendor/cytoscape.min.js) is missing: run `make install` " +
           "(it runs `npm ci --prefix pgxkg/api/explorer`) and reload.", true);
    document.body.classList.add("broken");
    return;
  }
  try { palette = await api("palette.json"); } catch (error) { status("palette.json: " + error.message, true); }
  cy = cytoscape({ container: $("cy"), style: style(), minZoom: 0.2, maxZoom: 3 });
  window.explorer = { cy, view, node: byPgxkgId };
  cy.on("mouseover", "node, edge", (event) => details(event.target));
  cy.on("tap", "node", (event) => {
    details(event.target);
    if (!event.target.hasClass("patient")) expand(event.target.data("key"), event.target.id());
  });
  cy.on("dbltap", "node.patient", (event) => {  // from the patient's picture into the graph around a node
    const key = event.target.data("key");
    if (key) { $("search").value = key; start(key); }
  });
  $("search").addEventListener("input", onSearch);
  $("search").addEventListener("keydown", (event) => {
    const first = $("results").querySelector("li[data-key]");
    if (event.key === "Enter" && first) start(first.dataset.key);
  });
  $("results").addEventListener("click", (event) => {
    const item = event.target.closest("li[data-key]");
    if (item) { $("results").innerHTML = ""; $("search").value = item.dataset.key; start(item.dataset.key); }
  });
  $("check-risk").addEventListener("click", checkRisk);
  $("risks").addEventListener("click", (event) => {
    const item = event.target.closest("li[data-node]");
    const node = item && byPgxkgId(item.dataset.node);
    if (node && node.length) { cy.nodes().unselect(); node.select(); details(node); cy.animate({ center: { eles: node } }); }
  });
  $("download").addEventListener("click", download);
  legend();
  const start_key = new URLSearchParams(location.search).get("center");
  if (start_key) { $("search").value = start_key; start(start_key); }
}

main();
