// web/console/ops.js — the console's operations views: fault rules (presets, the rule list,
// a live event log), the clock and Roblox rules in force, and live metrics with sparklines.
// Loaded before app.js, whose helpers (h, api, admin, every, status, ...) they call.
"use strict";

// ---- faults, clock, metrics ------------------------------------------------------------

const PRESETS = {
  outage: { description: "outage for 30 s", effect: { type: "error", status: 503 }, ttlSeconds: 30 },
  afterCommit: { description: "10 % of writes fail after commit", match: { operations: ["set", "update", "increment", "remove"] },
    effect: { type: "after_commit", status: 500 }, probability: 0.1 },
  latency: { description: "latency 500 ms ± 200", effect: { type: "latency", ms: 500, jitterMs: 200 } },
};

const describeMatch = (m = {}) => Object.entries(m)
  .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join("|") : v}`).join(", ") || "every request";

function describeEffect(r) {
  const e = r.effect, parts = [e.type];
  if (e.status) parts.push(String(e.status));
  if (e.ms !== undefined) parts.push(`${e.ms} ms${e.jitterMs ? ` ± ${e.jitterMs}` : ""}`);
  if (r.probability !== undefined && r.probability !== 1) parts.push(`${Math.round(r.probability * 100)} %`);
  if (r.count) parts.push(`×${r.count}`);
  if (r.description) parts.push(`(${r.description})`);
  return parts.join(" ");
}

async function viewFaults(view) {
  view.append(h(`<h1>Fault injection</h1><div class="grid">
    <section class="card"><h2>New rule</h2><form id="fault-form">
      <div class="row"><span>Presets:</span><button type="button" data-preset="outage">Outage for 30 s</button>
        <button type="button" data-preset="afterCommit">10 % of writes fail after commit</button>
        <button type="button" data-preset="latency">Latency 500 ms ± 200</button></div>
      <div class="row"><label>Universe <input name="universe" inputmode="numeric" style="width:9rem"></label>
        <label>Data store <input name="datastore" style="width:9rem"></label>
        <label>Key prefix <input name="keyPrefix" style="width:8rem"></label></div>
      <div class="row"><label>Effect <select name="type">
          <option>error</option><option>latency</option><option>timeout</option><option>drop</option><option>throttle</option><option>after_commit</option></select></label>
        <label>Status <input name="status" type="number" value="503" style="width:5rem"></label>
        <label>ms <input name="ms" type="number" style="width:6rem"></label>
        <label>Probability <input name="probability" type="number" step="0.01" min="0" max="1" value="1" style="width:5rem"></label>
        <label>Count <input name="count" type="number" min="1" style="width:5rem"></label></div>
      <label style="display:block">Rule (JSON, sent as it is) <textarea name="json" id="fault-json"></textarea></label>
      <div class="row"><button class="primary">Create rule</button></div></form></section>
    <section class="card"><h2>Rules</h2><table><thead><tr><th>Id</th><th>Match</th><th>Effect</th><th class="num">Matched</th><th class="num">Fired</th><th></th></tr></thead>
      <tbody id="fault-rules"></tbody></table>
      <div class="row"><button class="danger" id="faults-clear">Remove all…</button></div></section></div>
    <section class="card"><h2>Event log <span class="muted" id="events-total"></span></h2><div class="log">
      <table><thead><tr><th>Time</th><th>Rule</th><th>Effect</th><th>Request</th><th>Entry</th></tr></thead><tbody id="fault-events"></tbody></table></div>
      <div class="row"><button id="events-clear">Clear log</button></div></section>`));
  const form = $("#fault-form");
  const fromFields = () => {
    const f = form.elements, rule = { match: {}, effect: { type: f.type.value } };
    if (f.universe.value) rule.match.universe = Number(f.universe.value);
    if (f.datastore.value) rule.match.datastore = f.datastore.value;
    if (f.keyPrefix.value) rule.match.keyPrefix = f.keyPrefix.value;
    if (["error", "after_commit"].includes(f.type.value) && f.status.value) rule.effect.status = Number(f.status.value);
    if (["latency", "timeout"].includes(f.type.value) && f.ms.value) rule.effect.ms = Number(f.ms.value);
    if (f.probability.value && Number(f.probability.value) !== 1) rule.probability = Number(f.probability.value);
    if (f.count.value) rule.count = Number(f.count.value);
    f.json.value = pretty(rule);
  };
  form.addEventListener("input", (e) => { if (e.target.name !== "json") fromFields(); });
  form.querySelectorAll("[data-preset]").forEach((b) => b.addEventListener("click", () => {
    form.elements.json.value = pretty(PRESETS[b.dataset.preset]);
  }));
  fromFields();
  const loadRules = async () => {
    const res = await guarded(() => admin("GET", "/faults"));
    if (!res) return;
    const body = $("#fault-rules");
    body.replaceChildren();
    for (const r of res.faults) {
      body.append(h(`<tr><td>${r.id}${r.active ? "" : ' <span class="tag">retired</span>'}</td><td>${esc(describeMatch(r.match))}</td>
        <td>${esc(describeEffect(r))}</td>
        <td class="num">${r.matched}</td><td class="num">${r.fired}</td>
        <td><button type="button" class="danger" data-rule="${r.id}" aria-label="Delete rule ${r.id}">Delete</button></td></tr>`));
    }
    if (!res.faults.length) body.append(h(`<tr><td colspan="6" class="muted">No rules: requests run normally.</td></tr>`));
    body.querySelectorAll("[data-rule]").forEach((b) => b.addEventListener("click", () => guarded(async () => {
      await admin("DELETE", `/faults/${b.dataset.rule}`);
      loadRules();
    })));
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    guarded(async () => {
      const rule = await admin("POST", "/faults", { body: form.elements.json.value });
      status(`Rule ${rule.id} is in force.`);
      loadRules();
    });
  });
  $("#faults-clear").addEventListener("click", () => {
    if (confirm("Remove every fault rule?")) guarded(async () => { await admin("DELETE", "/faults"); loadRules(); });
  });
  $("#events-clear").addEventListener("click", () => guarded(() => admin("DELETE", "/fault-events")));
  await loadRules();
  let lastTotal = -1;
  every(1000, async () => {
    const res = await guarded(() => admin("GET", "/fault-events"));
    if (!res || res.total === lastTotal) return;
    const fired = lastTotal >= 0;
    lastTotal = res.total;
    $("#events-total").textContent = `(${res.total} fired${res.dropped ? `, ${res.dropped} dropped` : ""})`;
    const body = $("#fault-events");
    body.replaceChildren();
    for (const ev of res.events.slice().reverse()) {
      body.append(h(`<tr><td class="mono">${esc(ev.time)}</td><td>${ev.ruleId}</td><td>${esc(ev.effect)}${ev.status ? ` ${ev.status}` : ""}${ev.delayMs ? ` ${ev.delayMs} ms` : ""}</td>
        <td class="mono">${esc(ev.method)} ${esc(ev.family || "")} ${esc(ev.operation || "")}</td>
        <td class="mono">${esc([ev.universe, ev.datastore, ev.scope, ev.key].filter((x) => x !== undefined).join(" / "))}</td></tr>`));
    }
    if (fired) loadRules(); /* their counters moved */
  });
}

async function viewClock(view) {
  view.append(h(`<h1>Clock and rules</h1><div class="grid">
    <section class="card"><h2>Service clock</h2><p><span id="clock-time" class="mono"></span> <span id="clock-mode" class="badge"></span></p>
      <p class="muted" id="clock-offset"></p>
      <form class="row" id="clock-advance"><label>Advance by <input name="seconds" type="number" min="0" step="any" value="6" style="width:6rem"> s</label>
        <button class="primary">Advance</button></form>
      <form class="row" id="clock-set"><label>Set to <input name="time" placeholder="2030-01-01T00:00:00Z" style="width:16rem"></label>
        <button>Set</button></form></section>
    <section class="card"><h2>Configuration</h2><table><tbody id="config"></tbody></table></section></div>`));
  const show = (c) => {
    $("#clock-time").textContent = c.time;
    $("#clock-mode").textContent = c.mode;
    $("#clock-offset").textContent = c.mode === "virtual" ? `${c.offsetSeconds.toFixed(1)} s ahead of real time` : "follows the real time";
    for (const f of ["clock-advance", "clock-set"]) $(`#${f}`).hidden = c.mode !== "virtual";
    $("#clock-badge").textContent = `${c.mode === "virtual" ? "virtual " : ""}${c.time.slice(0, 19)}Z`;
  };
  const clock = await guarded(() => admin("GET", "/clock"));
  if (clock) show(clock);
  $("#clock-advance").addEventListener("submit", (e) => {
    e.preventDefault();
    guarded(async () => show(await admin("POST", "/clock:advance", { body: { seconds: Number(e.target.elements.seconds.value) } })));
  });
  $("#clock-set").addEventListener("submit", (e) => {
    e.preventDefault();
    guarded(async () => show(await admin("POST", "/clock:set", { body: { time: e.target.elements.time.value } })));
  });
  const config = await guarded(() => admin("GET", "/config"));
  for (const [k, v] of Object.entries(config || {})) {
    $("#config").append(h(`<tr><th class="mono">--${esc(k)}</th><td class="mono">${esc(v === null ? "—" : Array.isArray(v) ? v.join(", ") : v)}</td></tr>`));
  }
}

// Prometheus text → Map of "name{labels}" → value, and per name the label objects.
function parseMetrics(text) {
  const samples = [];
  for (const line of text.split("\n")) {
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/);
    if (!m) continue;
    const labels = {};
    for (const l of (m[3] || "").matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return samples;
}

const sum = (samples, name, pred = () => true) =>
  samples.filter((s) => s.name === name && pred(s.labels)).reduce((a, s) => a + s.value, 0);

function sparkline(points, unit) {
  if (points.length === 1) points = [points[0], points[0]]; // a flat line until the next sample
  const w = 300, hgt = 60, max = Math.max(1e-9, ...points);
  const step = w / Math.max(1, points.length - 1);
  const pts = points.map((p, i) => `${(i * step).toFixed(1)},${(hgt - (p / max) * (hgt - 4) - 2).toFixed(1)}`).join(" ");
  const last = points.length ? points[points.length - 1] : 0;
  return `<svg class="chart" viewBox="0 0 ${w} ${hgt + 10}" role="img" aria-label="${last.toFixed(2)} ${unit}">
    <polyline points="${pts}"/><text x="2" y="${hgt + 9}">${last.toFixed(2)} ${esc(unit)} (max ${max.toFixed(2)})</text></svg>`;
}

async function viewMetrics(view) {
  view.append(h(`<h1>Live metrics</h1><p class="muted">From /metrics every 2 s, on this instance.</p>
    <div class="grid" id="charts"></div><h2>Requests by family and operation</h2>
    <table><thead><tr><th>Family</th><th>Operation</th><th class="num">req/s</th><th class="num">mean latency ms</th><th class="num">total</th></tr></thead>
    <tbody id="by-op"></tbody></table>`));
  const series = { rate: [], errors: [], throttled: [], latency: [], pool: [] };
  let prev = null;
  every(2000, async () => {
    const res = await guarded(() => api("GET", "/metrics", { raw: true }));
    if (!res) return;
    const now = { t: performance.now(), s: parseMetrics(res.text) };
    if (prev) {
      const dt = (now.t - prev.t) / 1000, d = (name, pred) => (sum(now.s, name, pred) - sum(prev.s, name, pred)) / dt;
      const count = d("datastored_request_duration_seconds_count");
      series.rate.push(d("datastored_requests_total"));
      series.errors.push(d("datastored_requests_total", (l) => Number(l.status) >= 400));
      series.throttled.push(d("datastored_throttled_total"));
      series.latency.push(count > 0 ? (1000 * d("datastored_request_duration_seconds_sum")) / count : 0);
      series.pool.push(sum(now.s, "datastored_db_pool_connections", (l) => l.state === "busy"));
      for (const k of Object.keys(series)) if (series[k].length > 60) series[k].shift();
      $("#charts").innerHTML = [["Requests", series.rate, "req/s"], ["Errors (4xx/5xx)", series.errors, "req/s"],
        ["Throttled", series.throttled, "req/s"], ["Mean latency", series.latency, "ms"], ["DB connections in use", series.pool, "conns"]]
        .map(([title, pts, unit]) => `<section class="card"><h2>${title}</h2>${sparkline(pts, unit)}</section>`).join("");
      const rows = new Map();
      for (const s of now.s.filter((x) => x.name === "datastored_requests_total")) {
        const k = `${s.labels.family}|${s.labels.operation}`;
        const r = rows.get(k) || { family: s.labels.family, operation: s.labels.operation, total: 0 };
        r.total += s.value;
        rows.set(k, r);
      }
      const body = $("#by-op");
      body.replaceChildren();
      for (const r of [...rows.values()].sort((a, b) => b.total - a.total)) {
        const pred = (l) => l.family === r.family && l.operation === r.operation;
        const n = d("datastored_request_duration_seconds_count", pred);
        body.append(h(`<tr><td>${esc(r.family)}</td><td>${esc(r.operation)}</td><td class="num">${d("datastored_requests_total", pred).toFixed(2)}</td>
          <td class="num">${n > 0 ? ((1000 * d("datastored_request_duration_seconds_sum", pred)) / n).toFixed(2) : "—"}</td><td class="num">${r.total}</td></tr>`));
      }
    }
    prev = now;
  });
}
