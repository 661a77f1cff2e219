// web/console/app.js — the datastored web console: a hash-routed page over the public and
// admin APIs of the server that serves it (same origin, no build step, no network beyond
// this server). Views: data browser (universes → data stores → keys → entry), leaderboards,
// fault rules with a live event log, clock and rules, live metrics, export/import/reset.
// The fault, clock and metrics views are in ops.js, which the page loads first.
"use strict";

const state = {
  apiKey: sessionStorage.getItem("ds.apiKey") || "",
  adminKey: sessionStorage.getItem("ds.adminKey") || "",
  timers: [],
};

// ---- helpers ---------------------------------------------------------------------------

const $ = (sel, root = document) => root.querySelector(sel);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const enc = encodeURIComponent;
const pretty = (v) => JSON.stringify(v, null, 2);

function h(html) {
  const t = document.createElement("template");
  t.innerHTML = html.trim();
  return t.content;
}

function status(message, kind = "") {
  const el = $("#status");
  el.textContent = message;
  el.className = kind;
}

class ApiError extends Error {
  constructor(res, body) {
    let msg = body;
    try {
      const j = JSON.parse(body);
      msg = j.message || (j.errors && j.errors[0] && j.errors[0].message) || body;
      if (j.details && j.details[0]) msg += ` (${j.details[0].datastoreErrorCode})`;
      if (j.errorDetails && j.errorDetails[0]) msg += ` (${j.errorDetails[0].datastoreErrorCode})`;
    } catch { /* not JSON */ }
    const hint = res.status === 401 ? " — the server wants a key: open Keys (top right)." : "";
    super(`${res.status}: ${msg}${hint}`);
    this.status = res.status;
    this.headers = res.headers;
  }
}

// One request to this server. admin: send the admin key; raw: return {text, headers}.
async function api(method, path, { body, headers = {}, admin = false, raw = false } = {}) {
  const hdrs = { ...headers };
  const key = admin ? state.adminKey : state.apiKey;
  if (key) hdrs["x-api-key"] = key;
  if (body !== undefined && typeof body !== "string" && !(body instanceof Blob)) {
    body = JSON.stringify(body);
    hdrs["content-type"] = "application/json";
  }
  const res = await fetch(path, { method, headers: hdrs, body });
  const text = await res.text();
  if (!res.ok) {
    throw new ApiError(res, text);
  }
  if (raw) return { text, headers: res.headers, status: res.status };
  return text ? JSON.parse(text) : {};
}

const admin = (method, path, opts = {}) => api(method, `/admin/v1${path}`, { ...opts, admin: true });
const v1base = (u) => `/datastores/v1/universes/${enc(u)}/standard-datastores`;
const v2base = (u) => `/cloud/v2/universes/${enc(u)}/data-stores`;
const odbase = (u, ds, scope) =>
  `/cloud/v2/universes/${enc(u)}/ordered-data-stores/${enc(ds)}/scopes/${enc(scope)}/entries`;

// Runs fn, showing its error in the status line instead of throwing.
async function guarded(fn) {
  try {
    return await fn();
  } catch (e) {
    status(e.message, "error");
    return undefined;
  }
}

function every(ms, fn) {
  fn();
  state.timers.push(setInterval(fn, ms));
}

function lineDiff(a, b) {
  const x = a.split("\n"), y = b.split("\n");
  const n = x.length, m = y.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) { out.push(`<span>  ${esc(x[i])}</span>`); i++; j++; }
    else if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) { out.push(`<span class="diff-add">+ ${esc(y[j])}</span>`); j++; }
    else { out.push(`<span class="diff-del">- ${esc(x[i])}</span>`); i++; }
  }
  return out.join("");
}

// ---- data browser ----------------------------------------------------------------------

async function viewHome(view) {
  view.append(h(`<h1>Universes</h1>
    <form class="row" id="open-universe"><label>Universe id <input name="u" inputmode="numeric" required pattern="[0-9]+"></label>
    <button class="primary">Open</button></form>
    <table><thead><tr><th>Universe</th><th class="num">Data stores</th><th class="num">Ordered data stores</th></tr></thead>
    <tbody id="universes"></tbody></table><div class="row"><button id="more" hidden>More</button></div>`));
  $("#open-universe").addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = `#/u/${new FormData(e.target).get("u")}`;
  });
  let token = "";
  const load = async () => {
    const page = await guarded(() => admin("GET", `/universes?maxPageSize=100&pageToken=${enc(token)}`));
    if (!page) return;
    for (const u of page.universes) {
      $("#universes").append(h(`<tr><td><a href="#/u/${u.id}">${u.id}</a></td>
        <td class="num">${u.dataStores}</td><td class="num">${u.orderedDataStores}</td></tr>`));
    }
    if (!page.universes.length && !token) $("#universes").append(h(`<tr><td colspan="3" class="muted">No data yet.</td></tr>`));
    token = page.nextPageToken;
    $("#more").hidden = !token;
  };
  $("#more").addEventListener("click", load);
  await load();
}

async function viewUniverse(view, u) {
  view.append(h(`<h1>Universe ${esc(u)}</h1><div class="grid">
    <section class="card"><h2>Standard data stores</h2><table><tbody id="stores"></tbody></table>
      <div class="row"><button id="stores-more" hidden>More</button></div></section>
    <section class="card"><h2>Ordered data stores (leaderboards)</h2><table><tbody id="ordered"></tbody></table></section>
    <section class="card"><h2>Request budgets</h2><div id="budgets"></div></section>
    <section class="card"><h2>Data movement</h2>
      <div class="row"><button id="export">Export universe</button><a id="export-link" hidden>download</a></div>
      <div class="row"><label>Import a file <input type="file" id="import-file" accept="application/json,.json"></label>
        <progress id="import-progress" max="100" value="0" hidden></progress></div>
      <p class="muted">Takes a datastored export or a MockDataStoreService JSON file.</p>
      <div class="row"><button class="danger" id="reset">Reset this universe…</button></div></section></div>`));
  let token = "";
  const loadStores = async () => {
    const page = await guarded(() => api("GET", `${v2base(u)}?maxPageSize=50&showDeleted=true&pageToken=${enc(token)}`));
    if (!page) return;
    for (const ds of page.dataStores) {
      const deleted = ds.state === "DELETED";
      $("#stores").append(h(`<tr><td><a href="#/u/${enc(u)}/ds/${enc(ds.id)}">${esc(ds.id)}</a>
        ${deleted ? '<span class="tag deleted">deleted</span>' : ""}</td>
        <td class="muted">${esc(ds.createTime)}</td></tr>`));
    }
    if (!page.dataStores.length && !token) $("#stores").append(h(`<tr><td class="muted">None.</td></tr>`));
    token = page.nextPageToken;
    $("#stores-more").hidden = !token;
  };
  $("#stores-more").addEventListener("click", loadStores);
  await loadStores();
  const ordered = await guarded(() => admin("GET", `/universes/${enc(u)}/ordered-data-stores`));
  for (const od of ordered ? ordered.orderedDataStores : []) {
    $("#ordered").append(h(`<tr><td><a href="#/u/${enc(u)}/od/${enc(od.name)}">${esc(od.name)}</a></td>
      <td class="num">${od.entries} entries</td></tr>`));
  }
  if (ordered && !ordered.orderedDataStores.length) $("#ordered").append(h(`<tr><td class="muted">None.</td></tr>`));
  const budgets = await guarded(() => admin("GET", `/universes/${enc(u)}/budgets`));
  for (const [type, left] of Object.entries(budgets || {})) {
    $("#budgets").append(h(`<div class="row"><span style="min-width:10rem">${esc(type)}</span>
      <meter min="0" max="${Math.max(60, left)}" value="${left}" aria-label="${esc(type)} remaining"></meter>
      <span class="mono">${left}</span></div>`));
  }
  $("#export").addEventListener("click", () => guarded(async () => {
    const res = await api("GET", `/admin/v1/export?universe=${enc(u)}&versions=true`, { admin: true, raw: true });
    const a = $("#export-link");
    a.href = URL.createObjectURL(new Blob([res.text], { type: "application/json" }));
    a.download = `universe-${u}.json`;
    a.hidden = false;
    a.textContent = `download universe-${u}.json (${res.text.length} bytes)`;
    status(`Exported universe ${u}.`);
  }));
  $("#import-file").addEventListener("change", (e) => {
    const file = e.target.files[0];
    if (!file) return;
    const bar = $("#import-progress");
    bar.hidden = false;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/admin/v1/import?universe=${enc(u)}`);
    if (state.adminKey) xhr.setRequestHeader("x-api-key", state.adminKey);
    xhr.setRequestHeader("content-type", "application/json");
    xhr.upload.onprogress = (p) => { if (p.lengthComputable) bar.value = (100 * p.loaded) / p.total; };
    xhr.onload = () => {
      bar.value = 100;
      if (xhr.status === 200) {
        const r = JSON.parse(xhr.responseText);
        status(`Imported ${r.entries} entries, ${r.versions} versions, ${r.orderedEntries} ordered entries (${r.failed} failed).`);
        route();
      } else {
        status(new ApiError({ status: xhr.status }, xhr.responseText).message, "error");
      }
    };
    xhr.send(file);
  });
  $("#reset").addEventListener("click", () => {
    if (!confirm(`Delete every entry of universe ${u}? This cannot be undone.`)) return;
    guarded(async () => {
      const r = await admin("POST", "/reset", { body: { universe: Number(u) } });
      status(`Reset universe ${u}: ${r.deletedEntries} entries deleted.`);
      route();
    });
  });
}

async function viewKeys(view, u, ds) {
  view.append(h(`<h1><a href="#/u/${enc(u)}">Universe ${esc(u)}</a> / ${esc(ds)}</h1>
    <form class="row" id="key-search"><label>Scope <input name="scope" value="global" placeholder="every scope"></label>
      <label>Key prefix <input name="prefix"></label><button class="primary">Search</button>
      <span class="muted">An empty scope lists every scope; the prefix then matches "scope/key".</span></form>
    <table><thead><tr><th>Scope</th><th>Key</th></tr></thead><tbody id="keys"></tbody></table>
    <div class="row"><button id="keys-more" hidden>Next page</button></div>
    <h2>_version migrations</h2><div id="migrations" class="muted"></div>`));
  let cursor = "", query = { scope: "global", prefix: "" };
  const load = async (fresh) => {
    if (fresh) { cursor = ""; $("#keys").replaceChildren(); }
    const scopeArg = query.scope ? `scope=${enc(query.scope)}` : "allScopes=true";
    const page = await guarded(() => api("GET",
      `${v1base(u)}/datastore/entries?datastoreName=${enc(ds)}&${scopeArg}&prefix=${enc(query.prefix)}&limit=50&cursor=${enc(cursor)}`));
    if (!page) return;
    for (const k of page.keys) {
      $("#keys").append(h(`<tr><td>${esc(k.scope)}</td>
        <td><a href="#/u/${enc(u)}/ds/${enc(ds)}/e/${enc(k.scope)}/${enc(k.key)}">${esc(k.key)}</a></td></tr>`));
    }
    if (!page.keys.length && !cursor) $("#keys").append(h(`<tr><td colspan="2" class="muted">No keys.</td></tr>`));
    cursor = page.nextPageCursor;
    $("#keys-more").hidden = !cursor;
  };
  $("#key-search").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    query = { scope: f.get("scope").trim(), prefix: f.get("prefix") };
    load(true);
  });
  $("#keys-more").addEventListener("click", () => load(false));
  await load(true);
  const chain = await guarded(() => admin("GET", `/universes/${enc(u)}/data-stores/${enc(ds)}/migrations`));
  if (chain) {
    $("#migrations").textContent = chain.steps.length
      ? `Latest _version ${chain.latestVersion}: ${chain.steps.map((s) => `step ${s.step}${s.applied ? " (applied)" : ""}`).join(", ")}.`
      : "No migration chain: values are stored as written.";
  }
}

async function viewEntry(view, u, ds, scope, key) {
  const e2 = `${v2base(u)}/${enc(ds)}/scopes/${enc(scope)}/entries/${enc(key)}`;
  const e1 = `${v1base(u)}/datastore/entries/entry?datastoreName=${enc(ds)}&scope=${enc(scope)}&entryKey=${enc(key)}`;
  view.append(h(`<h1><a href="#/u/${enc(u)}">Universe ${esc(u)}</a> / <a href="#/u/${enc(u)}/ds/${enc(ds)}">${esc(ds)}</a>
      / ${esc(scope)} / <span id="entry-key">${esc(key)}</span></h1>
    <div class="grid"><section class="card"><h2>Value</h2><pre id="entry-value"></pre>
        <h2>Raw bytes</h2><pre id="entry-raw" class="muted"></pre></section>
      <section class="card"><h2>Metadata</h2><table><tbody id="entry-meta"></tbody></table>
        <h2>Edit</h2><form id="entry-edit"><textarea name="value" aria-label="New value (JSON)"></textarea>
          <div class="row"><button class="primary">Save (SetAsync)</button>
          <label>Increment by <input name="by" type="number" value="1" style="width:6rem"></label>
          <button type="button" id="entry-incr">Increment</button>
          <button type="button" class="danger" id="entry-delete">Delete…</button></div></form></section></div>
    <section class="card"><h2>Versions</h2><ol class="timeline" id="versions"></ol>
      <div id="version-view" hidden><h2 id="version-title"></h2><pre id="version-diff"></pre></div></section>`));
  let current = null;
  const load = async () => {
    const entry = await guarded(() => api("GET", e2));
    if (!entry) return;
    current = entry;
    const valueText = pretty(entry.value);
    $("#entry-value").textContent = valueText;
    $("#entry-edit").elements.value.value = valueText;
    const raw = await guarded(() => api("GET", e1, { raw: true }));
    if (raw) $("#entry-raw").textContent = raw.text;
    const meta = $("#entry-meta");
    meta.replaceChildren();
    const rows = [["revision", entry.revisionId], ["created", entry.createTime], ["written", entry.revisionCreateTime],
      ["users", (entry.users || []).join(", ") || "—"], ["attributes", pretty(entry.attributes || {})]];
    if (entry.value && typeof entry.value === "object" && "_version" in entry.value) rows.push(["_version", entry.value._version]);
    rows.push(["lock", entry.lock ? `held by ${entry.lock.owner} until ${entry.lock.expireTime}` : "none"]);
    for (const [k, v] of rows) meta.append(h(`<tr><th>${esc(k)}</th><td class="mono">${esc(v)}</td></tr>`));
    const chain = await guarded(() => admin("GET", `/universes/${enc(u)}/data-stores/${enc(ds)}/migrations`));
    const have = entry.value && typeof entry.value === "object" ? entry.value._version || 0 : null;
    if (chain && chain.latestVersion && have !== null && have < chain.latestVersion) {
      meta.append(h(`<tr><th>migration</th><td class="warn">pending: _version ${have} → ${chain.latestVersion} on the next read</td></tr>`));
    }
    await loadVersions();
  };
  const loadVersions = async () => {
    const list = $("#versions");
    list.replaceChildren();
    const page = await guarded(() => api("GET",
      `${v1base(u)}/datastore/entries/entry/versions?datastoreName=${enc(ds)}&scope=${enc(scope)}&entryKey=${enc(key)}&sortOrder=Descending&limit=50`));
    for (const v of page ? page.versions : []) {
      const li = h(`<li class="${v.deleted ? "tombstone" : ""}"><span class="mono">${esc(v.version)}</span>
        <span class="muted">${esc(v.createdTime)} · ${v.deleted ? "deleted" : `${v.contentLength} bytes`}</span>
        ${v.deleted ? "" : `<button type="button" data-version="${esc(v.version)}">View and diff</button>`}</li>`);
      list.append(li);
    }
    list.querySelectorAll("button[data-version]").forEach((b) => b.addEventListener("click", () => showVersion(b.dataset.version)));
  };
  const showVersion = (version) => guarded(async () => {
    const res = await api("GET", `${v1base(u)}/datastore/entries/entry/versions/version?datastoreName=${enc(ds)}&scope=${enc(scope)}&entryKey=${enc(key)}&versionId=${enc(version)}`, { raw: true });
    let old = res.text;
    try { old = pretty(JSON.parse(res.text)); } catch { /* keep the raw text */ }
    $("#version-view").hidden = false;
    $("#version-title").textContent = `Version ${version} → current`;
    $("#version-diff").innerHTML = lineDiff(old, pretty(current.value));
  });
  const write = (fn, what) => guarded(async () => {
    const res = await fn();
    status(`${what}: done${res && res.headers && res.headers.get("x-datastored-queued-ms") ? ` (waited ${res.headers.get("x-datastored-queued-ms")} ms in the cooldown queue)` : ""}.`);
    await load();
  });
  $("#entry-edit").addEventListener("submit", (ev) => {
    ev.preventDefault();
    let value;
    try { value = JSON.parse(ev.target.elements.value.value); } catch (e) { status(`Not JSON: ${e.message}`, "error"); return; }
    write(() => api("PATCH", `${e2}?allowMissing=true`, { body: { value, etag: current && current.etag }, raw: true }), "Saved");
  });
  $("#entry-incr").addEventListener("click", () => write(() => api("POST", `${e2}:increment`,
    { body: { amount: Number($("#entry-edit").elements.by.value) }, raw: true }), "Incremented"));
  $("#entry-delete").addEventListener("click", () => {
    if (!confirm(`Delete ${key}? RemoveAsync writes a tombstone version.`)) return;
    guarded(async () => {
      await api("DELETE", e2);
      status(`Deleted ${key}.`);
      location.hash = `#/u/${enc(u)}/ds/${enc(ds)}`;
    });
  });
  await load();
}

async function viewLeaderboard(view, u, ds) {
  view.append(h(`<h1><a href="#/u/${enc(u)}">Universe ${esc(u)}</a> / ${esc(ds)} (ordered)</h1>
    <form class="row" id="board-form"><label>Scope <input name="scope" value="global"></label>
      <label>Min <input name="min" type="number" style="width:7rem"></label>
      <label>Max <input name="max" type="number" style="width:7rem"></label>
      <label>Order <select name="order"><option value="desc">descending</option><option value="asc">ascending</option></select></label>
      <label>Page size <input name="size" type="number" value="10" min="1" max="100" style="width:5rem"></label>
      <button class="primary">Show</button></form>
    <table><thead><tr><th class="num">Rank</th><th>Key</th><th class="num">Value</th></tr></thead><tbody id="board"></tbody></table>
    <div class="row"><button id="board-prev" disabled>Previous page</button><span id="board-page" class="muted"></span>
      <button id="board-next" disabled>Next page</button></div>`));
  const tokens = [""];
  let page = 0, q = null;
  const load = async () => {
    const filter = [q.min !== "" ? `entry >= ${q.min}` : "", q.max !== "" ? `entry <= ${q.max}` : ""].filter(Boolean).join(" && ");
    const url = `${odbase(u, ds, q.scope)}?maxPageSize=${q.size}&orderBy=${q.order === "desc" ? enc("value desc") : "value"}` +
      `${filter ? `&filter=${enc(filter)}` : ""}&pageToken=${enc(tokens[page])}`;
    const res = await guarded(() => api("GET", url));
    if (!res) return;
    const body = $("#board");
    body.replaceChildren();
    res.orderedDataStoreEntries.forEach((e, i) => body.append(h(`<tr><td class="num">${page * q.size + i + 1}</td>
      <td>${esc(e.id)}</td><td class="num">${e.value}</td></tr>`)));
    tokens[page + 1] = res.nextPageToken;
    $("#board-page").textContent = `page ${page + 1}`;
    $("#board-prev").disabled = page === 0;
    $("#board-next").disabled = !res.nextPageToken;
  };
  $("#board-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    q = { scope: f.get("scope") || "global", min: f.get("min"), max: f.get("max"), order: f.get("order"), size: Number(f.get("size")) || 10 };
    tokens.length = 1;
    page = 0;
    load();
  });
  $("#board-prev").addEventListener("click", () => { page--; load(); });
  $("#board-next").addEventListener("click", () => { page++; load(); });
  $("#board-form").requestSubmit();
}

// ---- routing and start-up --------------------------------------------------------------

const ROUTES = [
  [/^#?\/?$/, "data", viewHome],
  [/^#\/u\/(\d+)$/, "data", viewUniverse],
  [/^#\/u\/(\d+)\/ds\/([^/]+)$/, "data", viewKeys],
  [/^#\/u\/(\d+)\/ds\/([^/]+)\/e\/([^/]+)\/([^/]+)$/, "data", viewEntry],
  [/^#\/u\/(\d+)\/od\/([^/]+)$/, "data", viewLeaderboard],
  [/^#\/faults$/, "faults", viewFaults],
  [/^#\/clock$/, "clock", viewClock],
  [/^#\/metrics$/, "metrics", viewMetrics],
];

async function route() {
  state.timers.forEach(clearInterval);
  state.timers = [];
  const view = $("#view");
  view.replaceChildren();
  const hash = location.hash || "#/";
  for (const [re, section, fn] of ROUTES) {
    const m = hash.match(re);
    if (!m) continue;
    document.querySelectorAll("header nav a").forEach((a) => a.classList.toggle("active", a.dataset.section === section));
    status("");
    await fn(view, ...m.slice(1).map(decodeURIComponent));
    view.focus();
    return;
  }
  view.append(h(`<h1>Not found</h1><p><a href="#/">Back to the universes</a></p>`));
}

function setUpKeys() {
  const dialog = $("#keys-dialog");
  $("#keys-button").addEventListener("click", () => {
    $("#api-key").value = state.apiKey;
    $("#admin-key").value = state.adminKey;
    dialog.showModal();
  });
  dialog.addEventListener("close", () => {
    if (dialog.returnValue !== "save") return;
    state.apiKey = $("#api-key").value.trim();
    state.adminKey = $("#admin-key").value.trim();
    sessionStorage.setItem("ds.apiKey", state.apiKey);
    sessionStorage.setItem("ds.adminKey", state.adminKey);
    clearInterval(state.badgeTimer);
    refreshClockBadge();
    state.badgeTimer = setInterval(refreshClockBadge, 5000);
    route();
  });
}

// The header's clock, every 5 s; without the admin key it stays empty (and stops asking).
async function refreshClockBadge() {
  try {
    const c = await admin("GET", "/clock");
    $("#clock-badge").textContent = `${c.mode === "virtual" ? "virtual " : ""}${c.time.slice(0, 19)}Z`;
  } catch (e) {
    if (e.status === 401 || e.status === 403) clearInterval(state.badgeTimer);
  }
}

window.addEventListener("hashchange", route);
setUpKeys();
refreshClockBadge();
state.badgeTimer = setInterval(refreshClockBadge, 5000);
route();
