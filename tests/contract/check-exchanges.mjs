// check-exchanges.mjs — validates the HTTP exchanges the integration suites recorded
// (tests/integration/exchange_log.c) against api/openapi.yaml: each response's status must be
// one the operation lists (an injected fault may fall to `default`), its named headers must
// match their schemas, its body its media type and schema; a request that succeeded must
// match the operation's parameters and request body. Every operation must have been
// exercised with at least one success, 2xx or 3xx (unless --no-coverage).
// Usage: node check-exchanges.mjs [--no-coverage] SPEC EXCHANGES.jsonl
import { readFileSync } from "node:fs";
import YAML from "yaml";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const args = process.argv.slice(2);
const coverage = !args.includes("--no-coverage"); // every operation must have a success
const [specPath, logPath] = args.filter((a) => !a.startsWith("--"));
if (!specPath || !logPath) {
  console.error("usage: check-exchanges.mjs [--no-coverage] api/openapi.yaml exchanges.jsonl");
  process.exit(2);
}
const spec = YAML.parse(readFileSync(specPath, "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
for (const f of ["int32", "int64", "double", "float"]) ajv.addFormat(f, true);
ajv.addSchema(spec, "spec");

const pointer = (ref) => ref.replace(/^#/, "").split("/").slice(1)
  .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
const deref = (node) => {
  while (node && node.$ref && !node.$ref.startsWith("spec")) {
    node = pointer(node.$ref).reduce((n, k) => n[k], spec);
  }
  return node;
};
const refPointer = (ref) => ref.replace(/^#/, "");
const escape = (s) => s.replace(/~/g, "~0").replace(/\//g, "~1");
const validators = new Map();
const validator = (ptr) => {
  if (!validators.has(ptr)) validators.set(ptr, ajv.compile({ $ref: `spec#${ptr}` }));
  return validators.get(ptr);
};

// Operations, most literal characters first so ".../{id}:increment" wins over ".../{id}".
const operations = [];
for (const [template, item] of Object.entries(spec.paths)) {
  const names = [];
  const re = new RegExp("^" + template.replace(/[.*+?^$()|[\]\\]/g, "\\$&")
    .replace(/\{([^}]+)\}/g, (_, n) => { names.push(n); return "([^/]+)"; }) + "$");
  const literal = template.replace(/\{[^}]+\}/g, "").length;
  for (const method of ["get", "put", "post", "patch", "delete"]) {
    if (!item[method]) continue;
    const op = item[method];
    operations.push({
      template, method, re, names, literal, op, id: op.operationId,
      ptr: `/paths/${escape(template)}/${method}`,
      params: [...(item.parameters || []), ...(op.parameters || [])].map(deref),
      successes: 0, responses: 0,
    });
  }
}
operations.sort((a, b) => b.literal - a.literal);

const problems = [];
const counts = { exchanges: 0, unrouted: 0, wrongMethod: 0, preflight: 0, checked: 0 };
const problem = (ex, op, what) => {
  if (problems.length < 200) {
    problems.push(`${ex.request.method} ${ex.request.url} -> ${ex.response.status}` +
      ` (${op ? op.id : "?"}): ${what}`);
  }
};

// The last header block of a raw response ("HTTP/1.1 200 OK\r\nName: v\r\n...").
function parseHeaders(raw) {
  const blocks = raw.split("\r\n\r\n").filter((b) => b.startsWith("HTTP/"));
  const headers = new Map();
  for (const line of (blocks.at(-1) || "").split("\r\n").slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return headers;
}

// A query/path/header string checked against a parameter or header schema.
function scalarOk(schema, text) {
  schema = deref(schema) || {};
  let value = text;
  const type = schema.type;
  if (type === "integer" || type === "number") {
    if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return false;
    value = Number(text);
    if (type === "integer" && !Number.isInteger(value)) return false;
  } else if (type === "boolean") {
    if (text !== "true" && text !== "false") return false;
    value = text === "true";
  }
  return ajv.validate(schema, value);
}

function checkRequest(ex, op, match, url) {
  for (const p of op.params) {
    let text;
    if (p.in === "path") {
      text = decodeURIComponent(match[op.names.indexOf(p.name) + 1]);
    } else if (p.in === "query") {
      const q = [...url.searchParams].find(([n]) => n.toLowerCase() === p.name.toLowerCase());
      text = q ? q[1] : undefined;
    } else if (p.in === "header") {
      const h = ex.request.headers.find((x) => x.toLowerCase().startsWith(p.name.toLowerCase() + ":"));
      text = h === undefined ? undefined : h.slice(p.name.length + 1).trim();
    } else continue;
    if (text === undefined) {
      if (p.required) problem(ex, op, `request lacks required ${p.in} parameter ${p.name}`);
      continue;
    }
    if (p.schema && !scalarOk(p.schema, text)) {
      problem(ex, op, `request ${p.in} parameter ${p.name}=${JSON.stringify(text)} does not match its schema`);
    }
  }
  for (const name of url.searchParams.keys()) {
    if (!op.params.some((p) => p.in === "query" && p.name.toLowerCase() === name.toLowerCase())) {
      problem(ex, op, `request sends query parameter ${name}, which the spec does not name`);
    }
  }
  const rb = deref(op.op.requestBody);
  const body = ex.request.body;
  if (!rb) {
    if (body) problem(ex, op, "request has a body; the operation takes none");
    return;
  }
  if (body === undefined || body === null) {
    if (rb.required && !ex.request.truncated) problem(ex, op, "request lacks the required body");
    return;
  }
  const mediaKey = Object.keys(rb.content || {})[0];
  const media = rb.content[mediaKey];
  if (media.schema && mediaKey.includes("json")) {
    let parsed;
    try { parsed = JSON.parse(body); } catch { problem(ex, op, "request body is not JSON"); return; }
    const at = op.op.requestBody.$ref ? refPointer(op.op.requestBody.$ref) : `${op.ptr}/requestBody`;
    const v = validator(`${at}/content/${escape(mediaKey)}/schema`);
    if (!v(parsed)) problem(ex, op, "request body: " + ajv.errorsText(v.errors));
  }
}

// Statuses the HTTP layer may answer before routing, on any operation (api/openapi.yaml's
// info.description says so), in the family's error body.
const CONNECTION_LEVEL = new Set([408, 413, 414, 431]);
const connectionLevel = (op) => {
  const name = op.template.startsWith("/datastores/v1/") ? "V1Error" : "Error";
  return [`../components/schemas/${name}`, { content: { "application/json": { schema: {} } } }, name];
};

function responseFor(op, status, injected) {
  const rs = op.op.responses;
  const key = String(status);
  if (rs[key]) return [key, deref(rs[key])];
  if (CONNECTION_LEVEL.has(status)) return connectionLevel(op);
  const range = `${key[0]}XX`;
  if (rs[range]) return [range, deref(rs[range])];
  if (injected && rs.default) return ["default", deref(rs.default)];
  return [null, null];
}

function checkResponse(ex, op) {
  const res = ex.response;
  const headers = parseHeaders(res.headers);
  const injected = headers.has("x-datastored-fault");
  const [key, r, schemaName] = responseFor(op, res.status, injected);
  if (!r) { problem(ex, op, `status ${res.status} is not among the operation's responses`); return; }
  const base = `${op.ptr}/responses/${key}`;
  for (const [name, h0] of Object.entries(r.headers || {})) {
    const h = deref(h0);
    const value = headers.get(name.toLowerCase());
    if (value === undefined) {
      if (h.required) problem(ex, op, `response lacks required header ${name}`);
    } else if (h.schema && !scalarOk(h.schema, value)) {
      problem(ex, op, `response header ${name}: ${JSON.stringify(value)} does not match its schema`);
    }
  }
  const body = res.body;
  const content = r.content || {};
  const types = Object.keys(content);
  if (ex.request.method === "HEAD" || res.status === 204 || res.status === 304) return;
  if (!types.length) {
    if (body) problem(ex, op, "response has a body; the spec describes none");
    return;
  }
  const ctype = (headers.get("content-type") || "").split(";")[0].trim().toLowerCase();
  const mediaKey = types.find((t) => t === ctype || (t.endsWith("/*") && ctype.startsWith(t.slice(0, -1))));
  if (!mediaKey) { problem(ex, op, `response Content-Type ${ctype || "(none)"} is not one of ${types.join(", ")}`); return; }
  const media = content[mediaKey];
  if (res.truncated || !media.schema) return;
  if (!ctype.includes("json")) return;
  let parsed;
  try { parsed = JSON.parse(body); } catch { problem(ex, op, "response body is not JSON"); return; }
  let v;
  if (schemaName) {
    v = validator(`/components/schemas/${schemaName}`);
  } else {
    const ptr = op.op.responses[key].$ref ? refPointer(op.op.responses[key].$ref) : base;
    v = validator(`${ptr}/content/${escape(mediaKey)}/schema`);
  }
  if (!v(parsed)) problem(ex, op, "response body: " + ajv.errorsText(v.errors) + ` — ${body.slice(0, 200)}`);
}

for (const line of readFileSync(logPath, "utf8").split("\n")) {
  if (!line) continue;
  const ex = JSON.parse(line);
  counts.exchanges++;
  const url = new URL(ex.request.url);
  const method = ex.request.method.toLowerCase();
  if (method === "options") { counts.preflight++; continue; }
  const candidates = operations.filter((o) => o.re.test(url.pathname));
  if (!candidates.length) { counts.unrouted++; continue; }
  const op = candidates.find((o) => o.method === method);
  if (!op) { counts.wrongMethod++; continue; }
  counts.checked++;
  op.responses++;
  const ok = ex.response.status >= 200 && ex.response.status < 400; // a redirect succeeds too
  if (ok) {
    op.successes++;
    checkRequest(ex, op, url.pathname.match(op.re), url);
  }
  checkResponse(ex, op);
}

const unexercised = coverage ? operations.filter((o) => !o.successes) : [];
for (const o of unexercised) {
  problems.push(`${o.method.toUpperCase()} ${o.template} (${o.id}): no successful exchange ` +
    `recorded (${o.responses} other)`);
}
console.log(`exchanges: ${counts.exchanges} (checked ${counts.checked}; not a spec route: ` +
  `${counts.unrouted}; method not allowed: ${counts.wrongMethod}; OPTIONS: ${counts.preflight}); ` +
  `operations: ${operations.length}, exercised: ${operations.length - unexercised.length}`);
if (problems.length) {
  console.log(problems.join("\n"));
  console.log(`FAIL: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log("every recorded exchange matches api/openapi.yaml");
