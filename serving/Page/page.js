// The page at GET /: plain JavaScript over the service's own routes (no framework, no build step). Charts are SVG
// drawn here; images are drawn on canvases. Every failure is shown in words, in the section it belongs to.
"use strict";

const SHOWN_ROWS_CAP = 5000;      // scored rows kept for the table (the most unusual); the download holds them all
const PREVIEW_ROWS = 20;          // synthetic rows shown; the download holds them all
const RECON_IMAGES = 24;          // uploaded images reconstructed
const POLL_MS = 2000;             // how often /health is asked whether the pair was swapped
const KEY_STORE = "vaeonnx.apiKey";

const $ = id => document.getElementById(id);
const state = { model: null, loaded: null, real: null, scored: null, page: 0, expanded: new Set(), urls: {} };

// ---- talking to the service ------------------------------------------------------------------------------------

/** The service did not answer, or cut its answer off: the connection ended, not the request. */
class NoAnswer extends Error {}

function apiKey() { return sessionStorage.getItem(KEY_STORE) || ""; }

/** fetch with the typed API key; a refusal becomes an Error carrying the service's one-line reason. */
async function call(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (apiKey()) headers["X-Api-Key"] = apiKey();
  let response;
  try {
    response = await fetch(path, Object.assign({}, options, { headers }));
  } catch (e) {
    throw new NoAnswer(`The service did not answer ${path} (${e.message}). Is it still running?`);
  }
  if (response.ok) return response;
  throw new Error(await refusal(response, path));
}

async function refusal(response, path) {
  let detail = "";
  try {
    const text = await response.text();
    try {
      const problem = JSON.parse(text);
      detail = problem.detail || problem.title || text;
    } catch { detail = text; }
  } catch { /* the body could not be read: the status says enough */ }
  const status = `${response.status} ${response.statusText}`.trim();
  if (response.status === 401) return `The service needs an API key (${status}): type one of its keys in the field at the top and press "Use key".`;
  return detail ? `${path}: ${detail}` : `${path} was refused: ${status}.`;
}

function showError(id, error) {
  const box = $(id);
  box.textContent = error ? (error.message || String(error)) : "";
  box.hidden = !error;
}

// ---- model card ------------------------------------------------------------------------------------------------

function kindOf(model) {
  if (model.table) return model.table.condition ? "table pair, conditional" : "table pair";
  const shape = model.input_shape || [];
  const kind = shape.length >= 2 && shape[shape.length - 1] > 1 && shape[shape.length - 2] > 1 ? "image pair" : "vector pair";
  return model.condition ? kind + ", conditional" : kind;
}

const fmt = (v, digits = 4) => v === null || v === undefined || Number.isNaN(v) ? "–"
  : typeof v === "number" ? (Number.isInteger(v) ? v.toLocaleString("en") : Number(v.toPrecision(digits)).toString()) : String(v);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) node.append(c);
  return node;
}

function renderCard(model) {
  const t = model.table, m = model.metadata || {};
  const facts = [
    ["Pair id", el("code", { "data-testid": "pair-id", text: model.pair_id })],
    ["Kind", kindOf(model)],
    ["Dataset", m.dataset],
    ["Likelihood", model.likelihood],
    ["Input", t ? `${t.columns.length} columns → ${model.input_dim} features` : (model.input_shape || []).join(" × ")],
    ["Latent", model.latent_dim],
    ["Training rows", t ? fmt(t.training_rows) : null],
    ["Threshold", t && t.threshold ? `score ≥ ${fmt(t.threshold.score)}` : t ? "none recorded" : null],
    ["False alarms", t && t.threshold ? `${fmt(100 * t.threshold.false_alarm_rate, 3)}% asked; ${fmt(100 * t.threshold.calibration_alarm_rate, 3)}% of ${fmt(t.threshold.calibration_rows)} held-out rows` : null],
    ["Test −ELBO", m.test_neg_elbo !== undefined && m.test_neg_elbo !== null ? `${fmt(m.test_neg_elbo)} nats` : null],
    ["IW log p(x)", m.iw_log_px !== undefined && m.iw_log_px !== null ? `${fmt(m.iw_log_px)} nats` : null],
    ["Scaling", m.scaling],
    ["Condition", t && t.condition ? `${t.condition.column}: ${t.condition.classes.join(", ")}` : null],
    ["Id column", t && t.id_columns.length ? t.id_columns.join(", ") : null],
    ["Loaded", el("time", { datetime: model.loaded_utc, "data-testid": "loaded-at", text: new Date(model.loaded_utc).toLocaleString() })],
  ];
  const dl = el("dl", { class: "card" });
  for (const [name, value] of facts) {
    if (value === null || value === undefined || value === "") continue;
    dl.append(el("dt", { text: name }), el("dd", {}, value));
  }
  const body = $("card-body");
  body.replaceChildren(dl);
  if (t) body.append(columnsTable(t.columns));
}

function columnsTable(columns) {
  const rows = columns.map(c => el("tr", {},
    el("td", { text: c.name }), el("td", { text: c.kind }), el("td", { text: columnDetail(c) })));
  return el("div", { class: "scroll" }, el("table", { "data-testid": "model-columns" },
    el("caption", { class: "muted", text: "Columns" }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Column" }), el("th", { scope: "col", text: "Kind" }), el("th", { scope: "col", text: "Values" }))),
    el("tbody", {}, ...rows)));
}

function columnDetail(c) {
  const missing = c.missing_rate > 0 ? `; ${fmt(100 * c.missing_rate, 2)}% blank` : "";
  if (c.kind === "categorical") return `${c.categories.length} categories${missing}`;
  if (c.kind === "boolean") return `${c.true_text} / ${c.false_text}${missing}`;
  return `${fmt(c.min)} to ${fmt(c.max)}${missing}`;
}

async function loadModel() {
  const model = await (await call("/model")).json();
  const swapped = state.model && state.model.pair_id !== model.pair_id;
  state.model = model;
  state.loaded = model.loaded_utc;
  renderCard(model);
  const table = !!model.table, image = kindOf(model).startsWith("image pair");
  document.querySelectorAll(".table-only").forEach(s => { s.hidden = !table; });
  document.querySelectorAll(".image-only").forEach(s => { s.hidden = !image; });
  renderConditionChoice(model);
  if (swapped) {
    const note = $("swap-note");
    note.textContent = `The service swapped in pair ${model.pair_id} at ${new Date(model.loaded_utc).toLocaleTimeString()}; scores and rows already on this page came from the pair before it.`;
    note.hidden = false;
  }
  if (image && !$("sample-grid").childElementCount) drawSamples().catch(e => showError("sample-error", e));
}

async function refresh() {
  try {
    await loadModel();
    showError("page-error", null);
  } catch (e) {
    showError("page-error", e);
  }
}

/** Asks /health (open without a key) whether another pair is in service, and reloads the card when so. */
async function poll() {
  try {
    const health = await (await fetch("/health")).json();
    if (!state.model || health.pair_id !== state.model.pair_id || health.loaded_utc !== state.loaded) await refresh();
  } catch { /* the service is restarting: the next poll will tell */ }
}

// ---- CSV --------------------------------------------------------------------------------------------------------

/**
 * RFC 4180 records of a CSV text (quoted fields, doubled quotes, CRLF or LF, a leading BOM dropped). Each record
 * carries the offset and line where it starts, so that part of the file can be sent again (see badRowOf).
 */
function parseCsv(text) {
  const records = [];
  let record = [], field = "", quoted = false, i = 0, line = 1, start = 0, startLine = 1;
  if (text.charCodeAt(0) === 0xfeff) i = start = 1;
  const end = () => {
    record.push(field);
    record.offset = start;
    record.line = startLine;
    records.push(record);
    record = []; field = "";
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\n" || (ch === "\r" && text[i + 1] !== "\n")) line++;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { record.push(field); field = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") { i++; line++; }
      end();
      start = i + 1; startLine = line;
    } else field += ch;
  }
  if (field !== "" || record.length) end();
  return records.filter(r => !(r.length === 1 && r[0] === ""));
}

function csvCell(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function downloadLink(id, text, name) {
  if (state.urls[id]) URL.revokeObjectURL(state.urls[id]);
  state.urls[id] = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  const a = $(id);
  a.href = state.urls[id];
  a.download = name;
  a.hidden = false;
}

// ---- scoring ----------------------------------------------------------------------------------------------------

async function scoreFile(file) {
  showError("score-error", null);
  $("score-download").hidden = true;
  $("score-table").replaceChildren();
  $("score-pages").replaceChildren();
  $("score-summary").textContent = `Scoring ${file.name} (${fmt(file.size)} bytes)…`;
  try {
    const text = await file.text();
    const records = parseCsv(text);
    if (!records.length) throw new Error(`${file.name} is empty: expected a header row with the column names, then one row per line.`);
    state.real = { header: records[0], rows: records.slice(1) };
    let answer;
    try {
      const read = await readAnswer(await postCsv(file.name, text));
      if (read.cut) throw new NoAnswer(`${file.name}: the service cut its answer off; upload the file again.`);
      answer = read.text;
    } catch (e) {
      throw e instanceof NoAnswer ? await badRowOf(file.name, text, records, e) : e;
    }
    showScored(file.name, answer);
    renderHistograms();
  } catch (e) {
    $("score-summary").textContent = "";
    showError("score-error", e);
  }
}

function postCsv(name, text) {
  return call("/score", { method: "POST", body: text, headers: { "Content-Type": "text/csv", "Accept": "text/csv" } })
    .catch(e => { throw e instanceof NoAnswer ? e : new Error(e.message.replace(/^\/score: the CSV body/, name)); });
}

/**
 * postCsv, sent once more when no answer came at all: a request right after a cut answer may go out on the connection
 * the service had just closed, which fails like a cut of its own; a second try goes out on a fresh one.
 */
async function postCsvAgain(name, text) {
  try {
    return await postCsv(name, text);
  } catch (e) {
    if (!(e instanceof NoAnswer)) throw e;
    return await postCsv(name, text);
  }
}

/** The answer's text, and whether the service cut it off (its connection ended before the answer did). */
async function readAnswer(response) {
  const reader = response.body.getReader(), decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode(), cut: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, cut: true };
  }
}

/**
 * The service answers a bad row past its first block by cutting its answer off (its status was already sent), and
 * what it had sent may be lost with the connection. The first bad row is found by sending shorter heads of the file
 * (a head fails when it holds the row), then that row alone under the header: the service names its line and column
 * in a 400, and that line is counted from the start of the whole file.
 */
async function badRowOf(name, text, records, cut) {
  const rows = records.length - 1, header = text.slice(0, rows ? records[1].offset : text.length);
  const rowsText = (first, last) => text.slice(records[first].offset, last < rows ? records[last + 1].offset : text.length);
  const fails = async last => {
    try { return (await readAnswer(await postCsvAgain(name, header + rowsText(1, last)))).cut; } catch { return true; }
  };
  let lo = 1, hi = rows;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (await fails(mid)) hi = mid; else lo = mid + 1;
  }
  if (!rows) return cut;
  try {
    await readAnswer(await postCsvAgain(name, header + rowsText(lo, lo)));
  } catch (e) {
    if (e instanceof NoAnswer) return e;
    const line = e.message.replace(/line (\d+)/, (_, l) => `line ${Number(l) - records[1].line + records[lo].line}`);
    return new Error(`${line} (the service had cut its answer off there; fix the row and upload the file again)`);
  }
  return cut;
}

function showScored(name, answer) {
  const records = parseCsv(answer);
  const header = records[0];
  const idAt = header[0] === "score" ? -1 : 0;
  const at = n => header.indexOf(n);
  const contribAt = header.map((h, j) => h.startsWith("contrib.") ? j : -1).filter(j => j >= 0);
  const names = contribAt.map(j => header[j].slice("contrib.".length));
  const rows = records.slice(1).map((r, line) => {
    const contributions = contribAt.map(j => Number(r[j]));
    let top = 0;
    contributions.forEach((c, j) => { if (c > contributions[top]) top = j; });
    return { line: line + 2, id: idAt >= 0 ? r[idAt] : null, score: Number(r[at("score")]), recon: Number(r[at("recon")]),
      kl: Number(r[at("kl")]), anomaly: r[at("is_anomaly")] === "true", contributions, top: names[top] };
  });
  rows.sort((a, b) => b.score - a.score);
  const anomalies = rows.filter(r => r.anomaly).length;
  state.scored = { names, idName: idAt >= 0 ? header[0] : null, rows: rows.slice(0, SHOWN_ROWS_CAP), total: rows.length, anomalies };
  state.page = 0;
  state.expanded.clear();
  const capped = rows.length > SHOWN_ROWS_CAP ? ` The table keeps the ${fmt(SHOWN_ROWS_CAP)} most unusual; the download has every row.` : "";
  $("score-summary").textContent = `${name}: ${fmt(rows.length)} rows scored, ${fmt(anomalies)} over the threshold (${fmt(100 * anomalies / Math.max(rows.length, 1), 3)}%).${capped}`;
  downloadLink("score-download", answer, name.replace(/\.csv$/i, "") + ".scored.csv");
  renderScoredPage();
}

function visibleRows() {
  const s = state.scored;
  return $("only-anomalies").checked ? s.rows.filter(r => r.anomaly) : s.rows;
}

function renderScoredPage() {
  const s = state.scored;
  if (!s) return;
  const size = Number($("page-size").value), rows = visibleRows();
  const pages = Math.max(1, Math.ceil(rows.length / size));
  state.page = Math.min(state.page, pages - 1);
  const shown = rows.slice(state.page * size, (state.page + 1) * size);
  const table = state.model && state.model.table;
  const columns = table ? (table.condition ? [table.condition.column] : []).concat(table.columns.map(c => c.name)) : s.names;
  const header = el("tr", {}, el("th", { scope: "col", text: "" }), el("th", { scope: "col", text: "Line" }),
    s.idName ? el("th", { scope: "col", text: s.idName }) : "", el("th", { scope: "col", text: "Score" }),
    el("th", { scope: "col", text: "is_anomaly" }), el("th", { scope: "col", text: "Top field" }),
    ...columns.map(c => el("th", { scope: "col", text: c })));
  const body = el("tbody");
  for (const row of shown) {
    body.append(scoredRow(row, columns, s));
    if (state.expanded.has(row.line)) body.append(detailRow(row, s, columns.length + (s.idName ? 6 : 5)));
  }
  $("score-table").replaceChildren(el("table", { "data-testid": "score-table" }, el("thead", {}, header), body));
  renderPager(pages);
}

function scoredRow(row, columns, s) {
  const real = state.real, cells = real ? real.rows[row.line - 2] || [] : [];
  const max = Math.max(...row.contributions.filter(Number.isFinite), 1e-9);
  const open = state.expanded.has(row.line);
  const toggle = () => { open ? state.expanded.delete(row.line) : state.expanded.add(row.line); renderScoredPage(); };
  const tr = el("tr", { "data-testid": "anomaly-row", class: row.anomaly ? "anomaly" : "", onclick: e => { if (!e.target.closest("button")) toggle(); } },
    el("td", {}, el("button", { type: "button", class: "expand", "aria-expanded": String(open), "aria-label": `Contributions of line ${row.line}`, onclick: toggle, text: open ? "−" : "+" })),
    el("td", { class: "num", text: row.line }),
    s.idName ? el("td", { "data-testid": "row-id", text: row.id }) : "",
    el("td", { class: "num", "data-testid": "row-score", text: fmt(row.score) }),
    el("td", { class: "flag", "data-testid": "row-anomaly", text: String(row.anomaly) }),
    el("td", { class: "top-field", "data-testid": "top-field", text: row.top }));
  for (const name of columns) {
    const j = s.names.indexOf(name), c = j >= 0 ? row.contributions[j] : NaN;
    const at = real ? real.header.indexOf(name) : -1;
    const td = el("td", { text: at >= 0 ? cells[at] : "", title: Number.isFinite(c) ? `${name}: ${fmt(c)} nats` : null });
    if (Number.isFinite(c) && c > 0) td.style.background = `rgba(214, 64, 40, ${(0.08 + 0.62 * c / max).toFixed(3)})`;
    tr.append(td);
  }
  return tr;
}

function detailRow(row, s, span) {
  const order = s.names.map((n, j) => j).sort((a, b) => row.contributions[b] - row.contributions[a]);
  const chart = barChart(order.map(j => ({ label: s.names[j], value: row.contributions[j] })), `Contributions of line ${row.line} to its reconstruction cost, nats`);
  const text = el("p", { class: "muted", text: `score ${fmt(row.score)} = recon ${fmt(row.recon)} + kl ${fmt(row.kl)}; each bar is a column's share of the score (the KL shared out over the columns).` });
  return el("tr", { class: "detail" }, el("td", { colspan: span }, text, chart));
}

function renderPager(pages) {
  const nav = $("score-pages");
  nav.replaceChildren();
  if (pages <= 1) return;
  const go = p => () => { state.page = p; renderScoredPage(); $("score-pages").querySelector("[aria-current]")?.focus(); };
  nav.append(el("button", { type: "button", onclick: go(Math.max(0, state.page - 1)), disabled: state.page === 0, text: "Previous" }));
  for (let p = 0; p < pages; p++) {
    if (pages > 9 && p > 1 && p < pages - 2 && Math.abs(p - state.page) > 1) { if (p === 2 || p === pages - 3) nav.append(el("span", { text: "…" })); continue; }
    nav.append(el("button", { type: "button", onclick: go(p), "aria-current": p === state.page ? "page" : null, text: String(p + 1) }));
  }
  nav.append(el("button", { type: "button", onclick: go(Math.min(pages - 1, state.page + 1)), disabled: state.page === pages - 1, text: "Next" }));
}

// ---- SVG charts -------------------------------------------------------------------------------------------------

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Horizontal bars, one per item, labelled with the item and its value (negative values drawn left of zero). */
function barChart(items, title) {
  const rowH = 20, labelW = 150, width = 560, plotW = width - labelW - 70;
  const min = Math.min(0, ...items.map(i => i.value).filter(Number.isFinite));
  const max = Math.max(1e-9, ...items.map(i => i.value).filter(Number.isFinite));
  const x = v => labelW + plotW * (v - min) / (max - min);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${items.length * rowH + 8}`, width: "100%", role: "img", "aria-label": title, "data-testid": "contribution-chart", style: `max-width:${width}px` });
  chart.append(svg("title", {}, title));
  items.forEach((item, i) => {
    const y = 4 + i * rowH, v = Number.isFinite(item.value) ? item.value : 0;
    chart.append(svg("text", { x: labelW - 6, y: y + 14, "text-anchor": "end", "font-size": 12 }, item.label));
    chart.append(svg("rect", { x: Math.min(x(0), x(v)), y: y + 3, width: Math.max(1, Math.abs(x(v) - x(0))), height: rowH - 6, fill: i === 0 ? "#d64028" : "#e9a291" }));
    chart.append(svg("text", { x: Math.max(x(0), x(v)) + 4, y: y + 14, "font-size": 11 }, fmt(item.value)));
  });
  return chart;
}

/** Real against synthetic shares per bin (numbers) or per value (categories, flags), as grouped bars. */
function histogram(title, bins) {
  const width = 300, height = 150, left = 6, bottom = 34, plotH = height - bottom - 8;
  const top = Math.max(1e-9, ...bins.flatMap(b => [b.real, b.synth]));
  const slot = (width - 2 * left) / bins.length, bar = Math.max(1, slot / 2 - 1);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", "aria-label": `${title}: real and synthetic shares` });
  chart.append(svg("title", {}, `${title}: real (blue) and synthetic (orange) shares`));
  bins.forEach((b, i) => {
    const x0 = left + i * slot;
    for (const [k, value, colour] of [[0, b.real, "#2457c5"], [1, b.synth, "#e07a1f"]]) {
      const h = plotH * value / top;
      chart.append(svg("rect", { x: x0 + k * bar + 1, y: 8 + plotH - h, width: bar, height: h, fill: colour }));
    }
    if (bins.length <= 8 || i % Math.ceil(bins.length / 6) === 0)
      chart.append(svg("text", { x: x0 + slot / 2, y: height - bottom + 14, "text-anchor": "middle", "font-size": 10 }, b.label.length > 10 ? b.label.slice(0, 9) + "…" : b.label));
  });
  chart.append(svg("line", { x1: left, x2: width - left, y1: 8 + plotH, y2: 8 + plotH, stroke: "#8a93a5" }));
  return chart;
}

function columnBins(column, real, synth) {
  const blanks = values => values.filter(v => v === "" || (state.model.table.missing_texts || []).includes(v)).length;
  if (column.kind === "numeric" || column.kind === "integer") {
    const nums = values => values.map(Number).filter((v, i) => values[i] !== "" && Number.isFinite(v));
    const r = nums(real), s = nums(synth), all = r.concat(s);
    if (!all.length) return [];
    // The bins span the middle 98% of the values, the rest counted in the end bins, so that one far-off value (the
    // anomaly being looked for) does not squeeze every other value into one bin.
    const sorted = all.slice().sort((a, b) => a - b), quantile = q => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    const lo = quantile(0.01), hi = quantile(0.99), count = 16, w = (hi - lo) / count || 1;
    const bin = v => Math.max(0, Math.min(count - 1, Math.floor((v - lo) / w)));
    const share = (vs, n, k) => vs.filter(v => bin(v) === k).length / Math.max(n, 1);
    const bins = Array.from({ length: count }, (_, k) => ({ label: fmt(lo + k * w, 3), real: share(r, real.length, k), synth: share(s, synth.length, k) }));
    if (column.has_missing) bins.push({ label: "blank", real: blanks(real) / Math.max(real.length, 1), synth: blanks(synth) / Math.max(synth.length, 1) });
    return bins;
  }
  const labels = [...new Set(real.concat(synth))].sort();
  return labels.map(l => ({ label: l === "" ? "blank" : l, real: real.filter(v => v === l).length / Math.max(real.length, 1), synth: synth.filter(v => v === l).length / Math.max(synth.length, 1) }));
}

function renderHistograms() {
  const box = $("synth-charts");
  box.replaceChildren();
  const real = state.real, synth = state.synth, model = state.model;
  if (!real || !synth || !model || !model.table) {
    if (synth) box.append(el("p", { class: "muted", text: "Score a CSV of real rows above to compare them with the synthetic rows column by column." }));
    return;
  }
  const legend = el("div", { class: "legend" }, el("span", {}, el("i", { style: "background:#2457c5" }), `real (${fmt(real.rows.length)} rows)`),
    el("span", {}, el("i", { style: "background:#e07a1f" }), `synthetic (${fmt(synth.rows.length)} rows)`));
  box.append(el("div", { style: "grid-column: 1 / -1" }, legend));
  const columns = model.table.columns.concat(model.table.condition ? [{ name: model.table.condition.column, kind: "categorical" }] : []);
  for (const column of columns) {
    const ri = real.header.indexOf(column.name), si = synth.header.indexOf(column.name);
    if (ri < 0 || si < 0) continue;
    const bins = columnBins(column, real.rows.map(r => r[ri] ?? ""), synth.rows.map(r => r[si] ?? ""));
    box.append(el("figure", { class: "chart", "data-testid": "histogram" }, el("h3", { text: `${column.name} (${column.kind})` }), histogram(column.name, bins)));
  }
}

// ---- synthesis --------------------------------------------------------------------------------------------------

function renderConditionChoice(model) {
  renderImageConditionChoice(model);
  const condition = model.table && model.table.condition;
  $("synth-condition-box").hidden = !condition;
  if (!condition) return;
  const select = $("synth-condition"), before = select.value;
  select.replaceChildren(el("option", { value: "", text: "as in training" }), ...condition.classes.map(c => el("option", { value: c, text: c })));
  if (condition.classes.includes(before)) select.value = before;
}

async function synthesize(event) {
  event.preventDefault();
  showError("synth-error", null);
  const body = { count: Number($("synth-count").value), seed: Number($("synth-seed").value) };
  const condition = state.model && state.model.table && state.model.table.condition;
  if (condition && $("synth-condition").value) body.condition = { [condition.column]: $("synth-condition").value };
  $("synth-summary").textContent = "Synthesizing…";
  try {
    const response = await call("/synthesize", { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json", "Accept": "text/csv" } });
    const text = await response.text();
    const records = parseCsv(text);
    state.synth = { header: records[0], rows: records.slice(1) };
    $("synth-summary").textContent = `${fmt(state.synth.rows.length)} synthetic rows (seed ${body.seed}); the first ${Math.min(PREVIEW_ROWS, state.synth.rows.length)} below.`;
    $("synth-table").replaceChildren(previewTable(state.synth));
    downloadLink("synth-download", text, `synthetic-${body.count}-seed${body.seed}.csv`);
    renderHistograms();
  } catch (e) {
    $("synth-summary").textContent = "";
    showError("synth-error", e);
  }
}

function previewTable(table) {
  return el("table", { "data-testid": "synth-table" },
    el("thead", {}, el("tr", {}, ...table.header.map(h => el("th", { scope: "col", text: h })))),
    el("tbody", {}, ...table.rows.slice(0, PREVIEW_ROWS).map(r => el("tr", {}, ...r.map(c => el("td", { text: c }))))));
}

// ---- image pairs ------------------------------------------------------------------------------------------------

/** A conditional image pair decodes every draw and reconstruction with one of its condition values. */
function renderImageConditionChoice(model) {
  // A pair exported with --latent-mixture also draws from its mixture, usually closer to the training images.
  const mixture = !model.table && (model.samplers || []).includes("gmm");
  $("sample-sampler-box").hidden = !mixture;
  if (!mixture) $("sample-sampler").value = "prior";
  const condition = !model.table && model.condition;
  $("sample-condition-box").hidden = !condition;
  if (!condition) return;
  const select = $("sample-condition"), before = select.value;
  select.replaceChildren(...condition.classes.map(c => el("option", { value: c, text: c })));
  if (condition.classes.includes(before)) select.value = before;
}

/** The condition value for image requests, or undefined for an unconditional pair (left out of the body). */
function imageCondition() {
  return state.model && !state.model.table && state.model.condition ? $("sample-condition").value : undefined;
}

function imageCanvas(values, label) {
  const shape = state.model.input_shape, w = shape[shape.length - 1], h = shape[shape.length - 2], channels = shape.length > 2 ? shape[0] : 1;
  const canvas = el("canvas", { width: w, height: h, role: "img", "aria-label": label });
  const ctx = canvas.getContext("2d"), image = ctx.createImageData(w, h);
  const scale = Math.max(...values) > 1.5 ? 1 : 255;
  for (let p = 0; p < w * h; p++) {
    for (let c = 0; c < 3; c++) {
      const v = values[(channels === 3 ? c : 0) * w * h + p];
      image.data[4 * p + c] = Math.max(0, Math.min(255, Math.round(v * scale)));
    }
    image.data[4 * p + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

async function drawSamples(event) {
  if (event) event.preventDefault();
  showError("sample-error", null);
  const body = { count: Number($("sample-count").value), seed: Number($("sample-seed").value), sampler: $("sample-sampler").value, condition: imageCondition() };
  try {
    const answer = await (await call("/sample", { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } })).json();
    $("sample-grid").replaceChildren(...answer.results.map((r, i) => imageCanvas(r.x_hat, `sample ${i + 1} of seed ${body.seed}`)));
  } catch (e) {
    showError("sample-error", e);
  }
}

async function gunzipIfNeeded(bytes) {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The first images of an IDX file (magic 0x0000_08_dd: unsigned bytes, dd dimensions), as numbers in [0, 1]. */
async function idxImages(file, limit) {
  const bytes = await gunzipIfNeeded(new Uint8Array(await file.arrayBuffer()));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint16(0) !== 0 || bytes[2] !== 0x08) throw new Error(`${file.name}: not an IDX file of unsigned bytes (its first bytes are not 00 00 08).`);
  const dims = bytes[3], sizes = [];
  for (let d = 0; d < dims; d++) sizes.push(view.getUint32(4 + 4 * d));
  const per = sizes.slice(1).reduce((a, b) => a * b, 1), want = state.model.input_dim;
  if (per !== want) throw new Error(`${file.name}: its images have ${per} values (${sizes.slice(1).join("x")}); the model takes ${want}.`);
  const start = 4 + 4 * dims, count = Math.min(limit, sizes[0]);
  return Array.from({ length: count }, (_, i) => Array.from(bytes.subarray(start + i * per, start + (i + 1) * per), b => b / 255));
}

/** A PNG drawn at the model's size, as grey levels (or RGB for 3-channel pairs) in [0, 1]. */
async function pngImage(file) {
  const shape = state.model.input_shape, w = shape[shape.length - 1], h = shape[shape.length - 2], channels = shape.length > 2 ? shape[0] : 1;
  let bitmap;
  try { bitmap = await createImageBitmap(file); } catch { throw new Error(`${file.name}: not an image the browser can read.`); }
  const canvas = el("canvas", { width: w, height: h }), ctx = canvas.getContext("2d");
  ctx.drawImage(bitmap, 0, 0, w, h);
  const data = ctx.getImageData(0, 0, w, h).data, values = new Array(channels * w * h);
  for (let p = 0; p < w * h; p++) {
    if (channels === 3) for (let c = 0; c < 3; c++) values[c * w * h + p] = data[4 * p + c] / 255;
    else values[p] = (data[4 * p] + data[4 * p + 1] + data[4 * p + 2]) / (3 * 255);
  }
  return values;
}

async function reconstructFiles(files) {
  showError("recon-error", null);
  $("recon-grid").replaceChildren();
  try {
    let images = [];
    for (const file of files) {
      if (images.length >= RECON_IMAGES) break;
      const png = file.type === "image/png" || /\.png$/i.test(file.name);
      images = images.concat(png ? [await pngImage(file)] : await idxImages(file, RECON_IMAGES - images.length));
    }
    const body = JSON.stringify({ rows: images, condition: imageCondition() }), headers = { "Content-Type": "application/json" };
    const recon = await (await call("/reconstruct", { method: "POST", body, headers })).json();
    let scores = null;
    try { scores = await (await call("/score", { method: "POST", body, headers })).json(); } catch { /* a pair without a likelihood has no score */ }
    $("recon-grid").replaceChildren(...images.map((x, i) => el("figure", {},
      imageCanvas(x, `uploaded image ${i + 1}`), imageCanvas(recon.results[i].x_hat, `reconstruction of image ${i + 1}`),
      el("figcaption", { text: scores ? `#${i + 1}: score ${fmt(scores.results[i].score)}` : `#${i + 1}` }))));
  } catch (e) {
    showError("recon-error", e);
  }
}

// ---- wiring -----------------------------------------------------------------------------------------------------

function wireDrop(zone, input, handle) {
  zone.addEventListener("dragover", e => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", e => {
    e.preventDefault();
    zone.classList.remove("over");
    if (e.dataTransfer.files.length) handle(e.dataTransfer.files);
  });
  input.addEventListener("change", () => { if (input.files.length) handle(input.files); });
}

document.addEventListener("DOMContentLoaded", () => {
  $("api-key").value = apiKey();
  $("key-form").addEventListener("submit", e => {
    e.preventDefault();
    sessionStorage.setItem(KEY_STORE, $("api-key").value.trim());
    refresh();
  });
  wireDrop($("drop"), $("score-file"), files => scoreFile(files[0]));
  wireDrop($("recon-file").parentElement, $("recon-file"), files => reconstructFiles([...files]));
  $("only-anomalies").addEventListener("change", () => { state.page = 0; renderScoredPage(); });
  $("page-size").addEventListener("change", () => { state.page = 0; renderScoredPage(); });
  $("synth-form").addEventListener("submit", synthesize);
  $("sample-form").addEventListener("submit", drawSamples);
  refresh();
  setInterval(poll, POLL_MS);
});
